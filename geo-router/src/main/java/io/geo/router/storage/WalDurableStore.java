package io.geo.router.storage;

import io.geo.epaxos.api.DurableStore;
import io.geo.epaxos.api.InstanceRecord;
import org.agrona.collections.Long2ObjectHashMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A replica's {@link DurableStore} on a {@link WriteAheadLog}: every upsert, removal and watermark update is one log
 * record ({@link WalRecordCodec} describes the payloads), and the live image (the latest record of every instance
 * not removed, and the latest watermarks) is kept in memory. Opening the store replays the log into that image.
 *
 * <h2>Durability</h2>
 * The {@code save}/{@code remove} calls only buffer; {@link #sync()} is the host's group commit, after which the
 * host releases the messages of the calls before it and calls {@code replica.onSynced(nowNs)}. With
 * {@link Durability#NONE} sync writes without fsync (benchmarks only, see there).
 *
 * <h2>Compaction</h2>
 * After a sync, when the log is larger than {@link WalConfig#compactionMinLogBytes()} (default: one segment) and than
 * {@link WalConfig#compactionRatio()} times the bytes the live records take, the store compacts:
 * <ol>
 *   <li>roll to a fresh segment, whose first sequence S starts the snapshot;</li>
 *   <li>append the live image as ordinary records (the watermarks, then every live instance by id);</li>
 *   <li>sync: the snapshot is durable;</li>
 *   <li>delete the segments before S, oldest first, fsyncing the directory after each deletion.</li>
 * </ol>
 * Crash safety: replaying the log is applying upserts and removals in order, and the image at step 1 equals the
 * replay of the whole log then (everything appended was synced just before). Snapshot records re-assert values the
 * image already has, so replaying the old log plus any prefix of the snapshot (a crash in steps 1-3) gives that
 * image again. Once the snapshot is complete (step 4), replaying any <em>suffix</em> of the old log plus the snapshot
 * gives it too: an instance live at S gets its value from the snapshot; an instance not live at S was removed after
 * its last save, so if that save is still in the suffix, so is the later removal. Deleting oldest first, with the
 * directory fsync'd after each deletion, means a crash leaves a suffix, never a gap. Records after S (new writes) are
 * replayed after the snapshot, in order, as usual.
 *
 * <p>Not thread-safe: the replica's thread calls everything. Records are kept as given: callers must not change a
 * record's arrays after saving it. Methods of {@link DurableStore} throw {@link UncheckedIOException} when the log
 * fails, and {@link IllegalStateException} once it has failed: the host must then stop and recover.
 */
public final class WalDurableStore implements DurableStore, AutoCloseable
{
    /** Steps of a compaction, in order, reported to a test hook that injects crashes. */
    enum CompactionStep
    {
        /** A fresh segment was started for the snapshot. */
        ROLLED,
        /** The index-th snapshot record was appended (not yet synced). */
        SNAPSHOT_RECORD_APPENDED,
        /** The snapshot is durable; no old segment is deleted yet. */
        SNAPSHOT_SYNCED,
        /** The index-th old segment was deleted. */
        SEGMENT_DELETED,
        /** Compaction finished. */
        COMPLETED
    }

    /** Test hook: observes compaction steps; throwing simulates a crash at that point. */
    @FunctionalInterface
    interface CompactionListener
    {
        void onStep(CompactionStep step, int index) throws IOException;
    }

    private static final CompactionListener NO_LISTENER = (step, index) ->
    {
    };

    private final WalConfig config;
    private final WriteAheadLog log;
    private final Image image;
    private final ByteBuffer encodeBuffer;
    private CompactionListener compactionListener = NO_LISTENER;
    private long compactions;

    private WalDurableStore(final WalConfig config, final WriteAheadLog log, final Image image)
    {
        this.config = config;
        this.log = log;
        this.image = image;
        this.encodeBuffer = ByteBuffer.allocate(config.maxRecordBytes()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Opens (or creates) the store in {@code config.directory()}, replaying the log.
     *
     * @throws WalCorruptionException if the log is damaged beyond a torn tail, or holds a malformed record
     */
    public static WalDurableStore open(final WalConfig config) throws IOException
    {
        config.conclude();
        final Image image = new Image();
        final WriteAheadLog log = WriteAheadLog.open(config, image);
        return new WalDurableStore(config, log, image);
    }

    /**
     * @throws IllegalArgumentException if the record encodes to more than {@link WalConfig#maxRecordBytes()}
     * @throws IllegalStateException    if the record has no id or unsorted deps
     */
    @Override
    public void saveInstance(final InstanceRecord record)
    {
        final long length = WalRecordCodec.instanceLength(record);
        if (length > config.maxRecordBytes())
        {
            throw new IllegalArgumentException("instance " + record.instance() + " encodes to " + length +
                " bytes, more than " + WalConfig.MAX_RECORD_PROPERTY + "=" + config.maxRecordBytes());
        }
        encodeBuffer.clear();
        WalRecordCodec.encodeInstance(record, encodeBuffer);
        append();
        image.onInstance(record, (int)length);
    }

    @Override
    public void removeInstance(final long instance)
    {
        encodeBuffer.clear();
        WalRecordCodec.encodeRemove(instance, encodeBuffer);
        append();
        image.onRemove(instance);
    }

    /** Stores a copy of {@code watermarks}. */
    @Override
    public void saveGcWatermarks(final long[] watermarks)
    {
        final long length = WalRecordCodec.watermarksLength(watermarks);
        if (length > config.maxRecordBytes())
        {
            throw new IllegalArgumentException(watermarks.length + " watermarks encode to " + length +
                " bytes, more than " + WalConfig.MAX_RECORD_PROPERTY + "=" + config.maxRecordBytes());
        }
        final long[] copy = watermarks.clone();
        encodeBuffer.clear();
        WalRecordCodec.encodeWatermarks(copy, encodeBuffer);
        append();
        image.onWatermarks(copy, (int)length);
    }

    /** The live records, sorted by instance id; including saves not yet synced (none right after open). */
    @Override
    public List<InstanceRecord> loadInstances()
    {
        final long[] ids = image.sortedIds();
        final ArrayList<InstanceRecord> records = new ArrayList<>(ids.length);
        for (final long id : ids)
        {
            records.add(image.instances.get(id));
        }
        return records;
    }

    /** @throws IllegalStateException if the saved watermarks are for another number of replicas */
    @Override
    public long[] loadGcWatermarks(final int replicas)
    {
        if (image.watermarks == null)
        {
            return new long[replicas];
        }
        if (image.watermarks.length != replicas)
        {
            throw new IllegalStateException("the log in " + config.directory() + " holds watermarks of " +
                image.watermarks.length + " replicas, not " + replicas);
        }
        return image.watermarks.clone();
    }

    /**
     * Group commit: makes every write since the last sync durable (see {@link WriteAheadLog#sync()}), then compacts
     * if the log has grown past its threshold (that sync then also writes and syncs a snapshot of the live records,
     * and deletes old segments). Blocking.
     *
     * @return the number of records this call made durable, not counting a snapshot
     * @throws IOException if the log fails; the store must not be used further
     */
    public int sync() throws IOException
    {
        final int records = log.sync();
        if (shouldCompact())
        {
            compact();
        }
        return records;
    }

    /** True when the log is past both compaction thresholds. */
    public boolean shouldCompact()
    {
        final long logBytes = log.totalBytes();
        return logBytes > config.compactionMinLogBytes() && logBytes > config.compactionRatio() * image.liveBytes;
    }

    /**
     * Writes a snapshot of the live records into a fresh segment, syncs it and deletes the older segments (see the
     * class documentation for why a crash at any point loses nothing synced). Syncs pending writes first.
     */
    public void compact() throws IOException
    {
        log.sync();
        final long snapshotStart = log.rollSegment();
        compactionListener.onStep(CompactionStep.ROLLED, 0);
        int index = 0;
        if (image.watermarks != null)
        {
            encodeBuffer.clear();
            WalRecordCodec.encodeWatermarks(image.watermarks, encodeBuffer);
            appendOrThrow();
            compactionListener.onStep(CompactionStep.SNAPSHOT_RECORD_APPENDED, index++);
        }
        for (final long id : image.sortedIds())
        {
            encodeBuffer.clear();
            WalRecordCodec.encodeInstance(image.instances.get(id), encodeBuffer);
            appendOrThrow();
            compactionListener.onStep(CompactionStep.SNAPSHOT_RECORD_APPENDED, index++);
        }
        syncSnapshotAndDropOlderSegments(log, snapshotStart, compactionListener);
        compactions++;
        compactionListener.onStep(CompactionStep.COMPLETED, 0);
    }

    /**
     * Steps 3 and 4 of a compaction (also {@code WalLogStore}'s): the snapshot appended from {@code snapshotStart} on
     * is synced, then the segments before it are deleted oldest first (each deletion fsyncs the directory), so a crash
     * leaves a suffix of the old log, never a gap.
     */
    static void syncSnapshotAndDropOlderSegments(
        final WriteAheadLog log, final long snapshotStart, final CompactionListener listener) throws IOException
    {
        log.sync();
        listener.onStep(CompactionStep.SNAPSHOT_SYNCED, 0);
        int deleted = 0;
        while (log.deleteOldestSegmentBefore(snapshotStart))
        {
            listener.onStep(CompactionStep.SEGMENT_DELETED, deleted++);
        }
    }

    /** Syncs and closes the log. */
    @Override
    public void close() throws IOException
    {
        log.close();
    }

    /** The log, for its counters and sizes. Appending to it directly would corrupt the store. */
    public WriteAheadLog log()
    {
        return log;
    }

    public long compactions()
    {
        return compactions;
    }

    /** Bytes the live records would take as log records, headers included. */
    public long liveBytes()
    {
        return image.liveBytes;
    }

    /** Live instances. */
    public int liveInstances()
    {
        return image.instances.size();
    }

    void compactionListener(final CompactionListener listener)
    {
        this.compactionListener = listener == null ? NO_LISTENER : listener;
    }

    /** Crash simulation: drops buffered records and closes the files, as a killed process would. */
    void abandon()
    {
        log.abandon();
    }

    private void append()
    {
        try
        {
            appendOrThrow();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("write-ahead log append failed in " + config.directory(), e);
        }
    }

    private void appendOrThrow() throws IOException
    {
        encodeBuffer.flip();
        log.append(encodeBuffer);
    }

    /** The live image; also the recovery handler that rebuilds it from the log. */
    private static final class Image implements WriteAheadLog.RecordHandler, WalRecordCodec.Visitor
    {
        final Long2ObjectHashMap<InstanceRecord> instances = new Long2ObjectHashMap<>();
        long[] watermarks;
        long liveBytes;

        @Override
        public void onRecord(final long sequence, final ByteBuffer payload) throws IOException
        {
            WalRecordCodec.decode(payload, this);
        }

        @Override
        public void onInstance(final InstanceRecord record, final int encodedLength)
        {
            final InstanceRecord previous = instances.put(record.instance(), record);
            if (previous != null)
            {
                liveBytes -= WriteAheadLog.HEADER_LENGTH + WalRecordCodec.instanceLength(previous);
            }
            liveBytes += WriteAheadLog.HEADER_LENGTH + encodedLength;
        }

        @Override
        public void onRemove(final long instance)
        {
            // Replaying a suffix of the log after a compaction may remove what is not there: nothing to do then.
            final InstanceRecord previous = instances.remove(instance);
            if (previous != null)
            {
                liveBytes -= WriteAheadLog.HEADER_LENGTH + WalRecordCodec.instanceLength(previous);
            }
        }

        @Override
        public void onWatermarks(final long[] watermarks, final int encodedLength)
        {
            if (this.watermarks != null)
            {
                liveBytes -= WriteAheadLog.HEADER_LENGTH + WalRecordCodec.watermarksLength(this.watermarks);
            }
            this.watermarks = watermarks;
            liveBytes += WriteAheadLog.HEADER_LENGTH + encodedLength;
        }

        long[] sortedIds()
        {
            final long[] ids = new long[instances.size()];
            int n = 0;
            final Long2ObjectHashMap<InstanceRecord>.KeyIterator keys = instances.keySet().iterator();
            while (keys.hasNext())
            {
                ids[n++] = keys.nextLong();
            }
            Arrays.sort(ids);
            return ids;
        }
    }
}
