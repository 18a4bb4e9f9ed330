package io.geo.router.config;

import io.geo.epaxos.regionlog.RegionLogConfig;
import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.router.storage.Durability;
import io.geo.wan.WanProfile;
import io.geo.wan.relay.RelayConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An immutable, validated cluster config: the cluster's name, id and shared secret, its WAN profile, its nodes (one
 * or more per region), the address each node sends to in order to reach each other node (through the UDP relay
 * when the config names one), the Aeron transport settings, the durability, the protocol's timeouts and limits and
 * the keyspaces. Loaded from a {@code .cluster} file whose format is described in {@code docs/cluster-config.md};
 * every config that loads is complete and valid, and {@link #replicaConfig(int)} (and, for a {@link #hydra()}
 * config, {@link #regionLogConfig(int)}) concludes for every node.
 * <p>
 * Two topologies ({@link #hydra()}): <em>flat</em>, one node per region and each node one EPaxos replica; and
 * <em>Hydra</em> (a region with several nodes, a region group, or a regional keyspace), where each region is one
 * EPaxos replica whose nodes all hold a copy of it, fed by the region's log.
 * <p>
 * Safe to share between threads. {@link #toString()} never shows the secret.
 */
public final class ClusterConfig
{
    /** Files larger than this are rejected before reading. */
    public static final long MAX_FILE_BYTES = 1024 * 1024;

    /** File name extension of cluster configs. */
    public static final String FILE_EXTENSION = ".cluster";

    /** Default Aeron stream id of the peer traffic. */
    public static final int DEFAULT_STREAM_ID = 1001;

    /** Default Aeron term buffer length: 1 MiB. */
    public static final int DEFAULT_TERM_LENGTH_BYTES = 1024 * 1024;

    /** Smallest term length accepted: 64 KiB (Aeron's minimum). */
    public static final int MIN_TERM_LENGTH_BYTES = 64 * 1024;

    /** Largest term length accepted: 16 MiB. */
    public static final int MAX_TERM_LENGTH_BYTES = 16 * 1024 * 1024;

    /** Default seed; node i's replica gets {@code seed + i}. */
    public static final long DEFAULT_SEED = 1;
    /** Default limit on client connections per node. */
    public static final int DEFAULT_MAX_CLIENTS = 1024;
    /** Default longest idle park of a node's threads, in microseconds. */
    public static final long DEFAULT_IDLE_MAX_PARK_US = 50;
    /** Region snapshot interval in applied slots: the default, and its bounds (snapshot-every-slots). */
    public static final long DEFAULT_SNAPSHOT_EVERY_SLOTS = 100_000;
    public static final long MIN_SNAPSHOT_EVERY_SLOTS = 16;
    public static final long MAX_SNAPSHOT_EVERY_SLOTS = 1_000_000_000;
    /** The most client commands one EPaxos instance carries (batch-max-commands): the default, 1 = no batching. */
    public static final int DEFAULT_BATCH_MAX_COMMANDS = 64;
    /** Region groups: entries of a node's own commands in flight before new ones wait (batch-in-flight). */
    public static final int DEFAULT_BATCH_IN_FLIGHT = 1;
    public static final int MAX_BATCH_IN_FLIGHT = 64;

    /** Shortest secret accepted: 16 bytes (32 hex digits). */
    public static final int MIN_SECRET_BYTES = 16;

    /** Longest secret accepted: 64 bytes (128 hex digits). */
    public static final int MAX_SECRET_BYTES = 64;

    /** Largest timeout accepted, in milliseconds (10 minutes). */
    public static final long MAX_TIMEOUT_MS = 600_000;

    /** The largest client command (encoded), whatever the term length: {@code ReplicaConfig}'s default. */
    public static final int MAX_COMMAND_BYTES = 512 * 1024;
    /** Bytes of the authenticated frame header before each message between nodes. */
    static final int FRAME_HEADER_BYTES = io.geo.router.transport.FrameCodec.HEADER_LENGTH;
    /**
     * Room an EPaxos message needs besides its command (header, ballot, seq, deps), at least: 1 KiB, or an eighth of
     * a message when that is more, up to 16 KiB (2,000 deps at the default term length).
     */
    static final int EPAXOS_MESSAGE_ROOM_BYTES = 1024;
    static final int EPAXOS_MESSAGE_ROOM_MAX_BYTES = 16 * 1024;
    /**
     * Heartbeats of a region log leader: each one wakes every node of the region, so an idle region costs CPU in
     * proportion (the simulator's 5 ms kept nine idle sidecars on one machine at about 10% of a core each).
     */
    static final long REGION_LOG_HEARTBEAT_MS = 20;
    /** A region log node that hears no leader for this long (randomized up to twice) stands for election. */
    static final long REGION_LOG_ELECTION_TIMEOUT_MS = 100;
    /**
     * Room a region log message needs besides its entries (its header and fixed fields: under 50 bytes; each entry's
     * own fields are counted in the batch limit, {@code LogEntry.encodedSize()}).
     */
    static final int REGION_LOG_MESSAGE_ROOM_BYTES = 128;
    /** Bytes a region log entry adds to the EPaxos message it carries (its kind). */
    static final int REGION_LOG_ENTRY_KIND_BYTES = 1;

    /** Derived retransmit timeout: {@code RETRANSMIT_RTT_FACTOR * max RTT + RETRANSMIT_MARGIN_MS}. */
    public static final double RETRANSMIT_RTT_FACTOR = 2.0;

    /** See {@link #RETRANSMIT_RTT_FACTOR}. */
    public static final long RETRANSMIT_MARGIN_MS = 100;

    /** Derived recovery timeout: {@code RECOVERY_RTT_FACTOR * max RTT + RECOVERY_MARGIN_MS}. */
    public static final double RECOVERY_RTT_FACTOR = 4.0;

    /** See {@link #RECOVERY_RTT_FACTOR}. */
    public static final long RECOVERY_MARGIN_MS = 500;

    /** Derived fast-path timeout of a node: {@code FAST_PATH_RTT_FACTOR * RTT to its fast quorum + margin}. */
    public static final double FAST_PATH_RTT_FACTOR = 1.25;

    /** See {@link #FAST_PATH_RTT_FACTOR}. */
    public static final long FAST_PATH_MARGIN_MS = 10;

    /**
     * Added to the derived fast-path timeout of a region in a Hydra config: the region log rounds a fast path pays
     * on top of the WAN round trip (the leader region's pre-accept, the remote regions' pre-accepts, applying the
     * replies), on a LAN.
     */
    public static final long REGION_LOG_MARGIN_MS = 5;

    private final String source;
    private final String name;
    private final long clusterId;
    private final byte[] secret;
    private final WanProfile wanProfile;
    private final RelayConfig relay;
    private final List<ClusterNode> nodes;
    private final boolean hydra;
    private final List<List<ClusterNode>> nodesByRegion;
    private final InetSocketAddress[] sendAddresses;
    private final int streamId;
    private final int termLengthBytes;
    private final Durability durability;
    private final long[] fastPathTimeoutMs;
    private final long retransmitTimeoutMs;
    private final long recoveryTimeoutMs;
    private final int maxInFlightCommands;
    private final int maxLiveInstances;
    private final long seed;
    private final List<Keyspace> keyspaces;
    private final int maxClients;
    private final byte[] clientPassword;
    private final long idleMaxParkUs;
    private final long snapshotEverySlots;
    private final int batchMaxCommands;
    private final int batchInFlight;

    /**
     * Takes ownership of the arrays; the parser guarantees they are complete and valid (every region of the WAN
     * profile has a node; {@code fastPathTimeoutMs} holds one value per node, its region's in a Hydra config).
     */
    ClusterConfig(
        final String source,
        final String name,
        final long clusterId,
        final byte[] secret,
        final WanProfile wanProfile,
        final RelayConfig relay,
        final List<ClusterNode> nodes,
        final boolean hydra,
        final InetSocketAddress[] sendAddresses,
        final int streamId,
        final int termLengthBytes,
        final Durability durability,
        final long[] fastPathTimeoutMs,
        final long retransmitTimeoutMs,
        final long recoveryTimeoutMs,
        final int maxInFlightCommands,
        final int maxLiveInstances,
        final long seed,
        final List<Keyspace> keyspaces,
        final int maxClients,
        final byte[] clientPassword,
        final long idleMaxParkUs,
        final long snapshotEverySlots,
        final int batchMaxCommands,
        final int batchInFlight)
    {
        this.source = source;
        this.name = name;
        this.clusterId = clusterId;
        this.secret = secret;
        this.wanProfile = wanProfile;
        this.relay = relay;
        this.nodes = List.copyOf(nodes);
        this.hydra = hydra;
        final List<List<ClusterNode>> byRegion = new ArrayList<>(wanProfile.regionCount());
        for (int region = 0; region < wanProfile.regionCount(); region++)
        {
            byRegion.add(new ArrayList<>());
        }
        for (final ClusterNode node : this.nodes)
        {
            byRegion.get(node.regionIndex()).add(node); // nodes are in id order, so each region's list is too
        }
        for (int region = 0; region < byRegion.size(); region++)
        {
            byRegion.set(region, List.copyOf(byRegion.get(region)));
        }
        this.nodesByRegion = List.copyOf(byRegion);
        this.sendAddresses = sendAddresses;
        this.streamId = streamId;
        this.termLengthBytes = termLengthBytes;
        this.durability = durability;
        this.fastPathTimeoutMs = fastPathTimeoutMs;
        this.retransmitTimeoutMs = retransmitTimeoutMs;
        this.recoveryTimeoutMs = recoveryTimeoutMs;
        this.maxInFlightCommands = maxInFlightCommands;
        this.maxLiveInstances = maxLiveInstances;
        this.seed = seed;
        this.keyspaces = List.copyOf(keyspaces);
        this.maxClients = maxClients;
        this.clientPassword = clientPassword;
        this.idleMaxParkUs = idleMaxParkUs;
        this.snapshotEverySlots = snapshotEverySlots;
        this.batchMaxCommands = batchMaxCommands;
        this.batchInFlight = batchInFlight;
    }

    /**
     * Read, parse and validate a cluster config file, with the config directory (which holds {@code wan/}) taken
     * as the parent of the file's folder: {@code config/cluster/x.cluster} finds {@code config/wan/}. Blocking file
     * I/O (the config, its WAN profile, its relay config and secret file); no side effects (nothing is bound or
     * created, data folders included).
     *
     * @param file a {@code .cluster} file.
     * @return the config, complete and valid.
     * @throws ClusterConfigException if a file cannot be read or is not valid; the message names the file, the
     *                                line and the bad value.
     */
    public static ClusterConfig load(final Path file) throws ClusterConfigException
    {
        return load(file, null);
    }

    /**
     * Read, parse and validate a cluster config file. Like {@link #load(Path)}, with an explicit config directory.
     *
     * @param file      a {@code .cluster} file.
     * @param configDir the config directory holding {@code wan/}, for a WAN profile given by name; null means the
     *                  parent of the file's folder.
     * @return the config, complete and valid.
     * @throws ClusterConfigException if a file cannot be read or is not valid; the message names the file, the
     *                                line and the bad value.
     */
    public static ClusterConfig load(final Path file, final Path configDir) throws ClusterConfigException
    {
        Objects.requireNonNull(file, "file");
        final String source = file.toString();
        if (Files.isDirectory(file))
        {
            throw new ClusterConfigException(
                source, ClusterConfigException.NO_LINE, "is a directory, not a cluster config");
        }

        final List<String> lines;
        try
        {
            final long sizeBytes = Files.size(file);
            if (sizeBytes > MAX_FILE_BYTES)
            {
                throw new ClusterConfigException(source, ClusterConfigException.NO_LINE,
                    "file of " + sizeBytes + " bytes is larger than the limit of " + MAX_FILE_BYTES + " bytes");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ClusterConfigException(source, ClusterConfigException.NO_LINE, "no such cluster config file", ex);
        }
        catch (final MalformedInputException ex)
        {
            throw new ClusterConfigException(source, ClusterConfigException.NO_LINE, "not UTF-8 text", ex);
        }
        catch (final IOException ex)
        {
            throw new ClusterConfigException(source, ClusterConfigException.NO_LINE, "cannot read: " + ex, ex);
        }

        final Path folder = file.toAbsolutePath().normalize().getParent();
        final Path effectiveConfigDir = null != configDir ? configDir : (null == folder ? null : folder.getParent());
        return new ClusterConfigParser(source, folder, effectiveConfigDir).parse(lines);
    }

    /** Where this config came from (the file as the user named it), for messages. */
    public String source()
    {
        return source;
    }

    /** The cluster's name, from the {@code cluster} line. */
    public String name()
    {
        return name;
    }

    /** The cluster's id, from the {@code cluster-id} line: messages of another cluster carry another id. */
    public long clusterId()
    {
        return clusterId;
    }

    /** A copy of the shared secret, 16 to 64 bytes. */
    public byte[] secret()
    {
        return secret.clone();
    }

    /** The WAN profile: the regions and the round-trip times the derived timeouts come from. */
    public WanProfile wanProfile()
    {
        return wanProfile;
    }

    /** The relay config the links between regions go through, if the config has a {@code relay} line. */
    public Optional<RelayConfig> relay()
    {
        return Optional.ofNullable(relay);
    }

    /** The nodes, in id order: {@code nodes().get(i).id() == i}. Unmodifiable. */
    public List<ClusterNode> nodes()
    {
        return nodes;
    }

    /**
     * Number of nodes: odd, at least one per region of the WAN profile; in a flat config (not {@link #hydra()})
     * equal to the region count.
     */
    public int nodeCount()
    {
        return nodes.size();
    }

    /**
     * One node.
     *
     * @throws IndexOutOfBoundsException if the id is outside [0, {@link #nodeCount()}).
     */
    public ClusterNode node(final int id)
    {
        return nodes.get(id);
    }

    /**
     * True for a Hydra topology: some region has more than one node (a region group) or some keyspace is regional.
     * Then each region is one EPaxos replica ({@link #replicaConfig(int)}: replica id = region index) whose nodes
     * share a region log ({@link #regionLogConfig(int)}). False for a flat topology: one node per region, each node
     * one EPaxos replica (replica id = node id).
     */
    public boolean hydra()
    {
        return hydra;
    }

    /** Number of regions: the WAN profile's, odd; every region has at least one node. */
    public int regionCount()
    {
        return nodesByRegion.size();
    }

    /**
     * The nodes of one region, sorted by id; {@code regionNodes(r).get(i).indexInRegion() == i}. Unmodifiable.
     *
     * @param regionIndex the region's index in the WAN profile ({@link ClusterNode#regionIndex()}).
     * @throws IndexOutOfBoundsException if the index is outside [0, {@link #regionCount()}).
     */
    public List<ClusterNode> regionNodes(final int regionIndex)
    {
        return nodesByRegion.get(Objects.checkIndex(regionIndex, nodesByRegion.size()));
    }

    /**
     * The canonical name (never an alias) of one region of the WAN profile.
     *
     * @throws IndexOutOfBoundsException if the index is outside [0, {@link #regionCount()}).
     */
    public String regionName(final int regionIndex)
    {
        return wanProfile.regions().get(Objects.checkIndex(regionIndex, nodesByRegion.size()));
    }

    /**
     * The address a sender on node {@code fromNode} sends to in order to reach node {@code toNode}: the relay's
     * listen address of the link from the sender's region to the receiver's region when the config has a relay,
     * else the receiver's endpoint.
     *
     * @throws IllegalArgumentException  if {@code fromNode == toNode}: a node does not send to itself.
     * @throws IndexOutOfBoundsException if a node id is outside [0, {@link #nodeCount()}).
     */
    public InetSocketAddress sendAddress(final int fromNode, final int toNode)
    {
        Objects.checkIndex(fromNode, nodes.size());
        Objects.checkIndex(toNode, nodes.size());
        if (fromNode == toNode)
        {
            throw new IllegalArgumentException("node " + fromNode + " does not send to itself");
        }

        return sendAddresses[fromNode * nodes.size() + toNode];
    }

    /** The Aeron stream id of the peer traffic. */
    public int streamId()
    {
        return streamId;
    }

    /** The Aeron term buffer length in bytes: a power of two within 64 KiB..16 MiB. */
    public int termLengthBytes()
    {
        return termLengthBytes;
    }

    /** What the write-ahead log's sync promises. */
    public Durability durability()
    {
        return durability;
    }

    /**
     * How long node {@code node}, as command leader, waits for a fast quorum once it has a slow quorum: the
     * {@code fast-path-timeout-ms} line, else derived from the RTT to the node's nearest fast quorum. In a
     * {@link #hydra()} config the command leader is the node's region: the value is the region's, the same for all
     * its nodes, derived from the RTT to the region's nearest fast quorum of regions plus
     * {@link #REGION_LOG_MARGIN_MS}.
     *
     * @throws IndexOutOfBoundsException if the id is outside [0, {@link #nodeCount()}).
     */
    public long fastPathTimeoutMs(final int node)
    {
        return fastPathTimeoutMs[Objects.checkIndex(node, nodes.size())];
    }

    /** How long a proposer waits for replies before sending again: the line, else derived from the max RTT. */
    public long retransmitTimeoutMs()
    {
        return retransmitTimeoutMs;
    }

    /** How long an instance may stay uncommitted before recovery starts: the line, else derived from the max RTT. */
    public long recoveryTimeoutMs()
    {
        return recoveryTimeoutMs;
    }

    /** Commands submitted at a node and not yet executed there. */
    public int maxInFlightCommands()
    {
        return maxInFlightCommands;
    }

    /** Instances held in memory by a replica. */
    public int maxLiveInstances()
    {
        return maxLiveInstances;
    }

    /**
     * The keyspaces commands may address, global and regional, in declaration order ({@code kv}, global, alone when
     * none is declared). Unmodifiable.
     */
    public List<Keyspace> keyspaces()
    {
        return keyspaces;
    }

    /**
     * Longest park, in microseconds, of a node's idle threads (its duty cycle and its embedded media driver): both
     * back off from spinning to yielding to parking from 1 us doubling up to this. It bounds the delay a message waits
     * for an idle thread to notice it, at the cost of more wake-ups when idle.
     */
    /**
     * The most client commands one EPaxos instance (and, with region groups, one region log entry) carries; 1: one
     * instance per command (docs/hydra.md, "Batching").
     */
    public int batchMaxCommands()
    {
        return batchMaxCommands;
    }

    /**
     * Region groups: entries of a node's own client commands in its region log and not yet applied, beyond which its
     * new commands wait and go together in the next entry.
     */
    public int batchInFlight()
    {
        return batchInFlight;
    }

    /** Region groups: how a node batches its clients' commands ({@link #batchMaxCommands}, {@link #batchInFlight}). */
    public io.geo.epaxos.hydra.HydraNode.Batching hydraBatching()
    {
        return batchMaxCommands == 1 ? io.geo.epaxos.hydra.HydraNode.Batching.NONE :
            new io.geo.epaxos.hydra.HydraNode.Batching(batchMaxCommands, batchInFlight);
    }

    /**
     * Region groups: a node snapshots its region (replica and state) every this many applied region log slots and
     * truncates its log through it, but for the region log's retained slots (docs/hydra.md, "Snapshots").
     */
    public long snapshotEverySlots()
    {
        return snapshotEverySlots;
    }

    public long idleMaxParkUs()
    {
        return idleMaxParkUs;
    }

    /** Most client connections a node accepts at once. */
    public int maxClients()
    {
        return maxClients;
    }

    /** The password clients must present, or empty when clients are not authenticated. */
    public Optional<byte[]> clientPassword()
    {
        return Optional.ofNullable(clientPassword).map(byte[]::clone);
    }

    /**
     * The cluster's seed: in a flat config node i's replica gets {@code seed + i}; in a {@link #hydra()} config
     * region r's replica gets {@code seed + r} and node i's region log {@code seed + i}.
     */
    public long seed()
    {
        return seed;
    }

    /**
     * The protocol settings of the EPaxos replica node {@code node} runs: replica id and count, timeouts, limits and
     * seed; every other setting keeps {@link ReplicaConfig}'s default. Flat: the node's own replica, replica id =
     * node id, count = node count, seed + node id. {@link #hydra()}: the replica of the node's region, of which every
     * node of the region holds a copy: replica id = region index, count = {@link #regionCount()}, seed + region
     * index; all nodes of a region get equal settings, so their copies, fed the same log, go through the same
     * states. A new, concluded instance on each call (the caller may change it and must then conclude it again).
     *
     * @throws IndexOutOfBoundsException if the id is outside [0, {@link #nodeCount()}).
     */
    public ReplicaConfig replicaConfig(final int node)
    {
        Objects.checkIndex(node, nodes.size());
        return unconcludedReplicaConfig(node).conclude();
    }

    ReplicaConfig unconcludedReplicaConfig(final int node)
    {
        final int replicaId = hydra ? nodes.get(node).regionIndex() : node;
        return new ReplicaConfig()
            .replicaId(replicaId)
            .replicaCount(hydra ? nodesByRegion.size() : nodes.size())
            .randomSeed(seed + replicaId)
            .retransmitTimeoutNs(TimeUnit.MILLISECONDS.toNanos(retransmitTimeoutMs))
            .fastPathTimeoutNs(TimeUnit.MILLISECONDS.toNanos(fastPathTimeoutMs[node]))
            .recoveryTimeoutNs(TimeUnit.MILLISECONDS.toNanos(recoveryTimeoutMs))
            .maxInFlightCommands(maxInFlightCommands)
            .maxLiveInstances(maxLiveInstances)
            .maxCommandBytes(maxCommandBytes());
    }

    /**
     * The largest command (encoded) a client may submit: what {@link #maxReplicaFrameBytes()} carries, less the frame
     * header and room for the rest of an EPaxos message (deps, ballots). At most {@link #MAX_COMMAND_BYTES}.
     */
    public int maxCommandBytes()
    {
        final int epaxosRoom = Math.max(EPAXOS_MESSAGE_ROOM_BYTES,
            Math.min(EPAXOS_MESSAGE_ROOM_MAX_BYTES, maxMessageBytes() / 8));
        return Math.min(MAX_COMMAND_BYTES, maxReplicaFrameBytes() - FRAME_HEADER_BYTES - epaxosRoom);
    }

    /**
     * The largest frame carrying an EPaxos message between nodes. Flat: {@link #maxMessageBytes()}. With region groups
     * a receiving node logs the message (without its frame header) as one region log entry, and a region log message
     * carrying that entry must fit {@link #maxMessageBytes()}: so less the region log message's own fields and the
     * entry's kind byte. The transport refuses a larger EPaxos frame at the sender.
     */
    public int maxReplicaFrameBytes()
    {
        return maxMessageBytes() - (hydra ? REGION_LOG_MESSAGE_ROOM_BYTES + REGION_LOG_ENTRY_KIND_BYTES : 0);
    }

    /** The largest message between two nodes: an eighth of the Aeron term, at most a frame's limit. */
    public int maxMessageBytes()
    {
        return Math.min(termLengthBytes / 8, io.geo.router.transport.FrameCodec.MAX_FRAME_LENGTH);
    }

    /**
     * The settings of node {@code node}'s region log in a {@link #hydra()} config: node id =
     * {@link ClusterNode#indexInRegion()}, node count = the region's node count (1, 3, 5 or 7), random seed =
     * {@code seed + node id}; every other setting keeps {@link RegionLogConfig}'s default, which suits a LAN. A new,
     * concluded instance on each call (the caller may change it and must then conclude it again).
     *
     * @throws IllegalStateException     if the config is flat: its nodes have no region log.
     * @throws IndexOutOfBoundsException if the id is outside [0, {@link #nodeCount()}).
     */
    public RegionLogConfig regionLogConfig(final int node)
    {
        if (!hydra)
        {
            throw new IllegalStateException("cluster config " + source + " is flat (one node per region, no " +
                "regional keyspace): its nodes have no region log");
        }
        Objects.checkIndex(node, nodes.size());
        return unconcludedRegionLogConfig(node).conclude();
    }

    RegionLogConfig unconcludedRegionLogConfig(final int node)
    {
        final ClusterNode clusterNode = nodes.get(node);
        // one batch of entries, or one snapshot chunk, must fit in a message between nodes; an entry as large as the
        // largest EPaxos message (maxReplicaFrameBytes without its header, plus a kind byte) must fit a batch
        final int maxBatch = maxMessageBytes() - FRAME_HEADER_BYTES - REGION_LOG_MESSAGE_ROOM_BYTES;
        return new RegionLogConfig()
            .nodeId(clusterNode.indexInRegion())
            .nodeCount(nodesByRegion.get(clusterNode.regionIndex()).size())
            .randomSeed(seed + node)
            .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(REGION_LOG_HEARTBEAT_MS))
            .electionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(REGION_LOG_ELECTION_TIMEOUT_MS))
            .maxPayloadBytes(maxBatch)
            .maxBatchBytes(maxBatch)
            .snapshotChunkBytes(maxBatch / 2);
    }

    @Override
    public String toString()
    {
        return "ClusterConfig{source=" + source + ", name=" + name + ", clusterId=" + clusterId +
            ", secret=<" + secret.length + " bytes>, wan=" + wanProfile.name() +
            ", relay=" + (null == relay ? "none" : relay.source()) + ", hydra=" + hydra + ", nodes=" + nodes +
            ", keyspaces=" + keyspaces + ", streamId=" + streamId +
            ", termLengthBytes=" + termLengthBytes + ", durability=" + durability +
            ", fastPathTimeoutMs=" + Arrays.toString(fastPathTimeoutMs) +
            ", retransmitTimeoutMs=" + retransmitTimeoutMs + ", recoveryTimeoutMs=" + recoveryTimeoutMs +
            ", maxInFlightCommands=" + maxInFlightCommands + ", maxLiveInstances=" + maxLiveInstances +
            ", seed=" + seed + "}";
    }
}
