package io.geo.router.storage;

import io.geo.epaxos.api.DurableStore;
import io.geo.epaxos.api.InstanceRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The obvious in-memory store, the model a durable store is compared with. */
final class ModelStore implements DurableStore
{
    private final TreeMap<Long, InstanceRecord> instances = new TreeMap<>();
    private long[] watermarks;

    ModelStore copy()
    {
        final ModelStore copy = new ModelStore();
        copy.instances.putAll(instances);
        copy.watermarks = watermarks == null ? null : watermarks.clone();
        return copy;
    }

    @Override
    public void saveInstance(final InstanceRecord record)
    {
        instances.put(record.instance(), record);
    }

    @Override
    public void removeInstance(final long instance)
    {
        instances.remove(instance);
    }

    @Override
    public void saveGcWatermarks(final long[] watermarks)
    {
        this.watermarks = watermarks.clone();
    }

    @Override
    public List<InstanceRecord> loadInstances()
    {
        return new ArrayList<>(instances.values());
    }

    @Override
    public long[] loadGcWatermarks(final int replicas)
    {
        return watermarks == null ? new long[replicas] : watermarks.clone();
    }
}
