package io.geo.epaxos.regionlog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A snapshot of a region log node: everything applied through {@link #slot()}, as one byte array made by
 * {@link RegionLogNode#snapshot()}. It holds the node's own section (which entries each origin has had applied, so a
 * second copy of an entry is still applied once after a restart or an install) followed by the host's applied state
 * ({@link LogSnapshots#capture()}), which {@link #hostStateOffset()} and {@link #hostStateLength()} locate.
 *
 * <p>Layout (little-endian): magic {@code "GLS1"} (int), slot (long), length of the node section (int), the node
 * section, the host's bytes. Immutable; the array is owned (callers must not change it).
 */
public final class LogSnapshot
{
    static final int MAGIC = 0x31534C47; // "GLS1"
    static final int HEADER_LENGTH = 4 + 8 + 4;

    private final long slot;
    private final byte[] bytes;
    private final int nodeSectionLength;

    private LogSnapshot(final long slot, final byte[] bytes, final int nodeSectionLength)
    {
        this.slot = slot;
        this.bytes = bytes;
        this.nodeSectionLength = nodeSectionLength;
    }

    static LogSnapshot of(final long slot, final byte[] nodeSection, final byte[] hostState)
    {
        final byte[] bytes = new byte[HEADER_LENGTH + nodeSection.length + hostState.length];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(MAGIC)
            .putLong(slot)
            .putInt(nodeSection.length)
            .put(nodeSection)
            .put(hostState);
        return new LogSnapshot(slot, bytes, nodeSection.length);
    }

    /**
     * Reads a snapshot made by {@link #bytes()} (read back from the host's disk, or assembled from chunks).
     *
     * @throws IllegalArgumentException if the bytes are not a snapshot (wrong magic, lengths outside the array).
     */
    public static LogSnapshot parse(final byte[] bytes)
    {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < HEADER_LENGTH)
        {
            throw new IllegalArgumentException("not a region log snapshot: " + bytes.length + " bytes");
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        final int magic = buffer.getInt();
        final long slot = buffer.getLong();
        final int nodeSectionLength = buffer.getInt();
        if (magic != MAGIC)
        {
            throw new IllegalArgumentException("not a region log snapshot: magic " + Integer.toHexString(magic));
        }
        if (slot < 0 || nodeSectionLength < 0 || nodeSectionLength > bytes.length - HEADER_LENGTH)
        {
            throw new IllegalArgumentException(
                "malformed region log snapshot: slot " + slot + ", node section " + nodeSectionLength + " of " +
                bytes.length + " bytes");
        }
        return new LogSnapshot(slot, bytes, nodeSectionLength);
    }

    /** Every slot through this one is in the snapshot; none after it. */
    public long slot()
    {
        return slot;
    }

    /** The whole snapshot, as a host persists it and {@link #parse} reads it back. Do not modify. */
    public byte[] bytes()
    {
        return bytes;
    }

    /** Where the host's applied state starts in {@link #bytes()}. */
    public int hostStateOffset()
    {
        return HEADER_LENGTH + nodeSectionLength;
    }

    public int hostStateLength()
    {
        return bytes.length - hostStateOffset();
    }

    /** A copy of the host's applied state. */
    public byte[] hostState()
    {
        final byte[] state = new byte[hostStateLength()];
        System.arraycopy(bytes, hostStateOffset(), state, 0, state.length);
        return state;
    }

    ByteBuffer nodeSection()
    {
        return ByteBuffer.wrap(bytes, HEADER_LENGTH, nodeSectionLength).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public String toString()
    {
        return "LogSnapshot[slot=" + slot + ", " + bytes.length + " B]";
    }
}
