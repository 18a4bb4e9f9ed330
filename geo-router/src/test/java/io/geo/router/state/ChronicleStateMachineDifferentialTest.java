package io.geo.router.state;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.OpType;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.state.KeyValueStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import static io.geo.router.state.StateTestSupport.MAX_OPS;
import static io.geo.router.state.StateTestSupport.MAX_VALUE_BYTES;
import static io.geo.router.state.StateTestSupport.assertResults;
import static io.geo.router.state.StateTestSupport.assertSameData;
import static io.geo.router.state.StateTestSupport.describe;
import static io.geo.router.state.StateTestSupport.seeds;
import static io.geo.router.state.StateTestSupport.smallConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Chronicle state machine gives the reference's results, state and digest for long random sequences. */
class ChronicleStateMachineDifferentialTest
{
    private static final int COMMANDS_PER_SEED = 5_000;
    private static final int CHECK_EVERY = 500;

    @TempDir
    Path tempDir;

    /** What the sequences exercised, so the test fails if the generator stops covering a case. */
    private static final class Coverage
    {
        final EnumMap<OpType, long[]> okFail = new EnumMap<>(OpType.class);
        long batches;
        long duplicates;
        long stale;
        long sessionLessWrites;

        void record(final Command command, final Result[] results, final boolean duplicate, final boolean stale)
        {
            if (duplicate)
            {
                if (stale)
                {
                    this.stale++;
                }
                else
                {
                    duplicates++;
                }
                return;
            }
            if (command.opCount() > 1)
            {
                batches++;
            }
            if (command.clientId() == 0 && !command.isReadOnly())
            {
                sessionLessWrites++;
            }
            for (int i = 0; i < command.opCount(); i++)
            {
                final Op op = command.op(i);
                okFail.computeIfAbsent(op.type(), t -> new long[2])[results[i].ok() ? 0 : 1]++;
            }
        }

        void assertCovered()
        {
            assertTrue(batches > 100 && duplicates > 50 && stale > 50 && sessionLessWrites > 50, this::toString);
            for (final OpType type : OpType.values())
            {
                final long[] counts = okFail.get(type);
                assertTrue(counts != null && counts[0] > 50, type + " succeeded too rarely: " + this);
                if (type == OpType.GET || type == OpType.CAS || type == OpType.INCR)
                {
                    assertTrue(counts[1] > 50, type + " failed too rarely: " + this);
                }
            }
        }

        @Override
        public String toString()
        {
            final StringBuilder sb = new StringBuilder("batches=" + batches + " duplicates=" + duplicates + " stale=" +
                stale + " sessionLessWrites=" + sessionLessWrites);
            for (final Map.Entry<OpType, long[]> e : okFail.entrySet())
            {
                sb.append(' ').append(e.getKey()).append("=ok:").append(e.getValue()[0]).append("/fail:")
                    .append(e.getValue()[1]);
            }
            return sb.toString();
        }
    }

    @Test
    @Timeout(180)
    void shouldMatchTheReferenceOnRandomCommandSequences() throws IOException
    {
        final Coverage coverage = new Coverage();
        for (final long seed : seeds(4))
        {
            runSeed(seed, coverage);
        }
        if (Long.getLong("seed") == null)
        {
            coverage.assertCovered();
        }
    }

    private void runSeed(final long seed, final Coverage coverage) throws IOException
    {
        final KeyValueStateMachine reference = new KeyValueStateMachine();
        final RandomCommands commands = new RandomCommands(seed, reference, 40, 6, MAX_OPS, MAX_VALUE_BYTES, true);
        try (ChronicleStateMachine machine = new ChronicleStateMachine(smallConfig(tempDir.resolve("seed-" + seed))))
        {
            for (int i = 0; i < COMMANDS_PER_SEED; i++)
            {
                final Command command = commands.next();
                final long duplicatesBefore = reference.duplicateCommands();
                final Result[] expected = reference.apply(i, command);
                final Result[] actual = machine.apply(i, command);
                final String context = describe(seed, i, command);
                assertResults(expected, actual, context);
                final boolean duplicate = reference.duplicateCommands() > duplicatesBefore;
                coverage.record(command, expected, duplicate, duplicate && isStale(expected, command));
                if (i % CHECK_EVERY == CHECK_EVERY - 1)
                {
                    assertEquals(reference.size(), machine.size(), context);
                    assertEquals(reference.digest(), machine.digest(), context);
                }
            }
            assertSameData(reference.snapshot(), machine.snapshot(), "seed " + seed);
            assertEquals(reference.digest(), machine.digest(), "seed " + seed);
            assertEquals(reference.appliedCommands(), machine.appliedCommands(), "seed " + seed);
            assertEquals(reference.duplicateCommands(), machine.duplicateCommands(), "seed " + seed);
            for (final Map.Entry<Key, byte[]> e : reference.snapshot().entrySet())
            {
                assertEquals(new String(e.getValue(), StandardCharsets.ISO_8859_1),
                    new String(machine.get(e.getKey()), StandardCharsets.ISO_8859_1), "get " + e.getKey());
            }
        }
    }

    /** A stale request answers NOT_FOUND for every op (a duplicate of a write never does for its write ops). */
    private static boolean isStale(final Result[] results, final Command command)
    {
        for (int i = 0; i < results.length; i++)
        {
            if (command.op(i).type() != OpType.GET && !results[i].equals(Result.NOT_FOUND))
            {
                return false;
            }
        }
        return true;
    }
}
