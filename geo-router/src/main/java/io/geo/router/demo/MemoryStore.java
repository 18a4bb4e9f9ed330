package io.geo.router.demo;

import io.geo.router.host.SyncableStore;
import io.geo.epaxos.api.InstanceRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** A volatile store for demos that do not persist: every write is "durable" at once; sync does nothing. */
final class MemoryStore implements SyncableStore
{
    private final HashMap<Long, InstanceRecord> records = new HashMap<>();
    private long[] watermarks;

    @Override
    public void saveInstance(final InstanceRecord record)
    {
        records.put(record.instance(), record);
    }

    @Override
    public void removeInstance(final long instance)
    {
        records.remove(instance);
    }

    @Override
    public void saveGcWatermarks(final long[] watermarks)
    {
        this.watermarks = watermarks.clone();
    }

    @Override
    public List<InstanceRecord> loadInstances()
    {
        return new ArrayList<>(records.values());
    }

    @Override
    public long[] loadGcWatermarks(final int replicas)
    {
        return watermarks == null ? new long[replicas] : watermarks.clone();
    }

    @Override
    public void sync()
    {
    }

    @Override
    public boolean hasUnsynced()
    {
        return false;
    }
}
