package io.geo.epaxos.primitives;

import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.codec.RandomMessages;
import io.geo.epaxos.messages.Commit;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandBatchTest
{
    private static Command put(final long client, final long request, final String key)
    {
        return Command.of(client, request, Op.put(Key.of(key), key.getBytes(StandardCharsets.UTF_8)));
    }

    private static Command get(final long client, final long request, final String key)
    {
        return Command.of(client, request, Op.get(Key.of(key)));
    }

    @Test
    void shouldHoldItsMembersInOrderAndTheirOpsConcatenated()
    {
        final Command a = Command.of(1, 1, Op.put(Key.of("x"), new byte[] {1}), Op.get(Key.of("y")));
        final Command b = get(2, 7, "z");
        final Command batch = Command.batch(List.of(a, b));
        assertTrue(batch.isBatch());
        assertEquals(2, batch.memberCount());
        assertSame(a, batch.member(0));
        assertSame(b, batch.member(1));
        assertEquals(3, batch.opCount());
        assertEquals(Key.of("z"), batch.op(2).key());
        assertEquals(0, batch.clientId());
        assertEquals(0, batch.requestNumber());
        assertEquals(Command.batch(List.of(a, b)), batch);
        assertNotEquals(Command.batch(List.of(b, a)), batch, "order matters");
        assertEquals(1, a.memberCount());
        assertSame(a, a.member(0), "a plain command is its own only member");
        assertEquals(0, Command.NOOP.memberCount());
        assertFalse(Command.NOOP.hasSession());
    }

    @Test
    void shouldRefuseBatchesOfFewerThanTwoOrOfNoopsOrBatches()
    {
        assertThrows(IllegalArgumentException.class, () -> Command.batch(List.of(put(1, 1, "x"))));
        assertThrows(IllegalArgumentException.class, () -> Command.batch(List.of(put(1, 1, "x"), Command.NOOP)));
        final Command inner = Command.batch(List.of(put(1, 1, "x"), put(2, 1, "y")));
        assertThrows(IllegalArgumentException.class, () -> Command.batch(List.of(inner, put(3, 1, "z"))));
        final List<Command> tooMany = new ArrayList<>();
        for (int i = 0; i <= Command.MAX_BATCH_MEMBERS; i++)
        {
            tooMany.add(put(i + 1, 1, "k"));
        }
        assertThrows(IllegalArgumentException.class, () -> Command.batch(tooMany));
    }

    @Test
    void shouldConflictWithWhatAnyMemberConflictsWith()
    {
        final Command batch = Command.batch(List.of(put(1, 1, "x"), get(2, 1, "y")));
        assertTrue(batch.conflictsWith(get(3, 1, "x")), "a read of a key a member writes");
        assertTrue(get(3, 1, "x").conflictsWith(batch));
        assertTrue(batch.conflictsWith(put(3, 1, "y")), "a write of a key a member reads");
        assertFalse(batch.conflictsWith(get(3, 1, "y")), "reads of the same key commute");
        assertTrue(batch.conflictsWith(put(1, 2, "w")), "client 1's session: its writes conflict");
        assertFalse(batch.conflictsWith(put(2, 2, "w")), "client 2 only read in the batch: no session");
        assertEquals(1, batch.sessionCount());
        assertEquals(1, batch.session(0));

        final Command two = Command.batch(List.of(put(5, 1, "a"), put(4, 1, "b"), put(5, 2, "c")));
        assertEquals(2, two.sessionCount(), "distinct sessions");
        assertEquals(4, two.session(0));
        assertEquals(5, two.session(1));
        assertTrue(two.conflictsWith(Command.batch(List.of(get(9, 1, "q"), put(4, 2, "r")))));
        assertFalse(two.conflictsWith(Command.batch(List.of(get(9, 1, "q"), put(6, 2, "r")))));
    }

    @Test
    void shouldBoundItsEncodedSizeAboveWhatTheCodecWrites() throws CodecException
    {
        final RandomMessages random = new RandomMessages(20261123);
        final int empty = MessageCodec.encodedLength(new Commit(InstanceId.of(0, 1), Command.NOOP, 1, Deps.EMPTY));
        int checked = 0;
        for (int i = 0; i < 2_000; i++)
        {
            final Command command = i % 2 == 0 ? random.batch() : random.command();
            final int length;
            try
            {
                length = MessageCodec.encodedLength(new Commit(InstanceId.of(0, 1), command, 1, Deps.EMPTY));
            }
            catch (final CodecException tooLarge)
            {
                continue; // beyond a frame's limits: not a command anyone submits
            }
            checked++;
            assertTrue(length - empty <= command.encodedSize(), "wire " + (length - empty) + " bytes, encodedSize " +
                command.encodedSize() + " for " + command.memberCount() + " members, " + command.opCount() + " ops");
        }
        assertTrue(checked > 1_000, "checked " + checked);
    }
}
