package io.geo.epaxos.state;

import io.geo.epaxos.primitives.Result;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The bytes of a key-value state machine's whole replicated state: its data and its dedup table (per client, the last
 * write request applied and its results). Every implementation writes the same bytes for the same state (keys in
 * unsigned byte order, clients by id), so snapshots of equal states are equal.
 *
 * <p>Layout (little-endian): magic {@code "GSS1"} (int); entry count (int), then per entry key length (int), key,
 * value length (int), value; session count (int), then per session client id (long), request number (long), result
 * count (int), then per result flags (byte: 1 ok, 2 has a value), and with a value its length (int) and bytes.
 */
public final class StateSnapshotFormat
{
    static final int MAGIC = 0x31535347; // "GSS1"
    private static final int OK = 1;
    private static final int HAS_VALUE = 2;
    /** The largest snapshot one byte array holds. */
    public static final int MAX_BYTES = Integer.MAX_VALUE - 64;

    private StateSnapshotFormat()
    {
    }

    /** Receives the state a snapshot holds, entries in key order then sessions by client. */
    public interface Visitor
    {
        void entry(byte[] key, byte[] value);

        void session(long clientId, long requestNumber, Result[] results);
    }

    private record Entry(byte[] key, byte[] value)
    {
    }

    private record Session(long clientId, long requestNumber, Result[] results)
    {
    }

    /** Collects a state in any order and writes its bytes in the canonical order. Not thread-safe. */
    public static final class Writer
    {
        private final ArrayList<Entry> entries = new ArrayList<>();
        private final ArrayList<Session> sessions = new ArrayList<>();
        private long length = 4 + 4 + 4;

        public Writer entry(final byte[] key, final byte[] value)
        {
            entries.add(new Entry(key, value));
            length += 4 + key.length + 4 + value.length;
            return this;
        }

        public Writer session(final long clientId, final long requestNumber, final Result[] results)
        {
            sessions.add(new Session(clientId, requestNumber, results));
            length += 8 + 8 + 4;
            for (final Result result : results)
            {
                length += 1 + (result.value() == null ? 0 : 4 + result.value().length);
            }
            return this;
        }

        /**
         * The snapshot's bytes.
         *
         * @throws IllegalStateException if the state is larger than {@link #MAX_BYTES}.
         */
        public byte[] toBytes()
        {
            if (length > MAX_BYTES)
            {
                throw new IllegalStateException("state of " + length + " bytes (" + entries.size() + " keys, " +
                    sessions.size() + " sessions) is larger than a snapshot can hold (" + MAX_BYTES + " bytes)");
            }
            entries.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
            sessions.sort(Comparator.comparingLong(Session::clientId));
            final ByteBuffer out = ByteBuffer.allocate((int)length).order(ByteOrder.LITTLE_ENDIAN);
            out.putInt(MAGIC).putInt(entries.size());
            for (final Entry entry : entries)
            {
                out.putInt(entry.key().length).put(entry.key()).putInt(entry.value().length).put(entry.value());
            }
            out.putInt(sessions.size());
            for (final Session session : sessions)
            {
                out.putLong(session.clientId()).putLong(session.requestNumber()).putInt(session.results().length);
                for (final Result result : session.results())
                {
                    final byte[] value = result.value();
                    out.put((byte)((result.ok() ? OK : 0) | (value == null ? 0 : HAS_VALUE)));
                    if (value != null)
                    {
                        out.putInt(value.length).put(value);
                    }
                }
            }
            return out.array();
        }
    }

    /**
     * Reads a snapshot: checks all of it first, then gives its state to {@code visitor}, so a malformed snapshot
     * changes nothing.
     *
     * @throws IllegalArgumentException if the bytes are not a state snapshot (naming what is wrong and where).
     */
    public static void read(final byte[] bytes, final Visitor visitor)
    {
        final ArrayList<Entry> entries = new ArrayList<>();
        final ArrayList<Session> sessions = new ArrayList<>();
        final ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try
        {
            final int magic = in.getInt();
            if (magic != MAGIC)
            {
                throw new IllegalArgumentException("not a state snapshot: magic " + Integer.toHexString(magic));
            }
            final int entryCount = count(in, 8, "entry count");
            byte[] previous = null;
            for (int i = 0; i < entryCount; i++)
            {
                final byte[] key = array(in, "key of entry " + i);
                final byte[] value = array(in, "value of entry " + i);
                if (previous != null && Arrays.compareUnsigned(previous, key) >= 0)
                {
                    throw new IllegalArgumentException("malformed state snapshot: entry " + i + " out of key order");
                }
                previous = key;
                entries.add(new Entry(key, value));
            }
            final int sessionCount = count(in, 20, "session count");
            for (int i = 0; i < sessionCount; i++)
            {
                final long clientId = in.getLong();
                final long requestNumber = in.getLong();
                if (i > 0 && sessions.get(i - 1).clientId() >= clientId)
                {
                    throw new IllegalArgumentException("malformed state snapshot: session " + i + " out of order");
                }
                final Result[] results = new Result[count(in, 1, "result count of session " + i)];
                for (int r = 0; r < results.length; r++)
                {
                    final int flags = in.get();
                    if ((flags & ~(OK | HAS_VALUE)) != 0)
                    {
                        throw new IllegalArgumentException("malformed state snapshot: result flags " + flags +
                            " in session " + i);
                    }
                    final byte[] value = (flags & HAS_VALUE) != 0 ? array(in, "result value of session " + i) : null;
                    results[r] = Result.of((flags & OK) != 0, value);
                }
                sessions.add(new Session(clientId, requestNumber, results));
            }
            if (in.hasRemaining())
            {
                throw new IllegalArgumentException("malformed state snapshot: " + in.remaining() + " bytes after the end");
            }
        }
        catch (final BufferUnderflowException ex)
        {
            throw new IllegalArgumentException("malformed state snapshot: truncated at byte " + in.position() + " of " +
                bytes.length);
        }
        for (final Entry entry : entries)
        {
            visitor.entry(entry.key(), entry.value());
        }
        for (final Session session : sessions)
        {
            visitor.session(session.clientId(), session.requestNumber(), session.results());
        }
    }

    private static int count(final ByteBuffer in, final int minBytesEach, final String field)
    {
        final int count = in.getInt();
        if (count < 0 || (long)count * minBytesEach > in.remaining())
        {
            throw new IllegalArgumentException("malformed state snapshot: " + field + " " + count + " with " +
                in.remaining() + " bytes left");
        }
        return count;
    }

    private static byte[] array(final ByteBuffer in, final String field)
    {
        final byte[] bytes = new byte[count(in, 1, field + " length")];
        in.get(bytes);
        return bytes;
    }
}
