package io.geo.epaxos.replica;

/**
 * The replica's random source: SplitMix64, drawing exactly what {@code new SplittableRandom(seed)} draws for
 * {@link #nextLong(long)}, but with a state that can be read and written. A snapshot records the state as it is, so
 * taking one changes nothing: the copies of a region's replica (docs/hydra.md) stay identical whichever of them is
 * snapshotted, and a restored replica draws what the original would have.
 */
final class ReplicaRandom
{
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long state;

    ReplicaRandom(final long seed)
    {
        this.state = seed;
    }

    /** The state: {@code new ReplicaRandom(state())} draws what this one draws next. */
    long state()
    {
        return state;
    }

    long nextLong()
    {
        state += GOLDEN_GAMMA;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound), unbiased; {@code bound} > 0. */
    long nextLong(final long bound)
    {
        if (bound <= 0)
        {
            throw new IllegalArgumentException("bound=" + bound + " is invalid: expected > 0");
        }
        long r = nextLong();
        final long m = bound - 1;
        if ((bound & m) == 0L)
        {
            return r & m;
        }
        for (long u = r >>> 1; u + m - (r = u % bound) < 0L; u = nextLong() >>> 1)
        {
            // rejected: u fell in the last, partial multiple of bound
        }
        return r;
    }
}
