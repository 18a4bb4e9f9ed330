package io.geo.bench.wan;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import io.geo.wan.WanProfile;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput against latency on the {@code lan} profile (the three region names, every link a LAN link): an open-loop
 * load generator sends {@link #offeredLoad} commands per second, spread round-robin over the regions, whatever the
 * cluster answers, and every command's latency is measured from the moment it was due to be sent (so a generator held
 * up by a saturated cluster does not hide the queueing: no coordinated omission). A command needs a free client
 * session of its region ({@value #SESSIONS_PER_REGION} per region, each with one command in flight); when none is free
 * the generator waits (counted) and the wait counts in the latency. JMH's score is the rate the generator managed to
 * send; the answered rate and the latency percentiles of the measurement iterations go to the throughput side file
 * ({@link #SIDE_FILE_PROPERTY}), from which {@code geo bench} draws the latency-against-load curve and finds the
 * saturation point.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 2, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class LanThroughputBenchmark
{
    /** System property: a file each trial appends one line of results to (tab-separated); unset, they are printed. */
    public static final String SIDE_FILE_PROPERTY = "geo.bench.throughputFile";
    static final int SESSIONS_PER_REGION = 2048;
    private static final int PRIVATE_KEYS = 16;
    private static final Key HOT = Key.of("hot");
    private static final long SESSION_WAIT_LIMIT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long HIGHEST_LATENCY_US = TimeUnit.MINUTES.toMicros(10);

    @Param({"EPAXOS", "HYDRA", "MULTI_PAXOS"})
    public WanBenchCluster.Protocol protocol;

    /** Commands per second offered, over all regions. */
    @Param({"5000", "10000", "20000", "40000", "80000", "160000", "320000"})
    public int offeredLoad;

    @Param({"0"})
    public int conflictPercent;

    @Param({"16"})
    public int valueBytes;

    /** A client session: one command in flight at a time, on keys of its own (or the hot key). */
    private final class Session implements WanBenchCluster.Completion
    {
        final int region;
        final long clientId;
        long requestNumber;
        long dueNs;

        Session(final int region, final long clientId)
        {
            this.region = region;
            this.clientId = clientId;
        }

        @Override
        public void completed(final Result[] results, final String error)
        {
            // the cluster's driver thread: the only writer of the recorder and the counters
            final long latencyUs = Math.max(0, (System.nanoTime() - dueNs) / 1000);
            if (error == null)
            {
                recorder.recordValue(Math.min(latencyUs, HIGHEST_LATENCY_US));
                answered.lazySet(answered.get() + 1);
            }
            else
            {
                failed.lazySet(failed.get() + 1);
                lastError = error;
            }
            free[region].offer(this);
        }
    }

    private WanBenchCluster cluster;
    private int regions;
    private OneToOneConcurrentArrayQueue<Session>[] free;
    private final SingleWriterRecorder recorder = new SingleWriterRecorder(HIGHEST_LATENCY_US, 3);
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String lastError;
    private final Histogram measured = new Histogram(HIGHEST_LATENCY_US, 3);
    private final SplittableRandom random = new SplittableRandom(42);
    private long intervalNs;
    private long iterationStartNs;
    private long sentInIteration;
    private long answeredAtStart;
    private long failedAtStart;
    private long measuredNs;
    private long measuredSent;
    private long measuredAnswered;
    private long measuredFailed;
    private long waitsInIteration;
    private long measuredWaits;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void start()
    {
        if (offeredLoad <= 0)
        {
            throw new IllegalArgumentException("offeredLoad must be positive: " + offeredLoad);
        }
        final WanProfile profile = WanWorkload.loadProfile("lan");
        regions = profile.regionCount();
        cluster = new WanBenchCluster(profile, protocol, 0, 42, TimeUnit.SECONDS.toNanos(30));
        intervalNs = Math.max(1, 1_000_000_000L / offeredLoad);
        free = new OneToOneConcurrentArrayQueue[regions];
        for (int r = 0; r < regions; r++)
        {
            free[r] = new OneToOneConcurrentArrayQueue<>(SESSIONS_PER_REGION);
            for (int i = 0; i < SESSIONS_PER_REGION; i++)
            {
                free[r].offer(new Session(r, WanWorkload.nextClientId()));
            }
        }
    }

    @Setup(Level.Iteration)
    public void startIteration(final IterationParams params)
    {
        iterationStartNs = System.nanoTime();
        sentInIteration = 0;
        waitsInIteration = 0;
        answeredAtStart = answered.get();
        failedAtStart = failed.get();
        recorder.getIntervalHistogram(); // drop what the previous iteration recorded
    }

    @TearDown(Level.Iteration)
    public void endIteration(final IterationParams params)
    {
        if (params.getType() == IterationType.MEASUREMENT)
        {
            measuredNs += System.nanoTime() - iterationStartNs;
            measuredSent += sentInIteration;
            measuredWaits += waitsInIteration;
            measuredAnswered += answered.get() - answeredAtStart;
            measuredFailed += failed.get() - failedAtStart;
            measured.add(recorder.getIntervalHistogram());
        }
    }

    @TearDown(Level.Trial)
    public void stop()
    {
        cluster.close();
        final double seconds = measuredNs / 1e9;
        final String line = String.join("\t", protocol.name(), Integer.toString(offeredLoad),
            Integer.toString(conflictPercent), Integer.toString(valueBytes),
            String.format(Locale.ROOT, "%.1f", measuredSent / seconds),
            String.format(Locale.ROOT, "%.1f", measuredAnswered / seconds),
            Long.toString(measuredFailed),
            Long.toString(measured.getValueAtPercentile(50)), Long.toString(measured.getValueAtPercentile(90)),
            Long.toString(measured.getValueAtPercentile(99)), Long.toString(measured.getValueAtPercentile(99.9)),
            Long.toString(measured.getMaxValue()), Long.toString(cluster.fastPathCommits()),
            Long.toString(cluster.slowPathCommits()), String.format(Locale.ROOT, "%.1f", seconds),
            Long.toString(measuredWaits));
        if (measuredFailed > 0)
        {
            System.out.printf("%n%s at %d/s: %d commands failed, the last: %s%n", protocol, offeredLoad,
                measuredFailed, lastError);
        }
        WanWorkload.appendSideLine(SIDE_FILE_PROPERTY, line, String.format(Locale.ROOT,
            "%n%s at %d/s offered: sent %.0f/s, answered %.0f/s, p50 %.2f ms, p99 %.2f ms, failed %d%n", protocol,
            offeredLoad, measuredSent / seconds, measuredAnswered / seconds, measured.getValueAtPercentile(50) / 1e3,
            measured.getValueAtPercentile(99) / 1e3, measuredFailed));
    }

    /** Sends the next command when it is due (round-robin over the regions), without waiting for its answer. */
    @Benchmark
    public void send()
    {
        final long dueNs = iterationStartNs + sentInIteration * intervalNs;
        final int region = (int)(sentInIteration % regions);
        sentInIteration++;
        for (long nowNs = System.nanoTime(); nowNs < dueNs; nowNs = System.nanoTime())
        {
            LockSupport.parkNanos(dueNs - nowNs);
        }
        Session session = free[region].poll();
        if (session == null)
        {
            waitsInIteration++;
        }
        while (session == null)
        {
            if (System.nanoTime() - dueNs > SESSION_WAIT_LIMIT_NS)
            {
                throw new IllegalStateException("no session of region " + region + " was answered in " +
                    TimeUnit.NANOSECONDS.toSeconds(SESSION_WAIT_LIMIT_NS) + " s (" + SESSIONS_PER_REGION +
                    " in flight)");
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(20));
            session = free[region].poll();
        }
        final boolean hot = conflictPercent > 0 && random.nextInt(100) < conflictPercent;
        final Key key = hot ? HOT : Key.of("s" + session.clientId + "-" + random.nextInt(PRIVATE_KEYS));
        final byte[] value = new byte[valueBytes];
        random.nextBytes(value);
        session.dueNs = dueNs;
        cluster.submit(region, Command.of(session.clientId, ++session.requestNumber, Op.put(key, value)), session);
    }
}
