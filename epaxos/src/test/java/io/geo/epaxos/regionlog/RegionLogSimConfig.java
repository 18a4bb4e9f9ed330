package io.geo.epaxos.regionlog;

import io.geo.wan.WanProfile;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Parameters of one region log simulation run. Mutable builder; {@link #validate()} names the first bad value.
 * Defaults: 3 nodes on a LAN (one-way 100 us +- 50 us), 2 clients per node appending 200 KV operations per second
 * per node over 4 keys for 1 simulated second, standard faults.
 */
public final class RegionLogSimConfig
{
    long seed = 1;
    int nodes = 3;
    long durationNs = TimeUnit.SECONDS.toNanos(1);
    RegionLogFaults faults = RegionLogFaults.STANDARD;
    int clientsPerNode = 2;
    /** Operations per simulated second issued by the clients of one node together (closed loop: at most). */
    int appendsPerSecond = 200;
    int keys = 4;
    /** Payloads are padded to at least this size (0: just the operation's text, about 20 bytes). */
    int payloadBytes;
    long linkLatencyNs = TimeUnit.MICROSECONDS.toNanos(100);
    long linkJitterNs = TimeUnit.MICROSECONDS.toNanos(50);
    /** False: links are FIFO (apart from reordering faults); true: every message gets its own jitter. */
    boolean reorderingLinks;
    long fsyncDelayNs = TimeUnit.MICROSECONDS.toNanos(100);
    long tickIntervalNs = TimeUnit.MILLISECONDS.toNanos(1);
    /** After faults stop, how long the group has to apply every pending append and converge. */
    long settleLimitNs = TimeUnit.SECONDS.toNanos(5);
    /** Overrides of the fault profile's per-message probabilities (NaN: the profile's). */
    double dropProbability = Double.NaN;
    double duplicateProbability = Double.NaN;
    double reorderProbability = Double.NaN;
    boolean delegation = true;
    /**
     * Null: the nodes share a LAN. Otherwise node i sits in region i of this WAN profile (links from the profile,
     * timeouts scaled to its round trips): the region log run across regions, the leader-based baseline.
     */
    WanProfile wan;
    /** With {@link #wan}: the node that starts campaigning first and so leads (unless faults intervene); -1: any. */
    int preferredLeader = -1;
    /**
     * Every node snapshots its applied state and truncates its log each time it applied this many slots since its
     * last snapshot (0: never; nodes then run without snapshots). Negative: drawn per seed from 8..256.
     */
    int snapshotEvery = -1;
    /** True: messages cross the wire through {@link LogMessageCodec}; false: deep copies ({@code WireCopy}). */
    boolean codec = true;
    /**
     * The transport's largest message, as an Aeron publication's (a frame longer than this can never be sent), or 0
     * for the codec's own limit. When set, nodes size their batches and payloads as the sidecar does (this less
     * {@link #MESSAGE_ROOM}) and a message longer than it fails the run.
     */
    int maxMessageBytes;
    /**
     * False (the host model of the brief): what a node applied after its last sync and before a crash was seen by
     * nobody (replies and messages wait for the sync, the applied state is in memory), so it does not count. True:
     * every application counts, as for a host whose state machine is durable or readable at once.
     */
    boolean strictApply;
    boolean checkLinearizability = true;
    long linearizabilityStepLimit = 2_000_000;
    /** Where to print the event trace (debugging a seed), or null. */
    PrintStream trace;
    long traceFromNs;
    long traceToNs = Long.MAX_VALUE;

    /** Slots between snapshots per node (0: no snapshots; negative: drawn per seed). */
    public RegionLogSimConfig snapshotEvery(final int value)
    {
        snapshotEvery = value;
        return this;
    }

    public RegionLogSimConfig seed(final long value)
    {
        seed = value;
        return this;
    }

    public RegionLogSimConfig nodes(final int value)
    {
        nodes = value;
        return this;
    }

    /** Simulated seconds of workload (and faults); then faults stop and the group settles. */
    public RegionLogSimConfig seconds(final double value)
    {
        durationNs = (long)(value * 1e9);
        return this;
    }

    public RegionLogSimConfig faults(final RegionLogFaults value)
    {
        faults = value;
        return this;
    }

    public RegionLogSimConfig clientsPerNode(final int value)
    {
        clientsPerNode = value;
        return this;
    }

    public RegionLogSimConfig appendsPerSecond(final int value)
    {
        appendsPerSecond = value;
        return this;
    }

    public RegionLogSimConfig keys(final int value)
    {
        keys = value;
        return this;
    }

    public RegionLogSimConfig payloadBytes(final int value)
    {
        payloadBytes = value;
        return this;
    }

    public RegionLogSimConfig linkLatencyNs(final long value)
    {
        linkLatencyNs = value;
        return this;
    }

    public RegionLogSimConfig linkJitterNs(final long value)
    {
        linkJitterNs = value;
        return this;
    }

    public RegionLogSimConfig reorderingLinks(final boolean value)
    {
        reorderingLinks = value;
        return this;
    }

    /** Probability that a message is lost while faults are active, instead of the profile's. */
    public RegionLogSimConfig dropProbability(final double value)
    {
        dropProbability = value;
        return this;
    }

    /** Probability that a message is delivered twice while faults are active, instead of the profile's. */
    public RegionLogSimConfig duplicateProbability(final double value)
    {
        duplicateProbability = value;
        return this;
    }

    /** Probability that a message takes a detour (is reordered) while faults are active, instead of the profile's. */
    public RegionLogSimConfig reorderProbability(final double value)
    {
        reorderProbability = value;
        return this;
    }

    public RegionLogSimConfig fsyncDelayNs(final long value)
    {
        fsyncDelayNs = value;
        return this;
    }

    public RegionLogSimConfig tickIntervalNs(final long value)
    {
        tickIntervalNs = value;
        return this;
    }

    public RegionLogSimConfig settleLimitNs(final long value)
    {
        settleLimitNs = value;
        return this;
    }

    /** Node i in region i of {@code profile}, over its WAN links (null: a LAN). */
    public RegionLogSimConfig wan(final WanProfile profile)
    {
        wan = profile;
        return this;
    }

    /** With a WAN: this node campaigns first (the leader's region), -1 for any. */
    public RegionLogSimConfig preferredLeader(final int node)
    {
        preferredLeader = node;
        return this;
    }

    /** False runs the nodes in Multi-Paxos mode ({@link RegionLogConfig#delegation(boolean)}). */
    public RegionLogSimConfig delegation(final boolean value)
    {
        delegation = value;
        return this;
    }

    /** Bytes of a message beyond its batch of entries (header, fields, per-entry overhead), as the sidecar leaves. */
    public static final int MESSAGE_ROOM = 4096 + 32;

    /** Messages longer than this fail the run; batches and payloads sized to fit (0: the codec's limit). */
    public RegionLogSimConfig maxMessageBytes(final int value)
    {
        maxMessageBytes = value;
        return this;
    }

    public RegionLogSimConfig codec(final boolean value)
    {
        codec = value;
        return this;
    }

    public RegionLogSimConfig strictApply(final boolean value)
    {
        strictApply = value;
        return this;
    }

    public RegionLogSimConfig checkLinearizability(final boolean value)
    {
        checkLinearizability = value;
        return this;
    }

    /** Print every event between the two simulated times to {@code out} (null: no trace). */
    public RegionLogSimConfig trace(final PrintStream out, final long fromNs, final long toNs)
    {
        trace = out;
        traceFromNs = fromNs;
        traceToNs = toNs;
        return this;
    }

    public long seed()
    {
        return seed;
    }

    public int nodes()
    {
        return nodes;
    }

    public RegionLogFaults faults()
    {
        return faults;
    }

    public boolean delegation()
    {
        return delegation;
    }

    public long durationNs()
    {
        return durationNs;
    }

    /** The regions the nodes sit in, node i in the first; empty on a LAN. */
    public java.util.List<String> wanRegions()
    {
        return wan == null ? java.util.List.of() : wan.firstRegions(nodes).regions();
    }

    public RegionLogSimConfig copy()
    {
        final RegionLogSimConfig c = new RegionLogSimConfig();
        c.seed = seed;
        c.nodes = nodes;
        c.durationNs = durationNs;
        c.faults = faults;
        c.clientsPerNode = clientsPerNode;
        c.appendsPerSecond = appendsPerSecond;
        c.keys = keys;
        c.payloadBytes = payloadBytes;
        c.linkLatencyNs = linkLatencyNs;
        c.linkJitterNs = linkJitterNs;
        c.reorderingLinks = reorderingLinks;
        c.fsyncDelayNs = fsyncDelayNs;
        c.tickIntervalNs = tickIntervalNs;
        c.settleLimitNs = settleLimitNs;
        c.dropProbability = dropProbability;
        c.duplicateProbability = duplicateProbability;
        c.reorderProbability = reorderProbability;
        c.delegation = delegation;
        c.wan = wan;
        c.preferredLeader = preferredLeader;
        c.snapshotEvery = snapshotEvery;
        c.codec = codec;
        c.maxMessageBytes = maxMessageBytes;
        c.strictApply = strictApply;
        c.checkLinearizability = checkLinearizability;
        c.linearizabilityStepLimit = linearizabilityStepLimit;
        c.trace = trace;
        c.traceFromNs = traceFromNs;
        c.traceToNs = traceToNs;
        return c;
    }

    /** Throws IllegalArgumentException naming the first bad parameter and its value. */
    public RegionLogSimConfig validate()
    {
        require(nodes == 1 || nodes == 3 || nodes == 5, "nodes", nodes, "1, 3 or 5");
        require(wan == null || wan.regionCount() >= nodes, "wan", wan == null ? 0 : wan.regionCount(),
            "a profile with at least " + nodes + " regions");
        require(preferredLeader >= -1 && preferredLeader < nodes, "preferredLeader", preferredLeader,
            "-1.." + (nodes - 1));
        require(durationNs > 0 && durationNs <= TimeUnit.HOURS.toNanos(1), "durationNs", durationNs,
            "> 0 and <= 1 hour");
        require(faults != null, "faults", 0, "none, standard or heavy");
        require(clientsPerNode >= 0 && clientsPerNode <= 1000, "clientsPerNode", clientsPerNode, "0..1000");
        require(appendsPerSecond >= 1 && appendsPerSecond <= 1_000_000, "appendsPerSecond", appendsPerSecond,
            "1..1000000");
        require(keys >= 1 && keys <= 1000, "keys", keys, "1..1000");
        require(payloadBytes >= 0 && payloadBytes <= 1 << 20, "payloadBytes", payloadBytes, "0..1048576");
        require(linkLatencyNs > 0, "linkLatencyNs", linkLatencyNs, "> 0");
        require(linkJitterNs >= 0 && linkJitterNs < linkLatencyNs, "linkJitterNs", linkJitterNs,
            "0 .. linkLatencyNs - 1");
        requireProbability(dropProbability, "dropProbability");
        requireProbability(duplicateProbability, "duplicateProbability");
        requireProbability(reorderProbability, "reorderProbability");
        require(fsyncDelayNs >= 0, "fsyncDelayNs", fsyncDelayNs, ">= 0");
        require(tickIntervalNs > 0, "tickIntervalNs", tickIntervalNs, "> 0");
        require(settleLimitNs > 0, "settleLimitNs", settleLimitNs, "> 0");
        require(maxMessageBytes == 0 || maxMessageBytes >= MESSAGE_ROOM + 1024 + payloadBytes && codec,
            "maxMessageBytes", maxMessageBytes, "0, or with the codec on at least payloadBytes + " +
            (MESSAGE_ROOM + 1024));
        require(linearizabilityStepLimit > 0, "linearizabilityStepLimit", linearizabilityStepLimit, "> 0");
        return this;
    }

    private static void requireProbability(final double value, final String name)
    {
        if (!Double.isNaN(value) && !(value >= 0 && value <= 1))
        {
            throw new IllegalArgumentException(name + "=" + value + " is invalid: expected 0..1");
        }
    }

    double drop()
    {
        return Double.isNaN(dropProbability) ? faults.dropProbability : dropProbability;
    }

    double duplicate()
    {
        return Double.isNaN(duplicateProbability) ? faults.duplicateProbability : duplicateProbability;
    }

    double reorder()
    {
        return Double.isNaN(reorderProbability) ? faults.reorderProbability : reorderProbability;
    }

    private static void require(final boolean ok, final String name, final long value, final String expected)
    {
        if (!ok)
        {
            throw new IllegalArgumentException(name + "=" + value + " is invalid: expected " + expected);
        }
    }
}
