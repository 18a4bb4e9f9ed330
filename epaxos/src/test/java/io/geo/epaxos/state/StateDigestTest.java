package io.geo.epaxos.state;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class StateDigestTest
{
    @Test
    void shouldNotDependOnTheOrderEntriesAreAdded()
    {
        final StateDigest forward = new StateDigest().addEntry(bytes("a"), bytes("1")).addEntry(bytes("b"), bytes("2"))
            .addSession(1, 5, new Result[] {Result.OK}).addSession(2, 1, new Result[] {Result.NOT_FOUND});
        final StateDigest backward = new StateDigest().addSession(2, 1, new Result[] {Result.NOT_FOUND})
            .addEntry(bytes("b"), bytes("2")).addSession(1, 5, new Result[] {Result.OK}).addEntry(bytes("a"), bytes("1"));
        assertEquals(forward.value(), backward.value());
    }

    @Test
    void shouldTellApartStatesThatDifferInOneField()
    {
        final long base = new StateDigest().addEntry(bytes("ab"), bytes("c")).value();
        assertNotEquals(base, new StateDigest().addEntry(bytes("a"), bytes("bc")).value(), "key/value boundary");
        assertNotEquals(base, new StateDigest().addEntry(bytes("ab"), bytes("d")).value());
        assertNotEquals(base, new StateDigest().value());
        assertNotEquals(new StateDigest().addEntry(bytes("x"), bytes("1")).addEntry(bytes("x"), bytes("1")).value(),
            new StateDigest().value(), "entries do not cancel out");
        final long session = new StateDigest().addSession(1, 2, new Result[] {Result.OK}).value();
        assertNotEquals(session, new StateDigest().addSession(1, 3, new Result[] {Result.OK}).value());
        assertNotEquals(session, new StateDigest().addSession(2, 2, new Result[] {Result.OK}).value());
        assertNotEquals(session, new StateDigest().addSession(1, 2, new Result[] {Result.NOT_FOUND}).value());
        assertNotEquals(new StateDigest().addSession(1, 2, new Result[] {Result.of(true, new byte[0])}).value(),
            session, "empty value vs no value");
    }

    @Test
    void shouldCoverDataAndDedupTableOfTheReferenceStateMachine()
    {
        final KeyValueStateMachine first = new KeyValueStateMachine();
        final KeyValueStateMachine second = new KeyValueStateMachine();
        first.apply(1, Command.of(1, 1, Op.put(Key.of("a"), bytes("1"))));
        first.apply(2, Command.of(2, 1, Op.put(Key.of("b"), bytes("2"))));
        second.apply(1, Command.of(2, 1, Op.put(Key.of("b"), bytes("2"))));
        second.apply(2, Command.of(1, 1, Op.put(Key.of("a"), bytes("1"))));
        assertEquals(first.digest(), second.digest(), "same state reached in another order");

        // Same data, different dedup table.
        second.apply(3, Command.of(1, 2, Op.put(Key.of("a"), bytes("1"))));
        assertNotEquals(first.digest(), second.digest());
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
