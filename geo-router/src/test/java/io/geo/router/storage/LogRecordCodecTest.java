package io.geo.router.storage;

import io.geo.epaxos.regionlog.LogEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class LogRecordCodecTest
{
    /** Collects what a decode reported, as text, so that whole records compare at once. */
    private static final class Recorder implements LogRecordCodec.Visitor
    {
        final List<String> events = new ArrayList<>();
        LogEntry lastEntry;
        int lastEncodedLength;

        @Override
        public void onPromise(final long view)
        {
            events.add("promise " + view);
        }

        @Override
        public void onAccepted(final long slot, final long view, final LogEntry entry, final int encodedLength)
        {
            events.add("accepted " + slot + " " + view + " " + entry);
            lastEntry = entry;
            lastEncodedLength = encodedLength;
        }

        @Override
        public void onCommitIndex(final long commitIndex)
        {
            events.add("commit " + commitIndex);
        }

        @Override
        public void onIncarnation(final long incarnation)
        {
            events.add("incarnation " + incarnation);
        }

        @Override
        public void onTruncate(final long throughSlot)
        {
            events.add("truncate " + throughSlot);
        }
    }

    private static ByteBuffer buffer()
    {
        return ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer accepted(final long slot, final long view, final LogEntry entry)
    {
        final ByteBuffer buffer = buffer();
        LogRecordCodec.encodeAccepted(slot, view, entry, buffer);
        return buffer.flip();
    }

    private static Recorder decode(final ByteBuffer payload) throws WalCorruptionException
    {
        final Recorder recorder = new Recorder();
        LogRecordCodec.decode(payload.duplicate().order(ByteOrder.LITTLE_ENDIAN), recorder);
        return recorder;
    }

    private static String rejection(final ByteBuffer payload)
    {
        return assertThrows(WalCorruptionException.class, () -> decode(payload)).getMessage();
    }

    @Test
    void shouldRoundTripEveryKind() throws WalCorruptionException
    {
        final ByteBuffer buffer = buffer();
        LogRecordCodec.encodeScalar(LogRecordCodec.PROMISE, -3, buffer);
        assertEquals(List.of("promise -3"), decode(buffer.flip()).events);
        buffer.clear();
        LogRecordCodec.encodeScalar(LogRecordCodec.COMMIT_INDEX, Long.MAX_VALUE, buffer);
        assertEquals(List.of("commit " + Long.MAX_VALUE), decode(buffer.flip()).events);
        buffer.clear();
        LogRecordCodec.encodeScalar(LogRecordCodec.INCARNATION, 7, buffer);
        assertEquals(List.of("incarnation 7"), decode(buffer.flip()).events);
        buffer.clear();
        LogRecordCodec.encodeTruncate(42, buffer);
        assertEquals(LogRecordCodec.SCALAR_LENGTH, buffer.position());
        assertEquals(List.of("truncate 42"), decode(buffer.flip()).events);

        final Recorder noop = decode(accepted(9, Long.MAX_VALUE, LogEntry.NOOP));
        assertEquals(List.of("accepted 9 " + Long.MAX_VALUE + " noop"), noop.events);
        assertSame(LogEntry.NOOP, noop.lastEntry, "a no-op decodes as LogEntry.NOOP");
        assertEquals(LogRecordCodec.ACCEPTED_FIXED_LENGTH, noop.lastEncodedLength);

        final SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 500; i++)
        {
            final byte[] payload = new byte[random.nextInt(i % 50 == 0 ? 20_000 : 100)];
            random.nextBytes(payload);
            final LogEntry entry = LogEntry.of(random.nextInt(Integer.MAX_VALUE), 1 + random.nextLong(Long.MAX_VALUE),
                payload);
            final long slot = 1 + random.nextLong(Long.MAX_VALUE - 1);
            final long view = random.nextLong();
            final ByteBuffer encoded = accepted(slot, view, entry);
            assertEquals(LogRecordCodec.acceptedLength(entry), encoded.remaining());
            final Recorder recorder = decode(encoded);
            assertEquals(List.of("accepted " + slot + " " + view + " " + entry), recorder.events);
            assertEquals(entry, recorder.lastEntry);
            assertArrayEquals(payload, recorder.lastEntry.payload());
        }
    }

    @Test
    void shouldRejectEveryTruncationAndATrailingByte()
    {
        final byte[] payload = {1, 2, 3, 4, 5};
        final ByteBuffer buffer = buffer();
        LogRecordCodec.encodeTruncate(3, buffer);
        final List<ByteBuffer> encodings = List.of(accepted(3, 1, LogEntry.of(0, 1, payload)),
            accepted(4, 1, LogEntry.NOOP), buffer.flip());
        for (final ByteBuffer encoding : encodings)
        {
            for (int length = 0; length < encoding.remaining(); length++)
            {
                final String message = rejection(encoding.duplicate().limit(length));
                assertTrue(message.contains("payload ends inside") || message.contains("does not fit"),
                    length + ": " + message);
            }
            final ByteBuffer longer = buffer();
            longer.put(encoding.duplicate()).put((byte)0).flip();
            assertTrue(rejection(longer).contains("1 trailing bytes"));
        }
    }

    @Test
    void shouldRejectMalformedFieldsNamingThem()
    {
        assertTrue(rejection(ByteBuffer.wrap(new byte[]{0})).contains("unknown record kind 0"));
        assertTrue(rejection(ByteBuffer.wrap(new byte[]{6})).contains("unknown record kind 6"));
        final ByteBuffer truncate = buffer();
        truncate.put(LogRecordCodec.TRUNCATE).putLong(0).flip();
        assertTrue(rejection(truncate).contains("TRUNCATE through slot 0"));

        final ByteBuffer entry = accepted(5, 2, LogEntry.of(3, 4, new byte[]{9, 9}));
        assertTrue(rejection(patchLong(entry, 1, 0)).contains("ACCEPTED in slot 0"));
        assertTrue(rejection(patchLong(entry, 1, -7)).contains("ACCEPTED in slot -7"));
        assertTrue(rejection(patchInt(entry, 17, -2)).contains("origin -2"));
        assertTrue(rejection(patchLong(entry, 21, 0)).contains("sequence 0"));
        assertTrue(rejection(patchInt(entry, 29, Integer.MAX_VALUE)).contains("does not fit"));
        assertTrue(rejection(patchInt(entry, 29, -1)).contains("payload length -1"));
        assertTrue(rejection(patchInt(entry, 29, 1)).contains("1 trailing bytes"));

        final ByteBuffer noop = accepted(5, 2, LogEntry.NOOP);
        assertTrue(rejection(patchLong(noop, 21, 1)).contains("the no-op in slot 5 with sequence 1"));
        final ByteBuffer noopWithPayload = buffer();
        noopWithPayload.put(noop.duplicate());
        noopWithPayload.putInt(29, 1).put((byte)7).flip();
        assertTrue(rejection(noopWithPayload).contains("with sequence 0 and 1 payload bytes"));
    }

    private static ByteBuffer patchLong(final ByteBuffer encoded, final int offset, final long value)
    {
        final ByteBuffer copy = buffer();
        copy.put(encoded.duplicate()).flip();
        copy.putLong(offset, value);
        return copy;
    }

    private static ByteBuffer patchInt(final ByteBuffer encoded, final int offset, final int value)
    {
        final ByteBuffer copy = buffer();
        copy.put(encoded.duplicate()).flip();
        copy.putInt(offset, value);
        return copy;
    }
}
