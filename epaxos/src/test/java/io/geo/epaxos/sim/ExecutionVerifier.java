package io.geo.epaxos.sim;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import org.agrona.collections.LongArrayList;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Checks that every replica executed the same set of commands and conflicting commands in the same order: per key,
 * the sequence of writes must be identical everywhere, and each read must fall between the same two writes.
 */
final class ExecutionVerifier
{
    private ExecutionVerifier()
    {
    }

    static void verify(
        final int replicas,
        final IntFunction<LongArrayList> orders,
        final IntFunction<Map<Long, Command>> commands,
        final List<String> violations)
    {
        final Map<Long, Command> reference = commands.apply(0);
        for (int r = 1; r < replicas; r++)
        {
            final Map<Long, Command> other = commands.apply(r);
            if (!reference.keySet().equals(other.keySet()))
            {
                final HashSet<Long> missing = new HashSet<>(reference.keySet());
                missing.removeAll(other.keySet());
                final HashSet<Long> extra = new HashSet<>(other.keySet());
                extra.removeAll(reference.keySet());
                violations.add("execution: replica 0 and replica " + r + " executed different sets (" +
                    missing.size() + " only at 0, " + extra.size() + " only at " + r + ")");
                return;
            }
            for (final Map.Entry<Long, Command> e : reference.entrySet())
            {
                if (!e.getValue().equals(other.get(e.getKey())))
                {
                    violations.add("execution: instance " + InstanceId.toString(e.getKey()) +
                        " executed different commands at replica 0 and " + r);
                    return;
                }
            }
        }
        final Map<Key, KeyOrder> referenceOrder = orderByKey(orders.apply(0), reference);
        for (int r = 1; r < replicas; r++)
        {
            final Map<Key, KeyOrder> other = orderByKey(orders.apply(r), commands.apply(r));
            for (final Map.Entry<Key, KeyOrder> e : referenceOrder.entrySet())
            {
                final String diff = e.getValue().diff(other.get(e.getKey()));
                if (diff != null)
                {
                    violations.add("execution order: key " + e.getKey() + ": replica 0 vs replica " + r + ": " + diff);
                    return;
                }
            }
        }
    }

    /**
     * Checks lives of a node that ended in a crash: whatever such a life executed, it executed as a prefix of the
     * complete order (replica {@code 0} of {@link #verify}'s arguments): per key, its writes are the first writes of
     * the reference, and each of its reads saw the same number of writes.
     */
    static void verifyPrefixes(
        final LongArrayList referenceOrder,
        final Map<Long, Command> referenceCommands,
        final int lives,
        final IntFunction<LongArrayList> orders,
        final IntFunction<Map<Long, Command>> commands,
        final IntFunction<String> names,
        final List<String> violations)
    {
        final Map<Key, KeyOrder> reference = orderByKey(referenceOrder, referenceCommands);
        for (int l = 0; l < lives; l++)
        {
            for (final Map.Entry<Long, Command> e : commands.apply(l).entrySet())
            {
                final Command expected = referenceCommands.get(e.getKey());
                if (expected != null && !expected.equals(e.getValue()))
                {
                    violations.add("execution: instance " + InstanceId.toString(e.getKey()) + " executed different " +
                        "commands in " + names.apply(l) + " and in the final order");
                    return;
                }
            }
            final Map<Key, KeyOrder> partial = orderByKey(orders.apply(l), commands.apply(l));
            for (final Map.Entry<Key, KeyOrder> e : partial.entrySet())
            {
                final String diff = e.getValue().prefixDiff(reference.get(e.getKey()));
                if (diff != null)
                {
                    violations.add("execution order: key " + e.getKey() + ": " + names.apply(l) + " vs the final " +
                        "order: " + diff);
                    return;
                }
            }
        }
    }

    private static final class KeyOrder
    {
        /** Null if this (partial) order is a prefix of {@code full}'s, else what differs. */
        String prefixDiff(final KeyOrder full)
        {
            if (full == null)
            {
                return writes.isEmpty() && readPosition.isEmpty() ? null : "the key is not in the final order";
            }
            if (writes.size() > full.writes.size())
            {
                return "more writes (" + writes.size() + ") than the final order (" + full.writes.size() + ")";
            }
            for (int i = 0; i < writes.size(); i++)
            {
                if (writes.getLong(i) != full.writes.getLong(i))
                {
                    return "write #" + i + " is " + InstanceId.toString(writes.getLong(i)) + " vs " +
                        InstanceId.toString(full.writes.getLong(i));
                }
            }
            for (final Map.Entry<Long, Integer> read : readPosition.entrySet())
            {
                final Integer fullPosition = full.readPosition.get(read.getKey());
                if (fullPosition != null && !read.getValue().equals(fullPosition))
                {
                    return "read " + InstanceId.toString(read.getKey()) + " after " + read.getValue() +
                        " writes vs " + fullPosition;
                }
            }
            return null;
        }

        final LongArrayList writes = new LongArrayList();
        final HashMap<Long, Integer> readPosition = new HashMap<>();

        String diff(final KeyOrder other)
        {
            if (other == null)
            {
                return "missing";
            }
            if (!writes.equals(other.writes))
            {
                final int n = Math.min(writes.size(), other.writes.size());
                for (int i = 0; i < n; i++)
                {
                    if (writes.getLong(i) != other.writes.getLong(i))
                    {
                        return "write #" + i + " is " + InstanceId.toString(writes.getLong(i)) + " vs " +
                            InstanceId.toString(other.writes.getLong(i));
                    }
                }
                return "write counts " + writes.size() + " vs " + other.writes.size();
            }
            for (final Map.Entry<Long, Integer> read : readPosition.entrySet())
            {
                final Integer otherPosition = other.readPosition.get(read.getKey());
                if (!read.getValue().equals(otherPosition))
                {
                    return "read " + InstanceId.toString(read.getKey()) + " after " + read.getValue() + " writes vs " +
                        otherPosition;
                }
            }
            return null;
        }
    }

    private static Map<Key, KeyOrder> orderByKey(final LongArrayList order, final Map<Long, Command> commands)
    {
        final Map<Key, KeyOrder> byKey = new HashMap<>();
        for (int i = 0; i < order.size(); i++)
        {
            final long id = order.getLong(i);
            final Command command = commands.get(id);
            final HashSet<Key> seen = new HashSet<>();
            for (int j = 0; j < command.opCount(); j++)
            {
                final Key key = command.op(j).key();
                if (!seen.add(key))
                {
                    continue;
                }
                final KeyOrder keyOrder = byKey.computeIfAbsent(key, k -> new KeyOrder());
                if (command.writes(key))
                {
                    keyOrder.writes.addLong(id);
                }
                else
                {
                    keyOrder.readPosition.put(id, keyOrder.writes.size());
                }
            }
        }
        return byKey;
    }

    /** Null when equal, else a short description of the first difference. */
    static String diffState(final Map<Key, byte[]> a, final Map<Key, byte[]> b)
    {
        final TreeMap<Key, byte[]> left = new TreeMap<>(a);
        final TreeMap<Key, byte[]> right = new TreeMap<>(b);
        final List<Key> keys = new ArrayList<>(left.keySet());
        for (final Key key : right.keySet())
        {
            if (!left.containsKey(key))
            {
                keys.add(key);
            }
        }
        for (final Key key : keys)
        {
            if (!Arrays.equals(left.get(key), right.get(key)))
            {
                return "key " + key + ": " + text(left.get(key)) + " vs " + text(right.get(key));
            }
        }
        return null;
    }

    private static String text(final byte[] value)
    {
        return value == null ? "absent" : new String(value, StandardCharsets.UTF_8);
    }
}
