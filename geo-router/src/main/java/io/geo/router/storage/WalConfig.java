package io.geo.router.storage;

import java.nio.file.Path;

/**
 * Settings of a {@link WriteAheadLog} and the {@link WalDurableStore} on top of it. Each setting has a default that a
 * system property overrides (named by the {@code *_PROPERTY} constants); setters override both. {@link #conclude()}
 * validates everything once, when the log opens, and names the property and the bad value on error.
 *
 * <p>Not thread-safe; not to be changed after it was passed to {@code open}.
 */
public final class WalConfig
{
    /** Directory holding the segment files. Required; created if missing. */
    public static final String DIRECTORY_PROPERTY = "geo.wal.directory";

    /** A segment is closed and a new one started once appending would take it past this size. */
    public static final String SEGMENT_SIZE_PROPERTY = "geo.wal.segmentSizeBytes";
    public static final long SEGMENT_SIZE_DEFAULT = 64L * 1024 * 1024;
    public static final long SEGMENT_SIZE_MIN = 4 * 1024;
    public static final long SEGMENT_SIZE_MAX = 1L << 30;

    /**
     * Largest record payload accepted. The default fits the largest instance record the protocol produces: a command
     * and deps that fit a 1 MiB message, plus this store's few bytes of framing.
     */
    public static final String MAX_RECORD_PROPERTY = "geo.wal.maxRecordBytes";
    public static final int MAX_RECORD_DEFAULT = (1 << 20) + 64 * 1024;
    public static final int MAX_RECORD_MAX = 64 << 20;

    /** Appends collect here; a full buffer is written out (no fsync) before the next append. */
    public static final String WRITE_BUFFER_PROPERTY = "geo.wal.writeBufferBytes";
    public static final int WRITE_BUFFER_DEFAULT = 4 << 20;
    public static final int WRITE_BUFFER_MAX = 256 << 20;

    /** {@code sync} or {@code none}; see {@link Durability}. */
    public static final String DURABILITY_PROPERTY = "geo.wal.durability";
    public static final Durability DURABILITY_DEFAULT = Durability.SYNC;

    /** {@link WalDurableStore} compacts when the log is larger than this many times the live records. */
    public static final String COMPACTION_RATIO_PROPERTY = "geo.wal.compactionRatio";
    public static final int COMPACTION_RATIO_DEFAULT = 4;
    public static final int COMPACTION_RATIO_MIN = 2;
    public static final int COMPACTION_RATIO_MAX = 1_000_000;

    /** ... and larger than this many bytes; 0 (the default) means one segment. */
    public static final String COMPACTION_MIN_LOG_PROPERTY = "geo.wal.compactionMinLogBytes";
    public static final long COMPACTION_MIN_LOG_DEFAULT = 0;

    private Path directory;
    private long segmentSizeBytes;
    private int maxRecordBytes;
    private int writeBufferBytes;
    private Durability durability;
    private int compactionRatio;
    private long compactionMinLogBytes;

    public WalConfig()
    {
        final String dir = System.getProperty(DIRECTORY_PROPERTY);
        directory = dir == null ? null : Path.of(dir);
        segmentSizeBytes = longProperty(SEGMENT_SIZE_PROPERTY, SEGMENT_SIZE_DEFAULT);
        maxRecordBytes = intProperty(MAX_RECORD_PROPERTY, MAX_RECORD_DEFAULT);
        writeBufferBytes = intProperty(WRITE_BUFFER_PROPERTY, WRITE_BUFFER_DEFAULT);
        final String durabilityText = System.getProperty(DURABILITY_PROPERTY);
        try
        {
            durability = durabilityText == null ? DURABILITY_DEFAULT : Durability.parse(durabilityText);
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException(DURABILITY_PROPERTY + ": " + e.getMessage(), e);
        }
        compactionRatio = intProperty(COMPACTION_RATIO_PROPERTY, COMPACTION_RATIO_DEFAULT);
        compactionMinLogBytes = longProperty(COMPACTION_MIN_LOG_PROPERTY, COMPACTION_MIN_LOG_DEFAULT);
    }

    /**
     * Validates the settings and resolves derived defaults. Idempotent.
     *
     * @return this
     * @throws IllegalArgumentException naming the property and the bad value
     */
    public WalConfig conclude()
    {
        if (directory == null)
        {
            throw new IllegalArgumentException(DIRECTORY_PROPERTY + " is required");
        }
        checkRange(SEGMENT_SIZE_PROPERTY, segmentSizeBytes, SEGMENT_SIZE_MIN, SEGMENT_SIZE_MAX);
        checkRange(MAX_RECORD_PROPERTY, maxRecordBytes, 1, MAX_RECORD_MAX);
        checkRange(WRITE_BUFFER_PROPERTY, writeBufferBytes,
            WriteAheadLog.HEADER_LENGTH + (long)maxRecordBytes, WRITE_BUFFER_MAX);
        if (durability == null)
        {
            throw new IllegalArgumentException(DURABILITY_PROPERTY + " is required");
        }
        checkRange(COMPACTION_RATIO_PROPERTY, compactionRatio, COMPACTION_RATIO_MIN, COMPACTION_RATIO_MAX);
        checkRange(COMPACTION_MIN_LOG_PROPERTY, compactionMinLogBytes, 0, Long.MAX_VALUE);
        if (compactionMinLogBytes == 0)
        {
            compactionMinLogBytes = segmentSizeBytes;
        }
        return this;
    }

    public Path directory()
    {
        return directory;
    }

    public WalConfig directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    public long segmentSizeBytes()
    {
        return segmentSizeBytes;
    }

    public WalConfig segmentSizeBytes(final long segmentSizeBytes)
    {
        this.segmentSizeBytes = segmentSizeBytes;
        return this;
    }

    public int maxRecordBytes()
    {
        return maxRecordBytes;
    }

    public WalConfig maxRecordBytes(final int maxRecordBytes)
    {
        this.maxRecordBytes = maxRecordBytes;
        return this;
    }

    public int writeBufferBytes()
    {
        return writeBufferBytes;
    }

    public WalConfig writeBufferBytes(final int writeBufferBytes)
    {
        this.writeBufferBytes = writeBufferBytes;
        return this;
    }

    public Durability durability()
    {
        return durability;
    }

    public WalConfig durability(final Durability durability)
    {
        this.durability = durability;
        return this;
    }

    public int compactionRatio()
    {
        return compactionRatio;
    }

    public WalConfig compactionRatio(final int compactionRatio)
    {
        this.compactionRatio = compactionRatio;
        return this;
    }

    /** After {@link #conclude()}: the resolved value, never 0. */
    public long compactionMinLogBytes()
    {
        return compactionMinLogBytes;
    }

    public WalConfig compactionMinLogBytes(final long compactionMinLogBytes)
    {
        this.compactionMinLogBytes = compactionMinLogBytes;
        return this;
    }

    @Override
    public String toString()
    {
        return "WalConfig{directory=" + directory + ", segmentSizeBytes=" + segmentSizeBytes +
            ", maxRecordBytes=" + maxRecordBytes + ", writeBufferBytes=" + writeBufferBytes +
            ", durability=" + durability + ", compactionRatio=" + compactionRatio +
            ", compactionMinLogBytes=" + compactionMinLogBytes + '}';
    }

    private static void checkRange(final String property, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(
                property + "=" + value + " is out of range: must be in [" + min + ", " + max + "]");
        }
    }

    private static int intProperty(final String property, final int defaultValue)
    {
        final long value = longProperty(property, defaultValue);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(property + "=" + value + " is out of range: must fit an int");
        }
        return (int)value;
    }

    private static long longProperty(final String property, final long defaultValue)
    {
        final String text = System.getProperty(property);
        if (text == null)
        {
            return defaultValue;
        }
        try
        {
            return Long.parseLong(text.trim());
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException(property + "='" + text + "' is not a whole number", e);
        }
    }
}
