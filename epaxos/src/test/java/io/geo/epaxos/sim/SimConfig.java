package io.geo.epaxos.sim;

import io.geo.wan.WanProfile;

import java.util.concurrent.TimeUnit;

/** Parameters of one simulation run. Mutable builder; {@link #validate()} names the first bad value. */
public final class SimConfig
{
    /** How a command picks its key. */
    public enum KeyChoice
    {
        /** EPaxos paper workload: the shared hot key with probability conflict%, else a key private to the client. */
        CONFLICT,
        /** Zipfian choice over a shared key space. */
        ZIPF
    }

    long seed = 1;
    int replicas = 3;
    /**
     * Nodes per region: 1 runs one EPaxos replica per region ({@link Simulation}); 3 or 5 run the Hydra composition,
     * a region log group per region whose log carries the region's replica ({@link HydraSimulation}).
     */
    int nodesPerRegion = 1;
    /** Hydra: one-way latency and jitter of links inside a region, and how often region log nodes tick. */
    long lanLatencyNs = TimeUnit.MICROSECONDS.toNanos(100);
    long lanJitterNs = TimeUnit.MICROSECONDS.toNanos(50);
    long lanTickIntervalNs = TimeUnit.MILLISECONDS.toNanos(1);
    /** Hydra: percent of commands on the client's regional keyspace (ordered by its region log alone). */
    int regionalPercent;
    /** Hydra scenario: at this simulated time (>= 0) the region log leader of region 0 is killed... */
    long crashRegionLeaderAtNs = -1;
    /** ...and restarted this long after. */
    long crashDownNs = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    int commands = 500;
    int conflictPercent = 10;
    Faults faults = Faults.STANDARD;
    WanProfile profile;
    int clientsPerRegion = 3;
    KeyChoice keyChoice = KeyChoice.CONFLICT;
    int zipfKeys = 1000;
    double zipfSkew = 0.99;
    /** Percent of commands that read only (GET, or a read-only batch). */
    int readPercent = 30;
    boolean recordHistory = true;
    boolean checkLinearizability = true;
    long fsyncDelayNs = TimeUnit.MICROSECONDS.toNanos(300);
    long tickIntervalNs = TimeUnit.MILLISECONDS.toNanos(10);
    long clientTimeoutNs = TimeUnit.SECONDS.toNanos(30);
    /** After faults stop, how long the cluster has to finish every command and converge. */
    long settleLimitNs = TimeUnit.SECONDS.toNanos(120);
    long linearizabilityStepLimit = 2_000_000;
    /** Instances whose messages and execution are printed (debugging a failing seed), or empty. */
    java.util.Set<Long> traceInstances = java.util.Set.of();
    /**
     * Every this many of a node's ticks, its replica takes a snapshot (0: never); with {@link #restoreSnapshots} the
     * node then goes on with a replica restored from it instead. Both runs must behave alike (same trace).
     */
    int snapshotEveryTicks;
    boolean restoreSnapshots;
    /**
     * Region groups: every this many applied slots a node snapshots its region (replica, state machine) and truncates
     * its log behind it; 0: never (the log keeps everything). On by default, as in the sidecar.
     */
    long regionSnapshotEverySlots = 64;
    /**
     * Region groups: the most client commands in one log entry (one EPaxos instance), 1: no batching; and the entries
     * of a node's client commands not yet applied beyond which its new commands wait for the next batch
     * ({@code HydraNode.Batching}). On by default, as in the sidecar.
     */
    int batchMaxCommands = 64;
    int batchMaxInFlight = 1;

    public SimConfig seed(final long value)
    {
        seed = value;
        return this;
    }

    public SimConfig replicas(final int value)
    {
        replicas = value;
        return this;
    }

    public SimConfig nodesPerRegion(final int value)
    {
        nodesPerRegion = value;
        return this;
    }

    public int nodesPerRegion()
    {
        return nodesPerRegion;
    }

    /** Hydra scenario: kill the region log leader of region 0 at {@code atNs}, restart it {@code downNs} later. */
    public SimConfig crashRegionLeader(final long atNs, final long downNs)
    {
        crashRegionLeaderAtNs = atNs;
        crashDownNs = downNs;
        return this;
    }

    public SimConfig regionalPercent(final int value)
    {
        regionalPercent = value;
        return this;
    }

    public SimConfig commands(final int value)
    {
        commands = value;
        return this;
    }

    public SimConfig conflictPercent(final int value)
    {
        conflictPercent = value;
        return this;
    }

    public SimConfig faults(final Faults value)
    {
        faults = value;
        return this;
    }

    public SimConfig profile(final WanProfile value)
    {
        profile = value;
        return this;
    }

    public SimConfig clientsPerRegion(final int value)
    {
        clientsPerRegion = value;
        return this;
    }

    public SimConfig keyChoice(final KeyChoice value)
    {
        keyChoice = value;
        return this;
    }

    public SimConfig readPercent(final int value)
    {
        readPercent = value;
        return this;
    }

    public SimConfig recordHistory(final boolean value)
    {
        recordHistory = value;
        return this;
    }

    public SimConfig checkLinearizability(final boolean value)
    {
        checkLinearizability = value;
        return this;
    }

    /** Replica snapshots every {@code ticks} ticks of a node, and whether the node continues with the restored copy. */
    public SimConfig snapshots(final int ticks, final boolean restore)
    {
        snapshotEveryTicks = ticks;
        restoreSnapshots = restore;
        return this;
    }

    /** Region snapshots every {@code slots} applied slots of a region log (0: none, the log is never truncated). */
    public SimConfig regionSnapshotEverySlots(final long slots)
    {
        regionSnapshotEverySlots = slots;
        return this;
    }

    /** Batching of client commands in region groups: at most {@code maxCommands} per entry (1: none). */
    public SimConfig batching(final int maxCommands, final int maxInFlight)
    {
        batchMaxCommands = maxCommands;
        batchMaxInFlight = maxInFlight;
        return this;
    }

    public SimConfig traceInstances(final java.util.Set<Long> value)
    {
        traceInstances = value;
        return this;
    }

    public SimConfig copy()
    {
        final SimConfig c = new SimConfig();
        c.seed = seed;
        c.replicas = replicas;
        c.nodesPerRegion = nodesPerRegion;
        c.lanLatencyNs = lanLatencyNs;
        c.lanJitterNs = lanJitterNs;
        c.lanTickIntervalNs = lanTickIntervalNs;
        c.regionalPercent = regionalPercent;
        c.crashRegionLeaderAtNs = crashRegionLeaderAtNs;
        c.crashDownNs = crashDownNs;
        c.commands = commands;
        c.conflictPercent = conflictPercent;
        c.faults = faults;
        c.profile = profile;
        c.clientsPerRegion = clientsPerRegion;
        c.keyChoice = keyChoice;
        c.zipfKeys = zipfKeys;
        c.zipfSkew = zipfSkew;
        c.readPercent = readPercent;
        c.recordHistory = recordHistory;
        c.checkLinearizability = checkLinearizability;
        c.fsyncDelayNs = fsyncDelayNs;
        c.tickIntervalNs = tickIntervalNs;
        c.clientTimeoutNs = clientTimeoutNs;
        c.settleLimitNs = settleLimitNs;
        c.linearizabilityStepLimit = linearizabilityStepLimit;
        c.traceInstances = traceInstances;
        c.snapshotEveryTicks = snapshotEveryTicks;
        c.restoreSnapshots = restoreSnapshots;
        c.regionSnapshotEverySlots = regionSnapshotEverySlots;
        c.batchMaxCommands = batchMaxCommands;
        c.batchMaxInFlight = batchMaxInFlight;
        return c;
    }

    /** Throws IllegalArgumentException naming the first bad parameter. */
    public SimConfig validate()
    {
        if (replicas < 1 || replicas % 2 == 0 || replicas > 15)
        {
            throw new IllegalArgumentException("--regions must be odd, 1..15; got " + replicas);
        }
        if (nodesPerRegion != 1 && nodesPerRegion != 3 && nodesPerRegion != 5)
        {
            throw new IllegalArgumentException("--nodes-per-region must be 1, 3 or 5; got " + nodesPerRegion);
        }
        if (regionalPercent < 0 || regionalPercent > 100)
        {
            throw new IllegalArgumentException("--regional must be 0..100; got " + regionalPercent);
        }
        if (regionalPercent > 0 && nodesPerRegion == 1)
        {
            throw new IllegalArgumentException("--regional needs region groups: --nodes-per-region 3 or 5");
        }
        if (regionSnapshotEverySlots < 0 || regionSnapshotEverySlots > 1_000_000_000)
        {
            throw new IllegalArgumentException("--snapshot-every must be 0..1000000000 slots; got " +
                regionSnapshotEverySlots);
        }
        if (batchMaxCommands < 1 || batchMaxCommands > io.geo.epaxos.primitives.Command.MAX_BATCH_MEMBERS ||
            batchMaxInFlight < 1)
        {
            throw new IllegalArgumentException("--batch must be 1.." +
                io.geo.epaxos.primitives.Command.MAX_BATCH_MEMBERS + " commands, with at least 1 entry in flight; got " +
                batchMaxCommands + " and " + batchMaxInFlight);
        }
        if (profile == null)
        {
            throw new IllegalArgumentException("no WAN profile given");
        }
        if (profile.regionCount() < replicas)
        {
            throw new IllegalArgumentException("WAN profile '" + profile.name() + "' has " + profile.regionCount() +
                " regions; " + replicas + " needed (use a larger profile, e.g. seven-regions)");
        }
        if (commands < 1 || commands > 100_000_000)
        {
            throw new IllegalArgumentException("--commands must be 1..100000000; got " + commands);
        }
        if (conflictPercent < 0 || conflictPercent > 100)
        {
            throw new IllegalArgumentException("--conflict must be 0..100; got " + conflictPercent);
        }
        if (readPercent < 0 || readPercent > 100)
        {
            throw new IllegalArgumentException("--reads must be 0..100; got " + readPercent);
        }
        if (clientsPerRegion < 1 || clientsPerRegion > 1000)
        {
            throw new IllegalArgumentException("--clients must be 1..1000; got " + clientsPerRegion);
        }
        return this;
    }

    public long seed()
    {
        return seed;
    }

    public int replicas()
    {
        return replicas;
    }

    public int commands()
    {
        return commands;
    }

    public int conflictPercent()
    {
        return conflictPercent;
    }

    public Faults faults()
    {
        return faults;
    }

    public WanProfile profile()
    {
        return profile;
    }
}
