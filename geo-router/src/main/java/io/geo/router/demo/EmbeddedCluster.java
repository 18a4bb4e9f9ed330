package io.geo.router.demo;

import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.api.StateMachine;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.hydra.HydraNode;
import io.geo.epaxos.hydra.RegionLayout;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.regionlog.RegionLogConfig;
import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.router.config.ClusterConfig;
import io.geo.router.host.HydraHost;
import io.geo.router.host.ProtocolHost;
import io.geo.router.host.ReplicaHost;
import io.geo.router.host.SyncableLogStore;
import io.geo.router.host.SyncableStore;
import io.geo.router.transport.EmulatedWan;
import io.geo.wan.WanProfile;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * A multi-region cluster in one JVM: one {@link ReplicaHost} per region (the duty cycle a sidecar runs), or with
 * region groups several {@link HydraHost}s per region sharing a region log, connected by the real-time WAN emulator,
 * each with a durable store and a state machine, and closed-loop clients in every region. One thread drives
 * everything: each cycle reads the clock once, moves due messages into inboxes, runs every
 * host's step (which group-commits before releasing messages and replies), and issues client commands. Not
 * thread-safe: {@link #run} owns everything.
 */
public final class EmbeddedCluster
{
    /** A state machine whose content can be compared across replicas. */
    public interface DigestingStateMachine extends StateMachine
    {
        /** Order-independent digest of the replicated data. */
        long digest();
    }

    private final class Client implements ProtocolHost.Listener
    {
        final int process;
        final int region;
        long requestNumber;
        boolean outstanding;
        long invokeNs;

        Client(final int process, final int region)
        {
            this.process = process;
            this.region = region;
        }

        @Override
        public void onCommitted(final Command command, final boolean fastPath)
        {
            if (outstanding && requestNumber == command.requestNumber())
            {
                stats.recordCommit(region, nowNs - invokeNs);
            }
        }

        @Override
        public void onExecuted(final Command command, final Result[] results)
        {
            if (outstanding && requestNumber == command.requestNumber())
            {
                outstanding = false;
                stats.recordReply(region, nowNs - invokeNs);
            }
        }

        @Override
        public void onRejected(final Command command, final Rejection reason, final String detail)
        {
            if (outstanding && requestNumber == command.requestNumber())
            {
                outstanding = false;
                stats.rejected++;
            }
        }
    }

    /** Routes a host's outcomes to the client that submitted the command. */
    private final class ClientRouter implements ProtocolHost.Listener
    {
        @Override
        public void onCommitted(final Command command, final boolean fastPath)
        {
            clients.get((int)command.clientId() - 1).onCommitted(command, fastPath);
        }

        @Override
        public void onExecuted(final Command command, final Result[] results)
        {
            clients.get((int)command.clientId() - 1).onExecuted(command, results);
        }

        @Override
        public void onRejected(final Command command, final Rejection reason, final String detail)
        {
            clients.get((int)command.clientId() - 1).onRejected(command, reason, detail);
        }
    }

    private static final long TICK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);
    /** One-way delay between two nodes of a region (region groups). */
    public static final long LAN_ONE_WAY_NS = TimeUnit.MICROSECONDS.toNanos(100);

    private final DemoOptions options;
    private final EmulatedWan wan;
    /** Every node; node {@code r * nodesPerRegion + i} is node i of region r. */
    private final List<ProtocolHost> hosts = new ArrayList<>();
    private final List<Object> stores = new ArrayList<>();
    private final List<DigestingStateMachine> stateMachines = new ArrayList<>();
    private final List<Client> clients = new ArrayList<>();
    private final SplittableRandom random;
    private final DemoStats stats;
    private final int nodesPerRegion;
    private long nowNs;

    /** A flat cluster: one node per region, each an EPaxos replica with its own store. */
    public EmbeddedCluster(
        final DemoOptions options,
        final WanProfile profile,
        final IntFunction<SyncableStore> storeFactory,
        final IntFunction<DigestingStateMachine> stateMachineFactory)
    {
        this(options, profile, storeFactory, null, stateMachineFactory);
    }

    /**
     * A flat cluster when {@code options.nodesPerRegion()} is 1, else region groups: each region one EPaxos replica
     * whose nodes share a region log (docs/hydra.md), node n persisting to {@code logStoreFactory.apply(n)}. State
     * machines are made per node.
     */
    public EmbeddedCluster(
        final DemoOptions options,
        final WanProfile profile,
        final IntFunction<SyncableStore> storeFactory,
        final IntFunction<SyncableLogStore> logStoreFactory,
        final IntFunction<DigestingStateMachine> stateMachineFactory)
    {
        this.options = options;
        final int regions = profile.regionCount();
        this.nodesPerRegion = options.nodesPerRegion();
        this.random = new SplittableRandom(options.seed());
        final int[] regionOfNode = new int[regions * nodesPerRegion];
        for (int node = 0; node < regionOfNode.length; node++)
        {
            regionOfNode[node] = node / nodesPerRegion;
        }
        this.wan = nodesPerRegion == 1 ? new EmulatedWan(profile, options.seed(), 1 << 20) :
            new EmulatedWan(profile, options.seed(), 1 << 20, regionOfNode, LAN_ONE_WAY_NS);
        final RegionLayout layout = new RegionLayout(regionOfNode);
        this.stats = new DemoStats(profile.regions());
        this.nowNs = System.nanoTime();
        final ClientRouter router = new ClientRouter();
        for (int node = 0; node < regionOfNode.length; node++)
        {
            final int r = regionOfNode[node];
            // every node of a region runs a copy of the region's replica: identical settings (seed included)
            final ReplicaConfig config = new ReplicaConfig()
                .replicaId(r)
                .replicaCount(regions)
                .randomSeed(options.seed() * 31 + r)
                .fastPathTimeoutNs(TimeUnit.MILLISECONDS.toNanos(fastPathWaitMs(profile, r)))
                .retransmitTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1000))
                .recoveryTimeoutNs(TimeUnit.MILLISECONDS.toNanos(3000));
            final DigestingStateMachine machine = stateMachineFactory.apply(node);
            stateMachines.add(machine);
            if (nodesPerRegion == 1)
            {
                final SyncableStore store = storeFactory.apply(r);
                stores.add(store);
                hosts.add(new ReplicaHost(config, store, machine, wan.transport(node), router, TICK_INTERVAL_NS,
                    nowNs).batching(options.batchMaxCommands()));
            }
            else
            {
                final SyncableLogStore store = logStoreFactory.apply(node);
                stores.add(store);
                final RegionLogConfig log = new RegionLogConfig()
                    .nodeId(node % nodesPerRegion)
                    .nodeCount(nodesPerRegion)
                    .randomSeed(options.seed() * 131 + node)
                    .conclude();
                hosts.add(new HydraHost(node, layout, log, config, store, machine,
                    wan.transport(node), router, TICK_INTERVAL_NS, TimeUnit.MILLISECONDS.toNanos(1000), nowNs)
                    .batching(options.batchMaxCommands() == 1 ? HydraNode.Batching.NONE :
                        new HydraNode.Batching(options.batchMaxCommands(), ClusterConfig.DEFAULT_BATCH_IN_FLIGHT)));
            }
        }
        for (int c = 0; c < regions * options.clientsPerRegion(); c++)
        {
            clients.add(new Client(c + 1, c % regions));
        }
    }

    /**
     * The host knows its round trips: wait for a fast quorum a little longer than the RTT to reach it (ms; also used
     * by the benchmark cluster).
     */
    public static long fastPathWaitMs(final WanProfile profile, final int region)
    {
        final int others = ReplicaConfig.fastQuorum(profile.regionCount()) - 1;
        return others == 0 ? 1 : (long)(profile.nearestRttMs(region, others) * 1.25) + 10;
    }

    /**
     * Runs the workload for the configured time, lets outstanding commands finish (bounded), waits until every
     * replica executed the same instances (bounded) and compares their states. Prints a progress line every second
     * to {@code progress} (null: silent).
     */
    public DemoStats run(final PrintStream progress)
    {
        final long startNs = System.nanoTime();
        final long endNs = startNs + TimeUnit.SECONDS.toNanos(options.seconds());
        final long drainLimitNs = endNs + TimeUnit.SECONDS.toNanos(10);
        long nextProgressNs = startNs + TimeUnit.SECONDS.toNanos(1);
        while (true)
        {
            nowNs = System.nanoTime();
            final boolean issuing = nowNs < endNs;
            if (!issuing && (nowNs >= drainLimitNs || noneOutstanding()))
            {
                break;
            }
            if (issuing)
            {
                for (final Client client : clients)
                {
                    if (!client.outstanding)
                    {
                        issue(client);
                    }
                }
            }
            step();
            if (progress != null && nowNs >= nextProgressNs)
            {
                nextProgressNs += TimeUnit.SECONDS.toNanos(1);
                progress.printf("[%2d s] %,d commands completed, %,.0f/s%n",
                    TimeUnit.NANOSECONDS.toSeconds(nowNs - startNs), stats.completed,
                    stats.completed / Math.max(1e-9, (nowNs - startNs) / 1e9));
            }
            if (!issuing || !anyClientReady())
            {
                idle();
            }
        }
        stats.elapsedNs = System.nanoTime() - startNs;
        settle(TimeUnit.SECONDS.toNanos(15));
        for (int node = 0; node < hosts.size(); node++)
        {
            final ProtocolHost host = hosts.get(node);
            if (node % nodesPerRegion == 0)
            {
                // the nodes of a region run copies of one replica: count its commits once
                stats.fastPath += host.replicaView().counters().fastPathCommits();
                stats.slowPath += host.replicaView().counters().slowPathCommits();
                stats.recoveries += host.replicaView().counters().recoveriesStarted();
            }
            stats.syncs += host.syncs();
        }
        stats.messagesSent = wan.messagesSent();
        stats.bytesSent = wan.bytesSent();
        stats.codecErrors = wan.codecErrors();
        return stats;
    }

    /** One duty cycle of every node: due messages into inboxes, then each host's step (with its group commit). */
    private void step()
    {
        wan.pump(nowNs);
        for (final ProtocolHost host : hosts)
        {
            host.doWork(nowNs);
        }
    }

    /** Sleeps until the next message is due, at most 1 ms (clients issue again on the next cycle). */
    private void idle()
    {
        final long sleepNs = Math.min(wan.nextDeadlineNs() - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(1));
        if (sleepNs > 0)
        {
            LockSupport.parkNanos(sleepNs);
        }
    }

    /**
     * Keeps the cluster running without new commands until every replica has committed what it knows and executed
     * the same instances (bounded), then records whether the replicas' state machines agree.
     */
    private void settle(final long limitNs)
    {
        final long deadlineNs = System.nanoTime() + limitNs;
        while (System.nanoTime() < deadlineNs && !converged())
        {
            nowNs = System.nanoTime();
            step();
            idle();
        }
        stats.converged = converged();
        final long reference = stateMachines.get(0).digest();
        stats.statesIdentical = stats.converged;
        for (final DigestingStateMachine machine : stateMachines)
        {
            stats.statesIdentical &= machine.digest() == reference;
        }
    }

    private boolean converged()
    {
        final long[] reference = hosts.get(0).replicaView().executedPrefix();
        for (final ProtocolHost host : hosts)
        {
            if (host.replicaView().uncommittedCount() != 0 ||
                !Arrays.equals(reference, host.replicaView().executedPrefix()))
            {
                return false;
            }
        }
        return true;
    }

    private boolean anyClientReady()
    {
        for (final Client client : clients)
        {
            if (!client.outstanding)
            {
                return true;
            }
        }
        return false;
    }

    private boolean noneOutstanding()
    {
        for (final Client client : clients)
        {
            if (client.outstanding)
            {
                return false;
            }
        }
        return true;
    }

    private void issue(final Client client)
    {
        final long requestNumber = ++client.requestNumber;
        final boolean hot = random.nextInt(100) < options.conflictPercent();
        final String key = hot ? "hot" : "k" + client.process + "-" + random.nextInt(4);
        final Command command = random.nextInt(100) < options.readPercent() ?
            Command.of(client.process, requestNumber, Op.get(Key.of(key))) :
            Command.of(client.process, requestNumber, Op.put(Key.of(key),
                ("v" + client.process + "-" + requestNumber).getBytes(StandardCharsets.UTF_8)));
        client.outstanding = true;
        client.invokeNs = nowNs;
        // a region's clients spread over its nodes
        hosts.get(client.region * nodesPerRegion + (client.process - 1) / stats.regions().size() % nodesPerRegion)
            .submit(command, nowNs);
    }

    /** Closes the nodes' stores and state machines (those that hold resources). */
    public void close()
    {
        for (int node = 0; node < hosts.size(); node++)
        {
            closeQuietly(stores.get(node), "store", node);
            closeQuietly(stateMachines.get(node), "state machine", node);
        }
    }

    private static void closeQuietly(final Object resource, final String what, final int node)
    {
        if (resource instanceof AutoCloseable closeable)
        {
            try
            {
                closeable.close();
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException("closing the " + what + " of node " + node + ": " + ex, ex);
            }
        }
    }
}
