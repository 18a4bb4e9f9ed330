package io.geo.client;

/**
 * How a node answered a request. Only {@link #OK} carries results. Every other status says whether the request
 * certainly took no effect ({@link #tookNoEffect()}); {@link #TIMEOUT} alone leaves the outcome unknown (the command
 * may still commit, at most once: a retry with the same request number is answered from the dedup table).
 */
public enum ClientStatus
{
    /** Executed; the results are in the response. */
    OK(0, true),
    /** The request breaks a limit or is malformed (key or value too large, too many ops, bad op). */
    INVALID(1, true),
    /** A keyspace named in the request does not exist. */
    UNKNOWN_KEYSPACE(2, true),
    /** The request mixes keyspaces ordered in different scopes (global and regional). */
    MIXED_SCOPE(3, true),
    /** The node has too much in flight; retry later (another node may do). */
    OVERLOADED(4, true),
    /** Recovery replaced the command with a no-op (its leader was presumed failed): it took no effect, retry. */
    ABORTED(5, true),
    /** The node gave up waiting at the request's deadline: the command may still commit (at most once). */
    TIMEOUT(6, false),
    /** The node is shutting down; nothing was submitted. */
    UNAVAILABLE(7, true),
    /** Credentials refused. */
    AUTH_FAILED(8, true),
    /** The peer broke the protocol (bad frame, wrong version); the connection closes. */
    PROTOCOL_ERROR(9, true);

    private final int code;
    private final boolean tookNoEffect;

    ClientStatus(final int code, final boolean tookNoEffect)
    {
        this.code = code;
        this.tookNoEffect = tookNoEffect;
    }

    public int code()
    {
        return code;
    }

    /** True when the request certainly changed nothing (safe to report as failed, or to retry). */
    public boolean tookNoEffect()
    {
        return tookNoEffect;
    }

    /** The status for a wire code, or null when unknown. */
    public static ClientStatus fromCode(final int code)
    {
        for (final ClientStatus status : values())
        {
            if (status.code == code)
            {
                return status;
            }
        }
        return null;
    }
}
