package io.geo.router.storage;

import io.geo.epaxos.regionlog.LogSnapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The latest region snapshot of a node (docs/hydra.md, "Snapshots"), in one file of its own directory: a 16-byte
 * header (magic {@code "GSNP"}, length, CRC32C of the snapshot, reserved) and the snapshot's bytes. A new snapshot is
 * written to a temporary file, synced, renamed over the old one and the directory synced, so a crash at any point
 * leaves the old snapshot or the new one, never a mix. With {@link Durability#NONE} nothing is synced.
 *
 * <p>Not thread-safe: the node's duty cycle writes it, the sidecar reads it at start.
 */
public final class SnapshotFile
{
    public static final String FILE_NAME = "region.snapshot";
    private static final String TEMPORARY_NAME = "region.snapshot.tmp";
    private static final int MAGIC = 0x504E5347; // "GSNP"
    private static final int HEADER_BYTES = 16;

    private final Path directory;
    private final Durability durability;
    private long written;
    private long lastBytes;

    private SnapshotFile(final Path directory, final Durability durability)
    {
        this.directory = directory;
        this.durability = durability;
    }

    /** Opens (creating) the directory; a temporary file a crash left behind is removed. */
    public static SnapshotFile open(final Path directory, final Durability durability) throws IOException
    {
        Files.createDirectories(directory);
        Files.deleteIfExists(directory.resolve(TEMPORARY_NAME));
        return new SnapshotFile(directory, durability);
    }

    /**
     * The snapshot kept last, or null if none was ever kept.
     *
     * @throws IOException if the file cannot be read, or is damaged (the message names the file and what is wrong).
     */
    public LogSnapshot load() throws IOException
    {
        final Path file = directory.resolve(FILE_NAME);
        if (!Files.exists(file))
        {
            return null;
        }
        final byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < HEADER_BYTES)
        {
            throw new IOException("region snapshot " + file + " is damaged: " + bytes.length + " bytes, no header");
        }
        final ByteBuffer header = ByteBuffer.wrap(bytes, 0, HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        final int magic = header.getInt();
        final int length = header.getInt();
        final int crc = header.getInt();
        if (magic != MAGIC || length != bytes.length - HEADER_BYTES)
        {
            throw new IOException("region snapshot " + file + " is damaged: magic " + Integer.toHexString(magic) +
                ", length " + length + " in a file of " + bytes.length + " bytes");
        }
        final CRC32C checksum = new CRC32C();
        checksum.update(bytes, HEADER_BYTES, length);
        if ((int)checksum.getValue() != crc)
        {
            throw new IOException("region snapshot " + file + " is damaged: checksum mismatch");
        }
        final byte[] snapshot = new byte[length];
        System.arraycopy(bytes, HEADER_BYTES, snapshot, 0, length);
        try
        {
            return LogSnapshot.parse(snapshot);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IOException("region snapshot " + file + " is damaged: " + ex.getMessage(), ex);
        }
    }

    /**
     * Replaces the kept snapshot by {@code snapshot}, durably (unless {@link Durability#NONE}) when this returns.
     *
     * @throws UncheckedIOException if the file cannot be written: the node cannot keep its promises, and stops.
     */
    public void keep(final LogSnapshot snapshot)
    {
        final byte[] bytes = snapshot.bytes();
        final CRC32C checksum = new CRC32C();
        checksum.update(bytes, 0, bytes.length);
        final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(MAGIC).putInt(bytes.length).putInt((int)checksum.getValue()).putInt(0).flip();
        final Path temporary = directory.resolve(TEMPORARY_NAME);
        try
        {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
            {
                final ByteBuffer body = ByteBuffer.wrap(bytes);
                while (header.hasRemaining() || body.hasRemaining())
                {
                    channel.write(new ByteBuffer[] {header, body});
                }
                if (durability == Durability.SYNC)
                {
                    channel.force(true);
                }
            }
            Files.move(temporary, directory.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
            if (durability == Durability.SYNC)
            {
                WriteAheadLog.forceDirectory(directory);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot keep the region snapshot at slot " + snapshot.slot() + " in " +
                directory, ex);
        }
        written++;
        lastBytes = bytes.length;
    }

    /** Snapshots kept since open. */
    public long written()
    {
        return written;
    }

    /** Size of the snapshot kept last (0 before the first). */
    public long lastBytes()
    {
        return lastBytes;
    }

    public Path directory()
    {
        return directory;
    }
}
