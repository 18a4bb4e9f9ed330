package io.geo.router.state;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.state.KeyValueStateMachine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.geo.router.state.StateTestSupport.MAX_OPS;
import static io.geo.router.state.StateTestSupport.MAX_VALUE_BYTES;
import static io.geo.router.state.StateTestSupport.assertResults;
import static io.geo.router.state.StateTestSupport.copyDirectory;
import static io.geo.router.state.StateTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash injection: a command is interrupted after each of its writes in turn (the write hook throws, the instance
 * is abandoned without the clean marker, as after kill -9), the directory is reopened (Chronicle recovery, pending
 * replay) and the command is applied again, as the replica does for a command whose execution it had not recorded.
 * Every interruption point must end in the reference's state and results.
 */
class ChronicleStateMachineCrashTest
{
    private static final long SEED = Long.getLong("seed", 11);
    private static final int PREFIX_COMMANDS = 300;
    private static final int CLIENT = 3;

    @TempDir
    Path tempDir;

    private final List<Command> prefix = new ArrayList<>();
    private Path baseline;
    private int directories;

    /** A write of the hook's choosing failed: stands for the process dying right after that write. */
    private static final class SimulatedCrash extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(final long writeNumber)
        {
            super("simulated crash after write " + writeNumber, null, false, false);
        }
    }

    /** Counts writes; throws after write {@code crashAfter} (never if 0). */
    private static final class CrashHook implements ChronicleStateMachine.WriteListener
    {
        final long crashAfter;
        long writes;

        CrashHook(final long crashAfter)
        {
            this.crashAfter = crashAfter;
        }

        @Override
        public void afterWrite(final long writeNumber)
        {
            writes = writeNumber;
            if (writeNumber == crashAfter)
            {
                throw new SimulatedCrash(writeNumber);
            }
        }
    }

    /** A reference state machine and the files of the same state, reached by a random prefix. */
    @BeforeEach
    void buildBaseline() throws IOException
    {
        final KeyValueStateMachine reference = new KeyValueStateMachine();
        final RandomCommands commands = new RandomCommands(SEED, reference, 24, 4, MAX_OPS, MAX_VALUE_BYTES, true);
        baseline = tempDir.resolve("baseline");
        try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(baseline)))
        {
            for (int i = 0; i < PREFIX_COMMANDS; i++)
            {
                final Command command = commands.next();
                prefix.add(command);
                reference.apply(i, command);
                machine.apply(i, command);
            }
            assertEquals(reference.digest(), machine.digest());
            // Known values for the hand-written commands below, written by a client of their own.
            machine.apply(PREFIX_COMMANDS, setup());
        }
        prefix.add(setup());
    }

    private static Command setup()
    {
        return Command.of(CLIENT + 100, 1, Op.put(Key.of("n"), bytes("40")), Op.put(Key.of("s"), bytes("text")),
            Op.put(Key.of("d"), bytes("doomed")));
    }

    private KeyValueStateMachine referenceAtBaseline()
    {
        final KeyValueStateMachine reference = new KeyValueStateMachine();
        for (int i = 0; i < prefix.size(); i++)
        {
            reference.apply(i, prefix.get(i));
        }
        return reference;
    }

    @Test
    @Timeout(300)
    void shouldReachTheReferenceStateWhenCrashingAfterAnyWrite() throws IOException
    {
        final List<Command> targets = new ArrayList<>(List.of(
            // Redo-record path: a batch of every op type, keys touched twice, reads of earlier writes.
            Command.of(CLIENT, 1_000, Op.incr(Key.of("n"), 2), Op.cas(Key.of("s"), bytes("text"), bytes("swapped")),
                Op.put(Key.of("p"), bytes("new")), Op.delete(Key.of("d")), Op.get(Key.of("n")),
                Op.incr(Key.of("n"), 1), Op.cas(Key.of("n"), bytes("0"), bytes("never")), Op.get(Key.of("d"))),
            Command.of(CLIENT, 1_001, Op.incr(Key.of("n"), 5)),
            Command.of(CLIENT, 1_002, Op.cas(Key.of("s"), bytes("text"), bytes("other"))),
            Command.of(CLIENT, 1_003, Op.get(Key.of("s")), Op.put(Key.of("s"), bytes("after read"))),
            // Direct path: one PUT, one DELETE, a command that writes no data.
            Command.of(CLIENT, 1_004, Op.put(Key.of("n"), bytes("overwritten"))),
            Command.of(CLIENT, 1_005, Op.delete(Key.of("d"))),
            Command.of(CLIENT, 1_006, Op.cas(Key.of("s"), bytes("wrong"), bytes("never"))),
            Command.of(CLIENT, 1_007, Op.incr(Key.of("s"), 1))));
        final KeyValueStateMachine generatorReference = referenceAtBaseline();
        final RandomCommands random = new RandomCommands(SEED + 1, generatorReference, 24, 1, MAX_OPS,
            MAX_VALUE_BYTES, false);
        for (int i = 0; i < 12; i++)
        {
            targets.add(Command.of(CLIENT, 2_000 + i, random.ops()));
        }
        int target = 0;
        for (final Command command : targets)
        {
            crashAfterEveryWrite(command, "target " + target++ + " " + command);
        }
    }

    @Test
    @Timeout(300)
    void shouldFinishTheReplayWhenCrashingDuringRecovery() throws IOException
    {
        final Command batch = Command.of(CLIENT, 1_000, Op.incr(Key.of("n"), 2), Op.put(Key.of("a"), bytes("1")),
            Op.cas(Key.of("s"), bytes("text"), bytes("swapped")), Op.delete(Key.of("d")), Op.incr(Key.of("n"), 3));
        final KeyValueStateMachine reference = referenceAtBaseline();
        final Result[] expected = reference.apply(0, batch);
        final long writes = countWrites(batch);
        for (long crashAfter = 1; crashAfter < writes; crashAfter++)
        {
            final Path directory = tempDir.resolve("replay-" + crashAfter);
            copyDirectory(baseline, directory);
            crash(directory, batch, crashAfter);
            // The replay itself is interrupted after each of its writes, then the next open finishes it.
            for (long replayCrash = 1; ; replayCrash++)
            {
                final CrashHook hook = new CrashHook(replayCrash);
                try
                {
                    new ChronicleStateMachine(smallConfig(directory), hook).close();
                    assertTrue(hook.writes < replayCrash, "the replay finished before the crash point");
                    break;
                }
                catch (final SimulatedCrash expectedCrash)
                {
                    assertTrue(replayCrash < writes, "a replay writes fewer than the command did");
                }
            }
            try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(directory)))
            {
                assertEquals(reference.digest(), machine.digest(), "crash after write " + crashAfter);
                assertResults(expected, machine.apply(1, batch), "re-applied after crash " + crashAfter);
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldApplyASessionLessBatchAllOrNothing() throws IOException
    {
        final Command batch = Command.of(0, 0, Op.incr(Key.of("n"), 2), Op.put(Key.of("a"), bytes("1")),
            Op.delete(Key.of("d")));
        final KeyValueStateMachine before = referenceAtBaseline();
        final KeyValueStateMachine after = referenceAtBaseline();
        after.apply(0, batch);
        final long writes = countWrites(batch);
        for (long crashAfter = 1; crashAfter <= writes; crashAfter++)
        {
            final Path directory = tempDir.resolve("sessionless-" + crashAfter);
            copyDirectory(baseline, directory);
            crash(directory, batch, crashAfter);
            try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(directory)))
            {
                final long digest = machine.digest();
                assertTrue(digest == before.digest() || digest == after.digest(),
                    "crash after write " + crashAfter + ": state is neither before nor after the batch");
                // Once the pending record is in, the batch is complete (it has no session to stop a re-apply).
                assertEquals(after.digest(), digest, "crash after write " + crashAfter);
            }
        }
    }

    private void crashAfterEveryWrite(final Command command, final String context) throws IOException
    {
        final KeyValueStateMachine reference = referenceAtBaseline();
        final Result[] expected = reference.apply(0, command);
        final long after = reference.digest();
        final long writes = countWrites(command);
        // Direct: data write (if any) and dedup record. Redo: pending record, data writes, dedup record, removal.
        assertTrue(writes >= 1, context);
        final boolean redo = writes >= 3;
        for (long crashAfter = 1; crashAfter <= writes; crashAfter++)
        {
            final String where = context + ", crash after write " + crashAfter + " of " + writes;
            final Path directory = tempDir.resolve("crash-" + directories++);
            copyDirectory(baseline, directory);
            crash(directory, command, crashAfter);
            try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(directory)))
            {
                assertTrue(machine.openedAfterCrash(), where);
                assertEquals(redo && crashAfter < writes ? 1 : 0, machine.replayedPendingRecords(), where);
                final long recovered = machine.digest();
                if (redo || crashAfter == writes)
                {
                    // Past the commit point the pending record completes the command on open.
                    assertEquals(after, recovered, where + ": not complete after recovery");
                }

                assertResults(expected, machine.apply(1, command), where + ": results of the re-applied command");
                assertEquals(after, machine.digest(), where + ": state after the re-apply");
                assertResults(expected, machine.apply(2, command), where + ": a later retry");
                assertEquals(after, machine.digest(), where + ": state after a later retry");
            }
        }
    }

    /** Writes {@code command} makes on the baseline state. */
    private long countWrites(final Command command) throws IOException
    {
        final Path directory = tempDir.resolve("count-" + directories++);
        copyDirectory(baseline, directory);
        final CrashHook counter = new CrashHook(0);
        try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(directory), counter))
        {
            machine.apply(0, command);
        }
        return counter.writes;
    }

    /** Applies {@code command} and dies after its write {@code crashAfter}; leaves the files as a crash would. */
    private static void crash(final Path directory, final Command command, final long crashAfter) throws IOException
    {
        final ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(directory), new CrashHook(crashAfter));
        assertThrows(SimulatedCrash.class, () -> machine.apply(0, command));
        assertEquals(ChronicleStateMachine.State.FAILED, machine.state());
        assertThrows(IllegalStateException.class, () -> machine.apply(1, command), "a failed instance refuses work");
        machine.close();
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
