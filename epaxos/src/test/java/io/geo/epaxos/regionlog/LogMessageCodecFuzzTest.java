package io.geo.epaxos.regionlog;

import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.regionlog.sbe.AcceptDecoder;
import io.geo.epaxos.regionlog.sbe.AcceptedDecoder;
import io.geo.epaxos.regionlog.sbe.CatchUpReplyDecoder;
import io.geo.epaxos.regionlog.sbe.CatchUpRequestDecoder;
import io.geo.epaxos.regionlog.sbe.CommitDecoder;
import io.geo.epaxos.regionlog.sbe.GrantDecoder;
import io.geo.epaxos.regionlog.sbe.GrantRequestDecoder;
import io.geo.epaxos.regionlog.sbe.HeartbeatDecoder;
import io.geo.epaxos.regionlog.sbe.MessageHeaderEncoder;
import io.geo.epaxos.regionlog.sbe.NackDecoder;
import io.geo.epaxos.regionlog.sbe.PrepareDecoder;
import io.geo.epaxos.regionlog.sbe.PromiseDecoder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

import static io.geo.epaxos.regionlog.LogMessageAssertions.assertSameBytes;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Feeds 40,000 random and mutated frames to the decoder: each must decode or fail with a CodecException raised by an
 * explicit check (no cause: generated code never got to fail), allocate no more than a small multiple of the frame's
 * length (counts and lengths are checked against the frame before anything is allocated), and whatever decodes must
 * re-encode to the same bytes. A failure names the seed and the iteration; replay with {@code -Dseed=N}.
 */
class LogMessageCodecFuzzTest
{
    private static final long SEED = LogMessageCodecRandomTest.SEED;
    private static final int ITERATIONS = 20_000;
    /** Decoded objects per frame byte (an entry is 16 bytes on the wire, about 56 on the heap)... */
    private static final long ALLOCATED_BYTES_PER_FRAME_BYTE = 8;
    /** ...plus the exception and its message. A count not checked against the frame costs 256 KiB and more. */
    private static final long ALLOCATED_BYTES_SLACK = 16 * 1024;
    private static final int[] BLOCK_LENGTHS = {
        0,
        PrepareDecoder.BLOCK_LENGTH,
        PromiseDecoder.BLOCK_LENGTH,
        NackDecoder.BLOCK_LENGTH,
        AcceptDecoder.BLOCK_LENGTH,
        AcceptedDecoder.BLOCK_LENGTH,
        CommitDecoder.BLOCK_LENGTH,
        HeartbeatDecoder.BLOCK_LENGTH,
        GrantRequestDecoder.BLOCK_LENGTH,
        GrantDecoder.BLOCK_LENGTH,
        CatchUpRequestDecoder.BLOCK_LENGTH,
        CatchUpReplyDecoder.BLOCK_LENGTH,
        io.geo.epaxos.regionlog.sbe.ForwardDecoder.BLOCK_LENGTH,
        io.geo.epaxos.regionlog.sbe.SnapshotRequestDecoder.BLOCK_LENGTH,
        io.geo.epaxos.regionlog.sbe.SnapshotChunkDecoder.BLOCK_LENGTH,
    };
    private static final int[] INTERESTING_INTS = {
        0, 1, 2, 4, 8, 12, 16, 28, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF, LogMessageCodec.MAX_ENTRIES + 1,
        LogMessageCodec.MAX_PAYLOAD_BYTES, LogMessageCodec.MAX_PAYLOAD_BYTES + 1, Integer.MAX_VALUE, Integer.MIN_VALUE,
        -1, -2,
    };
    private static final long[] INTERESTING_LONGS = {
        0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE - LogMessageCodec.MAX_ENTRIES,
    };

    private final LogMessageCodec codec = new LogMessageCodec();
    private final ExpandableArrayBuffer reencoded = new ExpandableArrayBuffer(1024);
    private final com.sun.management.ThreadMXBean threads = allocationCounter();
    private int decodedCount;
    private int rejectedCount;

    @Test
    void shouldDecodeOrRejectRandomFrames()
    {
        final Random random = new Random(SEED);
        for (int i = 0; i < ITERATIONS; i++)
        {
            final int length = random.nextInt(8) == 0 ? random.nextInt(4096) : random.nextInt(128);
            final byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            final UnsafeBuffer frame = new UnsafeBuffer(bytes);
            if (length >= MessageHeaderEncoder.ENCODED_LENGTH && random.nextInt(4) != 0)
            {
                // A plausible header gets the frame past the first checks into the message bodies.
                final int templateId = random.nextInt(BLOCK_LENGTHS.length + 1);
                new MessageHeaderEncoder()
                    .wrap(frame, 0)
                    .blockLength(random.nextInt(4) == 0 || templateId >= BLOCK_LENGTHS.length ?
                        random.nextInt(64) : BLOCK_LENGTHS[templateId])
                    .templateId(templateId)
                    .schemaId(MessageHeaderEncoder.SCHEMA_ID)
                    .version(MessageHeaderEncoder.SCHEMA_VERSION);
                if (length >= 10 && random.nextBoolean())
                {
                    frame.putShort(8, (short)random.nextInt(8)); // a plausible fromNode
                }
            }
            decodeOrReject(frame, 0, length, "seed=" + SEED + " random frame " + i);
        }
        assertTrue(rejectedCount > ITERATIONS / 2, "rejected " + rejectedCount);
    }

    @Test
    void shouldDecodeOrRejectMutatedFrames() throws CodecException
    {
        final RandomLogMessages messages = new RandomLogMessages(SEED);
        final Random random = messages.random();
        final ExpandableArrayBuffer encoded = new ExpandableArrayBuffer(1024);
        for (int i = 0; i < ITERATIONS; i++)
        {
            LogMessage message = messages.message();
            while (LogMessageCodec.encodedLength(message) > 16 * 1024)
            {
                message = messages.message();
            }
            final int length = codec.encode(messages.node(), message, encoded, 0);
            byte[] bytes = new byte[length];
            encoded.getBytes(0, bytes);

            final int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++)
            {
                bytes = mutate(random, bytes);
            }

            // The frame sits in the middle of garbage: the decoder must keep within offset and length.
            final int offset = random.nextInt(16);
            final byte[] surrounded = new byte[offset + bytes.length + random.nextInt(64)];
            random.nextBytes(surrounded);
            System.arraycopy(bytes, 0, surrounded, offset, bytes.length);
            decodeOrReject(new UnsafeBuffer(surrounded), offset, bytes.length, "seed=" + SEED + " mutation " + i);
        }
        assertTrue(decodedCount > ITERATIONS / 20, "decoded " + decodedCount);
        assertTrue(rejectedCount > ITERATIONS / 4, "rejected " + rejectedCount);
    }

    private void decodeOrReject(final UnsafeBuffer buffer, final int offset, final int length, final String context)
    {
        final LogMessageCodec.Decoded decoded;
        try
        {
            decoded = codec.decode(buffer, offset, length);
        }
        catch (final CodecException ex)
        {
            rejectedCount++;
            if (ex.getCause() != null)
            {
                throw new AssertionError(context + ": rejected by generated code, not an explicit check: " +
                    hex(buffer, offset, length), ex);
            }
            checkAllocation(buffer, offset, length, context);
            return;
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(context + ": decode threw " + ex + " for " + hex(buffer, offset, length), ex);
        }

        decodedCount++;
        try
        {
            final int reencodedLength = codec.encode(decoded.fromNode(), decoded.message(), reencoded, 0);
            if (reencodedLength != length)
            {
                fail(context + ": decoded " + length + " bytes, re-encoded " + reencodedLength + ": " +
                    hex(buffer, offset, length));
            }
            assertSameBytes(buffer, offset, reencoded, 0, length, context);
        }
        catch (final CodecException ex)
        {
            throw new AssertionError(context + ": a decoded message does not encode: " + decoded, ex);
        }
        checkAllocation(buffer, offset, length, context);
    }

    /**
     * Decodes the frame again and measures what that allocates. The second decode of a frame is the one measured:
     * the first may load classes and link string concatenations of error messages, once per JVM.
     */
    private void checkAllocation(final UnsafeBuffer buffer, final int offset, final int length, final String context)
    {
        if (threads == null)
        {
            return;
        }
        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        try
        {
            codec.decode(buffer, offset, length);
        }
        catch (final CodecException ex)
        {
            // rejected again, as the first time
        }
        final long allocatedBytes = threads.getThreadAllocatedBytes(threadId) - before;
        if (allocatedBytes > ALLOCATED_BYTES_SLACK + ALLOCATED_BYTES_PER_FRAME_BYTE * length)
        {
            fail(context + ": decoding a " + length + " byte frame allocated " + allocatedBytes + " bytes: " +
                hex(buffer, offset, length));
        }
    }

    private static byte[] mutate(final Random random, final byte[] bytes)
    {
        if (bytes.length == 0)
        {
            return new byte[]{ (byte)random.nextInt() };
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int position = random.nextInt(bytes.length);
        switch (random.nextInt(10))
        {
            case 0:
                bytes[position] ^= (byte)(1 << random.nextInt(8));
                return bytes;
            case 1:
                bytes[position] = (byte)interesting(random);
                return bytes;
            case 2:
                if (position + 2 <= bytes.length)
                {
                    buffer.putShort(position, (short)interesting(random));
                }
                return bytes;
            case 3:
            case 4:
                if (position + 4 <= bytes.length)
                {
                    buffer.putInt(position, interesting(random));
                }
                return bytes;
            case 5:
                if (position + 8 <= bytes.length)
                {
                    buffer.putLong(position, random.nextBoolean() ?
                        INTERESTING_LONGS[random.nextInt(INTERESTING_LONGS.length)] : random.nextLong());
                }
                return bytes;
            case 6:
                return Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case 7:
            {
                final byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(16));
                for (int i = bytes.length; i < longer.length; i++)
                {
                    longer[i] = (byte)random.nextInt();
                }
                return longer;
            }
            case 8:
            {
                final int removed = 1 + random.nextInt(Math.min(16, bytes.length - position));
                final byte[] shorter = new byte[bytes.length - removed];
                System.arraycopy(bytes, 0, shorter, 0, position);
                System.arraycopy(bytes, position + removed, shorter, position, bytes.length - position - removed);
                return shorter;
            }
            default:
            {
                final int inserted = 1 + random.nextInt(16);
                final byte[] longer = new byte[bytes.length + inserted];
                System.arraycopy(bytes, 0, longer, 0, position);
                for (int i = 0; i < inserted; i++)
                {
                    longer[position + i] = bytes[(position + i) % bytes.length];
                }
                System.arraycopy(bytes, position, longer, position + inserted, bytes.length - position);
                return longer;
            }
        }
    }

    private static int interesting(final Random random)
    {
        return random.nextBoolean() ? INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)] : random.nextInt();
    }

    private static String hex(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final StringBuilder sb = new StringBuilder(length * 2);
        for (int i = 0; i < Math.min(length, 512); i++)
        {
            sb.append(String.format("%02x", buffer.getByte(offset + i)));
        }
        return sb.append(length > 512 ? "..." : "").toString();
    }

    /** The JVM's per-thread allocation counter, or null where it is not available (the bound is then not checked). */
    private static com.sun.management.ThreadMXBean allocationCounter()
    {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads &&
            threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled())
        {
            return threads;
        }
        return null;
    }
}
