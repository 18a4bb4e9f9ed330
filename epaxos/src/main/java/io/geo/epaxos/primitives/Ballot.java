package io.geo.epaxos.primitives;

/**
 * An EPaxos ballot packed in a long: a round counter in the high bits and the id of the replica that owns the
 * ballot in the low 16 bits, so ballots of different replicas never tie. The default ballot of instance (L, i) is
 * round 0 owned by L: only the command leader proposes in it. Recovery by replica Q uses (round + 1, Q).
 */
public final class Ballot
{
    private Ballot()
    {
    }

    /** Rounds fit in 47 bits so a ballot stays a positive long and never wraps. */
    public static final long MAX_ROUND = (1L << 47) - 1;

    public static long of(final long round, final int owner)
    {
        if (round < 0 || round > MAX_ROUND || owner < 0 || owner >= InstanceId.MAX_REPLICAS)
        {
            throw new IllegalArgumentException("bad ballot round=" + round + " owner=" + owner);
        }
        return (round << 16) | owner;
    }

    /** The ballot the command leader uses for its own instance. */
    public static long initial(final int leader)
    {
        return of(0, leader);
    }

    public static long round(final long ballot)
    {
        return ballot >>> 16;
    }

    public static int owner(final long ballot)
    {
        return (int)(ballot & 0xFFFF);
    }

    public static boolean isInitial(final long ballot)
    {
        return round(ballot) == 0;
    }

    /** The next ballot owned by {@code owner} that is higher than {@code seen} (a ballot, never negative). */
    public static long next(final long seen, final int owner)
    {
        if (seen < 0)
        {
            throw new IllegalArgumentException("not a ballot: " + seen);
        }
        return of(round(seen) + 1, owner);
    }

    public static String toString(final long ballot)
    {
        return round(ballot) + "." + owner(ballot);
    }
}
