package io.geo.router.state;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.OpType;
import io.geo.epaxos.primitives.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static io.geo.router.state.StateTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Limits: what fits is stored, what exceeds a limit is rejected before anything is written, with a clear error. */
class ChronicleStateMachineLimitsTest
{
    private static final int MAX_KEY = 1024;
    private static final int MAX_VALUE = 64 * 1024;
    private static final int MAX_OPS = 16;
    private static final int MAX_COMMAND = 512 * 1024;

    @TempDir
    Path tempDir;

    private ChronicleStateMachineConfig replicaLimits(final Path directory)
    {
        return new ChronicleStateMachineConfig()
            .directory(directory)
            .entries(1_000)
            .averageKeyBytes(16)
            .averageValueBytes(2_048)
            .sessions(100)
            .maxKeyBytes(MAX_KEY)
            .maxValueBytes(MAX_VALUE)
            .maxOpsPerCommand(MAX_OPS)
            .maxCommandBytes(MAX_COMMAND);
    }

    @Test
    @Timeout(120)
    void shouldTellDuplicatesFromTheDedupTableForClientsTheHeapNoLongerRemembers() throws IOException
    {
        final int clients = ChronicleStateMachine.MAX_REMEMBERED_SESSIONS + 2;
        final ChronicleStateMachineConfig config = new ChronicleStateMachineConfig()
            .directory(tempDir.resolve("many-clients"))
            .entries(clients + 16)
            .averageKeyBytes(16)
            .averageValueBytes(8)
            .sessions(clients + 16);
        try (ChronicleStateMachine machine = new ChronicleStateMachine(config))
        {
            // Client 1 first, then enough others that the heap forgets it (its memory is cleared when full).
            for (int c = 1; c <= clients; c++)
            {
                assertEquals(Result.OK, machine.apply(c, Command.of(c, 5, Op.put(Key.of("k" + c), new byte[] {1})))[0]);
            }
            final Result[] retried = machine.apply(0, Command.of(1, 5, Op.put(Key.of("k1"), new byte[] {2})));
            assertEquals(Result.OK, retried[0], "the recorded result of request 5");
            assertArrayEquals(new byte[] {1}, machine.get(Key.of("k1")), "a duplicate is not applied again");
            assertEquals(Result.SUPERSEDED, machine.apply(0, Command.of(1, 4, Op.put(Key.of("k1"),
                new byte[] {3})))[0]);
            assertEquals(Result.OK, machine.apply(0, Command.of(1, 6, Op.put(Key.of("k1"), new byte[] {4})))[0]);
            assertArrayEquals(new byte[] {4}, machine.get(Key.of("k1")));
            assertEquals(2, machine.duplicateCommands());
            assertEquals(clients, machine.sessionCount());
        }
        try (ChronicleStateMachine machine = new ChronicleStateMachine(config))
        {
            // After a reopen the heap remembers nothing: the table answers.
            assertEquals(Result.SUPERSEDED, machine.apply(0, Command.of(1, 5, Op.put(Key.of("k1"),
                new byte[] {5})))[0]);
            assertEquals(Result.OK, machine.apply(0, Command.of(clients, 5, Op.put(Key.of("k1"), new byte[] {6})))[0]);
            assertArrayEquals(new byte[] {4}, machine.get(Key.of("k1")));
            assertEquals(clients, machine.sessionCount());
        }
    }

    @Test
    @Timeout(60)
    void shouldStoreTheLargestKeysValuesBatchesAndResultsTheLimitsAllow() throws IOException
    {
        final Key bigKey = Key.wrap(filled(MAX_KEY, 1));
        final byte[] bigValue = filled(MAX_VALUE, 2);
        try (ChronicleStateMachine machine = new ChronicleStateMachine(replicaLimits(tempDir.resolve("big"))))
        {
            machine.apply(1, Command.of(1, 1, Op.put(bigKey, bigValue)));
            assertArrayEquals(bigValue, machine.get(bigKey));

            // The largest pending record: as many 64 KiB PUTs as fit in one command, in one atomic batch.
            final Op[] puts = new Op[MAX_COMMAND / (MAX_VALUE + 64)];
            for (int i = 0; i < puts.length; i++)
            {
                puts[i] = Op.put(Key.of("batch-" + i), filled(MAX_VALUE, i));
            }
            machine.apply(2, Command.of(1, 2, puts));

            // The largest dedup record: every op returns a 64 KiB value; a retry gets it back from the table.
            final Op[] ops = new Op[MAX_OPS];
            Arrays.fill(ops, Op.get(bigKey));
            ops[MAX_OPS - 1] = Op.cas(bigKey, new byte[0], new byte[] {1});
            final Command readMany = Command.of(2, 1, ops);
            final Result[] first = machine.apply(3, readMany);
            assertEquals(MAX_OPS, first.length);
            assertArrayEquals(bigValue, first[MAX_OPS - 1].value(), "failed CAS returns the current value");
            assertArrayEquals(first, machine.apply(4, readMany));
            assertEquals(1 + puts.length, machine.size());
        }
        try (ChronicleStateMachine machine = new ChronicleStateMachine(replicaLimits(tempDir.resolve("big"))))
        {
            assertArrayEquals(bigValue, machine.get(bigKey));
            assertArrayEquals(filled(MAX_VALUE, 3), machine.get(Key.of("batch-3")));
        }
    }

    @Test
    @Timeout(60)
    void shouldRejectCommandsOverTheLimitsWithoutWritingAnything() throws IOException
    {
        try (ChronicleStateMachine machine = new ChronicleStateMachine(replicaLimits(tempDir.resolve("limits"))))
        {
            machine.apply(1, Command.of(1, 1, Op.put(Key.of("a"), new byte[] {1})));
            final long digest = machine.digest();
            final Key longKey = Key.wrap(new byte[MAX_KEY + 1]);
            final byte[] longValue = new byte[MAX_VALUE + 1];
            final Op[] tooMany = new Op[MAX_OPS + 1];
            Arrays.fill(tooMany, Op.put(Key.of("a"), new byte[1]));
            final Op[] tooBig = new Op[MAX_COMMAND / MAX_VALUE + 1];
            Arrays.fill(tooBig, Op.put(Key.of("b"), new byte[MAX_VALUE]));

            assertRejected(machine, "maxKeyBytes", Command.of(1, 2, Op.put(longKey, new byte[1])));
            assertRejected(machine, "maxKeyBytes", Command.of(0, 0, Op.get(longKey)));
            assertRejected(machine, "maxValueBytes", Command.of(1, 2, Op.put(Key.of("a"), longValue)));
            assertRejected(machine, "maxValueBytes", Command.of(1, 2, Op.cas(Key.of("a"), null, longValue)));
            assertRejected(machine, "maxValueBytes", Command.of(1, 2, Op.cas(Key.of("a"), longValue, new byte[1])));
            assertRejected(machine, "maxOpsPerCommand", Command.of(1, 2, tooMany));
            assertRejected(machine, "maxCommandBytes", Command.of(1, 2, tooBig));
            assertRejected(machine, "without a value", Command.of(1, 2, Op.of(OpType.PUT, Key.of("a"), null, null, 0)));
            // A batch whose last op is bad writes nothing of its first ops.
            assertRejected(machine, "maxValueBytes",
                Command.of(1, 2, Op.put(Key.of("c"), new byte[1]), Op.incr(Key.of("a"), 1), Op.put(Key.of("d"), longValue)));

            assertEquals(digest, machine.digest(), "rejected commands changed the state");
            assertEquals(ChronicleStateMachine.State.OPEN, machine.state());
            assertEquals(Result.OK, machine.apply(2, Command.of(1, 2, Op.put(Key.of("c"), new byte[1])))[0]);
        }
    }

    @Test
    @Timeout(60)
    void shouldRejectNewKeysAndClientsBeyondTheConfiguredCapacityAndStayUsable() throws IOException
    {
        final ChronicleStateMachineConfig config = smallConfig(tempDir.resolve("full")).entries(10).sessions(3);
        try (ChronicleStateMachine machine = new ChronicleStateMachine(config))
        {
            for (int i = 0; i < 10; i++)
            {
                machine.apply(i, Command.of(1 + i % 3, 1 + i, Op.put(Key.of("k" + i), new byte[] {(byte)i})));
            }
            final long digest = machine.digest();
            final IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> machine.apply(10, Command.of(1, 100, Op.put(Key.of("k10"), new byte[1]))));
            assertTrue(full.getMessage().contains("entries=10"), full.getMessage());
            final IllegalStateException noSession = assertThrows(IllegalStateException.class,
                () -> machine.apply(11, Command.of(4, 1, Op.put(Key.of("k0"), new byte[1]))));
            assertTrue(noSession.getMessage().contains("sessions=3"), noSession.getMessage());
            assertEquals(digest, machine.digest());
            assertEquals(ChronicleStateMachine.State.OPEN, machine.state());

            // Overwrites, and a batch that deletes one key and inserts another, still fit.
            machine.apply(12, Command.of(1, 100, Op.put(Key.of("k0"), new byte[] {42})));
            machine.apply(13, Command.of(2, 100, Op.delete(Key.of("k1")), Op.put(Key.of("k10"), new byte[1])));
            assertEquals(10, machine.size());
            assertArrayEquals(new byte[] {42}, machine.get(Key.of("k0")));
        }
    }

    @Test
    @Timeout(60)
    void shouldRejectWritesBeyondTheSizedBytesAndStayUsable() throws IOException
    {
        final ChronicleStateMachineConfig config = smallConfig(tempDir.resolve("bytes"));
        final long budget = ChronicleStateMachine.dataBytesBudget(config);
        try (ChronicleStateMachine machine = new ChronicleStateMachine(config))
        {
            long stored = 0;
            int i = 0;
            while (stored + 8 + StateTestSupport.MAX_VALUE_BYTES <= budget)
            {
                final Key key = Key.of(String.format("%08d", i));
                machine.apply(i, Command.of(1, 1 + i, Op.put(key, new byte[StateTestSupport.MAX_VALUE_BYTES])));
                stored += 8 + StateTestSupport.MAX_VALUE_BYTES;
                i++;
            }
            final long digest = machine.digest();
            final int next = i;
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> machine.apply(next,
                Command.of(1, 1 + next, Op.put(Key.of("x"), new byte[1]), Op.put(Key.of("y"),
                    new byte[StateTestSupport.MAX_VALUE_BYTES]))));
            assertTrue(ex.getMessage().contains("averageValueBytes"), ex.getMessage());
            assertEquals(digest, machine.digest());
            // a lone PUT (checked and written in one Chronicle query) is refused the same way
            final IllegalStateException lone = assertThrows(IllegalStateException.class, () -> machine.apply(next,
                Command.of(1, 1 + next, Op.put(Key.of("zzzzzzzz"), new byte[StateTestSupport.MAX_VALUE_BYTES]))));
            assertTrue(lone.getMessage().contains("averageValueBytes"), lone.getMessage());
            assertEquals(digest, machine.digest());
            assertEquals(ChronicleStateMachine.State.OPEN, machine.state());
            // Shrinking a value frees budget.
            machine.apply(next, Command.of(1, 1 + next, Op.put(Key.of("00000000"), new byte[0]),
                Op.put(Key.of("y"), new byte[8])));
            assertEquals(next + 1, machine.size());
        }

        // Dedup records that return values: the table's bytes run out before its client count does.
        final ChronicleStateMachineConfig sessions = smallConfig(tempDir.resolve("records"));
        try (ChronicleStateMachine machine = new ChronicleStateMachine(sessions))
        {
            machine.apply(0, Command.of(1, 1, Op.put(Key.of("v"), new byte[StateTestSupport.MAX_VALUE_BYTES])));
            final Op[] readsAndWrite = new Op[StateTestSupport.MAX_OPS];
            Arrays.fill(readsAndWrite, Op.get(Key.of("v")));
            readsAndWrite[StateTestSupport.MAX_OPS - 1] = Op.put(Key.of("w"), new byte[1]);
            IllegalStateException full = null;
            for (int client = 2; client < 200 && full == null; client++)
            {
                try
                {
                    machine.apply(client, Command.of(client, 1, readsAndWrite));
                }
                catch (final IllegalStateException ex)
                {
                    full = ex;
                }
            }
            assertTrue(full != null && full.getMessage().contains("averageSessionRecordBytes"), String.valueOf(full));
            assertTrue(machine.sessionCount() < sessions.sessions());
            assertEquals(ChronicleStateMachine.State.OPEN, machine.state());
        }
    }

    @Test
    @Timeout(60)
    void shouldRefuseToReopenWithOtherSizing() throws IOException
    {
        final Path directory = tempDir.resolve("sized");
        new ChronicleStateMachine(smallConfig(directory)).close();
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new ChronicleStateMachine(smallConfig(directory).entries(8192)).close());
        assertTrue(ex.getMessage().startsWith("entries: configured 8192"), ex.getMessage());
        try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(directory)))
        {
            assertFalse(machine.openedAfterCrash());
        }
    }

    @Test
    void shouldNameTheBadSettingWhenTheConfigurationIsInvalid()
    {
        assertBadConfig("directory", new ChronicleStateMachineConfig());
        assertBadConfig("entries", smallConfig(tempDir).entries(0));
        assertBadConfig("sessions", smallConfig(tempDir).sessions(-1));
        assertBadConfig("averageKeyBytes", smallConfig(tempDir).averageKeyBytes(65));
        assertBadConfig("averageValueBytes", smallConfig(tempDir).averageValueBytes(0));
        assertBadConfig("averageSessionRecordBytes", smallConfig(tempDir).averageSessionRecordBytes(8));
        assertBadConfig("maxKeyBytes", smallConfig(tempDir).maxKeyBytes(0));
        assertBadConfig("maxValueBytes", smallConfig(tempDir).maxValueBytes(-1));
        assertBadConfig("maxOpsPerCommand", smallConfig(tempDir).maxOpsPerCommand(0));
        assertBadConfig("maxCommandBytes", smallConfig(tempDir).maxCommandBytes(10));
    }

    @Test
    @Timeout(60)
    void shouldRefuseToReopenFilesTooSmallForRaisedLimits() throws IOException
    {
        final Path directory = tempDir.resolve("raised");
        new ChronicleStateMachine(smallConfig(directory)).close();
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> new ChronicleStateMachine(smallConfig(directory).maxValueBytes(8 << 20)).close());
        assertTrue(ex.getMessage().contains("maxValueBytes"), ex.getMessage());
        // The failed open wrote nothing, released the directory and kept it marked clean.
        try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(directory)))
        {
            assertFalse(machine.openedAfterCrash());
        }
    }

    private static void assertRejected(final ChronicleStateMachine machine, final String setting, final Command command)
    {
        final Executable apply = () -> machine.apply(99, command);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, apply, setting);
        assertTrue(ex.getMessage().contains(setting), ex.getMessage());
    }

    private static void assertBadConfig(final String setting, final ChronicleStateMachineConfig config)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, config::conclude, setting);
        assertTrue(ex.getMessage().startsWith(setting + ":"), ex.getMessage());
    }

    private static byte[] filled(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 + seed);
        }
        return bytes;
    }
}
