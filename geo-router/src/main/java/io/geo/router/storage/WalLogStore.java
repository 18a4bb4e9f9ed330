package io.geo.router.storage;

import io.geo.epaxos.Invariants;
import io.geo.epaxos.regionlog.LogEntry;
import io.geo.epaxos.regionlog.LogMessage;
import io.geo.epaxos.regionlog.LogStore;
import io.geo.router.storage.WalDurableStore.CompactionListener;
import io.geo.router.storage.WalDurableStore.CompactionStep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A region log node's {@link LogStore} on a {@link WriteAheadLog}: every promise, acceptance, commit index,
 * incarnation and truncation is one log record ({@link LogRecordCodec} describes the payloads), and the live image
 * (promised view, commit index, incarnation, truncation point, and the latest acceptance of every slot above the
 * truncation point, sorted by slot) is kept in memory. Opening the store replays the log into that image.
 *
 * <p>Seen from the caller it behaves like the simulator's in-memory store (same {@link #load()} after the same calls
 * and syncs): promise, commit index and incarnation are the last value saved (not the highest); a later acceptance of
 * a slot replaces the earlier one; {@link #truncate} keeps the highest point and drops the slots through it, and a
 * later {@link #saveAccepted} at or below that point is ignored (nothing is written for it, nor for a truncation at
 * or below the current point).
 *
 * <h2>Durability</h2>
 * The {@code save*}/{@link #truncate} calls only buffer; {@link #sync()} is the host's group commit, after which the
 * host releases the messages of the calls before it. With {@link Durability#NONE} sync writes without fsync
 * (benchmarks only). A crash loses the writes since the last sync, or the later part of them: recovery gives the
 * state after all synced calls plus a prefix (possibly empty) of the unsynced ones, never a gap. {@link #load()}
 * returns the image, which includes writes not yet synced; right after {@link #open} (where a region log node calls
 * it) that is exactly what is on disk.
 *
 * <h2>Compaction</h2>
 * A store that was never truncated never compacts: its log is the whole region log, and the only records to drop
 * would be superseded scalars and earlier acceptances of a slot, a small multiple of the live slots. Once the caller
 * truncates, the slots through the truncation point are garbage, and after a sync, when the log is larger than
 * {@link WalConfig#compactionMinLogBytes()} and than {@link WalConfig#compactionRatio()} times {@link #liveBytes()},
 * the store compacts, so the disk stays bounded by the live slots:
 * <ol>
 *   <li>roll to a fresh segment, whose first sequence S starts the snapshot;</li>
 *   <li>append the live image as ordinary records: PROMISE, COMMIT_INDEX, INCARNATION, TRUNCATE (if truncated), then
 *       ACCEPTED for every live slot in slot order;</li>
 *   <li>sync: the snapshot is durable;</li>
 *   <li>delete the segments before S, oldest first, fsyncing the directory after each deletion.</li>
 * </ol>
 * Crash safety: replaying is applying the records in order (scalars: last value wins; ACCEPTED: replaces the slot;
 * TRUNCATE: raises the point and drops the slots through it). At step 1 the image equals the replay of the whole log,
 * since everything appended was synced just before. A crash in steps 1-3 leaves the whole old log plus a prefix of
 * the snapshot (a torn end of it is cut by recovery); snapshot records re-assert values the image already has, so the
 * replay gives the image again. A crash in step 4 leaves a <em>suffix</em> of the old log plus the complete snapshot:
 * the snapshot's scalars come last and win; its TRUNCATE drops every slot at or below the point that the suffix
 * brought back; every slot above the point is live (slots leave the image only by truncation) and gets its value from
 * the snapshot's ACCEPTED. Deleting oldest first, with the directory fsync'd after each deletion, leaves a suffix even
 * across a power failure, never a gap. Records after S (new writes) are replayed after the snapshot, as usual.
 *
 * <p>Replay checks what the writer guarantees: truncation points never go down, and no ACCEPTED record lies at or
 * below the truncation point in force (both hold for any suffix of the log too). A record breaking them, or a
 * malformed payload, stops {@link #open} with a {@link WalCorruptionException} naming the segment file, offset and
 * record sequence.
 *
 * <p>Not thread-safe: the node's thread calls everything. Entries are copied when saved and again by {@link #load()},
 * so neither side's arrays are shared. The {@link LogStore} methods throw {@link UncheckedIOException} when the log
 * fails, and {@link IllegalStateException} once it has failed (or is closed): the host must then stop and recover.
 */
public final class WalLogStore implements LogStore, AutoCloseable
{
    /** Segment size of {@link #open(Path, Durability)}. */
    public static final long DEFAULT_SEGMENT_SIZE_BYTES = 16L << 20;
    /** Compaction threshold of {@link #open(Path, Durability)}: two segments. */
    public static final long DEFAULT_COMPACTION_MIN_LOG_BYTES = 32L << 20;

    private static final int SCALAR_RECORD_BYTES = WriteAheadLog.HEADER_LENGTH + LogRecordCodec.SCALAR_LENGTH;

    private static final CompactionListener NO_LISTENER = (step, index) ->
    {
    };

    private final WalConfig config;
    private final WriteAheadLog log;
    private final Image image;
    private final ByteBuffer encodeBuffer;
    private CompactionListener compactionListener = NO_LISTENER;
    private long compactions;

    private WalLogStore(final WalConfig config, final WriteAheadLog log, final Image image)
    {
        this.config = config;
        this.log = log;
        this.image = image;
        this.encodeBuffer = ByteBuffer.allocate(config.maxRecordBytes()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Opens (or creates) the store in {@code config.directory()}, replaying the log. Blocking.
     *
     * @throws WalCorruptionException if the log is damaged beyond a torn tail, or holds a malformed or impossible
     *                                record (the message names the segment, offset and record sequence)
     * @throws IOException            on I/O errors
     */
    public static WalLogStore open(final WalConfig config) throws IOException
    {
        config.conclude();
        final Image image = new Image();
        final WriteAheadLog log = WriteAheadLog.open(config, image);
        return new WalLogStore(config, log, image);
    }

    /**
     * Opens (or creates) the store in {@code directory} with 16 MiB segments and compaction from 32 MiB of log (other
     * settings: {@link WalConfig}'s defaults and system properties).
     */
    public static WalLogStore open(final Path directory, final Durability durability) throws IOException
    {
        return open(new WalConfig()
            .directory(directory)
            .durability(durability)
            .segmentSizeBytes(DEFAULT_SEGMENT_SIZE_BYTES)
            .compactionMinLogBytes(DEFAULT_COMPACTION_MIN_LOG_BYTES));
    }

    @Override
    public void savePromise(final long view)
    {
        encodeBuffer.clear();
        LogRecordCodec.encodeScalar(LogRecordCodec.PROMISE, view, encodeBuffer);
        append();
        image.promisedView = view;
    }

    /**
     * Stores a copy of {@code entry}; ignored when {@code slot} is at or below the truncation point.
     *
     * @throws IllegalArgumentException if {@code slot} is below 1, {@code entry} is null, or the record encodes to
     *                                  more than {@link WalConfig#maxRecordBytes()}
     */
    @Override
    public void saveAccepted(final long slot, final long view, final LogEntry entry)
    {
        if (slot < 1 || entry == null)
        {
            throw new IllegalArgumentException("saveAccepted: slot >= 1 and an entry expected: " + slot + ", " + entry);
        }
        if (slot <= image.truncatedThrough)
        {
            return;
        }
        final long length = LogRecordCodec.acceptedLength(entry);
        if (length > config.maxRecordBytes())
        {
            throw new IllegalArgumentException("slot " + slot + " (" + entry + ") encodes to " + length +
                " bytes, more than " + WalConfig.MAX_RECORD_PROPERTY + "=" + config.maxRecordBytes());
        }
        encodeBuffer.clear();
        LogRecordCodec.encodeAccepted(slot, view, entry, encodeBuffer);
        append();
        image.onAcceptedApplied(slot, view, copy(entry), (int)length);
    }

    @Override
    public void saveCommitIndex(final long commitIndex)
    {
        encodeBuffer.clear();
        LogRecordCodec.encodeScalar(LogRecordCodec.COMMIT_INDEX, commitIndex, encodeBuffer);
        append();
        image.commitIndex = commitIndex;
    }

    @Override
    public void saveIncarnation(final long incarnation)
    {
        encodeBuffer.clear();
        LogRecordCodec.encodeScalar(LogRecordCodec.INCARNATION, incarnation, encodeBuffer);
        append();
        image.incarnation = incarnation;
    }

    /** Drops the slots through {@code throughSlot}; a point at or below the current one changes nothing. */
    @Override
    public void truncate(final long throughSlot)
    {
        if (throughSlot <= image.truncatedThrough)
        {
            return;
        }
        encodeBuffer.clear();
        LogRecordCodec.encodeTruncate(throughSlot, encodeBuffer);
        append();
        image.onTruncateApplied(throughSlot);
    }

    /** A fresh copy of the image (writes not yet synced included): accepted slots sorted by slot, entries copied. */
    @Override
    public State load()
    {
        final List<LogMessage.AcceptedSlot> accepted = new ArrayList<>(image.accepted.size());
        for (final LogMessage.AcceptedSlot slot : image.accepted.values())
        {
            accepted.add(new LogMessage.AcceptedSlot(slot.slot(), slot.view(), copy(slot.entry())));
        }
        return new State(image.promisedView, image.commitIndex, image.incarnation, image.truncatedThrough, accepted);
    }

    /**
     * Group commit: makes every write since the last sync durable (see {@link WriteAheadLog#sync()}), then compacts
     * if the store was truncated and the log has grown past its thresholds (that call then also writes and syncs a
     * snapshot of the image, and deletes old segments). Blocking.
     *
     * @throws IOException if the log fails; the store must not be used further
     */
    public void sync() throws IOException
    {
        log.sync();
        if (shouldCompact())
        {
            compact();
        }
    }

    /** True when records were written since the last {@link #sync()} (calls that change nothing write none). */
    public boolean hasUnsynced()
    {
        return log.nextSequence() - 1 != log.lastSyncedSequence();
    }

    /** True when the store was truncated and the log is past both compaction thresholds. */
    public boolean shouldCompact()
    {
        final long logBytes = log.totalBytes();
        return image.truncatedThrough > 0 && logBytes > config.compactionMinLogBytes() &&
            logBytes > config.compactionRatio() * liveBytes();
    }

    /**
     * Writes a snapshot of the image into a fresh segment, syncs it and deletes the older segments (see the class
     * documentation for why a crash at any point loses nothing synced). Syncs pending writes first. Blocking.
     */
    public void compact() throws IOException
    {
        log.sync();
        final long snapshotStart = log.rollSegment();
        compactionListener.onStep(CompactionStep.ROLLED, 0);
        int index = 0;
        appendScalarOrThrow(LogRecordCodec.PROMISE, image.promisedView);
        compactionListener.onStep(CompactionStep.SNAPSHOT_RECORD_APPENDED, index++);
        appendScalarOrThrow(LogRecordCodec.COMMIT_INDEX, image.commitIndex);
        compactionListener.onStep(CompactionStep.SNAPSHOT_RECORD_APPENDED, index++);
        appendScalarOrThrow(LogRecordCodec.INCARNATION, image.incarnation);
        compactionListener.onStep(CompactionStep.SNAPSHOT_RECORD_APPENDED, index++);
        if (image.truncatedThrough > 0)
        {
            encodeBuffer.clear();
            LogRecordCodec.encodeTruncate(image.truncatedThrough, encodeBuffer);
            appendOrThrow();
            compactionListener.onStep(CompactionStep.SNAPSHOT_RECORD_APPENDED, index++);
        }
        for (final LogMessage.AcceptedSlot slot : image.accepted.values())
        {
            Invariants.check(slot.slot() > image.truncatedThrough, "live slots lie above the truncation point",
                slot.slot(), image.truncatedThrough);
            encodeBuffer.clear();
            LogRecordCodec.encodeAccepted(slot.slot(), slot.view(), slot.entry(), encodeBuffer);
            appendOrThrow();
            compactionListener.onStep(CompactionStep.SNAPSHOT_RECORD_APPENDED, index++);
        }
        WalDurableStore.syncSnapshotAndDropOlderSegments(log, snapshotStart, compactionListener);
        compactions++;
        compactionListener.onStep(CompactionStep.COMPLETED, 0);
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

    /** Bytes a snapshot of the image takes as log records, headers included. */
    public long liveBytes()
    {
        return (image.truncatedThrough > 0 ? 4 : 3) * (long)SCALAR_RECORD_BYTES + image.acceptedBytes;
    }

    /** Live accepted slots (above the truncation point). */
    public int liveSlots()
    {
        return image.accepted.size();
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

    private static LogEntry copy(final LogEntry entry)
    {
        return entry.isNoop() ? LogEntry.NOOP : LogEntry.of(entry.origin(), entry.sequence(), entry.payload().clone());
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

    private void appendScalarOrThrow(final byte kind, final long value) throws IOException
    {
        encodeBuffer.clear();
        LogRecordCodec.encodeScalar(kind, value, encodeBuffer);
        appendOrThrow();
    }

    private void appendOrThrow() throws IOException
    {
        encodeBuffer.flip();
        log.append(encodeBuffer);
    }

    /** The live image; also the recovery handler that rebuilds it from the log. */
    private static final class Image implements WriteAheadLog.RecordHandler, LogRecordCodec.Visitor
    {
        final TreeMap<Long, LogMessage.AcceptedSlot> accepted = new TreeMap<>();
        long promisedView;
        long commitIndex;
        long incarnation;
        long truncatedThrough;
        /** Bytes the live slots take as log records, headers included. */
        long acceptedBytes;

        @Override
        public void onRecord(final long sequence, final ByteBuffer payload) throws IOException
        {
            LogRecordCodec.decode(payload, this);
        }

        @Override
        public void onPromise(final long view)
        {
            promisedView = view;
        }

        @Override
        public void onAccepted(final long slot, final long view, final LogEntry entry, final int encodedLength)
            throws WalCorruptionException
        {
            if (slot <= truncatedThrough)
            {
                throw new WalCorruptionException("ACCEPTED in slot " + slot + ", at or below the truncation through " +
                    truncatedThrough + " (the writer never stores those)");
            }
            onAcceptedApplied(slot, view, entry, encodedLength);
        }

        @Override
        public void onCommitIndex(final long commitIndex)
        {
            this.commitIndex = commitIndex;
        }

        @Override
        public void onIncarnation(final long incarnation)
        {
            this.incarnation = incarnation;
        }

        @Override
        public void onTruncate(final long throughSlot) throws WalCorruptionException
        {
            // Equal is fine: a snapshot re-asserts the point when the whole old log is still there.
            if (throughSlot < truncatedThrough)
            {
                throw new WalCorruptionException("TRUNCATE through slot " + throughSlot + " after a truncation " +
                    "through " + truncatedThrough + " (truncation points never go down)");
            }
            onTruncateApplied(throughSlot);
        }

        void onAcceptedApplied(final long slot, final long view, final LogEntry entry, final int encodedLength)
        {
            final LogMessage.AcceptedSlot previous = accepted.put(slot, new LogMessage.AcceptedSlot(slot, view, entry));
            if (previous != null)
            {
                acceptedBytes -= recordBytes(previous.entry());
            }
            acceptedBytes += WriteAheadLog.HEADER_LENGTH + encodedLength;
        }

        void onTruncateApplied(final long throughSlot)
        {
            truncatedThrough = throughSlot;
            final NavigableMap<Long, LogMessage.AcceptedSlot> dropped = accepted.headMap(throughSlot, true);
            for (final LogMessage.AcceptedSlot slot : dropped.values())
            {
                acceptedBytes -= recordBytes(slot.entry());
            }
            dropped.clear();
        }

        private static long recordBytes(final LogEntry entry)
        {
            return WriteAheadLog.HEADER_LENGTH + LogRecordCodec.acceptedLength(entry);
        }
    }
}
