package io.geo.epaxos.regionlog;

import java.util.concurrent.TimeUnit;

/** Settings of a region log node, validated by {@link #conclude()}; errors name the setting and the value. */
public final class RegionLogConfig
{
    private int nodeId;
    private int nodeCount = 3;
    private long heartbeatIntervalNs = TimeUnit.MILLISECONDS.toNanos(5);
    private long electionTimeoutNs = TimeUnit.MILLISECONDS.toNanos(30);
    private long retransmitTimeoutNs = TimeUnit.MILLISECONDS.toNanos(10);
    private long fillTimeoutNs = TimeUnit.MICROSECONDS.toNanos(200);
    private int grantSlots = 16;
    private int windowSlots = 4096;
    private int maxBatchEntries = 64;
    private int maxPendingAppends = 4096;
    private int maxPayloadBytes = 1024 * 1024;
    private int maxBatchBytes = 4 * 1024 * 1024;
    private boolean delegation = true;
    private int snapshotChunkBytes = 256 * 1024;
    private int retainSlots = 1024;
    private long maxSnapshotBytes = 1024L * 1024 * 1024;
    private long randomSeed = 1;

    public RegionLogConfig nodeId(final int value)
    {
        nodeId = value;
        return this;
    }

    public RegionLogConfig nodeCount(final int value)
    {
        nodeCount = value;
        return this;
    }

    public RegionLogConfig heartbeatIntervalNs(final long value)
    {
        heartbeatIntervalNs = value;
        return this;
    }

    public RegionLogConfig electionTimeoutNs(final long value)
    {
        electionTimeoutNs = value;
        return this;
    }

    public RegionLogConfig retransmitTimeoutNs(final long value)
    {
        retransmitTimeoutNs = value;
        return this;
    }

    public RegionLogConfig fillTimeoutNs(final long value)
    {
        fillTimeoutNs = value;
        return this;
    }

    public RegionLogConfig grantSlots(final int value)
    {
        grantSlots = value;
        return this;
    }

    public RegionLogConfig windowSlots(final int value)
    {
        windowSlots = value;
        return this;
    }

    public RegionLogConfig maxBatchEntries(final int value)
    {
        maxBatchEntries = value;
        return this;
    }

    public RegionLogConfig maxPendingAppends(final int value)
    {
        maxPendingAppends = value;
        return this;
    }

    public RegionLogConfig maxPayloadBytes(final int value)
    {
        maxPayloadBytes = value;
        return this;
    }

    /**
     * True (the default): every node proposes its own entries in slots the leader grants it. False: Multi-Paxos, the
     * leader proposes every entry and the others forward theirs to it (the baseline delegation is measured against).
     */
    public RegionLogConfig delegation(final boolean value)
    {
        delegation = value;
        return this;
    }

    public boolean delegation()
    {
        return delegation;
    }

    /** Bytes of entries in one Accept or CatchUpReply (a single larger entry still goes alone). */
    public RegionLogConfig maxBatchBytes(final int value)
    {
        maxBatchBytes = value;
        return this;
    }

    public int maxBatchBytes()
    {
        return maxBatchBytes;
    }

    /**
     * Slots kept below a truncation point: {@code truncate(s)} drops slots through {@code s - retainSlots} only, so a
     * peer lagging by less than that catches up from entries instead of fetching a whole snapshot.
     */
    public RegionLogConfig retainSlots(final int value)
    {
        retainSlots = value;
        return this;
    }

    public int retainSlots()
    {
        return retainSlots;
    }

    /** Bytes of a snapshot per SnapshotChunk message when a lagging peer fetches one. */
    public RegionLogConfig snapshotChunkBytes(final int value)
    {
        snapshotChunkBytes = value;
        return this;
    }

    public int snapshotChunkBytes()
    {
        return snapshotChunkBytes;
    }

    /** The largest snapshot this node accepts from a peer (it holds one being received in memory). */
    public RegionLogConfig maxSnapshotBytes(final long value)
    {
        maxSnapshotBytes = value;
        return this;
    }

    public long maxSnapshotBytes()
    {
        return maxSnapshotBytes;
    }

    public RegionLogConfig randomSeed(final long value)
    {
        randomSeed = value;
        return this;
    }

    public int nodeId()
    {
        return nodeId;
    }

    public int nodeCount()
    {
        return nodeCount;
    }

    public long heartbeatIntervalNs()
    {
        return heartbeatIntervalNs;
    }

    public long electionTimeoutNs()
    {
        return electionTimeoutNs;
    }

    public long retransmitTimeoutNs()
    {
        return retransmitTimeoutNs;
    }

    public long fillTimeoutNs()
    {
        return fillTimeoutNs;
    }

    public int grantSlots()
    {
        return grantSlots;
    }

    public int windowSlots()
    {
        return windowSlots;
    }

    public int maxBatchEntries()
    {
        return maxBatchEntries;
    }

    public int maxPendingAppends()
    {
        return maxPendingAppends;
    }

    public int maxPayloadBytes()
    {
        return maxPayloadBytes;
    }

    public long randomSeed()
    {
        return randomSeed;
    }

    /** Validates every setting; returns this. */
    public RegionLogConfig conclude()
    {
        require(nodeCount == 1 || nodeCount == 3 || nodeCount == 5 || nodeCount == 7, "nodeCount", nodeCount,
            "1, 3, 5 or 7");
        require(nodeId >= 0 && nodeId < nodeCount, "nodeId", nodeId, "0.." + (nodeCount - 1));
        require(heartbeatIntervalNs > 0, "heartbeatIntervalNs", heartbeatIntervalNs, "> 0");
        require(electionTimeoutNs > 2 * heartbeatIntervalNs, "electionTimeoutNs", electionTimeoutNs,
            "> 2 x heartbeatIntervalNs");
        require(retransmitTimeoutNs > 0, "retransmitTimeoutNs", retransmitTimeoutNs, "> 0");
        require(fillTimeoutNs > 0, "fillTimeoutNs", fillTimeoutNs, "> 0");
        require(grantSlots >= 1 && grantSlots <= 1024, "grantSlots", grantSlots, "1..1024");
        require(windowSlots >= grantSlots * nodeCount && windowSlots <= LogMessageCodec.MAX_ENTRIES, "windowSlots",
            windowSlots, "grantSlots x nodeCount .. " + LogMessageCodec.MAX_ENTRIES);
        require(maxBatchEntries >= 1 && maxBatchEntries <= 4096, "maxBatchEntries", maxBatchEntries, "1..4096");
        require(maxPendingAppends >= 1, "maxPendingAppends", maxPendingAppends, ">= 1");
        require(maxPayloadBytes >= 1 && maxPayloadBytes <= LogMessageCodec.MAX_PAYLOAD_BYTES, "maxPayloadBytes",
            maxPayloadBytes, "1.." + LogMessageCodec.MAX_PAYLOAD_BYTES);
        require(maxBatchBytes >= maxPayloadBytes && maxBatchBytes <= LogMessageCodec.MAX_MESSAGE_BYTES / 2,
            "maxBatchBytes", maxBatchBytes, "maxPayloadBytes.." + LogMessageCodec.MAX_MESSAGE_BYTES / 2);
        require(retainSlots >= 0, "retainSlots", retainSlots, ">= 0");
        require(snapshotChunkBytes >= 1 && snapshotChunkBytes <= LogMessageCodec.MAX_PAYLOAD_BYTES,
            "snapshotChunkBytes", snapshotChunkBytes, "1.." + LogMessageCodec.MAX_PAYLOAD_BYTES);
        require(maxSnapshotBytes >= 1 && maxSnapshotBytes <= LogMessageCodec.MAX_SNAPSHOT_BYTES, "maxSnapshotBytes",
            maxSnapshotBytes, "1.." + LogMessageCodec.MAX_SNAPSHOT_BYTES);
        return this;
    }

    private static void require(final boolean ok, final String name, final long value, final String expected)
    {
        if (!ok)
        {
            throw new IllegalArgumentException(name + "=" + value + " is invalid: expected " + expected);
        }
    }
}
