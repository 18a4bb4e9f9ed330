package io.geo.bench;

import io.geo.epaxos.messages.Commit;
import io.geo.epaxos.messages.PreAccept;
import io.geo.epaxos.primitives.Ballot;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.InstanceId;
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

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Cost of one {@code onMessage(PreAccept)} for a new instance on a random key, at replica 1 of 3, with a conflict
 * index that holds {@code liveKeys} keys.
 *
 * <p>State reached through the public API only. Setup feeds PreAccept + Commit from replica 0 for {@value #KEYS}
 * distinct keys (instances 0.1 .. 0.1000000, one PUT each, no deps); each commits and executes at once. The index
 * forgets a key only when garbage collection forgets the last instance on it, and GC forgets only instances that
 * every replica reports executed. So setup then gossips watermarks from replicas 0 and 2 that cover the oldest
 * {@code KEYS - liveKeys} instances and ticks: the index keeps exactly {@code liveKeys} keys.
 * <ul>
 *   <li>{@code liveKeys = 1000000}: every key live; GC of leader 0 withheld. Reachable because the live-instance cap
 *       ({@code maxLiveInstances} &lt;= 65535) only limits this replica's own submissions, not instances learnt from
 *       peers.</li>
 *   <li>{@code liveKeys = 65535}: the largest live set a cluster that respects the cap holds.</li>
 *   <li>{@code liveKeys = 0}: steady state with GC keeping up: every earlier instance is forgotten, so the key of a
 *       new PreAccept is almost never in the index (the index maps stay at the capacity they grew to).</li>
 * </ul>
 *
 * <p>Measured: {@value #BATCH} PreAccepts per invocation from replica 2 (new instances 2.n, ballot 2's initial),
 * each on a key drawn uniformly from the {@value #KEYS}, carrying the attributes the leader would send (deps = the
 * live instance on that key, if any; seq one above the key's last). Messages are built in the per-invocation setup,
 * as a decoder would (fresh Command, Key and byte arrays), so only the replica's work is timed. The per-invocation
 * teardown commits the batch as no-ops (which takes the instances out of the index without executing a write that
 * would compact the preloaded instance away), executes them, and garbage-collects leader 2: every invocation starts
 * from the same index.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms4g", "-Xmx4g"})
public class PreAcceptBenchmark
{
    static final int KEYS = 1_000_000;
    static final int BATCH = 4096;
    private static final int PRELOAD_LEADER = 0;
    private static final int PROPOSER = 2;

    @Param({"1000000", "65535", "0"})
    public int liveKeys;

    private BenchReplica bench;
    /** Per key, the seq of its latest instance: what the proposer knows and sends. */
    private final long[] lastSeq = new long[KEYS];
    private final SplittableRandom random = new SplittableRandom(20261122);
    private final PreAccept[] batch = new PreAccept[BATCH];
    private long nextProposerNumber = 1;

    @Setup(Level.Trial)
    public void preload()
    {
        final long startNs = System.nanoTime();
        bench = new BenchReplica(new NoOpStateMachine(BenchReplica.MAX_OPS_PER_COMMAND));
        final long ballot = Ballot.initial(PRELOAD_LEADER);
        for (int k = 0; k < KEYS; k++)
        {
            final long id = InstanceId.of(PRELOAD_LEADER, k + 1);
            final Command command = BenchReplica.put(k, k + 1);
            bench.replica.onMessage(PRELOAD_LEADER, new PreAccept(ballot, id, command, 1, Deps.EMPTY), bench.nowNs());
            bench.replica.onMessage(PRELOAD_LEADER, new Commit(id, command, 1, Deps.EMPTY), bench.nowNs());
            bench.replica.onSynced(bench.nowNs());
            lastSeq[k] = 1;
        }
        BenchReplica.require(bench.replica.indexedKeys() == KEYS, "indexed keys after preload", KEYS,
            bench.replica.indexedKeys());
        bench.collectGarbage(new long[]{KEYS - liveKeys, 0, 0});
        checkSteadyState("after setup");
        System.gc(); // only to report the heap the live set takes; the measurement starts from a clean heap anyway
        final long heapUsedBytes = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf(
            "%npreload: %d keys, GC down to %d live; index holds %d keys, %d live instances; heap used %d MiB " +
            "(%.1f s)%n", KEYS, liveKeys, bench.replica.indexedKeys(), bench.replica.liveInstances(),
            heapUsedBytes >> 20, (System.nanoTime() - startNs) / 1e9);
    }

    @Setup(Level.Invocation)
    public void prepareBatch()
    {
        final long ballot = Ballot.initial(PROPOSER);
        final long forgottenBelow = KEYS - liveKeys;
        for (int i = 0; i < BATCH; i++)
        {
            final int k = random.nextInt(KEYS);
            final long seq = ++lastSeq[k];
            final long[] deps = k >= forgottenBelow ? new long[]{InstanceId.of(PRELOAD_LEADER, k + 1)} : Deps.EMPTY;
            final long id = InstanceId.of(PROPOSER, nextProposerNumber++);
            batch[i] = new PreAccept(ballot, id, BenchReplica.put(k, seq), seq, deps);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void preAccept()
    {
        final long allocatedAtStart = MeasuredAllocation.start();
        final long nowNs = bench.nowNs();
        for (int i = 0; i < BATCH; i++)
        {
            bench.replica.onMessage(PROPOSER, batch[i], nowNs);
        }
        MeasuredAllocation.record(allocatedAtStart, BATCH);
    }

    @TearDown(Level.Invocation)
    public void commitAndCollectBatch()
    {
        for (int i = 0; i < BATCH; i++)
        {
            bench.replica.onMessage(PROPOSER, new Commit(batch[i].instance(), Command.NOOP, 0, Deps.EMPTY),
                bench.nowNs());
            batch[i] = null;
        }
        bench.replica.onSynced(bench.nowNs());
        bench.collectGarbage(new long[]{0, 0, nextProposerNumber - 1});
        checkSteadyState("after a batch");
    }

    @TearDown(Level.Trial)
    public void report()
    {
        System.out.printf("%nend of trial: index holds %d keys, %d live instances, %d PreAccepts handled%n",
            bench.replica.indexedKeys(), bench.replica.liveInstances(), nextProposerNumber - 1);
    }

    private void checkSteadyState(final String when)
    {
        BenchReplica.require(bench.replica.indexedKeys() == liveKeys, "indexed keys " + when, liveKeys,
            bench.replica.indexedKeys());
        BenchReplica.require(bench.replica.liveInstances() == liveKeys, "live instances " + when, liveKeys,
            bench.replica.liveInstances());
        BenchReplica.require(bench.replica.uncommittedCount() == 0, "uncommitted instances " + when, 0,
            bench.replica.uncommittedCount());
    }
}
