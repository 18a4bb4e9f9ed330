package io.geo.epaxos.regionlog;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a region log: the payload a node appended, named by its origin node and that node's sequence number
 * (so an entry proposed twice, once by its delegate and once by a recovering leader, is applied once), or a no-op
 * that fills a slot nobody used. Immutable; the payload array is owned.
 */
public final class LogEntry
{
    /** Fills a slot; applies nothing. */
    public static final LogEntry NOOP = new LogEntry(-1, 0, new byte[0]);

    private final int origin;
    private final long sequence;
    private final byte[] payload;

    private LogEntry(final int origin, final long sequence, final byte[] payload)
    {
        this.origin = origin;
        this.sequence = sequence;
        this.payload = payload;
    }

    /**
     * @param origin   the node that appended it (0..n-1).
     * @param sequence that node's append number, from 1, increasing.
     * @param payload  the bytes; owned by the entry from now on.
     */
    public static LogEntry of(final int origin, final long sequence, final byte[] payload)
    {
        if (origin < 0 || sequence < 1)
        {
            throw new IllegalArgumentException("origin >= 0 and sequence >= 1 expected: " + origin + ", " + sequence);
        }
        return new LogEntry(origin, sequence, Objects.requireNonNull(payload, "payload"));
    }

    public boolean isNoop()
    {
        return origin < 0;
    }

    public int origin()
    {
        return origin;
    }

    public long sequence()
    {
        return sequence;
    }

    public byte[] payload()
    {
        return payload;
    }

    public int encodedSize()
    {
        return 16 + payload.length;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof LogEntry e && origin == e.origin && sequence == e.sequence &&
            Arrays.equals(payload, e.payload);
    }

    @Override
    public int hashCode()
    {
        return (origin * 31 + Long.hashCode(sequence)) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString()
    {
        return isNoop() ? "noop" : "entry(" + origin + "#" + sequence + ", " + payload.length + " B)";
    }
}
