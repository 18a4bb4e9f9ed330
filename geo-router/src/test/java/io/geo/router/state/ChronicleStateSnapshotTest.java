package io.geo.router.state;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.state.KeyValueStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static io.geo.router.state.StateTestSupport.MAX_OPS;
import static io.geo.router.state.StateTestSupport.MAX_VALUE_BYTES;
import static io.geo.router.state.StateTestSupport.assertResults;
import static io.geo.router.state.StateTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state part of region snapshots: the Chronicle state machine captures the same bytes as the reference for the
 * same state, installs what either captured (data and dedup table: duplicates after the install are still answered
 * from the table), and refuses malformed or oversized snapshots without changing anything.
 */
class ChronicleStateSnapshotTest
{
    @TempDir
    Path tempDir;

    @Test
    @Timeout(120)
    void shouldCaptureTheReferencesBytesAndInstallThemExactly() throws IOException
    {
        final KeyValueStateMachine reference = new KeyValueStateMachine();
        final RandomCommands commands = new RandomCommands(17, reference, 40, 6, MAX_OPS, MAX_VALUE_BYTES, true);
        try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(tempDir.resolve("a")));
            ChronicleStateMachine installed = new ChronicleStateMachine(smallConfig(tempDir.resolve("b"))))
        {
            for (int i = 0; i < 3_000; i++)
            {
                final Command command = commands.next();
                final Result3 results = new Result3(reference.apply(i, command), machine.apply(i, command));
                assertResults(results.expected(), results.actual(), "command " + i);
                if (i % 500 == 499)
                {
                    final byte[] state = reference.captureState();
                    assertArrayEquals(state, machine.captureState(), "captured bytes after command " + i);
                    installed.installState(machine.captureState());
                    assertEquals(reference.digest(), installed.digest(), "installed after command " + i);
                    assertEquals(reference.size(), installed.size());
                    assertEquals(reference.sessions().size(), installed.sessionCount());
                }
            }
            // the installed copy answers as the reference from here on, duplicates of old requests included
            final KeyValueStateMachine copy = new KeyValueStateMachine();
            copy.installState(installed.captureState());
            for (int i = 0; i < 1_000; i++)
            {
                final Command command = commands.next();
                assertResults(reference.apply(i, command), installed.apply(i, command), "after install, " + i);
                copy.apply(i, command);
            }
            assertEquals(reference.digest(), installed.digest());
            assertEquals(reference.digest(), copy.digest());
            assertTrue(reference.duplicateCommands() > 0);
        }
    }

    private record Result3(io.geo.epaxos.primitives.Result[] expected, io.geo.epaxos.primitives.Result[] actual)
    {
    }

    @Test
    @Timeout(120)
    void shouldRefuseMalformedSnapshotsAndChangeNothing() throws IOException
    {
        final KeyValueStateMachine source = new KeyValueStateMachine();
        for (int i = 1; i <= 20; i++)
        {
            source.apply(i, Command.of(i % 4 + 1, i, Op.put(Key.of("key" + i), bytes("value " + i))));
        }
        final byte[] state = source.captureState();
        try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(tempDir.resolve("m"))))
        {
            machine.apply(1, Command.of(9, 1, Op.put(Key.of("mine"), bytes("kept"))));
            final long digest = machine.digest();
            for (int cut = 0; cut < state.length; cut++)
            {
                final byte[] truncated = Arrays.copyOf(state, cut);
                assertThrows(IllegalArgumentException.class, () -> machine.installState(truncated), "cut " + cut);
            }
            final byte[] original = machine.captureState();
            final SplittableRandom random = new SplittableRandom(3);
            int refused = 0;
            for (int i = 0; i < 2_000; i++)
            {
                final byte[] corrupt = state.clone();
                corrupt[random.nextInt(corrupt.length)] ^= (byte)(1 + random.nextInt(255));
                try
                {
                    machine.installState(corrupt); // a changed value byte is still a valid state
                    machine.installState(original);
                }
                catch (final IllegalArgumentException expected)
                {
                    refused++;
                    assertEquals(digest, machine.digest(), "a refused snapshot changed nothing");
                }
            }
            assertTrue(refused > 100, "refused " + refused);
            assertEquals(digest, machine.digest(), "a refused snapshot changed nothing");
            assertEquals(ChronicleStateMachine.State.OPEN, machine.state());
        }
    }

    @Test
    void shouldRefuseAStateLargerThanTheDirectoryHolds() throws IOException
    {
        final KeyValueStateMachine big = new KeyValueStateMachine();
        for (int i = 1; i <= 5_000; i++)
        {
            big.apply(i, Command.of(0, 0, Op.put(Key.of("k" + i), bytes("v"))));
        }
        try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(tempDir.resolve("s"))))
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> machine.installState(big.captureState()));
            assertTrue(ex.getMessage().contains("5000 keys") && ex.getMessage().contains("entries=4096"),
                ex.getMessage());
            assertEquals(0, machine.size());
        }
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
