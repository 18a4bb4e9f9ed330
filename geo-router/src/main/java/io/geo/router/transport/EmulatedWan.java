package io.geo.router.transport;

import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.messages.Message;
import io.geo.wan.RealTimeWan;
import io.geo.wan.WanProfile;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Nodes of one JVM connected through the real-time WAN emulator: each message is SBE-encoded, held for its region
 * pair's sampled delay, then decoded into the destination's inbox. {@link #pump} moves due messages into inboxes;
 * each node's {@link PeerTransport} drains its own. Single-threaded (one duty-cycle thread drives every node).
 */
public final class EmulatedWan
{
    private final RealTimeWan<byte[]> wan;
    private final MessageCodec codec = new MessageCodec();
    private final UnsafeBuffer encodeBuffer = new UnsafeBuffer(new byte[MessageCodec.MAX_MESSAGE_BYTES]);
    private final UnsafeBuffer decodeBuffer = new UnsafeBuffer(new byte[0]);
    private final List<ArrayDeque<Object[]>> inboxes = new ArrayList<>();
    private long messagesSent;
    private long bytesSent;
    private long codecErrors;

    /** One node per region of {@code profile}; {@code capacity} bounds the messages in flight. */
    public EmulatedWan(final WanProfile profile, final long seed, final int capacity)
    {
        this.wan = new RealTimeWan<>(profile, seed, capacity);
        for (int i = 0; i < profile.regionCount(); i++)
        {
            inboxes.add(new ArrayDeque<>());
        }
    }

    /** Delivers every message due by {@code nowNs} into its destination's inbox; returns how many. */
    public int pump(final long nowNs)
    {
        return wan.poll(nowNs, (from, to, frame, dueNs) ->
        {
            try
            {
                decodeBuffer.wrap(frame);
                final MessageCodec.Decoded decoded = codec.decode(decodeBuffer, 0, frame.length);
                inboxes.get(to).add(new Object[] {decoded.fromReplica(), decoded.message()});
            }
            catch (final CodecException ex)
            {
                codecErrors++;
            }
        });
    }

    /** When the next message falls due ({@code Long.MAX_VALUE} if none in flight). */
    public long nextDeadlineNs()
    {
        return wan.nextDeadlineNs();
    }

    /** The transport of node {@code node}. */
    public PeerTransport transport(final int node)
    {
        return new PeerTransport()
        {
            @Override
            public boolean send(final int toNode, final Message message)
            {
                try
                {
                    final int length = codec.encode(node, message, encodeBuffer, 0);
                    final byte[] frame = new byte[length];
                    encodeBuffer.getBytes(0, frame);
                    messagesSent++;
                    bytesSent += length;
                    return wan.send(node, toNode, frame);
                }
                catch (final CodecException ex)
                {
                    codecErrors++;
                    return false;
                }
            }

            @Override
            public int poll(final Handler handler, final int limit)
            {
                final ArrayDeque<Object[]> inbox = inboxes.get(node);
                int count = 0;
                while (count < limit && !inbox.isEmpty())
                {
                    final Object[] entry = inbox.poll();
                    handler.onMessage((Integer)entry[0], (Message)entry[1]);
                    count++;
                }
                return count;
            }

            @Override
            public void close()
            {
            }
        };
    }

    /** The emulator, for fault control (cut, heal, setLink) and its counters. */
    public RealTimeWan<byte[]> wan()
    {
        return wan;
    }

    public long messagesSent()
    {
        return messagesSent;
    }

    public long bytesSent()
    {
        return bytesSent;
    }

    public long codecErrors()
    {
        return codecErrors;
    }
}
