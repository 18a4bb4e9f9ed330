package io.geo.router.sidecar;

import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;
import io.geo.router.config.ClusterConfig;
import io.geo.router.config.ClusterNode;
import io.geo.router.host.ReplicaHost;
import io.geo.router.host.WalSyncableStore;
import io.geo.router.state.ChronicleStateMachine;
import io.geo.router.state.ChronicleStateMachineConfig;
import io.geo.router.transport.AeronTransport;
import io.geo.router.transport.AeronTransportConfig;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One node of a cluster as a process: the replica's duty cycle ({@link ReplicaHost}) over Aeron to the other nodes,
 * a write-ahead log with group commit and the Chronicle Map state in the node's data folder. The duty cycle runs on
 * the thread that calls {@link #run}; idle cycles back off to sleeping, never spin. The client endpoint (commands
 * from applications) comes with the JDBC issue; until then a sidecar replicates, gossips and recovers.
 */
public final class Sidecar implements AutoCloseable
{
    private static final long TICK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private final ClusterConfig config;
    private final ClusterNode node;
    private final WalSyncableStore store;
    private final ChronicleStateMachine stateMachine;
    private final AeronTransport transport;
    private final ReplicaHost host;

    private Sidecar(final ClusterConfig config, final int nodeId) throws IOException
    {
        this.config = config;
        this.node = config.node(nodeId);
        WalSyncableStore openedStore = null;
        ChronicleStateMachine openedState = null;
        AeronTransport openedTransport = null;
        try
        {
            openedStore = new WalSyncableStore(node.dataDir().resolve("wal"), config.durability());
            openedState = new ChronicleStateMachine(new ChronicleStateMachineConfig()
                .directory(node.dataDir().resolve("state"))
                .conclude());
            final List<String> endpoints = new ArrayList<>();
            final Map<Integer, String> sendAddresses = new HashMap<>();
            for (final ClusterNode peer : config.nodes())
            {
                endpoints.add(peer.endpointHost() + ":" + peer.endpointPort());
                if (peer.id() != nodeId)
                {
                    final var address = config.sendAddress(nodeId, peer.id());
                    sendAddresses.put(peer.id(), address.getHostString() + ":" + address.getPort());
                }
            }
            openedTransport = AeronTransport.launch(new AeronTransportConfig()
                .clusterId(config.clusterId())
                .selfNode(nodeId)
                .endpoints(endpoints)
                .sendAddresses(sendAddresses)
                .streamId(config.streamId())
                .termLength(config.termLengthBytes())
                .secret(config.secret())
                .conclude());
        }
        catch (final IOException | RuntimeException ex)
        {
            closeAll(openedTransport, openedState, openedStore);
            throw ex;
        }
        this.store = openedStore;
        this.stateMachine = openedState;
        this.transport = openedTransport;
        this.host = new ReplicaHost(config.replicaConfig(nodeId), store, stateMachine, transport,
            new NoClients(), TICK_INTERVAL_NS, System.nanoTime());
    }

    /** Opens the node's storage and transport; nothing stays open if this throws. */
    public static Sidecar start(final ClusterConfig config, final int nodeId) throws IOException
    {
        return new Sidecar(config, nodeId);
    }

    /**
     * Runs the duty cycle until {@code stop} says so, printing a status line every {@code statusIntervalNs} (0:
     * never) to {@code out}. Returns when stopped; then call {@link #close()}.
     */
    public void run(final BooleanSupplier stop, final long statusIntervalNs, final PrintStream out)
    {
        run(stop, statusIntervalNs, out, null);
    }

    /** As {@link #run(BooleanSupplier, long, PrintStream)}, publishing metrics to {@code metrics} every second. */
    public void run(
        final BooleanSupplier stop, final long statusIntervalNs, final PrintStream out, final MetricsServer metrics)
    {
        long nextMetricsNs = System.nanoTime();
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MILLISECONDS.toNanos(1));
        long nextStatusNs = statusIntervalNs > 0 ? System.nanoTime() + statusIntervalNs : Long.MAX_VALUE;
        int connectedPeers = -1;
        while (!stop.getAsBoolean())
        {
            final long nowNs = System.nanoTime();
            idle.idle(host.doWork(nowNs));
            final int connected = connectedPeers();
            if (connected != connectedPeers && out != null)
            {
                connectedPeers = connected;
                out.println("node " + node.id() + ": connected to " + connected + " of " + (config.nodeCount() - 1) +
                    " peers");
            }
            if (metrics != null && nowNs >= nextMetricsNs)
            {
                nextMetricsNs = nowNs + TimeUnit.SECONDS.toNanos(1);
                metrics.publish(metricsText());
            }
            if (nowNs >= nextStatusNs && out != null)
            {
                nextStatusNs = nowNs + statusIntervalNs;
                out.println(status());
            }
        }
    }

    private int connectedPeers()
    {
        int connected = 0;
        for (final ClusterNode peer : config.nodes())
        {
            if (peer.id() != node.id() && transport.isConnected(peer.id()))
            {
                connected++;
            }
        }
        return connected;
    }

    /** Counters and gauges in the Prometheus text format (rendered on the duty-cycle thread). */
    public String metricsText()
    {
        final var counters = host.replicaView().counters();
        final String labels = "{node=\"" + node.id() + "\",region=\"" + node.regionName() + "\"}";
        final StringBuilder sb = new StringBuilder(2048);
        metric(sb, "geo_commands_proposed_total", "counter", "Client commands this node led.", labels,
            counters.proposed());
        metric(sb, "geo_fast_path_commits_total", "counter", "Commands led here committed on the fast path.", labels,
            counters.fastPathCommits());
        metric(sb, "geo_slow_path_commits_total", "counter", "Commands led here that needed the Accept round.",
            labels, counters.slowPathCommits());
        metric(sb, "geo_instances_committed_total", "counter", "Instances committed at this node.", labels,
            counters.committed());
        metric(sb, "geo_instances_executed_total", "counter", "Instances executed at this node.", labels,
            counters.executed());
        metric(sb, "geo_recoveries_total", "counter", "Recoveries (explicit prepare) started here.", labels,
            counters.recoveriesStarted());
        metric(sb, "geo_retransmits_total", "counter", "Protocol retransmissions.", labels, counters.retransmits());
        metric(sb, "geo_commands_rejected_total", "counter", "Client commands rejected (invalid or overloaded).",
            labels, counters.rejectedInvalid() + counters.rejectedOverload());
        metric(sb, "geo_group_commits_total", "counter", "Write-ahead log syncs (group commits).", labels,
            host.syncs());
        metric(sb, "geo_messages_sent_total", "counter", "Replication messages sent.", labels,
            transport.sentCount());
        metric(sb, "geo_messages_received_total", "counter", "Replication messages received and authenticated.",
            labels, transport.receivedCount());
        metric(sb, "geo_frames_dropped_total", "counter", "Inbound frames dropped (bad MAC, malformed, foreign).",
            labels, transport.dropCountTotal());
        metric(sb, "geo_send_back_pressured_total", "counter", "Sends refused by back pressure.", labels,
            transport.backPressuredCount());
        metric(sb, "geo_live_instances", "gauge", "Instances held in memory.", labels,
            host.replicaView().liveInstances());
        metric(sb, "geo_peers_connected", "gauge", "Peers this node's publications reach.", labels,
            connectedPeers());
        return sb.toString();
    }

    private static void metric(
        final StringBuilder sb, final String name, final String type, final String help, final String labels,
        final long value)
    {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(' ').append(type).append('\n')
            .append(name).append(labels).append(' ').append(value).append('\n');
    }

    /** One line of counters. */
    public String status()
    {
        final var counters = host.replicaView().counters();
        return "node " + node.id() + " (" + node.regionName() + "): messages sent " + transport.sentCount() +
            ", received " + transport.receivedCount() + ", dropped " + transport.dropCountTotal() +
            ", group commits " + host.syncs() + ", committed " + counters.committed() + ", executed " +
            counters.executed() + ", recoveries " + counters.recoveriesStarted() + ", live instances " +
            host.replicaView().liveInstances();
    }

    public ReplicaHost host()
    {
        return host;
    }

    /** Syncs nothing further (every step already group-committed), then closes transport, state and log. */
    @Override
    public void close()
    {
        closeAll(transport, stateMachine, store);
    }

    private static void closeAll(final AutoCloseable... resources)
    {
        RuntimeException failure = null;
        for (final AutoCloseable resource : resources)
        {
            if (resource == null)
            {
                continue;
            }
            try
            {
                resource.close();
            }
            catch (final Exception ex)
            {
                if (failure == null)
                {
                    failure = new IllegalStateException("closing " + resource + ": " + ex.getMessage(), ex);
                }
            }
        }
        if (failure != null)
        {
            throw failure;
        }
    }

    /** Until the client endpoint exists, no command is submitted here; outcomes of recovered instances are ignored. */
    private static final class NoClients implements ReplicaHost.Listener
    {
        @Override
        public void onCommitted(final Command command, final boolean fastPath)
        {
        }

        @Override
        public void onExecuted(final Command command, final Result[] results)
        {
        }

        @Override
        public void onRejected(final Command command, final Rejection reason, final String detail)
        {
        }
    }
}
