package io.geo.router.demo;

/** Settings of an embedded demo run, validated by {@link #validate()} with errors naming the option. */
public record DemoOptions(
    int seconds,
    int conflictPercent,
    int readPercent,
    int clientsPerRegion,
    long seed,
    int nodesPerRegion,
    /** The most client commands per EPaxos instance (and region log entry), 1: no batching. */
    int batchMaxCommands)
{
    /** With the cluster config's default batching. */
    public DemoOptions(
        final int seconds, final int conflictPercent, final int readPercent, final int clientsPerRegion, final long seed,
        final int nodesPerRegion)
    {
        this(seconds, conflictPercent, readPercent, clientsPerRegion, seed, nodesPerRegion,
            io.geo.router.config.ClusterConfig.DEFAULT_BATCH_MAX_COMMANDS);
    }

    /** One node per region: a flat cluster of EPaxos replicas. */
    public DemoOptions(
        final int seconds, final int conflictPercent, final int readPercent, final int clientsPerRegion, final long seed)
    {
        this(seconds, conflictPercent, readPercent, clientsPerRegion, seed, 1);
    }

    public DemoOptions validate()
    {
        if (nodesPerRegion != 1 && nodesPerRegion != 3 && nodesPerRegion != 5)
        {
            throw new IllegalArgumentException("--nodes-per-region must be 1, 3 or 5; got " + nodesPerRegion);
        }
        if (batchMaxCommands < 1 || batchMaxCommands > io.geo.epaxos.primitives.Command.MAX_BATCH_MEMBERS)
        {
            throw new IllegalArgumentException("--batch must be 1.." +
                io.geo.epaxos.primitives.Command.MAX_BATCH_MEMBERS + "; got " + batchMaxCommands);
        }
        if (seconds < 1 || seconds > 3600)
        {
            throw new IllegalArgumentException("--seconds must be 1..3600; got " + seconds);
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
}
