package io.geo.epaxos.state;

import io.geo.epaxos.api.SnapshotStateMachine;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory key-value state machine with the exactly-once dedup table: per client, the last write request number
 * applied and its results. A write whose request number is not above the client's last one is not applied again;
 * the recorded results are returned when it is the same request. This is deterministic across replicas only
 * because a client's writes conflict with each other (Command.hasSession), so every replica applies them in the same
 * order; reads bypass the table. A batch applies all its ops atomically (it is
 * executed as one step, and its reads see its own earlier writes). Deterministic; used by the simulator and tests,
 * and the reference for persistent implementations.
 */
public final class KeyValueStateMachine implements SnapshotStateMachine
{
    private static final class Applied
    {
        final long requestNumber;
        final Result[] results;

        Applied(final long requestNumber, final Result[] results)
        {
            this.requestNumber = requestNumber;
            this.results = results;
        }
    }

    /**
     * Hashed, not sorted: an apply is one lookup (a sorted map's walk down ~17 levels took half of a replica's time
     * in the lan throughput benchmark); a snapshot sorts its keys (StateSnapshotFormat).
     */
    private final HashMap<Key, byte[]> data = new HashMap<>();
    private final OpSemantics.View view = new OpSemantics.View()
    {
        @Override
        public byte[] get(final Key key)
        {
            return data.get(key);
        }

        @Override
        public void put(final Key key, final byte[] value)
        {
            data.put(key, value);
        }

        @Override
        public void remove(final Key key)
        {
            data.remove(key);
        }
    };
    private final HashMap<Long, Applied> dedup = new HashMap<>();
    private long applied;
    private long duplicates;

    @Override
    public Result[] apply(final long instance, final Command command)
    {
        if (!command.hasSession())
        {
            // Reads change nothing, so running one twice is harmless; they are not ordered per client either.
            final Result[] results = new Result[command.opCount()];
            for (int i = 0; i < command.opCount(); i++)
            {
                results[i] = applyOp(command.op(i));
            }
            applied++;
            return results;
        }
        final Applied last = dedup.get(command.clientId());
        if (last != null && command.requestNumber() <= last.requestNumber)
        {
            duplicates++;
            if (command.requestNumber() == last.requestNumber)
            {
                return last.results;
            }
            // An older request of a client that has moved on: it was superseded and is not applied.
            final Result[] stale = new Result[command.opCount()];
            java.util.Arrays.fill(stale, Result.SUPERSEDED);
            return stale;
        }
        final Result[] results = new Result[command.opCount()];
        for (int i = 0; i < command.opCount(); i++)
        {
            results[i] = applyOp(command.op(i));
        }
        dedup.put(command.clientId(), new Applied(command.requestNumber(), results));
        applied++;
        return results;
    }

    private Result applyOp(final Op op)
    {
        return OpSemantics.apply(op, view);
    }

    @Override
    public byte[] captureState()
    {
        final StateSnapshotFormat.Writer out = new StateSnapshotFormat.Writer();
        for (final Map.Entry<Key, byte[]> e : data.entrySet())
        {
            out.entry(e.getKey().bytes(), e.getValue()); // the format writes them in key order
        }
        for (final Map.Entry<Long, Applied> e : dedup.entrySet())
        {
            out.session(e.getKey(), e.getValue().requestNumber, e.getValue().results);
        }
        return out.toBytes();
    }

    @Override
    public void installState(final byte[] state)
    {
        final HashMap<Key, byte[]> newData = new HashMap<>();
        final HashMap<Long, Applied> newDedup = new HashMap<>();
        StateSnapshotFormat.read(state, new StateSnapshotFormat.Visitor()
        {
            @Override
            public void entry(final byte[] key, final byte[] value)
            {
                newData.put(Key.wrap(key), value);
            }

            @Override
            public void session(final long clientId, final long requestNumber, final Result[] results)
            {
                newDedup.put(clientId, new Applied(requestNumber, results));
            }
        });
        data.clear();
        data.putAll(newData);
        dedup.clear();
        dedup.putAll(newDedup);
    }

    /** The value of a key, or null. */
    public byte[] get(final Key key)
    {
        return data.get(key);
    }

    /** A sorted copy of the data, for comparing replicas. */
    public Map<Key, byte[]> snapshot()
    {
        return new TreeMap<>(data);
    }

    /**
     * A sorted copy of the dedup table, for comparing replicas: per client, its last write request number and that
     * request's results, as text.
     */
    public Map<Long, String> sessions()
    {
        final TreeMap<Long, String> copy = new TreeMap<>();
        for (final Map.Entry<Long, Applied> e : dedup.entrySet())
        {
            copy.put(e.getKey(), e.getValue().requestNumber + " " + Arrays.toString(e.getValue().results));
        }
        return copy;
    }

    /**
     * Order-independent digest of data and dedup table, for comparing replicas cheaply; the shared definition of
     * {@link StateDigest}, so it equals the digest of any other implementation holding the same state.
     */
    public long digest()
    {
        final StateDigest digest = new StateDigest();
        for (final Map.Entry<Key, byte[]> e : data.entrySet())
        {
            digest.addEntry(e.getKey().bytes(), e.getValue());
        }
        for (final Map.Entry<Long, Applied> e : dedup.entrySet())
        {
            digest.addSession(e.getKey(), e.getValue().requestNumber, e.getValue().results);
        }
        return digest.value();
    }

    public long appliedCommands()
    {
        return applied;
    }

    public long duplicateCommands()
    {
        return duplicates;
    }

    public int size()
    {
        return data.size();
    }
}
