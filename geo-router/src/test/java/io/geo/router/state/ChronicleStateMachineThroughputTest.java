package io.geo.router.state;

import io.geo.epaxos.api.StateMachine;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.state.KeyValueStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A rough throughput figure for docs/state-machine.md, not a benchmark with a pass mark (performance is never
 * asserted by tests). Off unless {@code -Dgeo.state.throughput=true}:
 * <pre>
 * mvn -B -o -pl geo-router -am test -Dtest=ChronicleStateMachineThroughputTest -Dgeo.state.throughput=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Single-op PUT commands, 16-byte keys drawn uniformly from {@value #KEYS} distinct keys, 100-byte values, applied
 * one after another on one thread: with a session (64 clients in turn: data write and dedup record), without one
 * (client id 0: the data write only), and the in-memory reference for comparison. One more run applies single-op
 * INCRs with a session instead, which take the redo-record path (pending record inserted and removed).
 */
@EnabledIfSystemProperty(named = "geo.state.throughput", matches = "true")
class ChronicleStateMachineThroughputTest
{
    private static final int KEYS = 200_000;
    private static final int CLIENTS = 64;
    private static final int WARMUP_APPLIES = Integer.getInteger("geo.state.throughput.warmup", 300_000);
    private static final int MEASURED_APPLIES = Integer.getInteger("geo.state.throughput.applies", 1_000_000);
    private static final int ROUNDS = 3;

    @TempDir
    Path tempDir;

    @Test
    void shouldPrintAppliesPerSecondForSinglePuts() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(42);
        final Key[] keys = new Key[KEYS];
        for (int i = 0; i < KEYS; i++)
        {
            final byte[] key = new byte[16];
            random.nextBytes(key);
            keys[i] = Key.wrap(key);
        }
        final byte[][] values = new byte[1024][];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = new byte[100];
            random.nextBytes(values[i]);
        }
        System.out.printf("state machine throughput: single PUT, 16-byte keys (%d distinct), 100-byte values, " +
            "%d warm-up + %d x %d measured applies, %d cores, %s %s%n", KEYS, WARMUP_APPLIES, ROUNDS, MEASURED_APPLIES,
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
            System.getProperty("java.version"));
        for (final String mode : new String[] {"chronicle-session", "chronicle-no-session", "chronicle-session-incr",
            "reference-session"})
        {
            final ChronicleStateMachineConfig config = new ChronicleStateMachineConfig()
                .directory(tempDir.resolve(mode))
                .entries(KEYS + KEYS / 4)
                .averageKeyBytes(16)
                .averageValueBytes(100)
                .sessions(1_000);
            final boolean session = !mode.endsWith("no-session");
            final boolean incr = mode.endsWith("incr");
            final ChronicleStateMachine chronicle = mode.startsWith("chronicle") ? new ChronicleStateMachine(config) : null;
            final StateMachine machine = chronicle != null ? chronicle : new KeyValueStateMachine();
            try
            {
                final long[] requestNumbers = new long[CLIENTS + 1];
                final SplittableRandom picks = new SplittableRandom(7);
                run(machine, keys, values, picks, requestNumbers, session, incr, WARMUP_APPLIES);
                final double[] rates = new double[ROUNDS];
                for (int round = 0; round < ROUNDS; round++)
                {
                    final long startNs = System.nanoTime();
                    run(machine, keys, values, picks, requestNumbers, session, incr, MEASURED_APPLIES);
                    rates[round] = MEASURED_APPLIES / ((System.nanoTime() - startNs) / 1e9);
                }
                final double[] sorted = rates.clone();
                Arrays.sort(sorted);
                System.out.printf("%-22s applies/s per round: %s, median %.0f%n", mode,
                    Arrays.toString(Arrays.stream(rates).mapToLong(Math::round).toArray()), sorted[ROUNDS / 2]);
            }
            finally
            {
                if (chronicle != null)
                {
                    chronicle.close();
                }
            }
        }
    }

    private static void run(
        final StateMachine machine, final Key[] keys, final byte[][] values, final SplittableRandom picks,
        final long[] requestNumbers, final boolean session, final boolean incr, final int applies)
    {
        for (int i = 0; i < applies; i++)
        {
            final int client = session ? 1 + (i % CLIENTS) : 0;
            final Key key = keys[picks.nextInt(keys.length)];
            final Op op = incr ? Op.incr(key, 1) : Op.put(key, values[picks.nextInt(values.length)]);
            machine.apply(i, Command.of(client, ++requestNumbers[client], op));
        }
    }
}
