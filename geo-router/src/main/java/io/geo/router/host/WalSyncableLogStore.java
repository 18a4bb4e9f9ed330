package io.geo.router.host;

import io.geo.epaxos.regionlog.LogEntry;
import io.geo.router.storage.Durability;
import io.geo.router.storage.WalLogStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The region log's write-ahead log as a sidecar's group-committed store. An I/O failure is fatal (unchecked). */
public final class WalSyncableLogStore implements SyncableLogStore, AutoCloseable
{
    private final WalLogStore store;

    public WalSyncableLogStore(final Path directory, final Durability durability)
    {
        try
        {
            store = WalLogStore.open(directory, durability);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the region log in " + directory + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public void savePromise(final long view)
    {
        store.savePromise(view);
    }

    @Override
    public void saveAccepted(final long slot, final long view, final LogEntry entry)
    {
        store.saveAccepted(slot, view, entry);
    }

    @Override
    public void saveCommitIndex(final long commitIndex)
    {
        store.saveCommitIndex(commitIndex);
    }

    @Override
    public void saveIncarnation(final long incarnation)
    {
        store.saveIncarnation(incarnation);
    }

    @Override
    public void truncate(final long throughSlot)
    {
        store.truncate(throughSlot);
    }

    @Override
    public State load()
    {
        return store.load();
    }

    /** Syncs, then compacts the log if truncation left it mostly dead records. */
    @Override
    public void sync()
    {
        try
        {
            store.sync();
            if (store.shouldCompact())
            {
                store.compact();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("region log sync failed: " + ex.getMessage(), ex);
        }
    }

    @Override
    public boolean hasUnsynced()
    {
        return store.hasUnsynced();
    }

    /** The store, for counters. */
    public WalLogStore store()
    {
        return store;
    }

    @Override
    public void close()
    {
        try
        {
            store.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("closing the region log: " + ex.getMessage(), ex);
        }
    }
}
