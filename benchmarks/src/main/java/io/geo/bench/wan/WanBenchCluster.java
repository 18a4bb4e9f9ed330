package io.geo.bench.wan;

import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.hydra.HydraNode;
import io.geo.epaxos.hydra.RegionLayout;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.regionlog.RegionLogConfig;
import io.geo.epaxos.replica.EpaxosReplica;
import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.epaxos.state.KeyValueStateMachine;
import io.geo.router.config.ClusterConfig;
import io.geo.router.demo.EmbeddedCluster;
import io.geo.router.demo.MemoryLogStore;
import io.geo.router.demo.Stores;
import io.geo.router.host.HydraHost;
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
 * A cluster on a WAN profile in this JVM, on the real-time WAN emulator, driven by a thread of its own, for benchmarks
 * whose threads act as clients: {@link #execute} hands a command to a node of a region and blocks until that node
 * answers; {@link #submit} does not block and hears the answer on the driver thread (open-loop load). The protocol is
 * EPaxos with one node per region ({@link ReplicaHost}, as a sidecar runs it, batching on), Hydra with region groups of
 * {@value #HYDRA_NODES_PER_REGION} nodes ({@link HydraHost}: a delegated-leader log inside each region on LAN links,
 * EPaxos between regions), or the leader-based baseline: the region log across the regions in Multi-Paxos mode with
 * its leader in a chosen region ({@link MultiPaxosNode}). Stores are in memory (the WAN dominates;
 * docs/benchmarks.md). A command is answered by the node it was submitted to, after that node executed it.
 */
public final class WanBenchCluster implements AutoCloseable
{
    /** Which protocol orders the commands. */
    public enum Protocol
    {
        /** EPaxos across the regions: one replica per region. */
        EPAXOS,
        /** Region groups: each region a delegated-leader log of several nodes, EPaxos between the regions. */
        HYDRA,
        /** The region log across the regions without delegation: every command through one leader. */
        MULTI_PAXOS
    }

    /** Nodes in each region of a {@link Protocol#HYDRA} cluster. */
    public static final int HYDRA_NODES_PER_REGION = 3;

    /** What the submitter of a command hears, on the cluster's driver thread (must not block). */
    @FunctionalInterface
    public interface Completion
    {
        /**
         * @param results the command's results, or null when it failed.
         * @param error   why it failed (rejected, refused), or null.
         */
        void completed(Result[] results, String error);
    }

    private static final long TICK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long IDLE_PARK_NS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final int BATCH_MAX_COMMANDS = 64;

    /** A command handed to the driver and who hears its answer. */
    private record Call(int node, Command command, Completion completion)
    {
    }

    /** The completion of a blocking {@link #execute}. */
    private static final class Waiter implements Completion
    {
        final Thread thread = Thread.currentThread();
        volatile Result[] results;
        volatile String error;
        volatile boolean done;

        @Override
        public void completed(final Result[] results, final String error)
        {
            this.results = results;
            this.error = error;
            done = true;
            LockSupport.unpark(thread);
        }
    }

    private final Protocol protocol;
    private final WanProfile profile;
    private final EmulatedWan wan;
    private final int nodesPerRegion;
    /** EPaxos or Hydra: node {@code r * nodesPerRegion + i} is node i of region r. */
    private final List<ProtocolHost> hosts = new ArrayList<>();
    private final List<HydraHost> hydraHosts = new ArrayList<>();
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
     * Starts the cluster and waits until it can take commands: for {@link Protocol#MULTI_PAXOS} until the node of
     * {@code leaderRegion} leads, for {@link Protocol#HYDRA} until every region's log has a leader.
     *
     * @param leaderRegion the baseline leader's region (ignored for EPaxos and Hydra).
     * @throws IllegalStateException if no leader is elected within {@code startTimeoutNs}.
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
        this.nodesPerRegion = protocol == Protocol.HYDRA ? HYDRA_NODES_PER_REGION : 1;
        final int[] regionOfNode = new int[regions * nodesPerRegion];
        for (int node = 0; node < regionOfNode.length; node++)
        {
            regionOfNode[node] = node / nodesPerRegion;
        }
        this.wan = protocol == Protocol.HYDRA ?
            new EmulatedWan(profile, seed, 1 << 20, regionOfNode, EmbeddedCluster.LAN_ONE_WAY_NS) :
            new EmulatedWan(profile, seed, 1 << 20);
        final RegionLayout layout = new RegionLayout(regionOfNode);
        final long nowNs = System.nanoTime();
        for (int node = 0; node < regionOfNode.length; node++)
        {
            final int r = regionOfNode[node];
            if (protocol == Protocol.MULTI_PAXOS)
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
                    call.completion.completed(results, null);
                }, nowNs));
                continue;
            }
            // every node of a region runs a copy of the region's replica: identical settings (seed included)
            final ReplicaConfig config = new ReplicaConfig()
                .replicaId(r)
                .replicaCount(regions)
                .randomSeed(seed * 31 + r)
                .fastPathTimeoutNs(TimeUnit.MILLISECONDS.toNanos(EmbeddedCluster.fastPathWaitMs(profile, r)))
                .retransmitTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1000))
                .recoveryTimeoutNs(TimeUnit.MILLISECONDS.toNanos(3000));
            if (protocol == Protocol.EPAXOS)
            {
                final ReplicaHost host = new ReplicaHost(config, Stores.memory(r), new KeyValueStateMachine(),
                    wan.transport(node), new Answers(node), TICK_INTERVAL_NS, nowNs).batching(BATCH_MAX_COMMANDS);
                hosts.add(host);
            }
            else
            {
                final RegionLogConfig log = new RegionLogConfig()
                    .nodeId(node % nodesPerRegion)
                    .nodeCount(nodesPerRegion)
                    .randomSeed(seed * 131 + node)
                    .conclude();
                // region snapshots as the sidecar takes them, so the log is truncated (kept in memory here)
                final HydraHost host = new HydraHost(node, layout, log, config, new MemoryLogStore(),
                    new KeyValueStateMachine(), wan.transport(node), new Answers(node), TICK_INTERVAL_NS,
                    TimeUnit.MILLISECONDS.toNanos(1000), new HydraNode.Snapshotting(snapshot ->
                    {
                    }, ClusterConfig.DEFAULT_SNAPSHOT_EVERY_SLOTS, null), nowNs)
                    .batching(new HydraNode.Batching(BATCH_MAX_COMMANDS, ClusterConfig.DEFAULT_BATCH_IN_FLIGHT));
                hydraHosts.add(host);
                hosts.add(host);
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
            throw new IllegalStateException(failure != null ? failure : (protocol == Protocol.MULTI_PAXOS ?
                "the baseline elected no leader in " + profile.regions().get(leaderRegion) :
                "a region's log elected no leader") + " within " +
                TimeUnit.NANOSECONDS.toMillis(startTimeoutNs) + " ms");
        }
    }

    /**
     * Has a node of {@code region} order and execute {@code command} and returns its results; blocks the calling
     * thread. A client id has at most one command in flight.
     *
     * @throws IllegalStateException if the command was rejected, or not answered within {@code timeoutNs}.
     */
    public Result[] execute(final int region, final Command command, final long timeoutNs)
    {
        final Waiter waiter = new Waiter();
        submit(region, command, waiter);
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (!waiter.done)
        {
            final long leftNs = deadlineNs - System.nanoTime();
            if (leftNs <= 0 || !running)
            {
                throw new IllegalStateException("no answer from " + profile.regions().get(region) + " within " +
                    TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms" + (failure == null ? "" : ": " + failure));
            }
            LockSupport.parkNanos(leftNs);
        }
        if (waiter.error != null)
        {
            throw new IllegalStateException(waiter.error);
        }
        return waiter.results;
    }

    /**
     * Hands {@code command} to a node of {@code region} (in Hydra, the client id chooses which) without waiting;
     * {@code completion} hears the outcome on the driver thread. A client id has at most one command in flight: a
     * second fails at once. Commands still in flight at {@link #close} are never completed.
     */
    public void submit(final int region, final Command command, final Completion completion)
    {
        final int node = region * nodesPerRegion + (int)Math.floorMod(command.clientId(), (long)nodesPerRegion);
        submissions.add(new Call(node, command, completion));
        LockSupport.unpark(driver);
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
                if (protocol == Protocol.MULTI_PAXOS)
                {
                    for (final MultiPaxosNode node : logNodes)
                    {
                        work += node.doWork(nowNs);
                    }
                    ready |= logNodes.get(leaderRegion).isLeader();
                }
                else
                {
                    for (final ProtocolHost host : hosts)
                    {
                        work += host.doWork(nowNs);
                    }
                    ready |= protocol == Protocol.EPAXOS || everyRegionLed();
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

    private boolean everyRegionLed()
    {
        for (int r = 0; r < profile.regionCount(); r++)
        {
            boolean led = false;
            for (int i = 0; i < nodesPerRegion; i++)
            {
                led |= hydraHosts.get(r * nodesPerRegion + i).nodeView().log().isLeader();
            }
            if (!led)
            {
                return false;
            }
        }
        return true;
    }

    private void route(final Call call, final long nowNs)
    {
        if (inFlight.containsKey(call.command.clientId()))
        {
            call.completion.completed(null, "client " + call.command.clientId() + " already has a command in flight");
            return;
        }
        inFlight.put(call.command.clientId(), call);
        if (protocol != Protocol.MULTI_PAXOS)
        {
            hosts.get(call.node).submit(call.command, nowNs);
        }
        else if (!logNodes.get(call.node).submit(call.command, call, nowNs))
        {
            inFlight.remove(call.command.clientId());
            call.completion.completed(null, "the baseline node of " + profile.regions().get(call.node) +
                " refused the append (too many pending)");
        }
    }

    /** Routes one EPaxos or Hydra host's outcomes to the calls submitted to it. */
    private final class Answers implements ProtocolHost.Listener
    {
        private final int node;

        Answers(final int node)
        {
            this.node = node;
        }

        @Override
        public void onCommitted(final Command command, final boolean fastPath)
        {
        }

        @Override
        public void onExecuted(final Command command, final Result[] results)
        {
            final Call call = inFlight.get(command.clientId());
            if (call != null && call.node == node && call.command.requestNumber() == command.requestNumber())
            {
                inFlight.remove(command.clientId());
                call.completion.completed(results, null);
            }
        }

        @Override
        public void onRejected(final Command command, final Rejection reason, final String detail)
        {
            final Call call = inFlight.get(command.clientId());
            if (call != null && call.node == node && call.command.requestNumber() == command.requestNumber())
            {
                inFlight.remove(command.clientId());
                call.completion.completed(null, "rejected " + reason + ": " + detail);
            }
        }
    }

    /** Instances committed on the fast path, summed over the replicas (0 for the baseline); after {@link #close}. */
    public long fastPathCommits()
    {
        long sum = 0;
        for (final EpaxosReplica replica : regionReplicas())
        {
            sum += replica.counters().fastPathCommits();
        }
        return sum;
    }

    /** Instances that needed the Accept round, summed over the replicas; after {@link #close}. */
    public long slowPathCommits()
    {
        long sum = 0;
        for (final EpaxosReplica replica : regionReplicas())
        {
            sum += replica.counters().slowPathCommits();
        }
        return sum;
    }

    /** One replica per region (in Hydra the first node's copy: every node of a region replays the same one). */
    private List<EpaxosReplica> regionReplicas()
    {
        final List<EpaxosReplica> list = new ArrayList<>();
        for (int node = 0; node < hosts.size(); node += nodesPerRegion)
        {
            list.add(hosts.get(node).replicaView());
        }
        return list;
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
     * Hydra, that plus one region log round (a LAN round trip); Multi-Paxos, to the leader and back plus the leader's
     * round trip to its nearest majority (0 and the majority's round trip in the leader's region).
     */
    public static double optimumMs(final WanProfile profile, final Protocol protocol, final int leaderRegion,
        final int region)
    {
        final int n = profile.regionCount();
        switch (protocol)
        {
            case EPAXOS:
                return profile.nearestRttMs(region, ReplicaConfig.fastQuorum(n) - 1);
            case HYDRA:
                return profile.nearestRttMs(region, ReplicaConfig.fastQuorum(n) - 1) +
                    2 * EmbeddedCluster.LAN_ONE_WAY_NS / 1e6;
            default:
                final double toLeader = region == leaderRegion ? 0 : profile.rttMs(region, leaderRegion);
                return toLeader + profile.nearestRttMs(leaderRegion, n / 2);
        }
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
