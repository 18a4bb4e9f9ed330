package io.geo.epaxos.codec;

import io.geo.epaxos.codec.sbe.AcceptDecoder;
import io.geo.epaxos.codec.sbe.AcceptReplyDecoder;
import io.geo.epaxos.codec.sbe.CommitDecoder;
import io.geo.epaxos.codec.sbe.ExecutedWatermarksDecoder;
import io.geo.epaxos.codec.sbe.MessageHeaderEncoder;
import io.geo.epaxos.codec.sbe.PreAcceptDecoder;
import io.geo.epaxos.codec.sbe.PreAcceptReplyDecoder;
import io.geo.epaxos.codec.sbe.PrepareDecoder;
import io.geo.epaxos.codec.sbe.PrepareReplyDecoder;
import io.geo.epaxos.messages.Message;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static io.geo.epaxos.codec.MessageAssertions.assertSameBytes;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Feeds random and mutated frames to the decoder: each must decode or fail with a CodecException raised by an
 * explicit check (no cause: generated code never got to fail), and whatever decodes must re-encode to the same bytes.
 * A failure names the seed and the iteration; replay with {@code -Dseed=N}.
 */
class MessageCodecFuzzTest
{
    private static final long SEED = MessageCodecRandomTest.SEED;
    private static final int ITERATIONS = 20_000;
    private static final int[] BLOCK_LENGTHS = {
        0,
        PreAcceptDecoder.BLOCK_LENGTH,
        PreAcceptReplyDecoder.BLOCK_LENGTH,
        AcceptDecoder.BLOCK_LENGTH,
        AcceptReplyDecoder.BLOCK_LENGTH,
        CommitDecoder.BLOCK_LENGTH,
        PrepareDecoder.BLOCK_LENGTH,
        PrepareReplyDecoder.BLOCK_LENGTH,
        ExecutedWatermarksDecoder.BLOCK_LENGTH,
    };
    private static final int[] INTERESTING_INTS = {
        0, 1, 2, 4, 8, 11, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF, MessageCodec.MAX_OPS + 1,
        MessageCodec.MAX_KEY_BYTES + 1, MessageCodec.MAX_VALUE_BYTES + 1, Integer.MAX_VALUE, Integer.MIN_VALUE, -1,
    };

    private final MessageCodec codec = new MessageCodec();
    private final ExpandableArrayBuffer reencoded = new ExpandableArrayBuffer(1024);
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
                final int templateId = random.nextInt(10);
                new MessageHeaderEncoder()
                    .wrap(frame, 0)
                    .blockLength(random.nextInt(4) == 0 || templateId >= BLOCK_LENGTHS.length ?
                        random.nextInt(64) : BLOCK_LENGTHS[templateId])
                    .templateId(templateId)
                    .schemaId(MessageHeaderEncoder.SCHEMA_ID)
                    .version(MessageHeaderEncoder.SCHEMA_VERSION);
                if (length >= 10 && random.nextBoolean())
                {
                    frame.putShort(8, (short)random.nextInt(8));
                }
            }
            decodeOrReject(frame, 0, length, "seed=" + SEED + " random frame " + i);
        }
        assertTrue(rejectedCount > ITERATIONS / 2, "rejected " + rejectedCount);
    }

    @Test
    void shouldDecodeOrRejectMutatedFrames() throws CodecException
    {
        final RandomMessages messages = new RandomMessages(SEED);
        final Random random = messages.random();
        final ExpandableArrayBuffer encoded = new ExpandableArrayBuffer(1024);
        for (int i = 0; i < ITERATIONS; i++)
        {
            Message message = messages.message();
            while (MessageCodec.encodedLength(message) > 16 * 1024)
            {
                message = messages.message();
            }
            final int length = codec.encode(messages.replica(), message, encoded, 0);
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
        assertTrue(decodedCount > 0, "no mutated frame decoded");
        assertTrue(rejectedCount > ITERATIONS / 4, "rejected " + rejectedCount);
    }

    private void decodeOrReject(final UnsafeBuffer buffer, final int offset, final int length, final String context)
    {
        final MessageCodec.Decoded decoded;
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
            return;
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(context + ": decode threw " + ex + " for " + hex(buffer, offset, length), ex);
        }

        decodedCount++;
        try
        {
            final int reencodedLength = codec.encode(decoded.fromReplica(), decoded.message(), reencoded, 0);
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
    }

    private static byte[] mutate(final Random random, final byte[] bytes)
    {
        if (bytes.length == 0)
        {
            return new byte[]{ (byte)random.nextInt() };
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int position = random.nextInt(bytes.length);
        switch (random.nextInt(9))
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
                return Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case 6:
            {
                final byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(16));
                for (int i = bytes.length; i < longer.length; i++)
                {
                    longer[i] = (byte)random.nextInt();
                }
                return longer;
            }
            case 7:
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
}
