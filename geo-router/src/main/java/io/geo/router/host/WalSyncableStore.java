package io.geo.router.host;

import io.geo.epaxos.api.InstanceRecord;
import io.geo.router.storage.Durability;
import io.geo.router.storage.WalConfig;
import io.geo.router.storage.WalDurableStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The write-ahead log as the embedded cluster's group-committed store. An I/O failure is fatal (unchecked). */
public final class WalSyncableStore implements SyncableStore, AutoCloseable
{
    private final WalDurableStore store;
    private boolean unsynced;

    public WalSyncableStore(final Path directory, final Durability durability)
    {
        try
        {
            store = WalDurableStore.open(new WalConfig()
                .directory(directory)
                .durability(durability)
                .segmentSizeBytes(16L << 20)
                .compactionMinLogBytes(32L << 20)
                .conclude());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the write-ahead log in " + directory + ": " +
                ex.getMessage(), ex);
        }
    }

    @Override
    public void saveInstance(final InstanceRecord record)
    {
        store.saveInstance(record);
        unsynced = true;
    }

    @Override
    public void removeInstance(final long instance)
    {
        store.removeInstance(instance);
        unsynced = true;
    }

    @Override
    public void saveGcWatermarks(final long[] watermarks)
    {
        store.saveGcWatermarks(watermarks);
        unsynced = true;
    }

    @Override
    public List<InstanceRecord> loadInstances()
    {
        return store.loadInstances();
    }

    @Override
    public long[] loadGcWatermarks(final int replicas)
    {
        return store.loadGcWatermarks(replicas);
    }

    @Override
    public void sync()
    {
        try
        {
            store.sync();
            unsynced = false;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("write-ahead log sync failed: " + ex.getMessage(), ex);
        }
    }

    @Override
    public boolean hasUnsynced()
    {
        return unsynced;
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
            throw new UncheckedIOException(ex);
        }
    }
}
