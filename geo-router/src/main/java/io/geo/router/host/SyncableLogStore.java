package io.geo.router.host;

import io.geo.epaxos.regionlog.LogStore;

/** A region log store the host group-commits: writes accumulate, {@link #sync()} makes them all durable at once. */
public interface SyncableLogStore extends LogStore
{
    /** Makes every write so far durable (fsync, or nothing for a store whose durability setting says so). */
    void sync();

    /** True when writes were made since the last sync. */
    boolean hasUnsynced();
}
