package io.geo.epaxos.hydra;

import io.geo.epaxos.api.DurableStore;
import io.geo.epaxos.api.InstanceRecord;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * An EPaxos replica store in memory: every write is done at once, nothing survives the process. The store of a Hydra
 * node's replica copy (the region log is what is durable: a restarted node rebuilds its replica by applying the log
 * again) and of demos that do not persist.
 */
public class MemoryDurableStore implements DurableStore
{
    private final Long2ObjectHashMap<InstanceRecord> instances = new Long2ObjectHashMap<>();
    private long[] gcWatermarks;

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
        gcWatermarks = watermarks.clone();
    }

    @Override
    public List<InstanceRecord> loadInstances()
    {
        return new ArrayList<>(instances.values());
    }

    @Override
    public long[] loadGcWatermarks(final int replicas)
    {
        return gcWatermarks == null ? new long[replicas] : gcWatermarks.clone();
    }
}
