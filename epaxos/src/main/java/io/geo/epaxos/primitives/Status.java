package io.geo.epaxos.primitives;

/** The life of an instance at one replica. Order matters: a status only ever moves forward. */
public enum Status
{
    /** Nothing known about the instance. */
    NONE,
    /** Voted for (command, seq, deps) in a PreAccept round of some ballot. */
    PRE_ACCEPTED,
    /** Voted for (command, seq, deps) in an Accept (Paxos phase 2) round of some ballot. */
    ACCEPTED,
    /** The attributes are decided; they never change again. */
    COMMITTED,
    /** Committed and applied to the state machine at this replica. */
    EXECUTED;

    private static final Status[] VALUES = values();

    public static Status fromCode(final int code)
    {
        if (code < 0 || code >= VALUES.length)
        {
            throw new IllegalArgumentException("unknown status code: " + code);
        }
        return VALUES[code];
    }

    public boolean isCommitted()
    {
        return this == COMMITTED || this == EXECUTED;
    }
}
