package io.geo.router.state;

import io.geo.epaxos.primitives.Result;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StateRecordsTest
{
    private static final Result[] RESULTS = {
        Result.OK, Result.NOT_FOUND, Result.of(true, bytes("value")), Result.of(false, new byte[0]),
        Result.of(false, bytes("current"))};

    @Test
    void shouldRoundTripSessionRecords()
    {
        final byte[] record = StateRecords.encodeSession(42, RESULTS);
        assertEquals(42, StateRecords.sessionRequestNumber(record));
        assertArrayEquals(RESULTS, StateRecords.sessionResults(record));
        assertArrayEquals(new Result[0], StateRecords.sessionResults(StateRecords.encodeSession(-1, new Result[0])));
        assertEquals(record.length, 1 + 8 + 4 + 5 * 5 + 5 + 7 + 4);
    }

    @Test
    void shouldRoundTripPendingRecords()
    {
        final List<StateRecords.Write> writes = List.of(new StateRecords.Write(bytes("a"), bytes("1")),
            new StateRecords.Write(new byte[0], new byte[0]), new StateRecords.Write(bytes("gone"), null));
        final byte[] session = StateRecords.encodeSession(7, RESULTS);
        final StateRecords.Pending withSession =
            StateRecords.decodePending(StateRecords.encodePending(3, 7, writes, session));
        assertEquals(3, withSession.clientId());
        assertEquals(7, withSession.requestNumber());
        assertEquals(writes.size(), withSession.writes().length);
        for (int i = 0; i < writes.size(); i++)
        {
            assertArrayEquals(writes.get(i).key(), withSession.writes()[i].key());
            assertArrayEquals(writes.get(i).value(), withSession.writes()[i].value());
        }
        assertArrayEquals(session, withSession.sessionRecord());
        assertNull(StateRecords.decodePending(StateRecords.encodePending(0, 0, writes, null)).sessionRecord());
    }

    @Test
    void shouldDetectEveryFlippedByteAndEveryTruncation()
    {
        final byte[] session = StateRecords.encodeSession(9, RESULTS);
        final byte[] pending = StateRecords.encodePending(1, 9,
            List.of(new StateRecords.Write(bytes("k"), bytes("v")), new StateRecords.Write(bytes("d"), null)), session);
        for (final byte[] record : List.of(session, pending))
        {
            final boolean isSession = record == session;
            for (int i = 0; i < record.length; i++)
            {
                for (final int flip : new int[] {0x01, 0x80, 0xff})
                {
                    final byte[] damaged = record.clone();
                    damaged[i] ^= (byte)flip;
                    assertCorrupt(damaged, isSession);
                }
            }
            for (int length = 0; length < record.length; length++)
            {
                assertCorrupt(Arrays.copyOf(record, length), isSession);
            }
        }
    }

    private static void assertCorrupt(final byte[] record, final boolean session)
    {
        if (session)
        {
            assertThrows(StateRecords.CorruptRecordException.class, () -> StateRecords.sessionResults(record));
            assertThrows(StateRecords.CorruptRecordException.class, () -> StateRecords.sessionRequestNumber(record));
        }
        else
        {
            assertThrows(StateRecords.CorruptRecordException.class, () -> StateRecords.decodePending(record));
        }
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
