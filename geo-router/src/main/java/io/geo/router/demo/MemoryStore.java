package io.geo.router.demo;

import io.geo.epaxos.hydra.MemoryDurableStore;
import io.geo.router.host.SyncableStore;

/** A volatile store for demos that do not persist: every write is "durable" at once; sync does nothing. */
final class MemoryStore extends MemoryDurableStore implements SyncableStore
{
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
