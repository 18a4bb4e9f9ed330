package io.geo.router.transport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Settings of an {@link AeronTransport}, as named properties with defaults. Validated once by {@link #conclude()}
 * (called by the transport), which names the property and the bad value in its error.
 */
public final class AeronTransportConfig
{
    /** Default longest idle park of the embedded driver's thread. */
    public static final long DEFAULT_IDLE_MAX_PARK_NS = 50_000;
    public static final long MIN_IDLE_MAX_PARK_NS = 1_000;
    public static final long MAX_IDLE_MAX_PARK_NS = 100_000_000;
    public static final int DEFAULT_STREAM_ID = 1001;
    public static final int MIN_TERM_LENGTH = 64 * 1024;
    /** Large enough that a frame of the largest message (1 MiB + header) fits one term's limit of term/8. */
    public static final int MAX_TERM_LENGTH = 16 * 1024 * 1024;
    /** 1 MiB: frames up to 128 KiB; three terms per publication and per image in /dev/shm. */
    public static final int DEFAULT_TERM_LENGTH = 1024 * 1024;

    private long clusterId;
    private int selfNode = -1;
    private List<String> endpoints = List.of();
    private Map<Integer, String> sendAddresses = Map.of();
    private int streamId = DEFAULT_STREAM_ID;
    private int termLength = DEFAULT_TERM_LENGTH;
    private byte[] secret;
    private String aeronDirectoryName;
    private String embeddedDriverDirectoryName;
    private long idleMaxParkNs = DEFAULT_IDLE_MAX_PARK_NS;
    private int[] regionOfNode;
    private int maxReplicaFrameBytes;

    /** Every frame carries this id; frames of another cluster are dropped. Default 0. */
    public AeronTransportConfig clusterId(final long clusterId)
    {
        this.clusterId = clusterId;
        return this;
    }

    public long clusterId()
    {
        return clusterId;
    }

    /** This node's id, an index into {@link #endpoints(List)}. Required. */
    public AeronTransportConfig selfNode(final int selfNode)
    {
        this.selfNode = selfNode;
        return this;
    }

    public int selfNode()
    {
        return selfNode;
    }

    /**
     * The UDP endpoint ({@code host:port}) every node receives on, indexed by node id; node {@code selfNode}
     * subscribes on its own. Required, at least two nodes.
     */
    public AeronTransportConfig endpoints(final List<String> endpoints)
    {
        this.endpoints = List.copyOf(endpoints);
        return this;
    }

    public List<String> endpoints()
    {
        return endpoints;
    }

    /**
     * Where to send to a peer instead of its endpoint ({@code host:port}), for instance the WAN relay's listen
     * address of the link self -> peer. Peers not in the map get their endpoint. Default empty.
     */
    public AeronTransportConfig sendAddresses(final Map<Integer, String> sendAddresses)
    {
        this.sendAddresses = Collections.unmodifiableMap(new TreeMap<>(sendAddresses));
        return this;
    }

    public Map<Integer, String> sendAddresses()
    {
        return sendAddresses;
    }

    /** The address this node sends to for {@code peer}: its send address if given, else its endpoint. */
    public String sendAddress(final int peer)
    {
        final String address = sendAddresses.get(peer);
        return null != address ? address : endpoints.get(peer);
    }

    /** Aeron stream id of the cluster's traffic, the same on every node. Default {@value #DEFAULT_STREAM_ID}. */
    public AeronTransportConfig streamId(final int streamId)
    {
        this.streamId = streamId;
        return this;
    }

    public int streamId()
    {
        return streamId;
    }

    /**
     * Term buffer length of the publications (and so of the receivers' images), a power of two within
     * [{@value #MIN_TERM_LENGTH}, {@value #MAX_TERM_LENGTH}]. A frame may be at most term/8 bytes (Aeron's limit).
     */
    public AeronTransportConfig termLength(final int termLength)
    {
        this.termLength = termLength;
        return this;
    }

    public int termLength()
    {
        return termLength;
    }

    /** The cluster secret keying the frames' HMAC, at least 16 bytes; copied. Required. */
    public AeronTransportConfig secret(final byte[] secret)
    {
        this.secret = null == secret ? null : secret.clone();
        return this;
    }

    byte[] secret()
    {
        return secret;
    }

    /**
     * Directory of an external media driver to connect to. Null (the default): launch an embedded driver in a
     * fresh directory of its own, deleted on close.
     */
    public AeronTransportConfig aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * Name of the embedded driver's directory (a leaf name; it goes under /dev/shm when writable, else
     * java.io.tmpdir). Null (the default): a random name. A stable name per node lets a restart after kill -9 delete
     * the directory the killed process left behind (the driver deletes its directory on start). Ignored with an
     * external driver.
     */
    public AeronTransportConfig embeddedDriverDirectoryName(final String leafName)
    {
        this.embeddedDriverDirectoryName = leafName;
        return this;
    }

    public String embeddedDriverDirectoryName()
    {
        return embeddedDriverDirectoryName;
    }

    /**
     * Longest park of the embedded driver's idle thread while it has recently had work ({@link TwoSpeedIdleStrategy}:
     * spins, yields, then parks from 1 us doubling to this; after 2 ms without work, 1 ms at a time). Shorter means
     * lower latency per hop and more wake-ups under light load. Default 50 us.
     */
    public AeronTransportConfig idleMaxParkNs(final long idleMaxParkNs)
    {
        this.idleMaxParkNs = idleMaxParkNs;
        return this;
    }

    public long idleMaxParkNs()
    {
        return idleMaxParkNs;
    }

    /**
     * A cluster of region groups: node i is in region {@code regionOfNode[i]} (the EPaxos replica it speaks for), and
     * region log messages pass between the nodes of a region. Absent (null, the default): a flat cluster, node i is
     * replica i and carries no region log messages.
     */
    public AeronTransportConfig regionOfNode(final int[] regionOfNode)
    {
        this.regionOfNode = null == regionOfNode ? null : regionOfNode.clone();
        return this;
    }

    public int[] regionOfNode()
    {
        return null == regionOfNode ? null : regionOfNode.clone();
    }

    /**
     * The longest frame carrying an EPaxos message that {@link AeronTransport#send(int, io.geo.epaxos.messages.Message)}
     * sends (longer ones are refused and counted as rejected): with region groups, what the receiving region can log
     * as one entry ({@code ClusterConfig.maxReplicaFrameBytes()}). 0, the default: the publication's largest message.
     */
    public AeronTransportConfig maxReplicaFrameBytes(final int bytes)
    {
        this.maxReplicaFrameBytes = bytes;
        return this;
    }

    public int maxReplicaFrameBytes()
    {
        return maxReplicaFrameBytes;
    }

    /**
     * Validates every property.
     *
     * @throws IllegalArgumentException naming the first bad property and its value.
     */
    public AeronTransportConfig conclude()
    {
        if (endpoints.size() < 2)
        {
            throw new IllegalArgumentException("endpoints: need at least 2 nodes, got " + endpoints);
        }
        if (selfNode < 0 || selfNode >= endpoints.size())
        {
            throw new IllegalArgumentException(
                "selfNode must be within [0, " + (endpoints.size() - 1) + "]: " + selfNode);
        }
        final List<String> seen = new ArrayList<>();
        for (int node = 0; node < endpoints.size(); node++)
        {
            final String endpoint = endpoints.get(node);
            checkAddress("endpoints[" + node + "]", endpoint);
            if (seen.contains(endpoint))
            {
                throw new IllegalArgumentException("endpoints[" + node + "]: " + endpoint + " is also the endpoint of " +
                    "node " + seen.indexOf(endpoint));
            }
            seen.add(endpoint);
        }
        for (final Map.Entry<Integer, String> entry : sendAddresses.entrySet())
        {
            final int peer = Objects.requireNonNull(entry.getKey(), "sendAddresses key");
            if (peer < 0 || peer >= endpoints.size() || peer == selfNode)
            {
                throw new IllegalArgumentException("sendAddresses: " + peer + " is not a peer of node " + selfNode);
            }
            checkAddress("sendAddresses[" + peer + "]", entry.getValue());
        }
        if (streamId == 0)
        {
            throw new IllegalArgumentException("streamId must not be 0");
        }
        if (termLength < MIN_TERM_LENGTH || termLength > MAX_TERM_LENGTH || Integer.bitCount(termLength) != 1)
        {
            throw new IllegalArgumentException("termLength must be a power of two within [" + MIN_TERM_LENGTH + ", " +
                MAX_TERM_LENGTH + "]: " + termLength);
        }
        if (null == secret || secret.length < FrameCodec.MIN_SECRET_LENGTH)
        {
            throw new IllegalArgumentException("secret must be at least " + FrameCodec.MIN_SECRET_LENGTH +
                " bytes: got " + (null == secret ? "none" : secret.length + " bytes"));
        }
        if (idleMaxParkNs < MIN_IDLE_MAX_PARK_NS || idleMaxParkNs > MAX_IDLE_MAX_PARK_NS)
        {
            throw new IllegalArgumentException("idleMaxParkNs must be " + MIN_IDLE_MAX_PARK_NS + ".." +
                MAX_IDLE_MAX_PARK_NS + ": " + idleMaxParkNs);
        }
        if (null != embeddedDriverDirectoryName && !embeddedDriverDirectoryName.matches("[A-Za-z0-9._-]{1,128}"))
        {
            throw new IllegalArgumentException("embeddedDriverDirectoryName must be a leaf name of 1..128 letters, " +
                "digits, '.', '_' or '-': '" + embeddedDriverDirectoryName + "'");
        }
        if (null != regionOfNode && regionOfNode.length != endpoints.size())
        {
            throw new IllegalArgumentException("regionOfNode: " + regionOfNode.length + " entries for " +
                endpoints.size() + " nodes");
        }
        if (maxReplicaFrameBytes < 0)
        {
            throw new IllegalArgumentException("maxReplicaFrameBytes must be 0 (the publication's limit) or " +
                "positive: " + maxReplicaFrameBytes);
        }
        if (null != aeronDirectoryName && aeronDirectoryName.isBlank())
        {
            throw new IllegalArgumentException("aeronDirectoryName must not be blank");
        }
        return this;
    }

    private static void checkAddress(final String property, final String address)
    {
        if (null == address)
        {
            throw new IllegalArgumentException(property + ": missing address");
        }
        final int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1)
        {
            throw new IllegalArgumentException(property + ": expected host:port, got '" + address + "'");
        }
        final int port;
        try
        {
            port = Integer.parseInt(address.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(property + ": bad port in '" + address + "'", ex);
        }
        if (port < 1 || port > 65_535)
        {
            throw new IllegalArgumentException(property + ": port must be within [1, 65535] in '" + address + "'");
        }
        if (address.indexOf('|') >= 0 || address.indexOf('?') >= 0)
        {
            throw new IllegalArgumentException(property + ": not a plain host:port: '" + address + "'");
        }
    }
}
