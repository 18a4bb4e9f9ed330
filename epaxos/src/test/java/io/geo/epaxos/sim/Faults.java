package io.geo.epaxos.sim;

/** Fault intensity of a simulation run. */
public enum Faults
{
    /** A perfect network and no crashes: the fast path and latency baseline. */
    NONE(0, 0, 0, 0, 0),
    /** Some loss and duplication, occasional crashes (at most F nodes down) and partitions. */
    STANDARD(0.01, 0.01, 0.15, 0.10, 3),
    /** Frequent loss, duplication, crashes and partitions. */
    HEAVY(0.05, 0.05, 0.40, 0.30, 8);

    final double dropProbability;
    final double duplicateProbability;
    /** Probability per fault step (every simulated second) of a crash. */
    final double crashProbability;
    /** Probability per fault step of a partition. */
    final double partitionProbability;
    /** Reorder window: extra random delay, in units of 5 ms, added to some messages. */
    final int reorderSteps;

    Faults(
        final double dropProbability,
        final double duplicateProbability,
        final double crashProbability,
        final double partitionProbability,
        final int reorderSteps)
    {
        this.dropProbability = dropProbability;
        this.duplicateProbability = duplicateProbability;
        this.crashProbability = crashProbability;
        this.partitionProbability = partitionProbability;
        this.reorderSteps = reorderSteps;
    }

    /**
     * Draws a partition among {@code n} sites into {@code blocked} (from, to): one site cut off both ways, one link cut
     * one way, or a random bipartition, a third of the time each.
     */
    static void partition(final boolean[][] blocked, final int n, final java.util.SplittableRandom random)
    {
        final int shape = random.nextInt(3);
        if (shape == 0)
        {
            final int isolated = random.nextInt(n);
            for (int i = 0; i < n; i++)
            {
                blocked[isolated][i] = i != isolated;
                blocked[i][isolated] = i != isolated;
            }
        }
        else if (shape == 1)
        {
            final int from = random.nextInt(n);
            final int to = (from + 1 + random.nextInt(n - 1)) % n;
            blocked[from][to] = true;
        }
        else
        {
            final boolean[] side = new boolean[n];
            for (int i = 0; i < n; i++)
            {
                side[i] = random.nextBoolean();
            }
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    blocked[i][j] = side[i] != side[j];
                }
            }
        }
    }

    public static Faults parse(final String text)
    {
        for (final Faults f : values())
        {
            if (f.name().equalsIgnoreCase(text))
            {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown faults level '" + text + "': expected none, standard or heavy");
    }
}
