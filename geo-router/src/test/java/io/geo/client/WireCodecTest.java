package io.geo.client;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Round trips of every client-protocol frame, and decoding of random and mutated frames that must never escape. */
class WireCodecTest
{
    private static final long SEED = Long.getLong("geo.wire.seed", 4711);

    private static ByteBuffer body(final WireMessage message) throws WireException
    {
        final ByteBuffer frame = WireCodec.encode(message);
        assertEquals(frame.remaining() - 4, frame.getInt(0), "length prefix");
        return frame.slice(4, frame.remaining() - 4);
    }

    private static List<WireMessage> samples(final Random random)
    {
        final List<WireMessage> messages = new ArrayList<>();
        messages.add(new WireMessage.Hello(1, random.nextLong(), "alice", "s3cret", "eu-west-1"));
        messages.add(new WireMessage.HelloOk(1, 2, "ap-northeast-1", "prod", 64, 1021, 65536, List.of("kv", "accounts"),
            List.of(new WireMessage.NodeAddress(0, "us-east-1", "10.0.0.1", 29410),
                new WireMessage.NodeAddress(1, "eu-west-1", "10.0.0.2", 29411))));
        final List<ClientOp> ops = new ArrayList<>();
        ops.add(ClientOp.get("kv", bytes(random, 8)));
        ops.add(ClientOp.put("kv", bytes(random, 3), bytes(random, 100)));
        ops.add(ClientOp.delete("accounts", bytes(random, 1)));
        ops.add(ClientOp.cas("kv", bytes(random, 4), null, bytes(random, 5)));
        ops.add(ClientOp.cas("kv", bytes(random, 4), bytes(random, 2), bytes(random, 5)));
        ops.add(ClientOp.incr("kv", new byte[0], Long.MIN_VALUE));
        messages.add(new WireMessage.Request(random.nextLong(), random.nextLong(), random.nextLong(), 30_000,
            random.nextBoolean(), ops));
        messages.add(new WireMessage.Response(random.nextLong(), ClientStatus.OK, "",
            List.of(new ClientResult(true, bytes(random, 10)), new ClientResult(false, null))));
        messages.add(new WireMessage.Response(9, ClientStatus.UNKNOWN_KEYSPACE, "unknown keyspace 'x' ünïcödé",
            List.of()));
        messages.add(new WireMessage.Error(ClientStatus.AUTH_FAILED, "password refused"));
        messages.add(new WireMessage.Ping(random.nextLong()));
        messages.add(new WireMessage.Pong(random.nextLong()));
        return messages;
    }

    private static byte[] bytes(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    @Test
    void shouldRoundTripEveryFrameType() throws Exception
    {
        for (final WireMessage message : samples(new Random(SEED)))
        {
            assertEquals(message, WireCodec.decode(body(message)), message.getClass().getSimpleName());
        }
    }

    @Test
    void shouldRejectTruncatedFramesAndTrailingBytes() throws Exception
    {
        for (final WireMessage message : samples(new Random(SEED)))
        {
            final ByteBuffer body = body(message);
            final byte[] bytes = new byte[body.remaining()];
            body.get(bytes);
            for (int length = 0; length < bytes.length; length++)
            {
                final int cut = length;
                assertThrows(WireException.class, () -> WireCodec.decode(ByteBuffer.wrap(Arrays.copyOf(bytes, cut))),
                    message.getClass().getSimpleName() + " cut to " + cut);
            }
            final byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
            assertThrows(WireException.class, () -> WireCodec.decode(ByteBuffer.wrap(longer)));
        }
    }

    @Test
    void shouldRejectFieldsThatOverrunTheFrameWithoutAllocatingThem() throws Exception
    {
        final ByteBuffer frame = ByteBuffer.allocate(64);
        frame.put((byte)4).putLong(1).put((byte)0).putShort((short)0).putShort((short)1).put((byte)1)
            .putInt(Integer.MAX_VALUE).flip();
        final WireException ex = assertThrows(WireException.class, () -> WireCodec.decode(frame));
        assertTrue(ex.getMessage().contains("overruns"), ex.getMessage());
    }

    @Test
    void shouldRefuseToEncodeAFrameOverTheLimit()
    {
        final WireMessage big = new WireMessage.Request(1, 1, 1, 1, false,
            List.of(ClientOp.put("kv", new byte[1], new byte[WireCodec.MAX_FRAME_BYTES])));
        assertThrows(WireException.class, () -> WireCodec.encode(big));
    }

    @Test
    void shouldDecodeRandomAndMutatedFramesWithoutEscapingExceptions() throws Exception
    {
        final Random random = new Random(SEED);
        final List<byte[]> valid = new ArrayList<>();
        for (final WireMessage message : samples(random))
        {
            final ByteBuffer body = body(message);
            final byte[] bytes = new byte[body.remaining()];
            body.get(bytes);
            valid.add(bytes);
        }
        for (int i = 0; i < 30_000; i++)
        {
            final byte[] input;
            if (i % 3 == 0)
            {
                input = bytes(random, random.nextInt(64));
                if (input.length > 0)
                {
                    input[0] = (byte)(1 + random.nextInt(7));
                }
            }
            else
            {
                input = valid.get(random.nextInt(valid.size())).clone();
                final int mutations = 1 + random.nextInt(4);
                for (int m = 0; m < mutations && input.length > 0; m++)
                {
                    input[random.nextInt(input.length)] = (byte)random.nextInt(256);
                }
            }
            try
            {
                WireCodec.decode(ByteBuffer.wrap(input));
            }
            catch (final WireException expected)
            {
                // rejected cleanly
            }
            catch (final RuntimeException ex)
            {
                fail("seed " + SEED + " input " + i + " " + Arrays.toString(input) + " escaped with " + ex, ex);
            }
        }
    }
}
