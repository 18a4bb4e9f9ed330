package io.geo.router.transport;

import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.hydra.RegionLayout;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.regionlog.LogMessage;
import io.geo.epaxos.regionlog.LogMessageCodec;
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
 *
 * <p>With region groups ({@link #EmulatedWan(WanProfile, long, int, int[], long)}) several nodes share a region:
 * messages between regions take the WAN delay of the pair, messages inside a region (the region log's) a fixed LAN
 * delay, in order.
 */
public final class EmulatedWan
{
    private static final byte REPLICA = 1;
    private static final byte LOG = 2;
    /** Frame header: kind, sender node, receiver node. */
    private static final int HEADER = 9;

    private final RealTimeWan<byte[]> wan;
    private final RegionLayout layout;
    private final long lanOneWayNs;
    private final MessageCodec codec = new MessageCodec();
    private final LogMessageCodec logCodec = new LogMessageCodec();
    private final UnsafeBuffer encodeBuffer = new UnsafeBuffer(new byte[MessageCodec.MAX_MESSAGE_BYTES + HEADER]);
    private final UnsafeBuffer decodeBuffer = new UnsafeBuffer(new byte[0]);
    private final List<ArrayDeque<Object[]>> inboxes = new ArrayList<>();
    /** Frames inside a region, in send order (one delay for all, so also in due order): {dueNs, frame}. */
    private final ArrayDeque<Object[]> lan = new ArrayDeque<>();
    private long messagesSent;
    private long bytesSent;
    private long lanMessagesSent;
    private long codecErrors;

    /** One node per region of {@code profile}; {@code capacity} bounds the messages in flight. */
    public EmulatedWan(final WanProfile profile, final long seed, final int capacity)
    {
        this(profile, seed, capacity, null, 0);
    }

    /**
     * Region groups: node i in region {@code regionOfNode[i]} of {@code profile}; messages inside a region take
     * {@code lanOneWayNs}.
     */
    public EmulatedWan(
        final WanProfile profile, final long seed, final int capacity, final int[] regionOfNode, final long lanOneWayNs)
    {
        this.wan = new RealTimeWan<>(profile, seed, capacity);
        this.layout = new RegionLayout(null == regionOfNode ?
            java.util.stream.IntStream.range(0, profile.regionCount()).toArray() : regionOfNode);
        for (int node = 0; node < layout.nodeCount(); node++)
        {
            inboxes.add(new ArrayDeque<>());
        }
        this.lanOneWayNs = lanOneWayNs;
    }

    /** Delivers every message due by {@code nowNs} into its destination's inbox; returns how many. */
    public int pump(final long nowNs)
    {
        int delivered = wan.poll(nowNs, (from, to, frame, dueNs) -> deliver(frame));
        while (!lan.isEmpty() && (long)lan.peekFirst()[0] <= nowNs)
        {
            deliver((byte[])lan.pollFirst()[1]);
            delivered++;
        }
        return delivered;
    }

    private void deliver(final byte[] frame)
    {
        try
        {
            decodeBuffer.wrap(frame);
            final int from = decodeBuffer.getInt(1);
            final int to = decodeBuffer.getInt(5);
            if (frame[0] == LOG)
            {
                final LogMessageCodec.Decoded decoded = logCodec.decode(decodeBuffer, HEADER, frame.length - HEADER);
                inboxes.get(to).add(new Object[] {from, decoded.message()});
            }
            else
            {
                final MessageCodec.Decoded decoded = codec.decode(decodeBuffer, HEADER, frame.length - HEADER);
                inboxes.get(to).add(new Object[] {from, decoded.message()});
            }
        }
        catch (final CodecException ex)
        {
            codecErrors++;
        }
    }

    /** When the next message falls due ({@code Long.MAX_VALUE} if none in flight). */
    public long nextDeadlineNs()
    {
        return lan.isEmpty() ? wan.nextDeadlineNs() : Math.min(wan.nextDeadlineNs(), (long)lan.peekFirst()[0]);
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
                    final int length = codec.encode(layout.regionOf(node), message, encodeBuffer, HEADER);
                    return send(REPLICA, toNode, length);
                }
                catch (final CodecException ex)
                {
                    codecErrors++;
                    return false;
                }
            }

            @Override
            public boolean send(final int toNode, final LogMessage message)
            {
                try
                {
                    if (LogMessageCodec.encodedLength(message) > encodeBuffer.capacity() - HEADER)
                    {
                        codecErrors++;
                        return false;
                    }
                    final int length = logCodec.encode(layout.indexInRegion(node), message, encodeBuffer, HEADER);
                    return send(LOG, toNode, length);
                }
                catch (final CodecException ex)
                {
                    codecErrors++;
                    return false;
                }
            }

            private boolean send(final byte kind, final int toNode, final int length)
            {
                encodeBuffer.putByte(0, kind);
                encodeBuffer.putInt(1, node);
                encodeBuffer.putInt(5, toNode);
                final byte[] frame = new byte[HEADER + length];
                encodeBuffer.getBytes(0, frame);
                if (layout.regionOf(node) == layout.regionOf(toNode))
                {
                    lanMessagesSent++;
                    lan.addLast(new Object[] {System.nanoTime() + lanOneWayNs, frame});
                    return true;
                }
                messagesSent++;
                bytesSent += frame.length;
                return wan.send(layout.regionOf(node), layout.regionOf(toNode), frame);
            }

            @Override
            public int poll(final Handler handler, final int limit)
            {
                final ArrayDeque<Object[]> inbox = inboxes.get(node);
                int count = 0;
                while (count < limit && !inbox.isEmpty())
                {
                    final Object[] entry = inbox.poll();
                    if (entry[1] instanceof LogMessage log)
                    {
                        handler.onLogMessage((Integer)entry[0], log);
                    }
                    else
                    {
                        handler.onMessage((Integer)entry[0], (Message)entry[1]);
                    }
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

    /** Messages sent inside a region (region groups). */
    public long lanMessagesSent()
    {
        return lanMessagesSent;
    }

    /** Messages sent between regions. */
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
