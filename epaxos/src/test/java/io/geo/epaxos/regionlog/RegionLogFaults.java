package io.geo.epaxos.regionlog;

import java.util.concurrent.TimeUnit;

/** Fault intensity of a region log simulation run. Probabilities are per message or per fault step. */
public enum RegionLogFaults
{
    /** A perfect network and no crashes: the baseline. */
    NONE(0, 0, 0, 0, 0, 0, 0, 0),
    /** Some loss, duplication and reordering; now and then a crash (at most F nodes down) or a partition. */
    STANDARD(0.01, 0.01, 0.05, 0.08, 0.08, 300, 300, 0),
    /** Frequent loss, duplication, reordering, crashes (any number of nodes down) and partitions. */
    HEAVY(0.05, 0.03, 0.15, 0.25, 0.25, 800, 600, 1);

    /** A fault step (crash? partition?) every this many simulated nanoseconds while faults are active. */
    static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(100);

    final double dropProbability;
    final double duplicateProbability;
    /** Probability that a message takes a detour of up to {@link #REORDER_DETOUR_NS}, overtaking later ones. */
    final double reorderProbability;
    final double crashProbability;
    final double partitionProbability;
    /** A crashed node stays down 5 ms .. this long. */
    final long downMsMax;
    /** A partition heals after 10 ms .. this long. */
    final long partitionMsMax;
    /** 0: at most F = (n - 1) / 2 nodes down at once (never fewer than one allowed); 1: any number. */
    final int downPolicy;

    static final long REORDER_DETOUR_NS = TimeUnit.MILLISECONDS.toNanos(3);

    RegionLogFaults(
        final double dropProbability,
        final double duplicateProbability,
        final double reorderProbability,
        final double crashProbability,
        final double partitionProbability,
        final long downMsMax,
        final long partitionMsMax,
        final int downPolicy)
    {
        this.dropProbability = dropProbability;
        this.duplicateProbability = duplicateProbability;
        this.reorderProbability = reorderProbability;
        this.crashProbability = crashProbability;
        this.partitionProbability = partitionProbability;
        this.downMsMax = downMsMax;
        this.partitionMsMax = partitionMsMax;
        this.downPolicy = downPolicy;
    }

    /** How many nodes of {@code n} may be down at once. */
    int maxDown(final int n)
    {
        return downPolicy == 1 ? n : Math.max(1, (n - 1) / 2);
    }

    public static RegionLogFaults parse(final String text)
    {
        for (final RegionLogFaults f : values())
        {
            if (f.name().equalsIgnoreCase(text))
            {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown faults level '" + text + "': expected none, standard or heavy");
    }
}
