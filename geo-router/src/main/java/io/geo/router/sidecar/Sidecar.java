package io.geo.router.sidecar;

import io.geo.client.WireMessage;
import io.geo.epaxos.hydra.HydraNode;
import io.geo.epaxos.hydra.RegionLayout;
import io.geo.epaxos.regionlog.LogSnapshot;
import io.geo.router.client.ClientEndpoint;
import io.geo.router.client.ClientRouter;
import io.geo.router.config.ClusterConfig;
import io.geo.router.config.ClusterNode;
import io.geo.router.host.HydraHost;
import io.geo.router.host.ProtocolHost;
import io.geo.router.host.ReplicaHost;
import io.geo.router.host.WalSyncableLogStore;
import io.geo.router.host.WalSyncableStore;
import io.geo.router.state.ChronicleStateMachine;
import io.geo.router.state.ChronicleStateMachineConfig;
import io.geo.router.storage.SnapshotFile;
import io.geo.router.transport.AeronTransport;
import io.geo.router.transport.AeronTransportConfig;
import io.geo.router.transport.TwoSpeedIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One node of a cluster as a process: the replica's duty cycle ({@link ReplicaHost}) over Aeron to the other nodes,
 * a write-ahead log with group commit and the Chronicle Map state in the node's data folder. The duty cycle runs on
 * the thread that calls {@link #run}; idle cycles back off to sleeping, never spin. Applications reach the node
 * through its client endpoint (TCP, the JDBC driver's protocol), polled by the same duty cycle: requests become
 * commands this node leads, answered after they execute here.
 */
public final class Sidecar implements AutoCloseable
{
    private static final long TICK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long EXPIRE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /** How often a region group's log leader appends a clock tick for the region's replica timers. */
    private static final long HYDRA_TICK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private final ClusterConfig config;
    private final ClusterNode node;
    private final AutoCloseable store;
    private final FileChannel dataLock;
    private final ChronicleStateMachine stateMachine;
    private final AeronTransport transport;
    private final ProtocolHost host;
    private final ClientRouter router;
    private final ClientEndpoint clients;
    private final ClientLatency latency = new ClientLatency();
    private long nextExpireNs;
    private volatile int connectedPeersSeen;

    /** The region snapshot slot this node started from (0: none; flat nodes have none). */
    private long startSnapshotSlot;

    private Sidecar(final ClusterConfig config, final int nodeId) throws IOException
    {
        this.config = config;
        this.node = config.node(nodeId);
        AutoCloseable openedStore = null;
        FileChannel openedLock = null;
        ChronicleStateMachine openedState = null;
        AeronTransport openedTransport = null;
        ClientEndpoint openedClients = null;
        ProtocolHost openedHost = null;
        final List<WireMessage.NodeAddress> clientAddresses = new ArrayList<>();
        for (final ClusterNode peer : config.nodes())
        {
            clientAddresses.add(new WireMessage.NodeAddress(peer.id(), peer.regionName(),
                peer.client().getHostString(), peer.client().getPort()));
        }
        final ChronicleStateMachine[] stateHolder = new ChronicleStateMachine[1];
        this.router = new ClientRouter(nodeId, node.regionName(), config.name(), config.keyspaces(), clientAddresses,
            config.replicaConfig(nodeId), config.clientPassword().orElse(null), key -> stateHolder[0].get(key),
            latency);
        try
        {
            if (config.hydra())
            {
                // The region snapshot kept last and the region log after it are the durable truth of a region
                // group's node: its state is rebuilt from them at every start (docs/hydra.md), under a lock of its own.
                openedLock = lockDataDir(node);
                deleteTree(node.dataDir().resolve("state"));
            }
            openedState = new ChronicleStateMachine(new ChronicleStateMachineConfig()
                .directory(node.dataDir().resolve("state"))
                .conclude());
            final List<String> endpoints = new ArrayList<>();
            final Map<Integer, String> sendAddresses = new HashMap<>();
            final int[] regionOfNode = new int[config.nodeCount()];
            for (final ClusterNode peer : config.nodes())
            {
                endpoints.add(peer.endpointHost() + ":" + peer.endpointPort());
                regionOfNode[peer.id()] = peer.regionIndex();
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
                .regionOfNode(config.hydra() ? regionOfNode : null)
                .maxReplicaFrameBytes(config.maxReplicaFrameBytes())
                .streamId(config.streamId())
                .termLength(config.termLengthBytes())
                .secret(config.secret())
                .embeddedDriverDirectoryName(driverDirectoryName(node))
                .idleMaxParkNs(TimeUnit.MICROSECONDS.toNanos(config.idleMaxParkUs()))
                .conclude());
            stateHolder[0] = openedState;
            openedClients = ClientEndpoint.bind(node.client(), config.maxClients(), router);
            // replaying the write-ahead log happens here: if it fails, nothing stays open
            if (config.hydra())
            {
                final WalSyncableLogStore logStore = new WalSyncableLogStore(node.dataDir().resolve("regionlog"),
                    config.durability());
                openedStore = logStore;
                final SnapshotFile snapshotFile = SnapshotFile.open(node.dataDir().resolve("snapshot"),
                    config.durability());
                final LogSnapshot restored = snapshotFile.load();
                startSnapshotSlot = restored == null ? 0 : restored.slot();
                openedHost = new HydraHost(nodeId, new RegionLayout(regionOfNode),
                    config.regionLogConfig(nodeId), config.replicaConfig(nodeId), logStore, openedState,
                    openedTransport, router, HYDRA_TICK_INTERVAL_NS,
                    TimeUnit.MILLISECONDS.toNanos(config.retransmitTimeoutMs()),
                    new HydraNode.Snapshotting(snapshotFile::keep, config.snapshotEverySlots(), restored),
                    System.nanoTime()).batching(config.hydraBatching());
            }
            else
            {
                final WalSyncableStore walStore = new WalSyncableStore(node.dataDir().resolve("wal"),
                    config.durability());
                openedStore = walStore;
                openedHost = new ReplicaHost(config.replicaConfig(nodeId), walStore, openedState, openedTransport,
                    router, TICK_INTERVAL_NS, System.nanoTime()).batching(config.batchMaxCommands());
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            closeAll(openedClients, openedTransport, openedState, openedStore, openedLock);
            throw ex;
        }
        this.clients = openedClients;
        this.store = openedStore;
        this.dataLock = openedLock;
        this.stateMachine = openedState;
        this.transport = openedTransport;
        this.host = openedHost;
        router.host(host);
    }

    /** Takes the node's data folder: one process per folder (a second one fails here, naming the folder). */
    private static FileChannel lockDataDir(final ClusterNode node) throws IOException
    {
        Files.createDirectories(node.dataDir());
        final Path lockFile = node.dataDir().resolve("node.lock");
        final FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try
        {
            if (null == channel.tryLock())
            {
                throw new IOException("data folder " + node.dataDir() + " is in use by another process");
            }
        }
        catch (final java.nio.channels.OverlappingFileLockException ex)
        {
            channel.close();
            throw new IOException("data folder " + node.dataDir() + " is in use in this process", ex);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
        return channel;
    }

    private static void deleteTree(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (var paths = Files.walk(root))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(java.util.Comparator.reverseOrder())::iterator)
            {
                Files.delete(path);
            }
        }
    }

    /**
     * The embedded media driver's directory: stable per data folder, so a node restarted after kill -9 deletes what
     * the killed process left in /dev/shm (the state's file lock, taken first, keeps two live nodes off one folder).
     */
    public static String driverDirectoryName(final ClusterNode node)
    {
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(node.dataDir().toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
        return "geo-node-" + node.id() + "-" + Long.toHexString(crc.getValue());
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
        final IdleStrategy idle = new TwoSpeedIdleStrategy(TimeUnit.MICROSECONDS.toNanos(config.idleMaxParkUs()),
            AeronTransport.DEEP_IDLE_AFTER_NS, Math.max(AeronTransport.DEEP_IDLE_PARK_NS,
            TimeUnit.MICROSECONDS.toNanos(config.idleMaxParkUs())));
        long nextStatusNs = statusIntervalNs > 0 ? System.nanoTime() + statusIntervalNs : Long.MAX_VALUE;
        int connectedPeers = -1;
        while (!stop.getAsBoolean())
        {
            final long nowNs = System.nanoTime();
            idle.idle(doWork(nowNs));
            final int connected = connectedPeers();
            connectedPeersSeen = connected;
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

    /**
     * One duty-cycle step: client frames (which may submit commands), then the replica's step and group commit, then
     * the step's replies, one write per client.
     */
    int doWork(final long nowNs)
    {
        router.now(nowNs);
        int work = clients.poll();
        work += host.doWork(nowNs);
        if (nowNs >= nextExpireNs)
        {
            nextExpireNs = nowNs + EXPIRE_INTERVAL_NS;
            router.expire(nowNs);
        }
        return work + clients.flushQueued();
    }

    /** Peers this node's publications reached at the last duty-cycle step; safe from any thread. */
    public int connectedPeerCount()
    {
        return connectedPeersSeen;
    }

    /** The port of the client endpoint (the configured one, or the one the OS chose for port 0). */
    public int clientPort()
    {
        return clients.port();
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
        metric(sb, "geo_send_back_pressured_total", "counter", "Sends pushed back by a peer's receiver window (the " +
            "frame waits in the peer's backlog).", labels, transport.backPressuredCount());
        metric(sb, "geo_send_backlogged_total", "counter", "Frames that waited in a peer's backlog.", labels,
            transport.backloggedCount());
        metric(sb, "geo_send_backlog_refused_total", "counter", "Frames dropped: a peer's backlog full, or the peer " +
            "gone before they were sent (the protocol retransmits).", labels, transport.backlogRefusedCount());
        metric(sb, "geo_send_backlog_bytes", "gauge", "Bytes waiting in the backlogs.", labels,
            transport.backlogBytes());
        metric(sb, "geo_client_requests_total", "counter", "Client requests received.", labels,
            router.requestCount());
        metric(sb, "geo_client_stale_reads_total", "counter", "Stale reads answered from local state.", labels,
            router.staleReadCount());
        metric(sb, "geo_client_timeouts_total", "counter", "Client requests answered TIMEOUT at their deadline.",
            labels, router.timeoutCount());
        metric(sb, "geo_client_rejected_total", "counter", "Client requests refused (invalid, unknown keyspace, " +
            "overloaded, aborted).", labels, router.rejectedCount());
        metric(sb, "geo_client_auth_failures_total", "counter", "Client connections with a refused password.", labels,
            router.authFailureCount());
        metric(sb, "geo_client_connections_total", "counter", "Client connections accepted.", labels,
            clients.acceptedCount());
        metric(sb, "geo_client_protocol_errors_total", "counter", "Client connections closed for a bad frame.",
            labels, clients.malformedCount());
        metric(sb, "geo_clients_connected", "gauge", "Client connections open.", labels, clients.clientCount());
        metric(sb, "geo_client_socket_writes_total", "counter", "Writes to client sockets (each carries every " +
            "reply a client got in one duty cycle).", labels, clients.socketWriteCount());
        metric(sb, "geo_client_requests_waiting", "gauge", "Client requests waiting for their command.", labels,
            router.pendingCount());
        ClientLatency.summary(sb, "geo_commit_latency_seconds", "Client request arrival to commit, commands led " +
            "here.", labels, latency.commit);
        ClientLatency.summary(sb, "geo_write_latency_seconds", "Client write arrival to answer.", labels,
            latency.write);
        ClientLatency.summary(sb, "geo_read_latency_seconds", "Linearizable read arrival to answer.", labels,
            latency.read);
        metric(sb, "geo_live_instances", "gauge", "Instances held in memory.", labels,
            host.replicaView().liveInstances());
        if (host instanceof HydraHost hydra)
        {
            final HydraNode hydraNode = hydra.nodeView();
            metric(sb, "geo_region_log_applied_slot", "gauge", "Highest region log slot applied here.", labels,
                hydraNode.log().appliedIndex());
            metric(sb, "geo_region_log_truncated_slot", "gauge", "Region log slots dropped through here (in a " +
                "snapshot).", labels, hydraNode.log().truncatedThrough());
            metric(sb, "geo_region_snapshots_taken_total", "counter", "Region snapshots taken and kept.", labels,
                hydraNode.counters().snapshotsTaken());
            metric(sb, "geo_region_snapshots_installed_total", "counter", "Region snapshots installed from a peer.",
                labels, hydraNode.counters().snapshotsInstalled());
            metric(sb, "geo_region_snapshot_bytes", "gauge", "Size of the latest region snapshot.", labels,
                hydraNode.counters().snapshotBytes());
        }
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
            host.replicaView().liveInstances() + ", clients " + clients.clientCount() + ", commit latency " +
            ClientLatency.describe(latency.commit) + regionStatus();
    }

    private String regionStatus()
    {
        if (!(host instanceof HydraHost hydra))
        {
            return "";
        }
        final HydraNode hydraNode = hydra.nodeView();
        return ", region log applied " + hydraNode.log().appliedIndex() + " truncated " +
            hydraNode.log().truncatedThrough() + ", snapshots taken " + hydraNode.counters().snapshotsTaken() +
            " installed " + hydraNode.counters().snapshotsInstalled() + " (started from slot " + startSnapshotSlot +
            ")";
    }

    public ProtocolHost host()
    {
        return host;
    }

    /** Syncs nothing further (every step already group-committed), then closes transport, state and log. */
    @Override
    public void close()
    {
        closeAll(clients, transport, stateMachine, store, dataLock);
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
}
