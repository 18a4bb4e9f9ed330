package io.geo.bench;

import io.geo.epaxos.api.DurableStore;
import io.geo.epaxos.api.InstanceRecord;

import java.util.List;

/**
 * A {@link DurableStore} that drops every write and starts empty. Like {@link DroppingMessageSink} it keeps the last
 * record it was given, so record allocations are not optimised away. Allocates nothing on the write path.
 */
final class DroppingDurableStore implements DurableStore
{
    private InstanceRecord lastRecord;
    private long[] lastGcWatermarks;
    private long writes;

    @Override
    public void saveInstance(final InstanceRecord record)
    {
        lastRecord = record;
        writes++;
    }

    @Override
    public void removeInstance(final long instance)
    {
        writes++;
    }

    @Override
    public void saveGcWatermarks(final long[] watermarks)
    {
        lastGcWatermarks = watermarks;
        writes++;
    }

    @Override
    public List<InstanceRecord> loadInstances()
    {
        return List.of();
    }

    @Override
    public long[] loadGcWatermarks(final int replicas)
    {
        return new long[replicas];
    }

    InstanceRecord lastRecord()
    {
        return lastRecord;
    }

    long writes()
    {
        return writes;
    }
}
