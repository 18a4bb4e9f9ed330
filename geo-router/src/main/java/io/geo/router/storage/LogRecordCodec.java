package io.geo.router.storage;

import io.geo.epaxos.Invariants;
import io.geo.epaxos.regionlog.LogEntry;

import java.nio.ByteBuffer;

/**
 * The payloads {@link WalLogStore} writes to the log: little-endian, no padding. The first byte is the kind:
 * <pre>
 * 1 PROMISE       view:i64
 * 2 ACCEPTED      slot:i64 (&gt;= 1) view:i64 origin:i32 sequence:i64 payloadLength:i32 payload
 *                 (origin -1 is the no-op entry: sequence 0, no payload; otherwise origin &gt;= 0, sequence &gt;= 1)
 * 3 COMMIT_INDEX  commitIndex:i64
 * 4 INCARNATION   incarnation:i64
 * 5 TRUNCATE      throughSlot:i64 (&gt;= 1)
 * </pre>
 * Views, commit indexes and incarnations are stored as given (the store interface puts no range on them; the region
 * log's chosen marker is the view {@link Long#MAX_VALUE}). Decoding is strict (known kind, a real slot, an entry that
 * {@link LogEntry} accepts, a payload length inside the payload, no trailing bytes): the CRC already passed, so a
 * failure here means a bug or a foreign file and must stop recovery.
 */
final class LogRecordCodec
{
    static final byte PROMISE = 1;
    static final byte ACCEPTED = 2;
    static final byte COMMIT_INDEX = 3;
    static final byte INCARNATION = 4;
    static final byte TRUNCATE = 5;

    /** Kind and one i64: PROMISE, COMMIT_INDEX, INCARNATION and TRUNCATE. */
    static final int SCALAR_LENGTH = 1 + Long.BYTES;
    /** Kind, slot, view, origin, sequence, payload length. */
    static final int ACCEPTED_FIXED_LENGTH = 1 + 8 + 8 + 4 + 8 + 4;

    private static final int NOOP_ORIGIN = -1;

    /** Receives decoded payloads; may reject one that is well-formed but impossible where it stands in the log. */
    interface Visitor
    {
        void onPromise(long view);

        /** @param entry decoded afresh: {@link LogEntry#NOOP}, or an entry owning a new payload array */
        void onAccepted(long slot, long view, LogEntry entry, int encodedLength) throws WalCorruptionException;

        void onCommitIndex(long commitIndex);

        void onIncarnation(long incarnation);

        void onTruncate(long throughSlot) throws WalCorruptionException;
    }

    private LogRecordCodec()
    {
    }

    /** Exact encoded length of an ACCEPTED record; a long so the size check comes before any overflow. */
    static long acceptedLength(final LogEntry entry)
    {
        return ACCEPTED_FIXED_LENGTH + (long)entry.payload().length;
    }

    /** Encodes a PROMISE, COMMIT_INDEX or INCARNATION record from {@code dst}'s position (little-endian). */
    static void encodeScalar(final byte kind, final long value, final ByteBuffer dst)
    {
        Invariants.check(kind == PROMISE || kind == COMMIT_INDEX || kind == INCARNATION, "a scalar record kind", kind);
        dst.put(kind).putLong(value);
    }

    static void encodeTruncate(final long throughSlot, final ByteBuffer dst)
    {
        Invariants.check(throughSlot >= 1, "a persisted truncation is through slot 1 or later", throughSlot);
        dst.put(TRUNCATE).putLong(throughSlot);
    }

    /** Encodes from {@code dst}'s position (little-endian, with room for {@link #acceptedLength}). */
    static void encodeAccepted(final long slot, final long view, final LogEntry entry, final ByteBuffer dst)
    {
        Invariants.check(slot >= 1, "a persisted accepted slot is 1 or later", slot);
        final byte[] payload = entry.payload();
        if (entry.isNoop())
        {
            Invariants.check(entry.sequence() == 0 && payload.length == 0, "the no-op has no sequence and no payload",
                entry.sequence(), payload.length);
            dst.put(ACCEPTED).putLong(slot).putLong(view).putInt(NOOP_ORIGIN).putLong(0).putInt(0);
            return;
        }
        Invariants.check(entry.origin() >= 0 && entry.sequence() >= 1, "an entry has an origin and a sequence",
            entry.origin(), entry.sequence());
        dst.put(ACCEPTED).putLong(slot).putLong(view).putInt(entry.origin()).putLong(entry.sequence())
            .putInt(payload.length).put(payload);
    }

    /**
     * Decodes one payload (from its position to its limit, little-endian) and hands it to {@code visitor}.
     *
     * @throws WalCorruptionException if the payload is not exactly one well-formed record, or the visitor rejects it
     */
    static void decode(final ByteBuffer payload, final Visitor visitor) throws WalCorruptionException
    {
        final int encodedLength = payload.remaining();
        need(payload, 1, "kind");
        final byte kind = payload.get();
        switch (kind)
        {
            case PROMISE:
                visitor.onPromise(scalar(payload, "view"));
                break;
            case ACCEPTED:
                decodeAccepted(payload, visitor, encodedLength);
                break;
            case COMMIT_INDEX:
                visitor.onCommitIndex(scalar(payload, "commit index"));
                break;
            case INCARNATION:
                visitor.onIncarnation(scalar(payload, "incarnation"));
                break;
            case TRUNCATE:
                final long throughSlot = scalar(payload, "truncation slot");
                if (throughSlot < 1)
                {
                    throw new WalCorruptionException("TRUNCATE through slot " + throughSlot + ", not 1 or later");
                }
                visitor.onTruncate(throughSlot);
                break;
            default:
                throw new WalCorruptionException("unknown record kind " + kind);
        }
        if (payload.hasRemaining())
        {
            throw new WalCorruptionException(payload.remaining() + " trailing bytes after a record of kind " + kind);
        }
    }

    private static void decodeAccepted(final ByteBuffer payload, final Visitor visitor, final int encodedLength)
        throws WalCorruptionException
    {
        need(payload, ACCEPTED_FIXED_LENGTH - 1, "accepted slot fields");
        final long slot = payload.getLong();
        if (slot < 1)
        {
            throw new WalCorruptionException("ACCEPTED in slot " + slot + ", not 1 or later");
        }
        final long view = payload.getLong();
        final int origin = payload.getInt();
        final long sequence = payload.getLong();
        final int length = payload.getInt();
        if (length < 0 || length > payload.remaining())
        {
            throw new WalCorruptionException("payload length " + length + " of slot " + slot + " does not fit the " +
                payload.remaining() + " bytes left");
        }
        final LogEntry entry;
        if (origin == NOOP_ORIGIN)
        {
            if (sequence != 0 || length != 0)
            {
                throw new WalCorruptionException("the no-op in slot " + slot + " with sequence " + sequence + " and " +
                    length + " payload bytes");
            }
            entry = LogEntry.NOOP;
        }
        else
        {
            if (origin < 0 || sequence < 1)
            {
                throw new WalCorruptionException("entry in slot " + slot + " with origin " + origin + " and sequence " +
                    sequence + ": origin >= 0 (or -1 for the no-op) and sequence >= 1 expected");
            }
            final byte[] bytes = new byte[length];
            payload.get(bytes);
            entry = LogEntry.of(origin, sequence, bytes);
        }
        visitor.onAccepted(slot, view, entry, encodedLength);
    }

    private static long scalar(final ByteBuffer payload, final String field) throws WalCorruptionException
    {
        need(payload, Long.BYTES, field);
        return payload.getLong();
    }

    private static void need(final ByteBuffer payload, final int bytes, final String field)
        throws WalCorruptionException
    {
        if (payload.remaining() < bytes)
        {
            throw new WalCorruptionException("payload ends inside " + field + ": " + bytes + " bytes needed, " +
                payload.remaining() + " left");
        }
    }
}
