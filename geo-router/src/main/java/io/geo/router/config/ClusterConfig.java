package io.geo.router.config;

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
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An immutable, validated cluster config: the cluster's name, id and shared secret, its WAN profile, its nodes (one
 * per region for now), the address each node sends to in order to reach each other node (through the UDP relay
 * when the config names one), the Aeron transport settings, the durability and the protocol's timeouts and limits.
 * Loaded from a {@code .cluster} file whose format is described in {@code docs/cluster-config.md}; every config
 * that loads is complete and valid, and {@link #replicaConfig(int)} concludes for every node.
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

    /** Shortest secret accepted: 16 bytes (32 hex digits). */
    public static final int MIN_SECRET_BYTES = 16;

    /** Longest secret accepted: 64 bytes (128 hex digits). */
    public static final int MAX_SECRET_BYTES = 64;

    /** Largest timeout accepted, in milliseconds (10 minutes). */
    public static final long MAX_TIMEOUT_MS = 600_000;

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

    private final String source;
    private final String name;
    private final long clusterId;
    private final byte[] secret;
    private final WanProfile wanProfile;
    private final RelayConfig relay;
    private final List<ClusterNode> nodes;
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

    /** Takes ownership of the arrays; the parser guarantees they are complete and valid. */
    ClusterConfig(
        final String source,
        final String name,
        final long clusterId,
        final byte[] secret,
        final WanProfile wanProfile,
        final RelayConfig relay,
        final List<ClusterNode> nodes,
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
        final long idleMaxParkUs)
    {
        this.source = source;
        this.name = name;
        this.clusterId = clusterId;
        this.secret = secret;
        this.wanProfile = wanProfile;
        this.relay = relay;
        this.nodes = List.copyOf(nodes);
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

    /** Number of nodes, odd, equal to the WAN profile's region count. */
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
     * {@code fast-path-timeout-ms} line, else derived from the RTT to the node's nearest fast quorum.
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

    /** The cluster's seed; node i's replica gets {@code seed + i}. */
    /** The keyspaces commands may address, in declaration order ({@code kv} alone when none is declared). */
    public List<Keyspace> keyspaces()
    {
        return keyspaces;
    }

    /**
     * Longest park, in microseconds, of a node's idle threads (its duty cycle and its embedded media driver): both
     * back off from spinning to yielding to parking from 1 us doubling up to this. It bounds the delay a message waits
     * for an idle thread to notice it, at the cost of more wake-ups when idle.
     */
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

    public long seed()
    {
        return seed;
    }

    /**
     * The protocol settings of one node's EPaxos replica: replica id and count, timeouts, limits and seed; every
     * other setting keeps {@link ReplicaConfig}'s default. A new, concluded instance on each call (the caller may
     * change it and must then conclude it again).
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
        return new ReplicaConfig()
            .replicaId(node)
            .replicaCount(nodes.size())
            .randomSeed(seed + node)
            .retransmitTimeoutNs(TimeUnit.MILLISECONDS.toNanos(retransmitTimeoutMs))
            .fastPathTimeoutNs(TimeUnit.MILLISECONDS.toNanos(fastPathTimeoutMs[node]))
            .recoveryTimeoutNs(TimeUnit.MILLISECONDS.toNanos(recoveryTimeoutMs))
            .maxInFlightCommands(maxInFlightCommands)
            .maxLiveInstances(maxLiveInstances);
    }

    @Override
    public String toString()
    {
        return "ClusterConfig{source=" + source + ", name=" + name + ", clusterId=" + clusterId +
            ", secret=<" + secret.length + " bytes>, wan=" + wanProfile.name() +
            ", relay=" + (null == relay ? "none" : relay.source()) + ", nodes=" + nodes + ", streamId=" + streamId +
            ", termLengthBytes=" + termLengthBytes + ", durability=" + durability +
            ", fastPathTimeoutMs=" + Arrays.toString(fastPathTimeoutMs) +
            ", retransmitTimeoutMs=" + retransmitTimeoutMs + ", recoveryTimeoutMs=" + recoveryTimeoutMs +
            ", maxInFlightCommands=" + maxInFlightCommands + ", maxLiveInstances=" + maxLiveInstances +
            ", seed=" + seed + "}";
    }
}
