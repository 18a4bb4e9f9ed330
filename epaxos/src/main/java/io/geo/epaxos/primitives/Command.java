package io.geo.epaxos.primitives;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A deterministic operation on a declared set of keys: one op, or several ops applied atomically. Carries the client
 * id and request number used for exactly-once execution. The no-op command (no ops) is what recovery commits when a
 * command was lost with its leader; it conflicts with nothing.
 *
 * <p>A <em>batch</em> ({@link #batch}) is several client commands that one EPaxos instance orders together: its
 * members execute one after the other, in their order, each with its own client, request number and results (a batch
 * is not atomic: each member is deduplicated and answered on its own). For ordering, a batch is the union of its
 * members: its ops are theirs in order, it conflicts with what any member conflicts with, and it holds the sessions
 * of all its members. Its own client id and request number are 0.
 */
public final class Command
{
    private static final long[] NO_SESSIONS = new long[0];
    /** Declared after NO_SESSIONS, which its construction uses. */
    public static final Command NOOP = new Command(0, 0, new Op[0], null);
    /** The most members a batch may have (the wire's repeating-group limit is far above). */
    public static final int MAX_BATCH_MEMBERS = 4096;
    /** The most ops a batch may have, all members together (a plain command has its own, lower, limits). */
    public static final int MAX_BATCH_OPS = 16_384;

    private final long clientId;
    private final long requestNumber;
    private final Op[] ops;
    /** Null unless a batch. */
    private final Command[] members;
    /** Client ids whose sessions this command takes part in (see {@link #hasSession()}), sorted, distinct. */
    private final long[] sessions;

    private Command(final long clientId, final long requestNumber, final Op[] ops, final Command[] members)
    {
        this.clientId = clientId;
        this.requestNumber = requestNumber;
        this.ops = ops;
        this.members = members;
        this.sessions = members == null ? ownSessions(clientId, ops) : memberSessions(members);
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
        return new Command(clientId, requestNumber, ops.clone(), null);
    }

    /**
     * A batch of {@code members} (at least two, at most {@link #MAX_BATCH_MEMBERS}), in execution order. Members are
     * plain commands: neither no-ops nor batches.
     */
    public static Command batch(final List<Command> members)
    {
        Objects.requireNonNull(members, "members");
        if (members.size() < 2 || members.size() > MAX_BATCH_MEMBERS)
        {
            throw new IllegalArgumentException("a batch has 2.." + MAX_BATCH_MEMBERS + " members, not " +
                members.size());
        }
        int opCount = 0;
        for (final Command member : members)
        {
            Objects.requireNonNull(member, "member");
            if (member.isNoop() || member.isBatch())
            {
                throw new IllegalArgumentException("a batch member must be a client command, not " + member);
            }
            opCount += member.ops.length;
        }
        final Op[] ops = new Op[opCount];
        int n = 0;
        for (final Command member : members)
        {
            System.arraycopy(member.ops, 0, ops, n, member.ops.length);
            n += member.ops.length;
        }
        return new Command(0, 0, ops, members.toArray(new Command[0]));
    }

    /**
     * How many of the leading {@code commands} (plain ones, in order) one batch takes: at most {@code maxCommands},
     * within {@code maxBytes} by {@link #encodedSize()} as a whole and {@link #MAX_BATCH_OPS}; at least one if there
     * is any (a single command is never cut, whatever its size).
     */
    public static int batchSize(final Iterable<Command> commands, final int maxCommands, final long maxBytes)
    {
        long bytes = 24;
        int ops = 0;
        int taken = 0;
        for (final Command next : commands)
        {
            if (taken == maxCommands ||
                taken > 0 && (bytes + next.encodedSize() > maxBytes || ops + next.opCount() > MAX_BATCH_OPS))
            {
                break;
            }
            bytes += next.encodedSize();
            ops += next.opCount();
            taken++;
        }
        return taken;
    }

    private static long[] ownSessions(final long clientId, final Op[] ops)
    {
        if (clientId == 0)
        {
            return NO_SESSIONS;
        }
        for (final Op op : ops)
        {
            if (op.type().isWrite())
            {
                return new long[] {clientId};
            }
        }
        return NO_SESSIONS;
    }

    private static long[] memberSessions(final Command[] members)
    {
        final long[] all = new long[members.length];
        int n = 0;
        for (final Command member : members)
        {
            if (member.sessions.length == 1)
            {
                all[n++] = member.sessions[0];
            }
        }
        Arrays.sort(all, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++)
        {
            if (distinct == 0 || all[distinct - 1] != all[i])
            {
                all[distinct++] = all[i];
            }
        }
        return distinct == 0 ? NO_SESSIONS : Arrays.copyOf(all, distinct);
    }

    /** 0 for a batch. */
    public long clientId()
    {
        return clientId;
    }

    /** 0 for a batch. */
    public long requestNumber()
    {
        return requestNumber;
    }

    /** Every op; a batch's are its members' in order. */
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

    public boolean isBatch()
    {
        return members != null;
    }

    /** 1 for a plain command, the batch's size for a batch, 0 for the no-op. */
    public int memberCount()
    {
        return members != null ? members.length : ops.length == 0 ? 0 : 1;
    }

    /** Member {@code index} of a batch; a plain command is its own only member. */
    public Command member(final int index)
    {
        if (members != null)
        {
            return members[index];
        }
        if (index != 0 || ops.length == 0)
        {
            throw new IndexOutOfBoundsException("member " + index + " of " + this);
        }
        return this;
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
     * the same order and the dedup table answers the same everywhere. Reads never need deduplication. A batch has
     * the sessions of its members ({@link #sessionCount()}).
     */
    public boolean hasSession()
    {
        return sessions.length > 0;
    }

    /** How many client sessions this command takes part in: 0 or 1, or up to a batch's size. */
    public int sessionCount()
    {
        return sessions.length;
    }

    /** The client id of session {@code index} (sorted ascending). */
    public long session(final int index)
    {
        return sessions[index];
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
     * Two commands conflict when they touch a common key and at least one of them writes it, or when they share a
     * client session (see {@link #hasSession()}).
     */
    public boolean conflictsWith(final Command other)
    {
        for (final long session : sessions)
        {
            if (Arrays.binarySearch(other.sessions, session) >= 0)
            {
                return true;
            }
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

    /**
     * Encoded size in bytes, for the command size limit: at least what the wire codec spends on it (a batch: 24 bytes
     * and its members' sizes, which cover each member's own fields).
     */
    public int encodedSize()
    {
        int size = 24;
        if (members != null)
        {
            for (final Command member : members)
            {
                size += member.encodedSize();
            }
            return size;
        }
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
        return clientId == c.clientId && requestNumber == c.requestNumber && Arrays.equals(ops, c.ops) &&
            Arrays.equals(members, c.members);
    }

    @Override
    public int hashCode()
    {
        return members != null ? Arrays.hashCode(members) : Long.hashCode(clientId) * 31 + Long.hashCode(requestNumber);
    }

    @Override
    public String toString()
    {
        if (members != null)
        {
            return "batch" + Arrays.toString(members);
        }
        return isNoop() ? "noop" : "cmd(" + clientId + "#" + requestNumber + " " + Arrays.toString(ops) + ")";
    }
}
