package io.geo.epaxos.replica;

import java.util.concurrent.TimeUnit;

/**
 * Settings of one EPaxos replica, with defaults. Call {@link #conclude()} once; it validates every value and throws
 * an {@link IllegalArgumentException} naming the setting and the bad value.
 */
public final class ReplicaConfig
{
    private int replicaId = -1;
    private int replicaCount = 3;
    private long randomSeed = 1;

    private long retransmitTimeoutNs = TimeUnit.MILLISECONDS.toNanos(500);
    private long fastPathTimeoutNs = TimeUnit.MILLISECONDS.toNanos(100);
    private long recoveryTimeoutNs = TimeUnit.MILLISECONDS.toNanos(1500);
    private long gcIntervalNs = TimeUnit.MILLISECONDS.toNanos(50);

    private int maxOpsPerCommand = 64;
    private int maxKeyBytes = 1024;
    private int maxValueBytes = 64 * 1024;
    private int maxCommandBytes = 512 * 1024;
    private int maxInFlightCommands = 4096;
    private int maxLiveInstances = 60_000;
    private int maxRecoveriesPerTick = 64;
    private int maxTrackedInstances = 0;

    public ReplicaConfig replicaId(final int value)
    {
        replicaId = value;
        return this;
    }

    public ReplicaConfig replicaCount(final int value)
    {
        replicaCount = value;
        return this;
    }

    /** Seed of the replica's private random source (recovery back-off); fixed seeds make simulations replayable. */
    public ReplicaConfig randomSeed(final long value)
    {
        randomSeed = value;
        return this;
    }

    /** How long a proposer waits for replies before sending its request again to the replicas that did not answer. */
    public ReplicaConfig retransmitTimeoutNs(final long value)
    {
        retransmitTimeoutNs = value;
        return this;
    }

    /** How long a command leader with a slow-path quorum of replies keeps waiting for a fast-path quorum. */
    public ReplicaConfig fastPathTimeoutNs(final long value)
    {
        fastPathTimeoutNs = value;
        return this;
    }

    /** How long an instance may stay uncommitted before this replica starts recovery (randomized up to twice). */
    public ReplicaConfig recoveryTimeoutNs(final long value)
    {
        recoveryTimeoutNs = value;
        return this;
    }

    /** How often the replica tells the others which instances it has executed (garbage collection gossip). */
    public ReplicaConfig gcIntervalNs(final long value)
    {
        gcIntervalNs = value;
        return this;
    }

    public ReplicaConfig maxOpsPerCommand(final int value)
    {
        maxOpsPerCommand = value;
        return this;
    }

    public ReplicaConfig maxKeyBytes(final int value)
    {
        maxKeyBytes = value;
        return this;
    }

    public ReplicaConfig maxValueBytes(final int value)
    {
        maxValueBytes = value;
        return this;
    }

    public ReplicaConfig maxCommandBytes(final int value)
    {
        maxCommandBytes = value;
        return this;
    }

    /** Commands submitted at this replica and not yet executed here; beyond it submissions are rejected. */
    public ReplicaConfig maxInFlightCommands(final int value)
    {
        maxInFlightCommands = value;
        return this;
    }

    /**
     * Instances held in memory (all leaders, not yet garbage-collected); beyond it submissions are rejected. It also
     * bounds the dependencies of any instance, since deps only name live instances.
     */
    public ReplicaConfig maxLiveInstances(final int value)
    {
        maxLiveInstances = value;
        return this;
    }

    /**
     * Instances of all leaders this replica holds before it ignores new ones (like a slow replica). 0 (default):
     * replicaCount * maxLiveInstances, enough for every leader's admission limit.
     */
    public ReplicaConfig maxTrackedInstances(final int value)
    {
        maxTrackedInstances = value;
        return this;
    }

    public ReplicaConfig maxRecoveriesPerTick(final int value)
    {
        maxRecoveriesPerTick = value;
        return this;
    }

    /** Validates every setting; throws IllegalArgumentException naming the first bad one. */
    public ReplicaConfig conclude()
    {
        require(replicaCount >= 1 && replicaCount % 2 == 1 && replicaCount <= 99,
            "replicaCount", replicaCount, "an odd number from 1 to 99");
        require(replicaId >= 0 && replicaId < replicaCount, "replicaId", replicaId, "0.." + (replicaCount - 1));
        require(retransmitTimeoutNs > 0, "retransmitTimeoutNs", retransmitTimeoutNs, "> 0");
        require(fastPathTimeoutNs >= 0, "fastPathTimeoutNs", fastPathTimeoutNs, ">= 0");
        require(recoveryTimeoutNs > 0, "recoveryTimeoutNs", recoveryTimeoutNs, "> 0");
        require(gcIntervalNs > 0, "gcIntervalNs", gcIntervalNs, "> 0");
        require(maxOpsPerCommand >= 1, "maxOpsPerCommand", maxOpsPerCommand, ">= 1");
        require(maxKeyBytes >= 1, "maxKeyBytes", maxKeyBytes, ">= 1");
        require(maxValueBytes >= 0, "maxValueBytes", maxValueBytes, ">= 0");
        require(maxCommandBytes >= 64, "maxCommandBytes", maxCommandBytes, ">= 64");
        require(maxInFlightCommands >= 1, "maxInFlightCommands", maxInFlightCommands, ">= 1");
        require(maxLiveInstances >= maxInFlightCommands, "maxLiveInstances", maxLiveInstances,
            ">= maxInFlightCommands (" + maxInFlightCommands + ")");
        require(maxLiveInstances <= 65_535, "maxLiveInstances", maxLiveInstances,
            "<= 65535 (deps name other live instances; a message carries at most 65534)");
        require(maxRecoveriesPerTick >= 1, "maxRecoveriesPerTick", maxRecoveriesPerTick, ">= 1");
        require(maxTrackedInstances == 0 || maxTrackedInstances >= maxLiveInstances, "maxTrackedInstances",
            maxTrackedInstances, "0 (derived) or >= maxLiveInstances (" + maxLiveInstances + ")");
        return this;
    }

    private static void require(final boolean ok, final String name, final long value, final String expected)
    {
        if (!ok)
        {
            throw new IllegalArgumentException("bad setting " + name + "=" + value + ": expected " + expected);
        }
    }

    public int replicaId()
    {
        return replicaId;
    }

    public int replicaCount()
    {
        return replicaCount;
    }

    public long randomSeed()
    {
        return randomSeed;
    }

    public long retransmitTimeoutNs()
    {
        return retransmitTimeoutNs;
    }

    public long fastPathTimeoutNs()
    {
        return fastPathTimeoutNs;
    }

    public long recoveryTimeoutNs()
    {
        return recoveryTimeoutNs;
    }

    public long gcIntervalNs()
    {
        return gcIntervalNs;
    }

    public int maxOpsPerCommand()
    {
        return maxOpsPerCommand;
    }

    public int maxKeyBytes()
    {
        return maxKeyBytes;
    }

    public int maxValueBytes()
    {
        return maxValueBytes;
    }

    public int maxCommandBytes()
    {
        return maxCommandBytes;
    }

    public int maxInFlightCommands()
    {
        return maxInFlightCommands;
    }

    public int maxLiveInstances()
    {
        return maxLiveInstances;
    }

    /** The effective limit: the configured value, or replicaCount * maxLiveInstances when it is 0. */
    public int maxTrackedInstances()
    {
        return maxTrackedInstances != 0 ? maxTrackedInstances :
            (int)Math.min(Integer.MAX_VALUE, (long)replicaCount * maxLiveInstances);
    }

    public int maxRecoveriesPerTick()
    {
        return maxRecoveriesPerTick;
    }

    /** Replicas a replica tolerates losing: N = 2F + 1. */
    public static int maxFailures(final int replicaCount)
    {
        return (replicaCount - 1) / 2;
    }

    /** Fast-path quorum including the command leader: F + floor((F + 1) / 2). */
    public static int fastQuorum(final int replicaCount)
    {
        final int f = maxFailures(replicaCount);
        return Math.max(1, f + (f + 1) / 2);
    }

    /** Slow-path (classic Paxos) quorum including the proposer: F + 1. */
    public static int slowQuorum(final int replicaCount)
    {
        return maxFailures(replicaCount) + 1;
    }
}
