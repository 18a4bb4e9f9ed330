package io.geo.router.demo;

import io.geo.epaxos.api.InstanceRecord;
import io.geo.epaxos.hydra.MemoryDurableStore;
import io.geo.router.host.SyncableStore;

/**
 * A volatile store for demos that do not persist: every write is "durable" at once and sync does nothing, but a
 * write still counts as unsynced until the next sync, so the host's group commit runs (and tells the replica) after
 * every step that wrote: a step that only learned a commit, and sends nothing, must still let it execute.
 */
final class MemoryStore extends MemoryDurableStore implements SyncableStore
{
    private boolean unsynced;

    @Override
    public void saveInstance(final InstanceRecord record)
    {
        super.saveInstance(record);
        unsynced = true;
    }

    @Override
    public void removeInstance(final long instance)
    {
        super.removeInstance(instance);
        unsynced = true;
    }

    @Override
    public void saveGcWatermarks(final long[] watermarks)
    {
        super.saveGcWatermarks(watermarks);
        unsynced = true;
    }

    @Override
    public void sync()
    {
        unsynced = false;
    }

    @Override
    public boolean hasUnsynced()
    {
        return unsynced;
    }
}
