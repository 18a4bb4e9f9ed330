package io.geo.epaxos.replica;

import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.messages.Commit;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.messages.PrepareReply;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * The byte layout of {@link EpaxosReplica#snapshot()}: little-endian fixed-width fields, arrays as an int count and
 * their elements, commands and prepare replies as length-prefixed frames of {@link MessageCodec} (a command inside a
 * {@link Commit}), so the wire codec's validation guards them here too. Reading checks every count and length against
 * what is left and throws {@link IllegalArgumentException} naming the field on anything malformed.
 */
final class ReplicaSnapshotFormat
{
    static final int MAGIC = 0x52504547; // "GEPR"
    static final int VERSION = 1;

    private ReplicaSnapshotFormat()
    {
    }

    /** The map's keys in ascending order: a snapshot lists maps in key order, so equal states write equal bytes. */
    static long[] sortedKeys(final Long2ObjectHashMap<?> map)
    {
        final long[] keys = new long[map.size()];
        int n = 0;
        final Long2ObjectHashMap<?>.KeyIterator it = map.keySet().iterator();
        while (it.hasNext())
        {
            keys[n++] = it.nextLong();
        }
        Arrays.sort(keys);
        return keys;
    }

    static final class Writer
    {
        private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        private final MessageCodec codec = new MessageCodec();
        private int position;

        void putByte(final int value)
        {
            buffer.putByte(position, (byte)value);
            position += 1;
        }

        void putBoolean(final boolean value)
        {
            putByte(value ? 1 : 0);
        }

        void putInt(final int value)
        {
            buffer.putInt(position, value);
            position += Integer.BYTES;
        }

        void putLong(final long value)
        {
            buffer.putLong(position, value);
            position += Long.BYTES;
        }

        void putLongs(final long[] values)
        {
            putLongs(values, values.length);
        }

        void putLongs(final long[] values, final int count)
        {
            putInt(count);
            for (int i = 0; i < count; i++)
            {
                putLong(values[i]);
            }
        }

        void putBytes(final byte[] bytes)
        {
            putInt(bytes.length);
            buffer.putBytes(position, bytes);
            position += bytes.length;
        }

        /** A command, or null. */
        void putCommand(final Command command)
        {
            putMessage(command == null ? null : new Commit(0, command, 0, Deps.EMPTY));
        }

        /** A message (a {@link Commit} or {@link PrepareReply}), or null. */
        void putMessage(final Message message)
        {
            if (message == null)
            {
                putInt(-1);
                return;
            }
            try
            {
                final int length = codec.encode(0, message, buffer, position + Integer.BYTES);
                putInt(length);
                position += length;
            }
            catch (final CodecException ex)
            {
                throw new IllegalStateException("replica state the wire codec refuses: " + ex.getMessage(), ex);
            }
        }

        byte[] toBytes()
        {
            final byte[] bytes = new byte[position];
            buffer.getBytes(0, bytes);
            return bytes;
        }
    }

    static final class Reader
    {
        private final UnsafeBuffer buffer;
        private final MessageCodec codec = new MessageCodec();
        private int position;

        Reader(final byte[] bytes)
        {
            buffer = new UnsafeBuffer(bytes);
        }

        private void need(final long bytes, final String field)
        {
            if (bytes < 0 || bytes > buffer.capacity() - position)
            {
                throw malformed(field + ": needs " + bytes + " bytes at " + position + ", " +
                    (buffer.capacity() - position) + " left");
            }
        }

        int getByte(final String field)
        {
            need(1, field);
            return buffer.getByte(position++);
        }

        boolean getBoolean(final String field)
        {
            final int value = getByte(field);
            if (value != 0 && value != 1)
            {
                throw malformed(field + ": " + value + " is not a boolean");
            }
            return value == 1;
        }

        int getInt(final String field)
        {
            need(Integer.BYTES, field);
            final int value = buffer.getInt(position);
            position += Integer.BYTES;
            return value;
        }

        long getLong(final String field)
        {
            need(Long.BYTES, field);
            final long value = buffer.getLong(position);
            position += Long.BYTES;
            return value;
        }

        /** A count of elements of {@code elementBytes} each (at least 1), checked against what is left. */
        int getCount(final int elementBytes, final String field)
        {
            final int count = getInt(field);
            if (count < 0)
            {
                throw malformed(field + ": negative count " + count);
            }
            need((long)count * Math.max(1, elementBytes), field);
            return count;
        }

        long[] getLongs(final String field)
        {
            final int count = getCount(Long.BYTES, field);
            final long[] values = count == 0 ? Deps.EMPTY : new long[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = getLong(field);
            }
            return values;
        }

        byte[] getBytes(final String field)
        {
            final int count = getCount(1, field);
            final byte[] bytes = new byte[count];
            buffer.getBytes(position, bytes);
            position += count;
            return bytes;
        }

        long[] getSortedDeps(final String field)
        {
            final long[] deps = getLongs(field);
            if (!Deps.isSortedSet(deps))
            {
                throw malformed(field + ": not a sorted set " + Arrays.toString(deps));
            }
            return deps;
        }

        Command getCommand(final String field)
        {
            final Message message = getMessage(field);
            if (message == null)
            {
                return null;
            }
            if (!(message instanceof Commit commit))
            {
                throw malformed(field + ": a " + message.getClass().getSimpleName() + " where a command belongs");
            }
            return commit.command();
        }

        PrepareReply getPrepareReply(final String field)
        {
            final Message message = getMessage(field);
            if (message != null && !(message instanceof PrepareReply))
            {
                throw malformed(field + ": a " + message.getClass().getSimpleName() + " where a PrepareReply belongs");
            }
            return (PrepareReply)message;
        }

        private Message getMessage(final String field)
        {
            final int length = getInt(field);
            if (length == -1)
            {
                return null;
            }
            need(length, field);
            try
            {
                final Message message = codec.decode(buffer, position, length).message();
                position += length;
                return message;
            }
            catch (final CodecException ex)
            {
                throw malformed(field + ": " + ex.getMessage());
            }
        }

        void expectEnd()
        {
            if (position != buffer.capacity())
            {
                throw malformed((buffer.capacity() - position) + " bytes after the end");
            }
        }

        static IllegalArgumentException malformed(final String detail)
        {
            return new IllegalArgumentException("malformed replica snapshot: " + detail);
        }
    }
}
