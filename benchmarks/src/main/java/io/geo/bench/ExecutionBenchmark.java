package io.geo.bench;

import io.geo.epaxos.api.StateMachine;
import io.geo.epaxos.messages.Commit;
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.state.KeyValueStateMachine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Cost per instance of commit + execute at replica 1 of 3: {@value #BATCH} {@code onMessage(Commit)} per invocation
 * from replica 0 for instances 0.n it has not seen before, each one PUT of a 16-byte value; every instance of the
 * batch is executed by the end of it (checked). Score = ns per committed-and-executed instance.
 *
 * <p>Shapes ({@code shape}):
 * <ul>
 *   <li>{@code INDEPENDENT}: each instance on its own key (cycling over {@value #KEYSPACE} keys), no deps: commit,
 *       a one-node Tarjan pass, execute.</li>
 *   <li>{@code CHAIN}: all on one key, each depending on the previous instance, committed in order: each executes as
 *       soon as its commit arrives (its dependency already executed).</li>
 *   <li>{@code REVERSED_CHAINS}: chains of {@code reversedChainLength} instances on one key each, each depending on
 *       the previous one of its chain, whose commits arrive newest first: nothing executes until the chain's first
 *       instance commits. Exercises placeholders, execution waiters and Tarjan retries (out-of-order delivery).</li>
 * </ul>
 * {@code stateMachine}: {@code NOOP} isolates the replica's cost; {@code KEY_VALUE} applies the writes to the
 * reference in-memory {@link KeyValueStateMachine} (a TreeMap).
 *
 * <p>Commit messages are built in the per-invocation setup, as a decoder would; the per-invocation teardown gossips
 * watermarks and ticks so the batch is garbage-collected and every invocation starts from an empty replica.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class ExecutionBenchmark
{
    static final int BATCH = 4096;
    static final int KEYSPACE = 65_536;
    private static final int LEADER = 0;

    public enum Shape
    {
        INDEPENDENT,
        CHAIN,
        REVERSED_CHAINS
    }

    @Param
    public Shape shape;

    public enum Machine
    {
        /** Applies nothing: the replica's own cost. */
        NOOP,
        /** The reference in-memory KeyValueStateMachine. */
        KEY_VALUE
    }

    @Param
    public Machine stateMachine;

    /** Instances per chain in REVERSED_CHAINS (ignored by the other shapes); must divide {@value #BATCH}. */
    @Param({"16"})
    public int reversedChainLength;

    private BenchReplica bench;
    private final Commit[] batch = new Commit[BATCH];
    private long lastNumber;
    private long chainCount;

    @Setup(Level.Trial)
    public void createReplica()
    {
        if (reversedChainLength < 1 || BATCH % reversedChainLength != 0)
        {
            throw new IllegalArgumentException(
                "bad reversedChainLength=" + reversedChainLength + ": expected a divisor of " + BATCH);
        }
        final StateMachine machine = switch (stateMachine)
        {
            case NOOP -> new NoOpStateMachine(BenchReplica.MAX_OPS_PER_COMMAND);
            case KEY_VALUE -> new KeyValueStateMachine();
        };
        bench = new BenchReplica(machine);
    }

    @Setup(Level.Invocation)
    public void prepareBatch()
    {
        switch (shape)
        {
            case INDEPENDENT ->
            {
                for (int i = 0; i < BATCH; i++)
                {
                    final long number = ++lastNumber;
                    batch[i] = commit(number, number % KEYSPACE, 1, Deps.EMPTY);
                }
            }
            case CHAIN ->
            {
                for (int i = 0; i < BATCH; i++)
                {
                    final long number = ++lastNumber;
                    final long[] deps = number == 1 ? Deps.EMPTY : new long[]{InstanceId.of(LEADER, number - 1)};
                    batch[i] = commit(number, 0, number, deps);
                }
            }
            case REVERSED_CHAINS ->
            {
                for (int chain = 0; chain < BATCH / reversedChainLength; chain++)
                {
                    final long key = chainCount++ % KEYSPACE;
                    final long first = lastNumber + 1;
                    for (int j = 0; j < reversedChainLength; j++)
                    {
                        final long number = ++lastNumber;
                        final long[] deps = j == 0 ? Deps.EMPTY : new long[]{InstanceId.of(LEADER, number - 1)};
                        // Newest first within the chain.
                        final int position = (chain + 1) * reversedChainLength - 1 - j;
                        batch[position] = commit(number, key, number - first + 1, deps);
                    }
                }
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void commitAndExecute()
    {
        final long allocatedAtStart = MeasuredAllocation.start();
        final long nowNs = bench.nowNs();
        for (int i = 0; i < BATCH; i++)
        {
            bench.replica.onMessage(LEADER, batch[i], nowNs);
            // One group commit per message: the worst case (every commit becomes executable on its own).
            bench.replica.onSynced(nowNs);
        }
        MeasuredAllocation.record(allocatedAtStart, BATCH);
    }

    @TearDown(Level.Invocation)
    public void collectBatch()
    {
        final long executed = bench.replica.executedPrefix()[LEADER];
        BenchReplica.require(executed == lastNumber, "instances executed by the end of a batch", lastNumber, executed);
        bench.collectGarbage(new long[]{lastNumber, 0, 0});
        BenchReplica.require(bench.replica.liveInstances() == 0, "live instances after GC", 0,
            bench.replica.liveInstances());
        BenchReplica.require(bench.replica.indexedKeys() == 0, "indexed keys after GC", 0,
            bench.replica.indexedKeys());
        Arrays.fill(batch, null);
    }

    private static Commit commit(final long number, final long keyIndex, final long seq, final long[] deps)
    {
        return new Commit(InstanceId.of(LEADER, number), BenchReplica.put(keyIndex, number), seq, deps);
    }
}
