package io.geo.epaxos.sim;

import io.geo.epaxos.api.DurableStore;
import io.geo.epaxos.api.InstanceRecord;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * A simulated disk with group commit: writes made during a replica call are staged, and become durable only when
 * the node's next sync completes. A crash before that loses them (together with the messages staged after them).
 */
final class SimStore implements DurableStore
{
    private final Long2ObjectHashMap<InstanceRecord> durable = new Long2ObjectHashMap<>();
    private long[] durableWatermarks;
    private final ArrayList<Object> staged = new ArrayList<>();
    private long writes;

    private record Remove(long instance)
    {
    }

    private record Watermarks(long[] watermarks)
    {
    }

    @Override
    public void saveInstance(final InstanceRecord record)
    {
        staged.add(record);
    }

    @Override
    public void removeInstance(final long instance)
    {
        staged.add(new Remove(instance));
    }

    @Override
    public void saveGcWatermarks(final long[] watermarks)
    {
        staged.add(new Watermarks(watermarks.clone()));
    }

    @Override
    public List<InstanceRecord> loadInstances()
    {
        final ArrayList<InstanceRecord> records = new ArrayList<>(durable.size());
        durable.forEach((id, record) -> records.add(record));
        return records;
    }

    @Override
    public long[] loadGcWatermarks(final int replicas)
    {
        return durableWatermarks == null ? new long[replicas] : durableWatermarks.clone();
    }

    boolean hasStaged()
    {
        return !staged.isEmpty();
    }

    /** fsync completed: staged writes become durable in order. */
    void sync()
    {
        for (final Object write : staged)
        {
            writes++;
            if (write instanceof InstanceRecord r)
            {
                durable.put(r.instance(), r);
            }
            else if (write instanceof Remove r)
            {
                durable.remove(r.instance());
            }
            else if (write instanceof Watermarks w)
            {
                durableWatermarks = w.watermarks();
            }
        }
        staged.clear();
    }

    /** Crash: unsynced writes are lost. */
    void dropStaged()
    {
        staged.clear();
    }

    int durableRecords()
    {
        return durable.size();
    }

    long writes()
    {
        return writes;
    }
}
