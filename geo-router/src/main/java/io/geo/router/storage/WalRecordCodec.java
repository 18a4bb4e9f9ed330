package io.geo.router.storage;

import io.geo.epaxos.Invariants;
import io.geo.epaxos.api.InstanceRecord;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.OpType;
import io.geo.epaxos.primitives.Status;

import java.nio.ByteBuffer;
import java.util.ArrayList;

/**
 * The payloads {@link WalDurableStore} writes to the log: little-endian, no padding, optional fields only when
 * present. The first byte is the kind:
 * <pre>
 * 1 INSTANCE    instance:i64 status:u8 promisedBallot:i64 voteBallot:i64 seq:i64 identical:u8(0|1)
 *               hasCommand:u8(0|1)
 *               [if hasCommand: command]
 *               depCount:i32 depCount x dep:i64 (strictly increasing)
 *   command     clientId:i64 requestNumber:i64 opCount:i32 (0 = the no-op command)
 *                  opCount x ( opType:u8 flags:u8 (1 value present, 2 expected present, 4 delta present)
 *                              [delta:i64] keyLength:i32 key
 *                              [valueLength:i32 value] [expectedLength:i32 expected] )
 *               a batch (Command.batch): clientId 0, requestNumber 0, opCount = -(member count), then each member
 *               as a command (at least one op)
 * 2 REMOVE      instance:i64
 * 3 WATERMARKS  count:i32 count x watermark:i64
 * </pre>
 * Status and op type codes are the enums' ordinals. A null command (a bare promise) and the no-op command differ:
 * hasCommand 0 versus hasCommand 1 with no ops. Decoding is strict (known codes, booleans 0 or 1, lengths inside the
 * payload, deps strictly increasing, no trailing bytes): the CRC already passed, so a failure here means a bug or a
 * foreign file and must stop recovery.
 */
final class WalRecordCodec
{
    static final byte INSTANCE = 1;
    static final byte REMOVE = 2;
    static final byte WATERMARKS = 3;

    static final int REMOVE_LENGTH = 1 + Long.BYTES;

    private static final int VALUE_PRESENT = 1;
    private static final int EXPECTED_PRESENT = 2;
    private static final int DELTA_PRESENT = 4;
    private static final int KNOWN_FLAGS = VALUE_PRESENT | EXPECTED_PRESENT | DELTA_PRESENT;
    /** Kind, instance, status, two ballots, seq, identical, hasCommand, depCount. */
    private static final int INSTANCE_FIXED_LENGTH = 1 + 8 + 1 + 8 + 8 + 8 + 1 + 1 + 4;
    private static final int COMMAND_FIXED_LENGTH = 8 + 8 + 4;
    /** Type, flags, key length. */
    private static final int OP_MIN_LENGTH = 1 + 1 + 4;
    private static final Status[] STATUSES = Status.values();
    private static final OpType[] OP_TYPES = OpType.values();

    /** Receives decoded payloads. */
    interface Visitor
    {
        void onInstance(InstanceRecord record, int encodedLength);

        void onRemove(long instance);

        void onWatermarks(long[] watermarks, int encodedLength);
    }

    private WalRecordCodec()
    {
    }

    // ------------------------------------------------------------------------------------------------ lengths

    /** Exact encoded length; a long so that absurd records cannot overflow before the size check. */
    static long instanceLength(final InstanceRecord record)
    {
        long length = INSTANCE_FIXED_LENGTH + (long)Long.BYTES * record.deps().length;
        final Command command = record.command();
        if (command != null)
        {
            // a batch: its own fields, and each member's
            length += COMMAND_FIXED_LENGTH * (command.isBatch() ? 1L + command.memberCount() : 1L);
            for (int i = 0; i < command.opCount(); i++)
            {
                final Op op = command.op(i);
                length += OP_MIN_LENGTH + op.key().length();
                if (op.delta() != 0)
                {
                    length += Long.BYTES;
                }
                if (op.value() != null)
                {
                    length += Integer.BYTES + op.value().length;
                }
                if (op.expected() != null)
                {
                    length += Integer.BYTES + op.expected().length;
                }
            }
        }
        return length;
    }

    static long watermarksLength(final long[] watermarks)
    {
        return 1 + Integer.BYTES + (long)Long.BYTES * watermarks.length;
    }

    // ------------------------------------------------------------------------------------------------ encoding

    /**
     * Encodes from {@code dst}'s position (little-endian, with room for {@link #instanceLength}). Checks the record
     * before it is persisted: a real instance id, a status, deps a strictly increasing set.
     */
    static void encodeInstance(final InstanceRecord record, final ByteBuffer dst)
    {
        Invariants.check(record.instance() != InstanceId.NONE, "a persisted instance has an id");
        Invariants.check(record.status() != null, "a persisted instance has a status", record.instance());
        Invariants.check(Deps.isSortedSet(record.deps()), "deps strictly increasing before persisting",
            record.instance());
        dst.put(INSTANCE)
            .putLong(record.instance())
            .put((byte)record.status().ordinal())
            .putLong(record.promisedBallot())
            .putLong(record.voteBallot())
            .putLong(record.seq())
            .put((byte)(record.identical() ? 1 : 0));
        final Command command = record.command();
        if (command == null)
        {
            dst.put((byte)0);
        }
        else
        {
            dst.put((byte)1);
            if (command.isBatch())
            {
                dst.putLong(0).putLong(0).putInt(-command.memberCount());
                for (int m = 0; m < command.memberCount(); m++)
                {
                    encodeCommand(command.member(m), dst);
                }
            }
            else
            {
                encodeCommand(command, dst);
            }
        }
        final long[] deps = record.deps();
        dst.putInt(deps.length);
        for (final long dep : deps)
        {
            dst.putLong(dep);
        }
    }

    private static void encodeCommand(final Command command, final ByteBuffer dst)
    {
        dst.putLong(command.clientId()).putLong(command.requestNumber()).putInt(command.opCount());
        for (int i = 0; i < command.opCount(); i++)
        {
            encodeOp(command.op(i), dst);
        }
    }

    private static void encodeOp(final Op op, final ByteBuffer dst)
    {
        final int flags = (op.value() != null ? VALUE_PRESENT : 0) | (op.expected() != null ? EXPECTED_PRESENT : 0) |
            (op.delta() != 0 ? DELTA_PRESENT : 0);
        dst.put((byte)op.type().ordinal()).put((byte)flags);
        if (op.delta() != 0)
        {
            dst.putLong(op.delta());
        }
        dst.putInt(op.key().length()).put(op.key().bytes());
        if (op.value() != null)
        {
            dst.putInt(op.value().length).put(op.value());
        }
        if (op.expected() != null)
        {
            dst.putInt(op.expected().length).put(op.expected());
        }
    }

    static void encodeRemove(final long instance, final ByteBuffer dst)
    {
        Invariants.check(instance != InstanceId.NONE, "a removed instance has an id");
        dst.put(REMOVE).putLong(instance);
    }

    static void encodeWatermarks(final long[] watermarks, final ByteBuffer dst)
    {
        dst.put(WATERMARKS).putInt(watermarks.length);
        for (final long watermark : watermarks)
        {
            Invariants.check(watermark >= 0, "watermarks are not negative", watermark);
            dst.putLong(watermark);
        }
    }

    // ------------------------------------------------------------------------------------------------ decoding

    /**
     * Decodes one payload (from its position to its limit, little-endian) and hands it to {@code visitor}.
     *
     * @throws WalCorruptionException if the payload is not exactly one well-formed record
     */
    static void decode(final ByteBuffer payload, final Visitor visitor) throws WalCorruptionException
    {
        final int encodedLength = payload.remaining();
        need(payload, 1, "kind");
        final byte kind = payload.get();
        switch (kind)
        {
            case INSTANCE:
                visitor.onInstance(decodeInstance(payload), encodedLength);
                break;
            case REMOVE:
                need(payload, Long.BYTES, "instance");
                final long instance = payload.getLong();
                if (instance == InstanceId.NONE)
                {
                    throw new WalCorruptionException("REMOVE of instance id 0");
                }
                visitor.onRemove(instance);
                break;
            case WATERMARKS:
                visitor.onWatermarks(decodeWatermarks(payload), encodedLength);
                break;
            default:
                throw new WalCorruptionException("unknown record kind " + kind);
        }
        if (payload.hasRemaining())
        {
            throw new WalCorruptionException(payload.remaining() + " trailing bytes after a record of kind " + kind);
        }
    }

    private static InstanceRecord decodeInstance(final ByteBuffer payload) throws WalCorruptionException
    {
        need(payload, INSTANCE_FIXED_LENGTH - 1 - Integer.BYTES, "instance fields");
        final long instance = payload.getLong();
        if (instance == InstanceId.NONE)
        {
            throw new WalCorruptionException("INSTANCE with id 0");
        }
        final int statusCode = payload.get() & 0xFF;
        if (statusCode >= STATUSES.length)
        {
            throw new WalCorruptionException("unknown status code " + statusCode);
        }
        final long promisedBallot = payload.getLong();
        final long voteBallot = payload.getLong();
        final long seq = payload.getLong();
        final boolean identical = bool(payload.get(), "identical");
        final Command command = bool(payload.get(), "hasCommand") ? decodeCommand(payload) : null;
        need(payload, Integer.BYTES, "depCount");
        final int depCount = payload.getInt();
        if (depCount < 0 || depCount > payload.remaining() / Long.BYTES)
        {
            throw new WalCorruptionException("depCount " + depCount + " does not fit the " + payload.remaining() +
                " bytes left");
        }
        final long[] deps = depCount == 0 ? Deps.EMPTY : new long[depCount];
        for (int i = 0; i < depCount; i++)
        {
            deps[i] = payload.getLong();
        }
        if (!Deps.isSortedSet(deps))
        {
            throw new WalCorruptionException("deps of instance " + InstanceId.toString(instance) +
                " are not strictly increasing");
        }
        return new InstanceRecord(instance, STATUSES[statusCode], promisedBallot, voteBallot, command, seq, deps,
            identical);
    }

    private static Command decodeCommand(final ByteBuffer payload) throws WalCorruptionException
    {
        need(payload, COMMAND_FIXED_LENGTH, "command fields");
        final long clientId = payload.getLong();
        final long requestNumber = payload.getLong();
        final int opCount = payload.getInt();
        if (opCount < 0)
        {
            return decodeBatch(payload, clientId, requestNumber, -(long)opCount);
        }
        if (opCount == 0)
        {
            if (clientId != 0 || requestNumber != 0)
            {
                throw new WalCorruptionException("a command without ops (the no-op) with client " + clientId +
                    " request " + requestNumber);
            }
            return Command.NOOP;
        }
        if (opCount < 0 || opCount > payload.remaining() / OP_MIN_LENGTH)
        {
            throw new WalCorruptionException("opCount " + opCount + " does not fit the " + payload.remaining() +
                " bytes left");
        }
        final Op[] ops = new Op[opCount];
        for (int i = 0; i < opCount; i++)
        {
            ops[i] = decodeOp(payload);
        }
        return Command.of(clientId, requestNumber, ops);
    }

    private static Command decodeBatch(
        final ByteBuffer payload, final long clientId, final long requestNumber, final long members)
        throws WalCorruptionException
    {
        if (clientId != 0 || requestNumber != 0 || members < 2 || members > Command.MAX_BATCH_MEMBERS ||
            members > payload.remaining() / (COMMAND_FIXED_LENGTH + OP_MIN_LENGTH))
        {
            throw new WalCorruptionException("a batch of " + members + " members with client " + clientId +
                " request " + requestNumber + " in " + payload.remaining() + " bytes");
        }
        final ArrayList<Command> list = new ArrayList<>((int)members);
        for (int i = 0; i < members; i++)
        {
            final Command member = decodeCommand(payload);
            if (member.isNoop() || member.isBatch())
            {
                throw new WalCorruptionException("batch member " + i + " is " + member);
            }
            list.add(member);
        }
        return Command.batch(list);
    }

    private static Op decodeOp(final ByteBuffer payload) throws WalCorruptionException
    {
        need(payload, 2, "op type and flags");
        final int typeCode = payload.get() & 0xFF;
        if (typeCode >= OP_TYPES.length)
        {
            throw new WalCorruptionException("unknown op type code " + typeCode);
        }
        final int flags = payload.get() & 0xFF;
        if ((flags & ~KNOWN_FLAGS) != 0)
        {
            throw new WalCorruptionException("unknown op flags " + Integer.toBinaryString(flags));
        }
        long delta = 0;
        if ((flags & DELTA_PRESENT) != 0)
        {
            need(payload, Long.BYTES, "delta");
            delta = payload.getLong();
        }
        final byte[] key = bytes(payload, "key");
        final byte[] value = (flags & VALUE_PRESENT) != 0 ? bytes(payload, "value") : null;
        final byte[] expected = (flags & EXPECTED_PRESENT) != 0 ? bytes(payload, "expected") : null;
        return Op.of(OP_TYPES[typeCode], Key.wrap(key), value, expected, delta);
    }

    private static long[] decodeWatermarks(final ByteBuffer payload) throws WalCorruptionException
    {
        need(payload, Integer.BYTES, "watermark count");
        final int count = payload.getInt();
        if (count < 0 || count > payload.remaining() / Long.BYTES)
        {
            throw new WalCorruptionException("watermark count " + count + " does not fit the " + payload.remaining() +
                " bytes left");
        }
        final long[] watermarks = new long[count];
        for (int i = 0; i < count; i++)
        {
            watermarks[i] = payload.getLong();
            if (watermarks[i] < 0)
            {
                throw new WalCorruptionException("negative watermark " + watermarks[i]);
            }
        }
        return watermarks;
    }

    private static byte[] bytes(final ByteBuffer payload, final String field) throws WalCorruptionException
    {
        need(payload, Integer.BYTES, field + " length");
        final int length = payload.getInt();
        if (length < 0 || length > payload.remaining())
        {
            throw new WalCorruptionException(field + " length " + length + " does not fit the " +
                payload.remaining() + " bytes left");
        }
        final byte[] bytes = new byte[length];
        payload.get(bytes);
        return bytes;
    }

    private static boolean bool(final byte value, final String field) throws WalCorruptionException
    {
        if (value != 0 && value != 1)
        {
            throw new WalCorruptionException(field + " is " + value + ", not 0 or 1");
        }
        return value == 1;
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
