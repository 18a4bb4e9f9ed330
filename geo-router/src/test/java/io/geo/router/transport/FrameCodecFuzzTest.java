package io.geo.router.transport;

import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.regionlog.LogMessage;
import io.geo.epaxos.messages.Prepare;
import io.geo.router.transport.FrameCodec.DropReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.geo.router.transport.TransportTestSupport.SECRET;
import static io.geo.router.transport.TransportTestSupport.assertMessageEquals;
import static io.geo.router.transport.TransportTestSupport.everyMessageType;
import static io.geo.router.transport.TransportTestSupport.messageEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The receiving side of {@link FrameCodec} against hostile input, without Aeron: intact frames decode to equal
 * messages; random, mutated, truncated, extended, foreign and forged frames are dropped and counted by reason, and
 * nothing ever throws. The seed is printed in every failure; {@code -Dseed=N} replays one.
 */
@Timeout(60)
class FrameCodecFuzzTest
{
    private static final long CLUSTER_ID = 77;
    private static final int NODES = 4;
    private static final int RECEIVER = 1;
    private static final int ROUNDS = 5_000;

    private final long seed = Long.getLong("seed", System.nanoTime());
    private final Random random = new Random(seed);
    private final FrameCodec receiver = new FrameCodec(CLUSTER_ID, RECEIVER, NODES, SECRET);
    private final FrameCodec[] senders = new FrameCodec[NODES];
    private long expectedDrops;

    FrameCodecFuzzTest()
    {
        for (int node = 0; node < NODES; node++)
        {
            senders[node] = new FrameCodec(CLUSTER_ID, node, NODES, SECRET);
        }
    }

    @Test
    void shouldDeliverIntactFramesAndDropEveryMutation() throws Exception
    {
        for (int round = 0; round < ROUNDS; round++)
        {
            final int from = pickSender();
            final List<Message> messages = everyMessageType(from);
            final Message message = messages.get(random.nextInt(messages.size()));
            final byte[] frame = encode(senders[from], RECEIVER, message);

            final Message intact = decode(frame, frame.length);
            assertNotNull(intact, context("intact frame dropped"));
            assertMessageEquals(message, intact, context("intact frame"));
            assertEquals(from, receiver.lastSender(), context("sender"));

            final byte[] mutated = frame.clone();
            final int flips = 1 + random.nextInt(8);
            for (int i = 0; i < flips; i++)
            {
                final int bit = random.nextInt(mutated.length * 8);
                mutated[bit / 8] ^= (byte)(1 << (bit % 8));
            }
            expectDroppedUnlessIdentical(frame, mutated, mutated.length, message);

            final int truncatedLength = random.nextInt(frame.length);
            expectDroppedUnlessIdentical(frame, frame, truncatedLength, message);

            final byte[] extended = Arrays.copyOf(frame, frame.length + 1 + random.nextInt(16));
            expectDroppedUnlessIdentical(frame, extended, extended.length, message);

            final byte[] noise = new byte[random.nextInt(256)];
            random.nextBytes(noise);
            expectDrop(noise, noise.length, null);

            // Random bytes behind a plausible header: only the MAC stands in the way.
            final byte[] forged = frame.clone();
            for (int i = FrameCodec.MAC_OFFSET; i < forged.length; i++)
            {
                forged[i] = (byte)random.nextInt();
            }
            expectDroppedUnlessIdentical(frame, forged, forged.length, message);
        }
        assertEquals(expectedDrops, receiver.dropCountTotal(), context("every drop counted"));
        assertTrue(receiver.dropCount(DropReason.BAD_MAC) > 0, context("bad MACs seen"));
    }

    @Test
    void shouldDropForeignFramesByReason() throws Exception
    {
        final Message message = new Prepare(3, 4);

        expectDrop(encode(new FrameCodec(CLUSTER_ID, 0, NODES, "another-cluster-secret-0123456789"
            .getBytes(StandardCharsets.US_ASCII)), RECEIVER, message), -1, DropReason.BAD_MAC);
        expectDrop(encode(new FrameCodec(CLUSTER_ID + 1, 0, NODES, SECRET), RECEIVER, message), -1,
            DropReason.WRONG_CLUSTER);
        expectDrop(encode(new FrameCodec(CLUSTER_ID, NODES, NODES + 2, SECRET), RECEIVER, message), -1,
            DropReason.UNKNOWN_SENDER);
        expectDrop(encode(new FrameCodec(CLUSTER_ID, RECEIVER, NODES, SECRET), RECEIVER, message), -1,
            DropReason.FROM_SELF);
        expectDrop(encode(senders[0], 2, message), -1, DropReason.WRONG_RECEIVER);
        expectDrop(new byte[FrameCodec.HEADER_LENGTH - 1], -1, DropReason.TOO_SHORT);
        expectDrop(new byte[0], -1, DropReason.TOO_SHORT);

        final byte[] negativeSender = encode(senders[0], RECEIVER, message);
        new UnsafeBuffer(negativeSender).putInt(FrameCodec.SENDER_OFFSET, -1);
        expectDrop(negativeSender, -1, DropReason.UNKNOWN_SENDER);

        // Authentic frames (MAC made with the secret) whose payload is garbage or names another sender.
        final byte[] garbage = new byte[64];
        random.nextBytes(garbage);
        expectDrop(forge(0, garbage), -1, DropReason.UNDECODABLE);
        final byte[] otherSender = new byte[MessageCodec.MAX_MESSAGE_BYTES];
        final int payloadLength = new MessageCodec().encode(2, message, new UnsafeBuffer(otherSender), 0);
        expectDrop(forge(0, Arrays.copyOf(otherSender, payloadLength)), -1, DropReason.SENDER_MISMATCH);
        assertNotNull(decode(forge(2, Arrays.copyOf(otherSender, payloadLength)), -1), "a correct forge decodes");

        // A region log message reaching a node of a flat cluster.
        final FrameCodec grouped = new FrameCodec(CLUSTER_ID, 0, new int[] {0, 1, 2, 3}, SECRET);
        final int logLength = grouped.encode(RECEIVER, new LogMessage.Heartbeat(2, 9));
        final byte[] logFrame = new byte[logLength];
        grouped.encodedBuffer().getBytes(0, logFrame);
        expectDrop(logFrame, -1, DropReason.WRONG_REGION);

        final UnsafeBuffer small = new UnsafeBuffer(new byte[64]);
        assertNull(receiver.decode(small, 40, 64), "range beyond the buffer");
        assertNull(receiver.decode(small, -8, 40), "negative offset");
        assertNull(receiver.decode(null, 0, 40), "no buffer");
        assertNull(receiver.decode(small, 0, Integer.MAX_VALUE), "huge length");
        assertNull(receiver.decode(small, 0, Integer.MIN_VALUE), "negative length");
        assertEquals(expectedDrops + 5, receiver.dropCountTotal(), context("every drop counted once"));
        for (final DropReason reason : DropReason.values())
        {
            assertTrue(receiver.dropCount(reason) > 0, context("reason counted: " + reason));
        }
    }

    @Test
    void shouldCarryRegionLogMessagesWithinARegionAndEpaxosMessagesBetweenRegions() throws Exception
    {
        final int[] regionOf = {0, 0, 0, 1, 1, 1, 2, 2, 2};
        final FrameCodec[] codecs = new FrameCodec[regionOf.length];
        for (int node = 0; node < regionOf.length; node++)
        {
            codecs[node] = new FrameCodec(CLUSTER_ID, node, regionOf, SECRET);
        }
        final LogMessage heartbeat = new LogMessage.Heartbeat(3, 17);
        final Message prepare = new Prepare(3, 4);

        // node 5 (index 2 of region 1) to node 4 (index 1 of region 1): a log message, sender named by index
        assertEquals(FrameCodec.LOG_MESSAGE, deliver(codecs[5], codecs[4], heartbeat));
        assertEquals(heartbeat, codecs[4].logMessage());
        assertEquals(5, codecs[4].lastSender());
        assertEquals(2, codecs[4].indexInRegion(codecs[4].lastSender()));
        // node 1 (region 0) to node 4 (region 1): an EPaxos message of replica 0
        assertEquals(FrameCodec.REPLICA_MESSAGE, deliver(codecs[1], codecs[4], prepare));
        assertTrue(messageEquals(prepare, codecs[4].message()), context("EPaxos message between regions"));
        assertEquals(0, codecs[4].replicaOf(codecs[4].lastSender()));
        // the wrong way round: a log message to another region, an EPaxos message inside a region
        assertEquals(FrameCodec.DROPPED, deliver(codecs[1], codecs[4], heartbeat));
        assertEquals(FrameCodec.DROPPED, deliver(codecs[3], codecs[4], prepare));
        assertEquals(2, codecs[4].dropCount(DropReason.WRONG_REGION));
        // a flat codec cannot encode log messages
        assertThrows(io.geo.epaxos.codec.CodecException.class, () -> receiver.encode(0, heartbeat));
    }

    private static int deliver(final FrameCodec from, final FrameCodec to, final Object message) throws Exception
    {
        final int length = message instanceof LogMessage log ?
            from.encode(to.selfNode(), log) : from.encode(to.selfNode(), (Message)message);
        final byte[] frame = new byte[length];
        from.encodedBuffer().getBytes(0, frame);
        return to.decodeFrame(new UnsafeBuffer(frame), 0, length);
    }

    @Test
    void shouldRejectAShortSecret()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new FrameCodec(1, 0, 3, new byte[15]));
        assertTrue(ex.getMessage().contains("at least 16 bytes"), ex.getMessage());
    }

    private int pickSender()
    {
        int from;
        do
        {
            from = random.nextInt(NODES);
        }
        while (from == RECEIVER);
        return from;
    }

    private static byte[] encode(final FrameCodec codec, final int toNode, final Message message) throws Exception
    {
        final int length = codec.encode(toNode, message);
        final byte[] frame = new byte[length];
        codec.encodedBuffer().getBytes(0, frame);
        return frame;
    }

    /** A frame from {@code sender} to RECEIVER with a correct MAC over an arbitrary payload. */
    private static byte[] forge(final int sender, final byte[] payload) throws Exception
    {
        final byte[] frame = new byte[FrameCodec.HEADER_LENGTH + payload.length];
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        buffer.putLong(FrameCodec.CLUSTER_ID_OFFSET, CLUSTER_ID);
        buffer.putInt(FrameCodec.SENDER_OFFSET, sender);
        buffer.putInt(FrameCodec.RECEIVER_OFFSET, RECEIVER);
        System.arraycopy(payload, 0, frame, FrameCodec.HEADER_LENGTH, payload.length);
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        mac.update(frame, 0, FrameCodec.MAC_OFFSET);
        mac.update(payload);
        System.arraycopy(mac.doFinal(), 0, frame, FrameCodec.MAC_OFFSET, FrameCodec.MAC_LENGTH);
        return frame;
    }

    /** Decodes {@code length} bytes (all if negative) placed at an odd offset of a larger buffer. */
    private Message decode(final byte[] frame, final int length)
    {
        final int frameLength = length < 0 ? frame.length : length;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[frameLength + 13]);
        buffer.putBytes(5, frame, 0, frameLength);
        try
        {
            return receiver.decode(buffer, 5, frameLength);
        }
        catch (final RuntimeException ex)
        {
            throw new AssertionError(context("decode threw"), ex);
        }
    }

    private void expectDroppedUnlessIdentical(
        final byte[] original, final byte[] candidate, final int length, final Message message)
    {
        if (length == original.length && Arrays.equals(original, 0, length, candidate, 0, length))
        {
            final Message decoded = decode(candidate, length);
            assertNotNull(decoded, context("unchanged frame"));
            assertTrue(messageEquals(message, decoded), context("unchanged frame"));
            return;
        }
        expectDrop(candidate, length, null);
    }

    private void expectDrop(final byte[] frame, final int length, final DropReason reason)
    {
        final long before = null == reason ? 0 : receiver.dropCount(reason);
        final long totalBefore = receiver.dropCountTotal();
        final Message decoded = decode(frame, length);
        if (null != decoded)
        {
            fail(context("delivered a damaged or foreign frame: " + decoded));
        }
        expectedDrops++;
        assertEquals(totalBefore + 1, receiver.dropCountTotal(), context("one drop counted"));
        if (null != reason)
        {
            assertEquals(before + 1, receiver.dropCount(reason), context("dropped as " + reason));
        }
    }

    private String context(final String what)
    {
        return what + " (seed " + seed + ", replay with -Dseed=" + seed + ")";
    }
}
