package io.geo.router.storage;

import io.geo.epaxos.api.InstanceRecord;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.OpType;
import io.geo.epaxos.primitives.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static io.geo.router.storage.StorageAssertions.assertSameRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class WalRecordCodecTest
{
    /** Collects what decode hands over. */
    private static final class Decoded implements WalRecordCodec.Visitor
    {
        final List<Object> items = new ArrayList<>();
        int lastLength;

        @Override
        public void onInstance(final InstanceRecord record, final int encodedLength)
        {
            items.add(record);
            lastLength = encodedLength;
        }

        @Override
        public void onRemove(final long instance)
        {
            items.add(instance);
        }

        @Override
        public void onWatermarks(final long[] watermarks, final int encodedLength)
        {
            items.add(watermarks);
            lastLength = encodedLength;
        }
    }

    private static ByteBuffer encode(final InstanceRecord record)
    {
        final long length = WalRecordCodec.instanceLength(record);
        final ByteBuffer buffer = ByteBuffer.allocate((int)length).order(ByteOrder.LITTLE_ENDIAN);
        WalRecordCodec.encodeInstance(record, buffer);
        assertEquals(length, buffer.position(), "instanceLength is exact");
        return buffer.flip();
    }

    private static InstanceRecord roundTrip(final InstanceRecord record) throws WalCorruptionException
    {
        final ByteBuffer encoded = encode(record);
        final Decoded decoded = new Decoded();
        WalRecordCodec.decode(encoded, decoded);
        assertEquals(1, decoded.items.size());
        assertEquals(WalRecordCodec.instanceLength(record), decoded.lastLength);
        final InstanceRecord back = (InstanceRecord)decoded.items.get(0);
        assertSameRecord(record, back, "round trip");
        return back;
    }

    private static final long ID = InstanceId.of(2, 77);

    @Test
    void shouldKeepANullCommandApartFromTheNoop() throws WalCorruptionException
    {
        assertNull(roundTrip(new InstanceRecord(ID, Status.NONE, 5, 0, null, 0, Deps.EMPTY, false)).command());
        assertSame(Command.NOOP,
            roundTrip(new InstanceRecord(ID, Status.COMMITTED, 5, 5, Command.NOOP, 3, Deps.EMPTY, true)).command());
    }

    @Test
    void shouldRoundTripEveryFieldAndOpShape() throws WalCorruptionException
    {
        final Command command = Command.of(-1, Long.MAX_VALUE,
            Op.get(Key.of("k")),
            Op.put(Key.of("k"), new byte[0]),
            Op.put(Key.of(new byte[0]), new byte[]{1, 2, 3}),
            Op.delete(Key.of("gone")),
            Op.cas(Key.of("c"), null, new byte[]{4}),
            Op.cas(Key.of("c"), new byte[0], new byte[]{5}),
            Op.incr(Key.of("n"), Long.MIN_VALUE),
            Op.incr(Key.of("n"), 0),
            Op.of(OpType.PUT, Key.of("odd"), null, new byte[]{9}, 17));
        for (final Status status : Status.values())
        {
            roundTrip(new InstanceRecord(ID, status, Long.MIN_VALUE, Long.MAX_VALUE, command, Long.MAX_VALUE,
                new long[]{InstanceId.of(0, 1), InstanceId.of(0, 2), InstanceId.of(32767, InstanceId.MAX_NUMBER)},
                status.ordinal() % 2 == 0));
        }
    }

    @Test
    void shouldRoundTripTheLargestRecordTheProtocolProduces() throws WalCorruptionException
    {
        final long[] deps = new long[MessageCodec.MAX_DEPS];
        for (int i = 0; i < deps.length; i++)
        {
            deps[i] = InstanceId.of(i % 5, 1 + i);
        }
        Arrays.sort(deps);
        final byte[] value = new byte[MessageCodec.MAX_VALUE_BYTES];
        Arrays.fill(value, (byte)7);
        final byte[] key = new byte[MessageCodec.MAX_KEY_BYTES];
        final Command command = Command.of(1, 2, Op.cas(Key.wrap(key), value, value));
        final InstanceRecord record = new InstanceRecord(ID, Status.ACCEPTED, 1, 1, command, 9, deps, false);
        final long length = WalRecordCodec.instanceLength(record);
        assertTrue(length <= WalConfig.MAX_RECORD_DEFAULT, "fits the default record limit: " + length);
        roundTrip(record);

        final Op[] ops = new Op[MessageCodec.MAX_OPS];
        for (int i = 0; i < ops.length; i++)
        {
            ops[i] = Op.put(Key.of("key-" + i), new byte[900]);
        }
        roundTrip(new InstanceRecord(ID, Status.PRE_ACCEPTED, 1, 1, Command.of(3, 4, ops), 1, Deps.EMPTY, true));
    }

    @Test
    void shouldRoundTripRandomRecords() throws WalCorruptionException
    {
        final SplittableRandom random = new SplittableRandom(2026);
        for (int i = 0; i < 2000; i++)
        {
            roundTrip(RandomStoreOps.randomRecord(random, InstanceId.of(random.nextInt(7), 1 + random.nextInt(1000))));
        }
    }

    @Test
    void shouldRoundTripRemovalsAndWatermarks() throws WalCorruptionException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        WalRecordCodec.encodeRemove(ID, buffer);
        assertEquals(WalRecordCodec.REMOVE_LENGTH, buffer.position());
        final Decoded decoded = new Decoded();
        WalRecordCodec.decode(buffer.flip(), decoded);
        assertEquals(List.of(ID), decoded.items);

        for (final long[] watermarks : new long[][]{{}, {0, 0, 0}, {1, Long.MAX_VALUE, 3, 4, 5, 6, 7}})
        {
            buffer.clear();
            WalRecordCodec.encodeWatermarks(watermarks, buffer);
            assertEquals(WalRecordCodec.watermarksLength(watermarks), buffer.position());
            final Decoded w = new Decoded();
            WalRecordCodec.decode(buffer.flip(), w);
            assertArrayEquals(watermarks, (long[])w.items.get(0));
        }
    }

    @Test
    void shouldRejectEveryTruncationOfAPayload()
    {
        final SplittableRandom random = new SplittableRandom(5);
        final ByteBuffer full = encode(RandomStoreOps.randomRecord(random, ID));
        for (int length = 0; length < full.limit(); length++)
        {
            final ByteBuffer truncated = full.duplicate().order(ByteOrder.LITTLE_ENDIAN).limit(length);
            assertThrows(WalCorruptionException.class, () -> WalRecordCodec.decode(truncated, new Decoded()),
                "truncated to " + length);
        }
    }

    @Test
    void shouldRejectMalformedPayloads()
    {
        final InstanceRecord record = new InstanceRecord(ID, Status.COMMITTED, 1, 1, Command.NOOP, 1,
            new long[]{1, 2}, true);
        final byte[] good = toArray(encode(record));

        assertMalformed(new byte[]{9}, "unknown record kind");
        assertMalformed(Arrays.copyOf(good, good.length + 1), "trailing");
        final byte[] badStatus = good.clone();
        badStatus[9] = 9;
        assertMalformed(badStatus, "status");
        final byte[] badBoolean = good.clone();
        badBoolean[1 + 8 + 1 + 8 + 8 + 8] = 2;
        assertMalformed(badBoolean, "identical");
        final byte[] unsorted = good.clone();
        ByteBuffer.wrap(unsorted).order(ByteOrder.LITTLE_ENDIAN).putLong(unsorted.length - 8, 1);
        assertMalformed(unsorted, "strictly increasing");
        final byte[] noopWithClient = good.clone();
        ByteBuffer.wrap(noopWithClient).order(ByteOrder.LITTLE_ENDIAN).putLong(1 + 8 + 1 + 8 + 8 + 8 + 1 + 1, 5);
        assertMalformed(noopWithClient, "no-op");
        final byte[] hugeDeps = good.clone();
        ByteBuffer.wrap(hugeDeps).order(ByteOrder.LITTLE_ENDIAN).putInt(hugeDeps.length - 20, Integer.MAX_VALUE);
        assertMalformed(hugeDeps, "depCount");
    }

    @Test
    void shouldRoundTripBatchesAndRejectMalformedOnes() throws WalCorruptionException
    {
        final Command batch = Command.batch(List.of(
            Command.of(1, 1, Op.put(Key.of("a"), new byte[] {1}), Op.get(Key.of("b"))),
            Command.of(2, 9, Op.incr(Key.of("n"), 3))));
        final InstanceRecord record = new InstanceRecord(ID, Status.COMMITTED, 1, 1, batch, 1, new long[] {1}, true);
        assertEquals(batch, roundTrip(record).command());

        final byte[] good = toArray(encode(record));
        final int opCount = 1 + 8 + 1 + 8 + 8 + 8 + 1 + 1 + 8 + 8;
        final byte[] oneMember = good.clone();
        ByteBuffer.wrap(oneMember).order(ByteOrder.LITTLE_ENDIAN).putInt(opCount, -1);
        assertMalformed(oneMember, "a batch of 1 members");
        final byte[] manyMembers = good.clone();
        ByteBuffer.wrap(manyMembers).order(ByteOrder.LITTLE_ENDIAN).putInt(opCount, Integer.MIN_VALUE);
        assertMalformed(manyMembers, "a batch of 2147483648 members");
        final byte[] withClient = good.clone();
        ByteBuffer.wrap(withClient).order(ByteOrder.LITTLE_ENDIAN).putLong(opCount - 16, 5);
        assertMalformed(withClient, "with client 5");
        final byte[] emptyMember = good.clone();
        ByteBuffer.wrap(emptyMember).order(ByteOrder.LITTLE_ENDIAN).putInt(opCount + 4 + 16, 0);
        assertMalformed(emptyMember, "the no-op");
    }

    @Test
    void shouldCheckRecordsBeforePersisting()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        assertThrows(IllegalStateException.class, () -> WalRecordCodec.encodeInstance(
            new InstanceRecord(ID, Status.COMMITTED, 1, 1, Command.NOOP, 1, new long[]{2, 1}, true), buffer));
        assertThrows(IllegalStateException.class, () -> WalRecordCodec.encodeInstance(
            new InstanceRecord(InstanceId.NONE, Status.COMMITTED, 1, 1, Command.NOOP, 1, Deps.EMPTY, true), buffer));
    }

    private static byte[] toArray(final ByteBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static void assertMalformed(final byte[] payload, final String expectedInMessage)
    {
        final WalCorruptionException e = assertThrows(WalCorruptionException.class,
            () -> WalRecordCodec.decode(ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN), new Decoded()));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }
}
