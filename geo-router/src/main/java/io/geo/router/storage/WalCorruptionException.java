package io.geo.router.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The write-ahead log holds damage that recovery must not repair silently: a corrupt record followed by records
 * proving it had been synced, a gap between segments, or a payload its reader rejects. Names the file and byte
 * offset where known. The log is left untouched; an operator restores the node (e.g. from another replica).
 */
public final class WalCorruptionException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    public WalCorruptionException(final Path file, final long offset, final String message)
    {
        this(file, offset, message, null);
    }

    public WalCorruptionException(final Path file, final long offset, final String message, final Throwable cause)
    {
        super("WAL corrupt: " + file + " at offset " + offset + ": " + message, cause);
        this.file = file;
        this.offset = offset;
    }

    /** Corruption found inside a record's payload, before its file position is attached. */
    public WalCorruptionException(final String message)
    {
        super(message);
        this.file = null;
        this.offset = -1;
    }

    /** The damaged segment file, or null when not known. */
    public Path file()
    {
        return file;
    }

    /** Byte offset of the damaged record in {@link #file()}, or -1 when not known. */
    public long offset()
    {
        return offset;
    }
}
