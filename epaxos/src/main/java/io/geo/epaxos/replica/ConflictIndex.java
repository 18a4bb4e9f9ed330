package io.geo.epaxos.replica;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

import java.util.Arrays;
import java.util.HashMap;
import java.util.function.LongPredicate;

/**
 * Per key, the live instances that touch it, so a replica can compute the dependencies of a new command.
 *
 * <p>Compaction at commit: when W commits with X among its deps and X orders below W by (seq, id), X leaves the
 * lists of the keys W writes (see {@link #onCommitted}; the order rule keeps cycles from dropping every member).
 *
 * <p>Compaction at execution: when a write W on key k executes here, every instance on k that executed before W is dropped from
 * k's list. This is safe because for two conflicting committed instances executed in the order I then W, the
 * committed graph has a path W to I (otherwise Tarjan order would have run W first), and the committed graph is the
 * same at every replica; so a new command that depends on W depends on I transitively. Instances executed at every
 * replica are dropped by garbage collection (they execute before anything proposed after that everywhere).
 *
 * <p>Every method goes through a command's ops one by one (a key touched by several ops of a command gets the union:
 * its entry's write flag is or-ed, and dropping by the same rule twice is dropping once), so a batch of n commands
 * costs n lookups, not n squared key comparisons ({@link Command#writes} scans every op).
 */
final class ConflictIndex
{
    private static final int WRITE = 1;

    private static final class Entry
    {
        long[] ids = new long[4];
        byte[] flags = new byte[4];
        int size;

        void add(final long id, final boolean write)
        {
            for (int i = 0; i < size; i++)
            {
                if (ids[i] == id)
                {
                    flags[i] |= write ? WRITE : 0;
                    return;
                }
            }
            if (size == ids.length)
            {
                ids = Arrays.copyOf(ids, size * 2);
                flags = Arrays.copyOf(flags, size * 2);
            }
            ids[size] = id;
            flags[size] = (byte)(write ? WRITE : 0);
            size++;
        }

        void remove(final long id)
        {
            for (int i = 0; i < size; i++)
            {
                if (ids[i] == id)
                {
                    removeAt(i);
                    return;
                }
            }
        }

        void removeAt(final int i)
        {
            final int tail = size - i - 1;
            System.arraycopy(ids, i + 1, ids, i, tail);
            System.arraycopy(flags, i + 1, flags, i, tail);
            size--;
        }
    }

    private final HashMap<Key, Entry> entries = new HashMap<>();
    /** Per client id, its writes: a client's writes conflict with each other (see Command.hasSession). */
    private final Long2ObjectHashMap<Entry> sessions = new Long2ObjectHashMap<>();
    private final LongHashSet scratch = new LongHashSet();

    /** Records that {@code id} touches the keys of {@code command}. */
    void add(final long id, final Command command)
    {
        for (int i = 0; i < command.opCount(); i++)
        {
            final Op op = command.op(i);
            entries.computeIfAbsent(op.key(), k -> new Entry()).add(id, op.type().isWrite());
        }
        for (int i = 0; i < command.sessionCount(); i++)
        {
            Entry session = sessions.get(command.session(i));
            if (session == null)
            {
                session = new Entry();
                sessions.put(command.session(i), session);
            }
            session.add(id, true);
        }
    }

    void remove(final long id, final Command command)
    {
        for (int i = 0; i < command.opCount(); i++)
        {
            final Key key = command.op(i).key();
            final Entry entry = entries.get(key);
            if (entry != null)
            {
                entry.remove(id);
                if (entry.size == 0)
                {
                    entries.remove(key);
                }
            }
        }
        for (int i = 0; i < command.sessionCount(); i++)
        {
            final Entry session = sessions.get(command.session(i));
            if (session != null)
            {
                session.remove(id);
                if (session.size == 0)
                {
                    sessions.remove(command.session(i));
                }
            }
        }
    }

    /** Sorted ids of the live instances other than {@code self} that conflict with {@code command}. */
    long[] conflicts(final Command command, final long self)
    {
        scratch.clear();
        for (int i = 0; i < command.opCount(); i++)
        {
            final Op op = command.op(i);
            final Entry entry = entries.get(op.key());
            if (entry == null)
            {
                continue;
            }
            final boolean write = op.type().isWrite();
            for (int j = 0; j < entry.size; j++)
            {
                if (entry.ids[j] != self && (write || (entry.flags[j] & WRITE) != 0))
                {
                    scratch.add(entry.ids[j]);
                }
            }
        }
        for (int i = 0; i < command.sessionCount(); i++)
        {
            final Entry session = sessions.get(command.session(i));
            for (int j = 0; session != null && j < session.size; j++)
            {
                if (session.ids[j] != self)
                {
                    scratch.add(session.ids[j]);
                }
            }
        }
        final long[] deps = new long[scratch.size()];
        int n = 0;
        final LongHashSet.LongIterator it = scratch.iterator();
        while (it.hasNext())
        {
            deps[n++] = it.nextValue();
        }
        Arrays.sort(deps);
        return deps;
    }

    /**
     * After {@code id} committed: on each key it writes, forget the given instances, which it depends on directly
     * and which order below it by (seq, id) (the caller filters; see EpaxosReplica.lowerDeps). A later command on
     * that key depends on {@code id}, hence on them through a committed edge that every replica holds, so replicas
     * compact alike (unlike compaction at execution, which happens at different times on different replicas).
     */
    void onCommitted(final long id, final Command command, final long[] deps)
    {
        if (deps.length == 0)
        {
            return;
        }
        for (int i = 0; i < command.opCount(); i++)
        {
            final Op op = command.op(i);
            if (op.type().isWrite())
            {
                dropIf(entries.get(op.key()), id, other -> Arrays.binarySearch(deps, other) >= 0);
            }
        }
        for (int i = 0; i < command.sessionCount(); i++)
        {
            dropIf(sessions.get(command.session(i)), id, other -> Arrays.binarySearch(deps, other) >= 0);
        }
    }

    /** After {@code id} executed here: on each key it writes, forget instances that executed before it. */
    void onExecuted(final long id, final Command command, final LongPredicate executed)
    {
        for (int i = 0; i < command.opCount(); i++)
        {
            final Op op = command.op(i);
            if (op.type().isWrite())
            {
                dropIf(entries.get(op.key()), id, executed);
            }
        }
        for (int i = 0; i < command.sessionCount(); i++)
        {
            dropIf(sessions.get(command.session(i)), id, executed);
        }
    }

    /** Removes from {@code entry} every instance other than {@code id} that {@code drop} selects. */
    private static void dropIf(final Entry entry, final long id, final LongPredicate drop)
    {
        if (entry == null)
        {
            return;
        }
        int j = 0;
        while (j < entry.size)
        {
            final long other = entry.ids[j];
            if (other != id && drop.test(other))
            {
                entry.removeAt(j);
            }
            else
            {
                j++;
            }
        }
    }

    int keyCount()
    {
        return entries.size();
    }

    /** Writes every key's and session's list (keys and client ids in order, so equal indexes write equal bytes). */
    void writeTo(final ReplicaSnapshotFormat.Writer out)
    {
        final Key[] keys = entries.keySet().toArray(new Key[0]);
        Arrays.sort(keys);
        out.putInt(keys.length);
        for (final Key key : keys)
        {
            out.putBytes(key.bytes());
            writeEntry(out, entries.get(key));
        }
        final long[] clients = ReplicaSnapshotFormat.sortedKeys(sessions);
        out.putInt(clients.length);
        for (final long client : clients)
        {
            out.putLong(client);
            writeEntry(out, sessions.get(client));
        }
    }

    /** Reads what {@link #writeTo} wrote into this (empty) index. */
    void readFrom(final ReplicaSnapshotFormat.Reader in)
    {
        final int keyCount = in.getCount(Integer.BYTES + Integer.BYTES, "index keys");
        for (int i = 0; i < keyCount; i++)
        {
            final byte[] key = in.getBytes("index key");
            if (key.length == 0)
            {
                throw ReplicaSnapshotFormat.Reader.malformed("an empty key in the conflict index");
            }
            entries.put(Key.wrap(key), readEntry(in));
        }
        final int sessionCount = in.getCount(Long.BYTES + Integer.BYTES, "index sessions");
        for (int i = 0; i < sessionCount; i++)
        {
            sessions.put(in.getLong("session client"), readEntry(in));
        }
    }

    private static void writeEntry(final ReplicaSnapshotFormat.Writer out, final Entry entry)
    {
        out.putInt(entry.size);
        for (int i = 0; i < entry.size; i++)
        {
            out.putLong(entry.ids[i]);
            out.putByte(entry.flags[i]);
        }
    }

    private static Entry readEntry(final ReplicaSnapshotFormat.Reader in)
    {
        final int size = in.getCount(Long.BYTES + 1, "index entry");
        if (size == 0)
        {
            throw ReplicaSnapshotFormat.Reader.malformed("an empty list in the conflict index");
        }
        final Entry entry = new Entry();
        entry.ids = new long[Math.max(4, size)];
        entry.flags = new byte[entry.ids.length];
        for (int i = 0; i < size; i++)
        {
            entry.ids[i] = in.getLong("index entry id");
            entry.flags[i] = (byte)in.getByte("index entry flags");
        }
        entry.size = size;
        return entry;
    }
}
