package io.geo.router.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * An append-only log of checksummed records with group commit, kept in segment files in one directory.
 *
 * <h2>On-disk format</h2>
 * A segment file is named {@code wal-<first sequence, 16 decimal digits>.log} and holds records back to back, with
 * no file header and no padding. Records are numbered 1, 2, 3, ... across segments (the <i>sequence</i>); the first
 * record of a segment has the sequence in its name. Each record is a 24-byte header and the payload, little-endian:
 * <pre>
 *   offset  size  field
 *        0     4  length            payload bytes, 1 .. maxRecordBytes
 *        4     4  crc               CRC32C of bytes 8 .. 24 + length (the rest of the header and the payload)
 *        8     8  sequence          this record's sequence
 *       16     8  durableSequence   the highest sequence fsync'd when this record was appended (0: none);
 *                                   always below sequence
 *       24     n  payload
 * </pre>
 * {@code durableSequence} tells a torn tail from damaged history (see Recovery). With {@link Durability#NONE} it only
 * moves when the log is opened, since nothing is fsync'd.
 *
 * <h2>Writing</h2>
 * {@link #append} copies a record into a write buffer (no system call, unless the buffer is full: then it is written
 * out first, still without fsync). {@link #sync()} writes the buffer and calls {@link FileChannel#force(boolean)}
 * once (group commit); when a segment was rotated since the last sync, the finished segment is forced too, and the
 * directory, so the new file's name is durable. A segment rotates before an append that would take it past
 * {@link WalConfig#segmentSizeBytes()} (a record larger than a segment gets a segment of its own).
 *
 * <h2>Recovery</h2>
 * {@link #open} reads the segments in order and hands every valid record to a {@link RecordHandler}. A record is
 * valid when its length is in range, it lies inside the file, its CRC matches, its sequence is the next one and its
 * durableSequence is below its sequence. At the first invalid record R (sequence s):
 * <ul>
 *   <li>if a valid record later in the log (found by scanning every later byte offset of R's segment and the later
 *       segments) has {@code durableSequence >= s}, then R had been fsync'd before that record was written, so R is
 *       acknowledged data that was damaged afterwards: {@link WalCorruptionException} names the file and offset and
 *       nothing is changed;</li>
 *   <li>otherwise R and everything after it were never synced: a torn tail from a crash. Later segments are
 *       deleted, R's segment is truncated at R, and both changes are fsync'd before new appends.</li>
 * </ul>
 * A gap between segments (a segment whose name is not the sequence after the previous segment's last record) is
 * judged the same way, as if the previous segment ended in a damaged record: a power failure can persist a new
 * segment's name but not the unsynced end of the segment before it. Limit of the rule: damage inside the very last
 * synced group, with nothing written after it, looks like a torn tail and is truncated; a checksum cannot tell the
 * two apart.
 *
 * <p>After recovery with {@link Durability#SYNC} every segment is fsync'd once, so records that a crashed process
 * had written but not synced are durable before the host acts on them.
 *
 * <p>The directory also holds {@code wal.lock}, locked while the log is open (the lock dies with the process).
 *
 * <h2>Errors</h2>
 * An I/O error in a write or fsync fails the log for good: every later call throws {@link IllegalStateException}.
 * After a failed fsync the kernel may have dropped the dirty pages, so retrying could report durable what is not;
 * the host must restart and recover.
 *
 * <p>Not thread-safe: one thread (the host's duty cycle) appends and syncs.
 */
public final class WriteAheadLog implements AutoCloseable
{
    /** Bytes of a record's header. */
    public static final int HEADER_LENGTH = 24;
    /** Sequence of the first record of a new log. */
    public static final long FIRST_SEQUENCE = 1;

    static final int LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int SEQUENCE_OFFSET = 8;
    static final int DURABLE_SEQUENCE_OFFSET = 16;

    /** Held (an OS file lock) while a log is open, so that two writers never share a directory. */
    static final String LOCK_FILE_NAME = "wal.lock";

    private static final Pattern SEGMENT_NAME = Pattern.compile("wal-(\\d{16})\\.log");
    private static final int READ_CHUNK_BYTES = 4 << 20;

    /** Receives the records found by recovery, in sequence order. */
    @FunctionalInterface
    public interface RecordHandler
    {
        /**
         * @param sequence the record's sequence
         * @param payload  the payload, little-endian, read-only, position 0; valid only during this call
         * @throws WalCorruptionException if the payload is malformed: recovery fails naming the file and offset
         * @throws IOException            to abort recovery
         */
        void onRecord(long sequence, ByteBuffer payload) throws IOException;
    }

    private static final class Segment
    {
        final long firstSequence;
        final Path path;
        /** Bytes in the file, not counting the write buffer. */
        long lengthBytes;

        Segment(final long firstSequence, final Path path, final long lengthBytes)
        {
            this.firstSequence = firstSequence;
            this.path = path;
            this.lengthBytes = lengthBytes;
        }
    }

    private final Path directory;
    private final long segmentSizeBytes;
    private final int maxRecordBytes;
    private final Durability durability;
    private final ByteBuffer writeBuffer;
    private final CRC32C crc = new CRC32C();
    private final ArrayList<Segment> segments = new ArrayList<>();
    /** Finished segments written since the last sync, still to be forced (SYNC only). */
    private final ArrayList<FileChannel> unforced = new ArrayList<>();

    private FileChannel lockChannel;
    private FileChannel current;
    private long nextSequence;
    private long syncedSequence;
    private long durableSequence;
    private boolean directoryDirty;
    private IOException failure;
    private boolean closed;

    private long appends;
    private long bytesAppended;
    private long syncs;
    private long forces;
    private long writes;
    private long syncedRecords;
    private int lastSyncRecords;
    private int maxSyncRecords;
    private long segmentsDeleted;
    private long recoveredRecords;
    private long truncatedBytes;

    private WriteAheadLog(final WalConfig config)
    {
        this.directory = config.directory();
        this.segmentSizeBytes = config.segmentSizeBytes();
        this.maxRecordBytes = config.maxRecordBytes();
        this.durability = config.durability();
        this.writeBuffer = ByteBuffer.allocateDirect(config.writeBufferBytes()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Opens the log in {@code config.directory()} (created if missing), recovering as described in the class
     * documentation: every valid record is handed to {@code handler} in sequence order before this returns.
     *
     * @throws WalCorruptionException if the log holds damage that recovery must not repair (names file and offset)
     * @throws IOException            on I/O errors, or when {@code handler} throws
     */
    public static WriteAheadLog open(final WalConfig config, final RecordHandler handler) throws IOException
    {
        config.conclude();
        final WriteAheadLog log = new WriteAheadLog(config);
        boolean opened = false;
        try
        {
            log.recover(handler);
            opened = true;
            return log;
        }
        finally
        {
            if (!opened)
            {
                log.abandon();
            }
        }
    }

    /** The file name of the segment whose first record has {@code firstSequence}. */
    public static String segmentFileName(final long firstSequence)
    {
        return String.format("wal-%016d.log", firstSequence);
    }

    // ------------------------------------------------------------------------------------------------ writing

    /**
     * Appends the bytes from {@code payload}'s position to its limit (the buffer's position is not changed). Does no
     * system call unless the write buffer is full or the segment rotates; the record is durable after the next
     * {@link #sync()}.
     *
     * @return the record's sequence
     * @throws IllegalArgumentException if the payload is empty or longer than {@link WalConfig#maxRecordBytes()}
     * @throws IOException              if writing out a full buffer or rotating fails (the log is then failed)
     */
    public long append(final ByteBuffer payload) throws IOException
    {
        final int length = payload.remaining();
        final int start = reserve(length);
        writeBuffer.put(start + HEADER_LENGTH, payload, payload.position(), length);
        return commit(start, length);
    }

    /** Appends {@code length} bytes of {@code payload} from {@code offset}; else as {@link #append(ByteBuffer)}. */
    public long append(final byte[] payload, final int offset, final int length) throws IOException
    {
        final int start = reserve(length);
        writeBuffer.put(start + HEADER_LENGTH, payload, offset, length);
        return commit(start, length);
    }

    /**
     * Group commit: writes every record appended since the last sync and, with {@link Durability#SYNC}, forces them
     * to stable storage. Blocking.
     *
     * @return the number of records this call made durable (0 when nothing was appended since the last sync)
     * @throws IOException if a write or fsync fails; the log is failed for good (see the class documentation)
     */
    public int sync() throws IOException
    {
        ensureUsable();
        final long target = nextSequence - 1;
        if (target == syncedSequence && writeBuffer.position() == 0 && unforced.isEmpty() && !directoryDirty)
        {
            return 0;
        }
        try
        {
            flushBuffer();
            for (int i = 0; i < unforced.size(); i++)
            {
                final FileChannel finished = unforced.get(i);
                finished.force(false);
                finished.close();
                forces++;
            }
            unforced.clear();
            if (durability == Durability.SYNC)
            {
                current.force(false);
                forces++;
                if (directoryDirty)
                {
                    forceDirectory();
                }
                durableSequence = target;
            }
            directoryDirty = false;
        }
        catch (final IOException e)
        {
            throw fail(e);
        }
        final int records = (int)(target - syncedSequence);
        syncedSequence = target;
        if (records > 0)
        {
            syncs++;
            syncedRecords += records;
            lastSyncRecords = records;
            maxSyncRecords = Math.max(maxSyncRecords, records);
        }
        return records;
    }

    /**
     * Starts a new segment now, so that the next appended record is the first of a segment (compaction writes its
     * snapshot there). Does nothing when the current segment is empty.
     *
     * @return the sequence the next appended record gets, which is the first sequence of the current segment
     */
    public long rollSegment() throws IOException
    {
        ensureUsable();
        if (currentSegment().lengthBytes + writeBuffer.position() > 0)
        {
            rotate();
        }
        return nextSequence;
    }

    /**
     * Deletes the oldest segment if every record in it has a sequence below {@code sequence}, and (with
     * {@link Durability#SYNC}) fsyncs the directory so that segments disappear oldest first even across a power
     * failure. Never deletes the current segment.
     *
     * @return true when a segment was deleted
     * @throws IllegalStateException if records below {@code sequence} are not synced yet
     */
    public boolean deleteOldestSegmentBefore(final long sequence) throws IOException
    {
        ensureUsable();
        if (sequence - 1 > syncedSequence)
        {
            throw new IllegalStateException(
                "cannot delete records below " + sequence + ": only records through " + syncedSequence + " are synced");
        }
        if (segments.size() < 2 || segments.get(1).firstSequence > sequence)
        {
            return false;
        }
        final Segment oldest = segments.get(0);
        try
        {
            Files.delete(oldest.path);
            if (durability == Durability.SYNC)
            {
                forceDirectory();
            }
        }
        catch (final IOException e)
        {
            throw fail(e);
        }
        segments.remove(0);
        segmentsDeleted++;
        return true;
    }

    /** Deletes every segment whose records all are below {@code sequence}; see {@link #deleteOldestSegmentBefore}. */
    public int deleteSegmentsBefore(final long sequence) throws IOException
    {
        int deleted = 0;
        while (deleteOldestSegmentBefore(sequence))
        {
            deleted++;
        }
        return deleted;
    }

    /** Syncs what was appended (unless the log failed) and closes the files. Idempotent. */
    @Override
    public void close() throws IOException
    {
        if (closed)
        {
            return;
        }
        try
        {
            if (failure == null)
            {
                sync();
            }
        }
        finally
        {
            abandon();
        }
    }

    /**
     * Closes the files without writing the buffer: what a process crash does (records already written out stay in
     * the kernel's page cache; buffered ones are lost). For crash tests.
     */
    void abandon()
    {
        closed = true;
        writeBuffer.clear();
        for (int i = 0; i < unforced.size(); i++)
        {
            closeQuietly(unforced.get(i));
        }
        unforced.clear();
        closeQuietly(current);
        current = null;
        closeQuietly(lockChannel);
        lockChannel = null;
    }

    // ------------------------------------------------------------------------------------------------ state

    /** The sequence the next appended record gets. */
    public long nextSequence()
    {
        return nextSequence;
    }

    /** The highest sequence written out by {@link #sync()} (and recovered records); durable with SYNC. */
    public long lastSyncedSequence()
    {
        return syncedSequence;
    }

    /** The sequence of the oldest record still in the log (equal to {@link #nextSequence()} when it is empty). */
    public long firstSequence()
    {
        return segments.get(0).firstSequence;
    }

    /** Bytes of all segments, including records still in the write buffer. */
    public long totalBytes()
    {
        long total = writeBuffer.position();
        for (int i = 0; i < segments.size(); i++)
        {
            total += segments.get(i).lengthBytes;
        }
        return total;
    }

    public int segmentCount()
    {
        return segments.size();
    }

    public Path directory()
    {
        return directory;
    }

    public Durability durability()
    {
        return durability;
    }

    /** Records appended since open. */
    public long appends()
    {
        return appends;
    }

    /** Bytes appended since open, headers included. */
    public long bytesAppended()
    {
        return bytesAppended;
    }

    /** Calls to {@link #sync()} that made at least one record durable. */
    public long syncs()
    {
        return syncs;
    }

    /** Calls to {@link FileChannel#force(boolean)} on segment files. */
    public long forces()
    {
        return forces;
    }

    /** Write system calls (one per sync, plus one per full buffer or rotation). */
    public long writes()
    {
        return writes;
    }

    /** Records made durable by {@link #sync()} since open; divided by {@link #syncs()}: records per sync. */
    public long syncedRecords()
    {
        return syncedRecords;
    }

    public int lastSyncRecords()
    {
        return lastSyncRecords;
    }

    public int maxSyncRecords()
    {
        return maxSyncRecords;
    }

    public long segmentsDeleted()
    {
        return segmentsDeleted;
    }

    /** Records handed to the handler by recovery. */
    public long recoveredRecords()
    {
        return recoveredRecords;
    }

    /** Bytes of torn tail that recovery cut off (0 after a clean shutdown). */
    public long truncatedBytes()
    {
        return truncatedBytes;
    }

    // ------------------------------------------------------------------------------------------------ internals

    private int reserve(final int length) throws IOException
    {
        ensureUsable();
        if (length < 1 || length > maxRecordBytes)
        {
            throw new IllegalArgumentException("record payload of " + length + " bytes is out of range: must be in " +
                "[1, " + maxRecordBytes + "] (" + WalConfig.MAX_RECORD_PROPERTY + ")");
        }
        final int recordLength = HEADER_LENGTH + length;
        final long segmentBytes = currentSegment().lengthBytes + writeBuffer.position();
        if (segmentBytes > 0 && segmentBytes + recordLength > segmentSizeBytes)
        {
            rotate();
        }
        if (writeBuffer.remaining() < recordLength)
        {
            flushOrFail();
        }
        return writeBuffer.position();
    }

    private long commit(final int start, final int length)
    {
        final long sequence = nextSequence;
        final int end = start + HEADER_LENGTH + length;
        writeBuffer.putInt(start + LENGTH_OFFSET, length);
        writeBuffer.putLong(start + SEQUENCE_OFFSET, sequence);
        writeBuffer.putLong(start + DURABLE_SEQUENCE_OFFSET, durableSequence);
        crc.reset();
        writeBuffer.limit(end).position(start + SEQUENCE_OFFSET);
        crc.update(writeBuffer);
        writeBuffer.limit(writeBuffer.capacity());
        writeBuffer.position(end);
        writeBuffer.putInt(start + CRC_OFFSET, (int)crc.getValue());
        nextSequence = sequence + 1;
        appends++;
        bytesAppended += HEADER_LENGTH + length;
        return sequence;
    }

    private void rotate() throws IOException
    {
        flushOrFail();
        final Segment next = new Segment(nextSequence, directory.resolve(segmentFileName(nextSequence)), 0);
        try
        {
            final FileChannel channel =
                FileChannel.open(next.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            if (durability == Durability.SYNC)
            {
                unforced.add(current);
            }
            else
            {
                current.close();
            }
            current = channel;
        }
        catch (final IOException e)
        {
            throw fail(e);
        }
        segments.add(next);
        directoryDirty = true;
    }

    private void flushOrFail() throws IOException
    {
        try
        {
            flushBuffer();
        }
        catch (final IOException e)
        {
            throw fail(e);
        }
    }

    private void flushBuffer() throws IOException
    {
        if (writeBuffer.position() == 0)
        {
            return;
        }
        final Segment segment = currentSegment();
        writeBuffer.flip();
        while (writeBuffer.hasRemaining())
        {
            segment.lengthBytes += current.write(writeBuffer, segment.lengthBytes);
        }
        writeBuffer.clear();
        writes++;
    }

    private Segment currentSegment()
    {
        return segments.get(segments.size() - 1);
    }

    private void forceDirectory() throws IOException
    {
        forceDirectory(directory);
    }

    /** Makes creations and deletions of files in {@code directory} durable (fsync on the directory; POSIX). */
    static void forceDirectory(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    private void ensureUsable()
    {
        if (failure != null)
        {
            throw new IllegalStateException("write-ahead log in " + directory + " failed earlier; restart and recover",
                failure);
        }
        if (closed)
        {
            throw new IllegalStateException("write-ahead log in " + directory + " is closed");
        }
    }

    private IOException fail(final IOException e)
    {
        if (failure == null)
        {
            failure = e;
        }
        return e;
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // Closing after a crash or failure: nothing more to lose.
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ recovery

    private void lockDirectory() throws IOException
    {
        lockChannel = FileChannel.open(directory.resolve(LOCK_FILE_NAME), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        FileLock lock;
        try
        {
            lock = lockChannel.tryLock();
        }
        catch (final OverlappingFileLockException e)
        {
            lock = null;
        }
        if (lock == null)
        {
            throw new IOException("write-ahead log directory " + directory + " is in use by another open log (" +
                LOCK_FILE_NAME + " is locked)");
        }
    }

    private void recover(final RecordHandler handler) throws IOException
    {
        Files.createDirectories(directory);
        lockDirectory();
        final List<Segment> found = listSegments(directory);
        long expected = found.isEmpty() ? FIRST_SEQUENCE : found.get(0).firstSequence;
        long lastDurableInHeaders = 0;
        final SegmentReader reader = new SegmentReader(Math.max(READ_CHUNK_BYTES, HEADER_LENGTH + maxRecordBytes),
            maxRecordBytes);
        int kept = found.size();
        long tornPosition = -1;
        for (int i = 0; i < found.size() && tornPosition < 0; i++)
        {
            final Segment segment = found.get(i);
            if (segment.firstSequence != expected)
            {
                // A power failure can persist a new segment's name but not the end of the segment before it; that
                // end was never synced unless a later record says so.
                final String proof = segment.firstSequence > expected ?
                    findProofOfSync(found, i, -1, expected) : "a segment cannot start before its predecessor ends";
                if (proof != null)
                {
                    throw new WalCorruptionException(segment.path, 0, "the segment starts at sequence " +
                        segment.firstSequence + " but the log before it ends at sequence " + (expected - 1) +
                        " (a segment is missing or misnamed), and " + proof);
                }
                tornPosition = found.get(i - 1).lengthBytes;
                kept = i;
                break;
            }
            try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ))
            {
                reader.reset(channel, channel.size());
                long position = 0;
                while (true)
                {
                    final int length = reader.inspect(position, expected);
                    if (length == SegmentReader.END)
                    {
                        break;
                    }
                    if (length == SegmentReader.DEFECT)
                    {
                        final String defect = reader.defect();
                        final String proof = findProofOfSync(found, i, position, expected);
                        if (proof != null)
                        {
                            throw new WalCorruptionException(segment.path, position, "record sequence " + expected +
                                " is damaged (" + defect + "), yet " + proof + ": it had been synced, so this is " +
                                "not a torn tail; refusing to drop acknowledged records");
                        }
                        tornPosition = position;
                        kept = i + 1;
                        break;
                    }
                    try
                    {
                        handler.onRecord(expected, reader.payload(position, length));
                    }
                    catch (final WalCorruptionException e)
                    {
                        throw new WalCorruptionException(segment.path, position,
                            "record sequence " + expected + ": " + e.getMessage(), e);
                    }
                    lastDurableInHeaders = reader.durableSequence(position);
                    position += HEADER_LENGTH + length;
                    expected++;
                    recoveredRecords++;
                }
            }
        }
        if (tornPosition >= 0)
        {
            cutTornTail(found, kept, tornPosition);
        }
        segments.addAll(found.subList(0, kept));
        if (segments.isEmpty())
        {
            final Path path = directory.resolve(segmentFileName(expected));
            FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
            segments.add(new Segment(expected, path, 0));
            forceDirectory();
        }
        else if (durability == Durability.SYNC)
        {
            // A crashed process may have written records it never synced; the host is about to act on them.
            for (int i = 0; i < segments.size() - 1; i++)
            {
                try (FileChannel channel = FileChannel.open(segments.get(i).path, StandardOpenOption.WRITE))
                {
                    channel.force(false);
                }
            }
        }
        final Segment last = currentSegment();
        current = FileChannel.open(last.path, StandardOpenOption.WRITE);
        if (durability == Durability.SYNC)
        {
            current.force(false);
            forceDirectory();
        }
        last.lengthBytes = current.size();
        nextSequence = expected;
        syncedSequence = expected - 1;
        durableSequence = durability == Durability.SYNC ? expected - 1 : lastDurableInHeaders;
    }

    /** Torn tail at {@code position} of segment {@code kept - 1}: delete later segments, then truncate, durably. */
    private void cutTornTail(final List<Segment> found, final int kept, final long position) throws IOException
    {
        // Later segments go first, newest first: a crash part way leaves the same torn record to find again, never a
        // gap between segments.
        for (int j = found.size() - 1; j >= kept; j--)
        {
            final Segment later = found.get(j);
            truncatedBytes += later.lengthBytes;
            Files.delete(later.path);
        }
        forceDirectory();
        final Segment torn = found.get(kept - 1);
        try (FileChannel channel = FileChannel.open(torn.path, StandardOpenOption.WRITE))
        {
            truncatedBytes += channel.size() - position;
            channel.truncate(position);
            channel.force(false);
        }
        torn.lengthBytes = position;
    }

    /**
     * Looks after the damaged record (sequence {@code sequence} at {@code position} of segment {@code index}; -1:
     * before the segment's start) for a valid record written after {@code sequence} had been fsync'd. Scans every
     * byte offset, since the damaged record's length cannot be trusted.
     *
     * @return a description of the proving record, or null if there is none
     */
    private String findProofOfSync(final List<Segment> found, final int index, final long position,
        final long sequence) throws IOException
    {
        final SegmentReader scanner = new SegmentReader(Math.max(READ_CHUNK_BYTES, HEADER_LENGTH + maxRecordBytes),
            maxRecordBytes);
        for (int j = index; j < found.size(); j++)
        {
            final Segment segment = found.get(j);
            try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ))
            {
                scanner.reset(channel, channel.size());
                long offset = j == index ? position + 1 : 0;
                while (offset + HEADER_LENGTH <= channel.size())
                {
                    final int length = scanner.inspectCandidate(offset, sequence);
                    if (length > 0)
                    {
                        final long durable = scanner.durableSequence(offset);
                        if (durable >= sequence)
                        {
                            return "record sequence " + scanner.sequence(offset) + " at " + segment.path + " offset " +
                                offset + " was written after records through " + durable + " were fsync'd";
                        }
                        offset += HEADER_LENGTH + length;
                    }
                    else
                    {
                        offset++;
                    }
                }
            }
        }
        return null;
    }

    private static List<Segment> listSegments(final Path directory) throws IOException
    {
        final ArrayList<Segment> found = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory))
        {
            for (final Path path : stream)
            {
                final Matcher matcher = SEGMENT_NAME.matcher(path.getFileName().toString());
                if (matcher.matches())
                {
                    found.add(new Segment(Long.parseLong(matcher.group(1)), path, Files.size(path)));
                }
            }
        }
        found.sort(Comparator.comparingLong(segment -> segment.firstSequence));
        return found;
    }

    /** Reads one segment through a large buffer and checks records in it. */
    private static final class SegmentReader
    {
        static final int END = 0;
        static final int DEFECT = -1;

        private final ByteBuffer buffer;
        private final ByteBuffer readOnly;
        private final int maxRecordBytes;
        private final CRC32C crc = new CRC32C();
        private FileChannel channel;
        private long size;
        private long bufferStart;
        private int bufferLength;
        private String defect;

        SegmentReader(final int capacity, final int maxRecordBytes)
        {
            this.buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
            this.readOnly = buffer.asReadOnlyBuffer();
            this.maxRecordBytes = maxRecordBytes;
        }

        void reset(final FileChannel channel, final long size)
        {
            this.channel = channel;
            this.size = size;
            this.bufferStart = 0;
            this.bufferLength = 0;
        }

        /**
         * @return the payload length of the valid record with sequence {@code expected} at {@code position},
         *         {@link #END} at the end of the file, or {@link #DEFECT} (see {@link #defect()})
         */
        int inspect(final long position, final long expected) throws IOException
        {
            if (position == size)
            {
                return END;
            }
            if (!ensure(position, HEADER_LENGTH))
            {
                return defect("only " + (size - position) + " bytes left, less than a record header");
            }
            final int length = buffer.getInt(index(position) + LENGTH_OFFSET);
            if (length < 1 || length > maxRecordBytes)
            {
                return defect("length " + length + " out of range [1, " + maxRecordBytes + "]");
            }
            if (!ensure(position, HEADER_LENGTH + length))
            {
                return defect("a record of " + length + " payload bytes runs past the end of the file at " + size);
            }
            final int stored = buffer.getInt(index(position) + CRC_OFFSET);
            final int computed = crc(position, length);
            if (stored != computed)
            {
                return defect("CRC32C mismatch: stored " + Integer.toHexString(stored) + ", computed " +
                    Integer.toHexString(computed));
            }
            final long sequence = sequence(position);
            if (sequence != expected)
            {
                return defect("sequence " + sequence + " where " + expected + " was expected");
            }
            final long durable = durableSequence(position);
            if (durable < 0 || durable >= sequence)
            {
                return defect("durable sequence " + durable + " is not below the record's sequence " + sequence);
            }
            return length;
        }

        /**
         * While scanning for proof: the payload length if a valid record with a sequence above {@code after} starts
         * at {@code position}, else 0. Cheap checks come before the CRC, which is computed rarely.
         */
        int inspectCandidate(final long position, final long after) throws IOException
        {
            if (!ensure(position, HEADER_LENGTH))
            {
                return 0;
            }
            final int length = buffer.getInt(index(position) + LENGTH_OFFSET);
            if (length < 1 || length > maxRecordBytes)
            {
                return 0;
            }
            final long sequence = sequence(position);
            final long durable = durableSequence(position);
            if (sequence <= after || durable < 0 || durable >= sequence || !ensure(position, HEADER_LENGTH + length))
            {
                return 0;
            }
            return buffer.getInt(index(position) + CRC_OFFSET) == crc(position, length) ? length : 0;
        }

        String defect()
        {
            return defect;
        }

        long sequence(final long position)
        {
            return buffer.getLong(index(position) + SEQUENCE_OFFSET);
        }

        long durableSequence(final long position)
        {
            return buffer.getLong(index(position) + DURABLE_SEQUENCE_OFFSET);
        }

        ByteBuffer payload(final long position, final int length)
        {
            return readOnly.slice(index(position) + HEADER_LENGTH, length).order(ByteOrder.LITTLE_ENDIAN);
        }

        private int defect(final String description)
        {
            defect = description;
            return DEFECT;
        }

        private int crc(final long position, final int length)
        {
            final int start = index(position);
            crc.reset();
            buffer.limit(start + HEADER_LENGTH + length).position(start + SEQUENCE_OFFSET);
            crc.update(buffer);
            buffer.limit(buffer.capacity()).position(0);
            return (int)crc.getValue();
        }

        private int index(final long position)
        {
            return (int)(position - bufferStart);
        }

        /** Makes bytes [position, position + length) available in the buffer; false if the file is shorter. */
        private boolean ensure(final long position, final int length) throws IOException
        {
            if (position + length > size)
            {
                return false;
            }
            if (position >= bufferStart && position + length <= bufferStart + bufferLength)
            {
                return true;
            }
            final int toRead = (int)Math.min(buffer.capacity(), size - position);
            buffer.clear().limit(toRead);
            while (buffer.hasRemaining())
            {
                if (channel.read(buffer, position + buffer.position()) < 0)
                {
                    throw new IOException("segment shrank while being read at " + (position + buffer.position()));
                }
            }
            buffer.clear();
            bufferStart = position;
            bufferLength = toRead;
            return true;
        }
    }
}
