package io.geo.epaxos.primitives;

import java.util.Arrays;
import java.util.Objects;

/**
 * A deterministic operation on a declared set of keys: one op, or several ops applied atomically (a batch). Carries
 * the client id and request number used for exactly-once execution. The no-op command (no ops) is what recovery
 * commits when a command was lost with its leader; it conflicts with nothing.
 */
public final class Command
{
    public static final Command NOOP = new Command(0, 0, new Op[0]);

    private final long clientId;
    private final long requestNumber;
    private final Op[] ops;

    private Command(final long clientId, final long requestNumber, final Op[] ops)
    {
        this.clientId = clientId;
        this.requestNumber = requestNumber;
        this.ops = ops;
    }

    public static Command of(final long clientId, final long requestNumber, final Op... ops)
    {
        Objects.requireNonNull(ops, "ops");
        if (ops.length == 0)
        {
            throw new IllegalArgumentException("a command needs at least one op");
        }
        for (final Op op : ops)
        {
            Objects.requireNonNull(op, "op");
        }
        return new Command(clientId, requestNumber, ops.clone());
    }

    public long clientId()
    {
        return clientId;
    }

    public long requestNumber()
    {
        return requestNumber;
    }

    public int opCount()
    {
        return ops.length;
    }

    public Op op(final int index)
    {
        return ops[index];
    }

    public boolean isNoop()
    {
        return ops.length == 0;
    }

    /** True when no op writes. */
    public boolean isReadOnly()
    {
        for (final Op op : ops)
        {
            if (op.type().isWrite())
            {
                return false;
            }
        }
        return true;
    }

    /**
     * True when this command takes part in exactly-once deduplication: it writes, and names a client. Such commands
     * of one client conflict with each other (they share the client's session), so every replica executes them in
     * the same order and the dedup table answers the same everywhere. Reads never need deduplication.
     */
    public boolean hasSession()
    {
        return clientId != 0 && !isReadOnly();
    }

    /** True when some op of this command writes {@code key}. */
    public boolean writes(final Key key)
    {
        for (final Op op : ops)
        {
            if (op.type().isWrite() && op.key().equals(key))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Two commands conflict when they touch a common key and at least one of them writes it, or when both are
     * writes of the same client (see {@link #hasSession()}).
     */
    public boolean conflictsWith(final Command other)
    {
        if (hasSession() && other.hasSession() && clientId == other.clientId)
        {
            return true;
        }
        for (final Op op : ops)
        {
            for (int i = 0; i < other.ops.length; i++)
            {
                final Op o = other.ops[i];
                if (op.key().equals(o.key()) && (op.type().isWrite() || o.type().isWrite()))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /** Approximate encoded size in bytes, for the command size limit. */
    public int encodedSize()
    {
        int size = 24;
        for (final Op op : ops)
        {
            size += op.encodedSize();
        }
        return size;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof Command))
        {
            return false;
        }
        final Command c = (Command)o;
        return clientId == c.clientId && requestNumber == c.requestNumber && Arrays.equals(ops, c.ops);
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(clientId) * 31 + Long.hashCode(requestNumber);
    }

    @Override
    public String toString()
    {
        return isNoop() ? "noop" : "cmd(" + clientId + "#" + requestNumber + " " + Arrays.toString(ops) + ")";
    }
}
