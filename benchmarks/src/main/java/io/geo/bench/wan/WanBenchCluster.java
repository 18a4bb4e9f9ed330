package io.geo.bench.wan;

import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.regionlog.RegionLogConfig;
import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.epaxos.state.KeyValueStateMachine;
import io.geo.router.demo.EmbeddedCluster;
import io.geo.router.demo.Stores;
import io.geo.router.host.ProtocolHost;
import io.geo.router.host.ReplicaHost;
import io.geo.router.transport.EmulatedWan;
import io.geo.wan.WanProfile;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A cluster of one node per region of a WAN profile in this JVM, on the real-time WAN emulator, driven by a thread of
 * its own, for benchmarks whose threads act as clients: {@link #execute} hands a command to the node of a region and
 * blocks until that node answers. The protocol is EPaxos (one {@link ReplicaHost} per region, as a sidecar runs it,
 * batching on) or the leader-based baseline: the region log across the regions in Multi-Paxos mode with its leader
 * in a chosen region ({@link MultiPaxosNode}). Stores are in memory for both (the WAN dominates; docs/benchmarks.md).
 */
public final class WanBenchCluster implements AutoCloseable
{
    /** Which protocol orders the commands. */
    public enum Protocol
    {
        /** EPaxos across the regions: one replica per region. */
        EPAXOS,
        /** The region log across the regions without delegation: every command through one leader. */
        MULTI_PAXOS
    }

    private static final long TICK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long IDLE_PARK_NS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final int BATCH_MAX_COMMANDS = 64;

    /** A command handed to the driver and the answer it waits for. */
    private static final class Call
    {
        final int region;
        final Command command;
        final Thread waiter;
        volatile Result[] results;
        volatile String error;
        volatile boolean done;

        Call(final int region, final Command command, final Thread waiter)
        {
            this.region = region;
            this.command = command;
            this.waiter = waiter;
        }

        void complete(final Result[] results, final String error)
        {
            this.results = results;
            this.error = error;
            done = true;
            LockSupport.unpark(waiter);
        }
    }

    private final Protocol protocol;
    private final WanProfile profile;
    private final EmulatedWan wan;
    private final List<ReplicaHost> replicas = new ArrayList<>();
    private final List<MultiPaxosNode> logNodes = new ArrayList<>();
    private final int leaderRegion;
    private final ConcurrentLinkedQueue<Call> submissions = new ConcurrentLinkedQueue<>();
    /** The call of each client id in flight (driver thread only). */
    private final Long2ObjectHashMap<Call> inFlight = new Long2ObjectHashMap<>();
    private final Thread driver;
    private volatile boolean running = true;
    private volatile boolean ready;
    private volatile String failure;

    /**
     * Starts the cluster and, for {@link Protocol#MULTI_PAXOS}, waits until the node of {@code leaderRegion} leads.
     *
     * @param leaderRegion the baseline leader's region (ignored for EPaxos).
     * @throws IllegalStateException if the baseline elects no leader within {@code startTimeoutNs}.
     */
    public WanBenchCluster(
        final WanProfile profile, final Protocol protocol, final int leaderRegion, final long seed,
        final long startTimeoutNs)
    {
        this.profile = profile;
        this.protocol = protocol;
        this.leaderRegion = leaderRegion;
        final int regions = profile.regionCount();
        if (leaderRegion < 0 || leaderRegion >= regions)
        {
            throw new IllegalArgumentException("leaderRegion " + leaderRegion + " is not a region of " +
                profile.name() + " (0.." + (regions - 1) + ")");
        }
        this.wan = new EmulatedWan(profile, seed, 1 << 20);
        final long nowNs = System.nanoTime();
        for (int r = 0; r < regions; r++)
        {
            if (protocol == Protocol.EPAXOS)
            {
                final ReplicaConfig config = new ReplicaConfig()
                    .replicaId(r)
                    .replicaCount(regions)
                    .randomSeed(seed * 31 + r)
                    .fastPathTimeoutNs(TimeUnit.MILLISECONDS.toNanos(EmbeddedCluster.fastPathWaitMs(profile, r)))
                    .retransmitTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1000))
                    .recoveryTimeoutNs(TimeUnit.MILLISECONDS.toNanos(3000));
                replicas.add(new ReplicaHost(config, Stores.memory(r), new KeyValueStateMachine(), wan.transport(r),
                    new Answers(), TICK_INTERVAL_NS, nowNs).batching(BATCH_MAX_COMMANDS));
            }
            else
            {
                // timers scaled to the WAN (as the region log simulator's); the chosen leader's election timeout is
                // a third of the others', so it campaigns first and the others, hearing it, never do
                final long rttNs = maxRttNs(profile);
                final long electionTimeoutNs = 3 * rttNs + TimeUnit.MILLISECONDS.toNanos(300);
                final RegionLogConfig config = new RegionLogConfig()
                    .nodeId(r)
                    .nodeCount(regions)
                    .delegation(false)
                    .randomSeed(seed * 131 + r)
                    .heartbeatIntervalNs(Math.max(TimeUnit.MILLISECONDS.toNanos(5), rttNs / 4))
                    .electionTimeoutNs(r == leaderRegion ? electionTimeoutNs : 3 * electionTimeoutNs)
                    .retransmitTimeoutNs(2 * rttNs + TimeUnit.MILLISECONDS.toNanos(20));
                logNodes.add(new MultiPaxosNode(config, wan.transport(r), (token, results) ->
                {
                    final Call call = (Call)token;
                    inFlight.remove(call.command.clientId());
                    call.complete(results, null);
                }, nowNs));
            }
        }
        driver = new Thread(this::drive, "wan-bench-cluster");
        driver.setDaemon(true);
        driver.start();
        final long deadlineNs = System.nanoTime() + startTimeoutNs;
        while (!ready && failure == null && System.nanoTime() < deadlineNs)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        if (!ready)
        {
            close();
            throw new IllegalStateException(failure != null ? failure : "the baseline elected no leader in " +
                profile.regions().get(leaderRegion) + " within " + TimeUnit.NANOSECONDS.toMillis(startTimeoutNs) +
                " ms");
        }
    }

    /**
     * Has the node of {@code region} order and execute {@code command} and returns its results; blocks the calling
     * thread. A thread must wait for one command before sending the next of the same client id.
     *
     * @throws IllegalStateException if the command was rejected, or not answered within {@code timeoutNs}.
     */
    public Result[] execute(final int region, final Command command, final long timeoutNs)
    {
        final Call call = new Call(region, command, Thread.currentThread());
        submissions.add(call);
        LockSupport.unpark(driver);
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (!call.done)
        {
            final long leftNs = deadlineNs - System.nanoTime();
            if (leftNs <= 0 || !running)
            {
                throw new IllegalStateException("no answer from " + profile.regions().get(region) + " within " +
                    TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms" + (failure == null ? "" : ": " + failure));
            }
            LockSupport.parkNanos(leftNs);
        }
        if (call.error != null)
        {
            throw new IllegalStateException(call.error);
        }
        return call.results;
    }

    private void drive()
    {
        try
        {
            while (running)
            {
                final long nowNs = System.nanoTime();
                int work = wan.pump(nowNs);
                for (Call call; (call = submissions.poll()) != null; work++)
                {
                    route(call, nowNs);
                }
                if (protocol == Protocol.EPAXOS)
                {
                    for (final ReplicaHost host : replicas)
                    {
                        work += host.doWork(nowNs);
                    }
                    ready = true;
                }
                else
                {
                    for (final MultiPaxosNode node : logNodes)
                    {
                        work += node.doWork(nowNs);
                    }
                    ready |= logNodes.get(leaderRegion).isLeader();
                }
                if (work == 0)
                {
                    final long sleepNs = Math.min(wan.nextDeadlineNs() - System.nanoTime(), IDLE_PARK_NS);
                    if (sleepNs > 0)
                    {
                        LockSupport.parkNanos(sleepNs);
                    }
                }
            }
        }
        catch (final RuntimeException | Error ex)
        {
            failure = "the cluster's driver failed: " + ex;
            running = false;
            throw ex;
        }
    }

    private void route(final Call call, final long nowNs)
    {
        if (inFlight.containsKey(call.command.clientId()))
        {
            call.complete(null, "client " + call.command.clientId() + " already has a command in flight");
            return;
        }
        inFlight.put(call.command.clientId(), call);
        if (protocol == Protocol.EPAXOS)
        {
            replicas.get(call.region).submit(call.command, nowNs);
        }
        else if (!logNodes.get(call.region).submit(call.command, call, nowNs))
        {
            inFlight.remove(call.command.clientId());
            call.complete(null, "the baseline node of " + profile.regions().get(call.region) + " refused the " +
                "append (too many pending)");
        }
    }

    /** Routes the EPaxos hosts' outcomes to the waiting calls. */
    private final class Answers implements ProtocolHost.Listener
    {
        @Override
        public void onCommitted(final Command command, final boolean fastPath)
        {
        }

        @Override
        public void onExecuted(final Command command, final Result[] results)
        {
            final Call call = inFlight.get(command.clientId());
            if (call != null && call.command.requestNumber() == command.requestNumber())
            {
                inFlight.remove(command.clientId());
                call.complete(results, null);
            }
        }

        @Override
        public void onRejected(final Command command, final Rejection reason, final String detail)
        {
            final Call call = inFlight.get(command.clientId());
            if (call != null && call.command.requestNumber() == command.requestNumber())
            {
                inFlight.remove(command.clientId());
                call.complete(null, "rejected " + reason + ": " + detail);
            }
        }
    }

    /** Instances committed on the fast path, summed over the replicas (0 for the baseline); after {@link #close}. */
    public long fastPathCommits()
    {
        long sum = 0;
        for (final ReplicaHost host : replicas)
        {
            sum += host.replicaView().counters().fastPathCommits();
        }
        return sum;
    }

    /** Instances that needed the Accept round, summed over the replicas; after {@link #close}. */
    public long slowPathCommits()
    {
        long sum = 0;
        for (final ReplicaHost host : replicas)
        {
            sum += host.replicaView().counters().slowPathCommits();
        }
        return sum;
    }

    /** Which baseline node leads, for diagnostics (racy read from another thread: for messages only). */
    String describe()
    {
        final StringBuilder sb = new StringBuilder();
        for (int r = 0; r < logNodes.size(); r++)
        {
            sb.append(logNodes.get(r).isLeader() ? "L" : "-");
        }
        return sb.toString();
    }

    /** Messages sent between regions so far. */
    public long messagesSent()
    {
        return wan.messagesSent();
    }

    /** Stops the driver thread (waiting calls fail); idempotent. */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(driver);
        try
        {
            driver.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The optimum commit latency of a region's client, in ms: EPaxos, the round trip to the nearest fast quorum;
     * Multi-Paxos, to the leader and back plus the leader's round trip to its nearest majority (0 and the majority's
     * round trip in the leader's region).
     */
    public static double optimumMs(final WanProfile profile, final Protocol protocol, final int leaderRegion,
        final int region)
    {
        final int n = profile.regionCount();
        if (protocol == Protocol.EPAXOS)
        {
            return profile.nearestRttMs(region, ReplicaConfig.fastQuorum(n) - 1);
        }
        final double toLeader = region == leaderRegion ? 0 : profile.rttMs(region, leaderRegion);
        return toLeader + profile.nearestRttMs(leaderRegion, n / 2);
    }

    private static long maxRttNs(final WanProfile profile)
    {
        double maxMs = 1;
        for (int i = 0; i < profile.regionCount(); i++)
        {
            for (int j = 0; j < profile.regionCount(); j++)
            {
                maxMs = Math.max(maxMs, profile.rttMs(i, j));
            }
        }
        return (long)(maxMs * 1_000_000);
    }
}
