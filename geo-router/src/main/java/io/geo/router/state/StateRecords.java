package io.geo.router.state;

import io.geo.epaxos.primitives.Result;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encoding of the two records {@link ChronicleStateMachine} keeps besides the data: the dedup (session) record and
 * the pending record. Big-endian, a leading format byte, a trailing CRC32C over everything before it; decoders
 * check both and throw {@link CorruptRecordException} on any mismatch, so a damaged record is never taken for a
 * valid one.
 *
 * <pre>
 * session record:  'S' | requestNumber:8 | resultCount:4 | resultCount x (ok:1 | length:4 (-1 = null) | bytes) | crc:4
 * pending record:  'P' | clientId:8 | requestNumber:8 | writeCount:4
 *                  | writeCount x (keyLength:4 | key | valueLength:4 (-1 = delete) | value)
 *                  | sessionLength:4 (-1 = no session) | session record | crc:4
 * </pre>
 */
final class StateRecords
{
    static final byte SESSION_FORMAT = 'S';
    static final byte PENDING_FORMAT = 'P';
    private static final int CRC_BYTES = 4;
    private static final int RESULT_HEADER_BYTES = 1 + 4;
    private static final int SESSION_HEADER_BYTES = 1 + 8 + 4;
    private static final int WRITE_HEADER_BYTES = 4 + 4;
    private static final int PENDING_HEADER_BYTES = 1 + 8 + 8 + 4;

    /** One write of a command, as the pending record holds it: the key's final value, or null to delete it. */
    record Write(byte[] key, byte[] value)
    {
    }

    /** A decoded pending record. {@code sessionRecord} is null for a command without a session. */
    record Pending(long clientId, long requestNumber, Write[] writes, byte[] sessionRecord)
    {
    }

    /** A record whose format byte, lengths or checksum do not match: it was torn or damaged. */
    static final class CorruptRecordException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        CorruptRecordException(final String message)
        {
            super(message);
        }
    }

    private StateRecords()
    {
    }

    static long maxSessionRecordBytes(final int maxOps, final int maxResultValueBytes)
    {
        return SESSION_HEADER_BYTES + (long)maxOps * (RESULT_HEADER_BYTES + maxResultValueBytes) + CRC_BYTES;
    }

    static long maxPendingRecordBytes(final int maxOps, final int maxCommandBytes, final long maxSessionRecordBytes)
    {
        // Keys and written values come from the command (bounded by its encoded size) except INCR's new values.
        return PENDING_HEADER_BYTES + (long)maxOps * (WRITE_HEADER_BYTES + ChronicleStateMachine.MAX_INCR_VALUE_BYTES) +
            maxCommandBytes + 4 + maxSessionRecordBytes + CRC_BYTES;
    }

    static byte[] encodeSession(final long requestNumber, final Result[] results)
    {
        int length = SESSION_HEADER_BYTES + CRC_BYTES;
        for (final Result result : results)
        {
            length += RESULT_HEADER_BYTES + (result.value() == null ? 0 : result.value().length);
        }
        final ByteBuffer buffer = ByteBuffer.allocate(length);
        buffer.put(SESSION_FORMAT).putLong(requestNumber).putInt(results.length);
        for (final Result result : results)
        {
            buffer.put(result.ok() ? (byte)1 : (byte)0);
            putNullable(buffer, result.value());
        }
        return seal(buffer);
    }

    /** The request number of a session record; checks the record. */
    static long sessionRequestNumber(final byte[] record)
    {
        final ByteBuffer buffer = open(record, SESSION_FORMAT);
        return buffer.getLong();
    }

    /** The results of a session record; checks the record. */
    static Result[] sessionResults(final byte[] record)
    {
        final ByteBuffer buffer = open(record, SESSION_FORMAT);
        try
        {
            buffer.getLong();
            final int count = buffer.getInt();
            if (count < 0 || count > buffer.remaining() / RESULT_HEADER_BYTES)
            {
                throw new CorruptRecordException("session record: bad result count " + count);
            }
            final Result[] results = new Result[count];
            for (int i = 0; i < count; i++)
            {
                final byte ok = buffer.get();
                if (ok != 0 && ok != 1)
                {
                    throw new CorruptRecordException("session record: bad ok flag " + ok);
                }
                results[i] = Result.of(ok == 1, getNullable(buffer));
            }
            requireConsumed(buffer, "session record");
            return results;
        }
        catch (final BufferUnderflowException ex)
        {
            throw new CorruptRecordException("session record: truncated");
        }
    }

    static byte[] encodePending(
        final long clientId, final long requestNumber, final List<Write> writes, final byte[] sessionRecord)
    {
        long length = PENDING_HEADER_BYTES + 4L + CRC_BYTES + (sessionRecord == null ? 0 : sessionRecord.length);
        for (final Write write : writes)
        {
            length += WRITE_HEADER_BYTES + write.key().length + (write.value() == null ? 0 : write.value().length);
        }
        if (length > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("pending record too large: " + length + " bytes");
        }
        final ByteBuffer buffer = ByteBuffer.allocate((int)length);
        buffer.put(PENDING_FORMAT).putLong(clientId).putLong(requestNumber).putInt(writes.size());
        for (final Write write : writes)
        {
            buffer.putInt(write.key().length).put(write.key());
            putNullable(buffer, write.value());
        }
        putNullable(buffer, sessionRecord);
        return seal(buffer);
    }

    static Pending decodePending(final byte[] record)
    {
        final ByteBuffer buffer = open(record, PENDING_FORMAT);
        try
        {
            final long clientId = buffer.getLong();
            final long requestNumber = buffer.getLong();
            final int count = buffer.getInt();
            if (count < 0 || count > buffer.remaining() / WRITE_HEADER_BYTES)
            {
                throw new CorruptRecordException("pending record: bad write count " + count);
            }
            final Write[] writes = new Write[count];
            for (int i = 0; i < count; i++)
            {
                final byte[] key = getNullable(buffer);
                if (key == null)
                {
                    throw new CorruptRecordException("pending record: write without a key");
                }
                writes[i] = new Write(key, getNullable(buffer));
            }
            final byte[] sessionRecord = getNullable(buffer);
            requireConsumed(buffer, "pending record");
            if (sessionRecord != null)
            {
                sessionRequestNumber(sessionRecord);
            }
            return new Pending(clientId, requestNumber, writes, sessionRecord);
        }
        catch (final BufferUnderflowException ex)
        {
            throw new CorruptRecordException("pending record: truncated");
        }
    }

    private static void putNullable(final ByteBuffer buffer, final byte[] bytes)
    {
        if (bytes == null)
        {
            buffer.putInt(-1);
        }
        else
        {
            buffer.putInt(bytes.length).put(bytes);
        }
    }

    private static byte[] getNullable(final ByteBuffer buffer)
    {
        final int length = buffer.getInt();
        if (length == -1)
        {
            return null;
        }
        if (length < 0 || length > buffer.remaining())
        {
            throw new CorruptRecordException("bad length " + length + " with " + buffer.remaining() + " bytes left");
        }
        final byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    private static byte[] seal(final ByteBuffer buffer)
    {
        final CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int)crc.getValue());
        if (buffer.hasRemaining())
        {
            throw new IllegalStateException("record length miscounted: " + buffer.remaining() + " bytes left");
        }
        return buffer.array();
    }

    /** Checks format byte and checksum; returns a buffer positioned after the format byte, limited before the CRC. */
    private static ByteBuffer open(final byte[] record, final byte format)
    {
        if (record.length < 1 + CRC_BYTES || record[0] != format)
        {
            throw new CorruptRecordException("record of " + record.length + " bytes: bad format byte, expected " +
                (char)format);
        }
        final int bodyLength = record.length - CRC_BYTES;
        final CRC32C crc = new CRC32C();
        crc.update(record, 0, bodyLength);
        final int stored = ByteBuffer.wrap(record, bodyLength, CRC_BYTES).getInt();
        if (stored != (int)crc.getValue())
        {
            throw new CorruptRecordException("record of " + record.length + " bytes: checksum mismatch");
        }
        return ByteBuffer.wrap(record, 1, bodyLength - 1);
    }

    private static void requireConsumed(final ByteBuffer buffer, final String what)
    {
        if (buffer.hasRemaining())
        {
            throw new CorruptRecordException(what + ": " + buffer.remaining() + " trailing bytes");
        }
    }
}
