package io.geo.bench.wan;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.OpType;

import java.nio.ByteBuffer;

/**
 * A client command as a region log entry's payload, for the Multi-Paxos baseline: client id, request number, then
 * each op (type, key, value, expected value, delta). Only ever decodes what {@link #encode} wrote in this JVM's run.
 */
final class CommandPayload
{
    private static final OpType[] TYPES = OpType.values();

    private CommandPayload()
    {
    }

    static byte[] encode(final Command command)
    {
        int length = 8 + 8 + 4;
        for (int i = 0; i < command.opCount(); i++)
        {
            final Op op = command.op(i);
            length += 1 + 4 + op.key().length() + 4 + lengthOf(op.value()) + 4 + lengthOf(op.expected()) + 8;
        }
        final ByteBuffer out = ByteBuffer.allocate(length);
        out.putLong(command.clientId()).putLong(command.requestNumber()).putInt(command.opCount());
        for (int i = 0; i < command.opCount(); i++)
        {
            final Op op = command.op(i);
            out.put((byte)op.type().ordinal());
            put(out, op.key().bytes());
            put(out, op.value());
            put(out, op.expected());
            out.putLong(op.delta());
        }
        return out.array();
    }

    static Command decode(final byte[] payload)
    {
        final ByteBuffer in = ByteBuffer.wrap(payload);
        final long clientId = in.getLong();
        final long requestNumber = in.getLong();
        final Op[] ops = new Op[in.getInt()];
        for (int i = 0; i < ops.length; i++)
        {
            final OpType type = TYPES[in.get()];
            final Key key = Key.wrap(get(in));
            final byte[] value = get(in);
            final byte[] expected = get(in);
            ops[i] = Op.of(type, key, value, expected, in.getLong());
        }
        return Command.of(clientId, requestNumber, ops);
    }

    private static int lengthOf(final byte[] bytes)
    {
        return bytes == null ? 0 : bytes.length;
    }

    private static void put(final ByteBuffer out, final byte[] bytes)
    {
        out.putInt(bytes == null ? -1 : bytes.length);
        if (bytes != null)
        {
            out.put(bytes);
        }
    }

    private static byte[] get(final ByteBuffer in)
    {
        final int length = in.getInt();
        if (length < 0)
        {
            return null;
        }
        final byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }
}
