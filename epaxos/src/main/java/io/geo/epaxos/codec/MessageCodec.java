package io.geo.epaxos.codec;

import io.geo.epaxos.codec.sbe.AcceptDecoder;
import io.geo.epaxos.codec.sbe.AcceptEncoder;
import io.geo.epaxos.codec.sbe.AcceptReplyDecoder;
import io.geo.epaxos.codec.sbe.AcceptReplyEncoder;
import io.geo.epaxos.codec.sbe.BooleanType;
import io.geo.epaxos.codec.sbe.CommitDecoder;
import io.geo.epaxos.codec.sbe.CommitEncoder;
import io.geo.epaxos.codec.sbe.ExecutedWatermarksDecoder;
import io.geo.epaxos.codec.sbe.ExecutedWatermarksEncoder;
import io.geo.epaxos.codec.sbe.GroupSizeEncodingDecoder;
import io.geo.epaxos.codec.sbe.MessageHeaderDecoder;
import io.geo.epaxos.codec.sbe.MessageHeaderEncoder;
import io.geo.epaxos.codec.sbe.OpTypeCode;
import io.geo.epaxos.codec.sbe.PreAcceptDecoder;
import io.geo.epaxos.codec.sbe.PreAcceptEncoder;
import io.geo.epaxos.codec.sbe.PreAcceptReplyDecoder;
import io.geo.epaxos.codec.sbe.PreAcceptReplyEncoder;
import io.geo.epaxos.codec.sbe.PrepareDecoder;
import io.geo.epaxos.codec.sbe.PrepareEncoder;
import io.geo.epaxos.codec.sbe.PrepareReplyDecoder;
import io.geo.epaxos.codec.sbe.PrepareReplyEncoder;
import io.geo.epaxos.codec.sbe.StatusCode;
import io.geo.epaxos.codec.sbe.VarDataEncodingDecoder;
import io.geo.epaxos.messages.Accept;
import io.geo.epaxos.messages.AcceptReply;
import io.geo.epaxos.messages.Commit;
import io.geo.epaxos.messages.ExecutedWatermarks;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.messages.PreAccept;
import io.geo.epaxos.messages.PreAcceptReply;
import io.geo.epaxos.messages.Prepare;
import io.geo.epaxos.messages.PrepareReply;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.OpType;
import io.geo.epaxos.primitives.Status;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * Encodes replication messages as SBE frames (schema {@code sbe/geo-messages.xml}) and decodes them back.
 *
 * <p>A frame is the SBE message header followed by one message whose first field, {@code fromReplica}, is the
 * sender's replica id. {@link #encode} writes exactly {@link #encodedLength(Message)} bytes and allocates nothing
 * (a Publisher can {@code tryClaim} that length and encode in place).
 *
 * <p>{@link #decode} treats its input as hostile: every length and count is checked against the frame and the limits
 * below before it is used to read or allocate, so a frame either decodes or fails with {@link CodecException}, and no
 * read leaves the frame even when Agrona's bounds checks are disabled. Version 0 is strict and canonical: a frame
 * decodes only if encoding the decoded message gives back the same bytes (exact block lengths, booleans 0 or 1,
 * absent values empty, no trailing bytes).
 *
 * <p>Reusable and not thread-safe: use one instance per thread.
 */
public final class MessageCodec
{
    /** A frame (header included) larger than this is rejected on encode and decode. */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;
    /** Deps per message: the largest count an SBE uint16 group header carries (65535 is the uint16 null value). */
    public static final int MAX_DEPS = 65_534;
    /** Ops per command. */
    public static final int MAX_OPS = 1024;
    public static final int MAX_KEY_BYTES = 1024;
    /** Bytes of an op's value and of its expected value, each. */
    public static final int MAX_VALUE_BYTES = 256 * 1024;
    /** Entries of {@link ExecutedWatermarks}: one per replica. */
    public static final int MAX_WATERMARKS = InstanceId.MAX_REPLICAS;

    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int GROUP_HEADER_LENGTH = GroupSizeEncodingDecoder.ENCODED_LENGTH;
    private static final int VAR_DATA_HEADER_LENGTH = VarDataEncodingDecoder.varDataEncodingOffset();
    // Every message with a command or deps lays its groups out alike; encode checks its length arithmetic each time.
    private static final int OP_BLOCK_LENGTH = PreAcceptEncoder.OpsEncoder.sbeBlockLength();
    private static final int OP_MIN_LENGTH = OP_BLOCK_LENGTH + 3 * VAR_DATA_HEADER_LENGTH;
    private static final int LONG_ENTRY_LENGTH = Long.BYTES;
    private static final int MEMBER_ENTRY_LENGTH = PreAcceptEncoder.MembersEncoder.sbeBlockLength();
    private static final byte[] EMPTY_BYTES = new byte[0];

    // Wire code -> value; null where a code is unknown. Built from the encode mappings, so the two always agree.
    private static final OpType[] OP_TYPE_BY_CODE = new OpType[256];
    private static final Status[] STATUS_BY_CODE = new Status[256];

    static
    {
        for (final OpType type : OpType.values())
        {
            OP_TYPE_BY_CODE[opTypeCode(type).value()] = type;
        }
        for (final Status status : Status.values())
        {
            STATUS_BY_CODE[statusCode(status).value()] = status;
        }
    }

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PreAcceptEncoder preAcceptEncoder = new PreAcceptEncoder();
    private final PreAcceptReplyEncoder preAcceptReplyEncoder = new PreAcceptReplyEncoder();
    private final AcceptEncoder acceptEncoder = new AcceptEncoder();
    private final AcceptReplyEncoder acceptReplyEncoder = new AcceptReplyEncoder();
    private final CommitEncoder commitEncoder = new CommitEncoder();
    private final PrepareEncoder prepareEncoder = new PrepareEncoder();
    private final PrepareReplyEncoder prepareReplyEncoder = new PrepareReplyEncoder();
    private final ExecutedWatermarksEncoder executedWatermarksEncoder = new ExecutedWatermarksEncoder();

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PreAcceptDecoder preAcceptDecoder = new PreAcceptDecoder();
    private final PreAcceptReplyDecoder preAcceptReplyDecoder = new PreAcceptReplyDecoder();
    private final AcceptDecoder acceptDecoder = new AcceptDecoder();
    private final AcceptReplyDecoder acceptReplyDecoder = new AcceptReplyDecoder();
    private final CommitDecoder commitDecoder = new CommitDecoder();
    private final PrepareDecoder prepareDecoder = new PrepareDecoder();
    private final PrepareReplyDecoder prepareReplyDecoder = new PrepareReplyDecoder();
    private final ExecutedWatermarksDecoder executedWatermarksDecoder = new ExecutedWatermarksDecoder();
    private final VarDataEncodingDecoder varDataDecoder = new VarDataEncodingDecoder();

    /** The frame being decoded, positions relative to its start; decoders never see the caller's buffer. */
    private final UnsafeBuffer frame = new UnsafeBuffer(EMPTY_BYTES);
    private int frameLength;
    /** The decoded frame's schema version: 0 has no members group. */
    private int actingVersion;
    /** A batch's members while it is decoded: client id, request number and op count of each. */
    private long[] memberClients = new long[0];
    private long[] memberRequests = new long[0];
    private int[] memberOps = new int[0];
    /** Where the members group read last ends. */
    private int membersEnd;

    /** A decoded frame: the sender's replica id and the message. */
    public record Decoded(int fromReplica, Message message)
    {
    }

    /**
     * Encodes a frame into {@code buffer} at {@code offset}. Allocates nothing when the message is valid.
     *
     * @return the encoded length, equal to {@link #encodedLength(Message)}.
     * @throws CodecException if {@code fromReplica} is not a replica id, the message exceeds a limit, has null or
     *                        unsorted deps or a null command (PrepareReply excepted), or does not fit the buffer (an
     *                        expandable buffer grows instead).
     */
    public int encode(final int fromReplica, final Message message, final MutableDirectBuffer buffer, final int offset)
        throws CodecException
    {
        if (fromReplica < 0 || fromReplica >= InstanceId.MAX_REPLICAS)
        {
            throw new CodecException("fromReplica out of range: " + fromReplica);
        }
        if (buffer == null)
        {
            throw new CodecException("null buffer");
        }
        final int length = encodedLength(message);
        if (offset < 0 || (!buffer.isExpandable() && length > buffer.capacity() - offset))
        {
            throw new CodecException(
                "buffer too small: " + length + " bytes at offset " + offset + ", capacity " + buffer.capacity());
        }

        final int encodedLength;
        try
        {
            encodedLength = encodeValid(fromReplica, message, buffer, offset);
        }
        catch (final IndexOutOfBoundsException ex)
        {
            throw new CodecException("buffer too small: " + ex.getMessage(), ex);
        }

        if (!carriesBatch(message))
        {
            // version 0 whenever the message has no batch: one encoding per message, the same bytes as before batches
            buffer.putShort(offset + MessageHeaderEncoder.versionEncodingOffset(), (short)0, ByteOrder.LITTLE_ENDIAN);
        }
        if (encodedLength != length)
        {
            throw new IllegalStateException(
                "encoded " + encodedLength + " bytes, computed " + length + ": " + message.getClass().getSimpleName());
        }
        return encodedLength;
    }

    /**
     * The exact length {@link #encode} writes for {@code message}, header included. Validates the message as
     * {@code encode} does.
     *
     * @throws CodecException if the message cannot be encoded, for the reasons {@link #encode} lists.
     */
    public static int encodedLength(final Message message) throws CodecException
    {
        final long bodyLength;
        if (message instanceof PreAccept m)
        {
            bodyLength = PreAcceptEncoder.BLOCK_LENGTH + commandLength(m.command()) + depsLength(m.deps()) +
                watermarksLength(m.forgotten());
        }
        else if (message instanceof PreAcceptReply m)
        {
            bodyLength = PreAcceptReplyEncoder.BLOCK_LENGTH + depsLength(m.deps());
        }
        else if (message instanceof Accept m)
        {
            bodyLength = AcceptEncoder.BLOCK_LENGTH + commandLength(m.command()) + depsLength(m.deps());
        }
        else if (message instanceof AcceptReply)
        {
            bodyLength = AcceptReplyEncoder.BLOCK_LENGTH;
        }
        else if (message instanceof Commit m)
        {
            bodyLength = CommitEncoder.BLOCK_LENGTH + commandLength(m.command()) + depsLength(m.deps());
        }
        else if (message instanceof Prepare)
        {
            bodyLength = PrepareEncoder.BLOCK_LENGTH;
        }
        else if (message instanceof PrepareReply m)
        {
            if (m.status() == null)
            {
                throw new CodecException("PrepareReply with null status");
            }
            final long commandLength = m.command() == null ? GROUP_HEADER_LENGTH : commandLength(m.command());
            bodyLength = PrepareReplyEncoder.BLOCK_LENGTH + commandLength + depsLength(m.deps());
        }
        else if (message instanceof ExecutedWatermarks m)
        {
            bodyLength = ExecutedWatermarksEncoder.BLOCK_LENGTH + watermarksLength(m.executed());
        }
        else
        {
            throw new CodecException(message == null ? "null message" : "unknown message type: " + message.getClass());
        }

        final long length = HEADER_LENGTH + bodyLength;
        if (length > MAX_MESSAGE_BYTES)
        {
            throw new CodecException(
                "message of " + length + " bytes exceeds MAX_MESSAGE_BYTES=" + MAX_MESSAGE_BYTES + ": " +
                message.getClass().getSimpleName());
        }
        return (int)length;
    }

    /**
     * Decodes the frame of {@code length} bytes at {@code offset}. The result owns its arrays: it does not refer to
     * {@code buffer}.
     *
     * @throws CodecException if the frame is truncated, longer than {@link #MAX_MESSAGE_BYTES}, has trailing bytes or
     *                        is malformed (another schema id or version, unknown template, block lengths, lengths
     *                        or counts beyond the frame or the limits, unknown enum values, unsorted deps, ...). It
     *                        throws nothing else, whatever the bytes.
     */
    public Decoded decode(final DirectBuffer buffer, final int offset, final int length) throws CodecException
    {
        if (buffer == null)
        {
            throw new CodecException("null buffer");
        }
        if (offset < 0 || length < 0 || length > buffer.capacity() - offset)
        {
            throw new CodecException(
                "frame outside buffer: offset " + offset + ", length " + length + ", capacity " + buffer.capacity());
        }
        if (length > MAX_MESSAGE_BYTES)
        {
            throw new CodecException("frame of " + length + " bytes exceeds MAX_MESSAGE_BYTES=" + MAX_MESSAGE_BYTES);
        }

        frame.wrap(buffer, offset, length);
        frameLength = length;
        try
        {
            return decodeFrame();
        }
        catch (final IndexOutOfBoundsException | IllegalArgumentException | IllegalStateException |
            NoSuchElementException ex)
        {
            // Unreachable if the checks below are complete; kept so that the contract holds even if they are not.
            throw new CodecException("malformed frame: " + ex, ex);
        }
        finally
        {
            frame.wrap(EMPTY_BYTES);
            frameLength = 0;
        }
    }

    private int encodeValid(
        final int fromReplica, final Message message, final MutableDirectBuffer buffer, final int offset)
    {
        if (message instanceof PreAccept m)
        {
            return encodePreAccept(fromReplica, m, buffer, offset);
        }
        if (message instanceof PreAcceptReply m)
        {
            return encodePreAcceptReply(fromReplica, m, buffer, offset);
        }
        if (message instanceof Accept m)
        {
            return encodeAccept(fromReplica, m, buffer, offset);
        }
        if (message instanceof AcceptReply m)
        {
            final AcceptReplyEncoder encoder = acceptReplyEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .fromReplica(fromReplica)
                .ballot(m.ballot())
                .instance(m.instance())
                .ok(booleanType(m.ok()))
                .promisedBallot(m.promisedBallot());
            return HEADER_LENGTH + encoder.encodedLength();
        }
        if (message instanceof Commit m)
        {
            return encodeCommit(fromReplica, m, buffer, offset);
        }
        if (message instanceof Prepare m)
        {
            final PrepareEncoder encoder = prepareEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .fromReplica(fromReplica)
                .ballot(m.ballot())
                .instance(m.instance());
            return HEADER_LENGTH + encoder.encodedLength();
        }
        if (message instanceof PrepareReply m)
        {
            return encodePrepareReply(fromReplica, m, buffer, offset);
        }
        return encodeExecutedWatermarks(fromReplica, (ExecutedWatermarks)message, buffer, offset);
    }

    private int encodePreAccept(
        final int fromReplica, final PreAccept m, final MutableDirectBuffer buffer, final int offset)
    {
        final Command command = m.command();
        final PreAcceptEncoder encoder = preAcceptEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .fromReplica(fromReplica)
            .ballot(m.ballot())
            .instance(m.instance())
            .seq(m.seq())
            .clientId(command.clientId())
            .requestNumber(command.requestNumber());

        final PreAcceptEncoder.OpsEncoder ops = encoder.opsCount(command.opCount());
        for (int i = 0; i < command.opCount(); i++)
        {
            final Op op = command.op(i);
            ops.next()
                .opType(opTypeCode(op.type()))
                .delta(op.delta())
                .valuePresent(presence(op.value()))
                .expectedPresent(presence(op.expected()))
                .putKey(op.key().bytes(), 0, op.key().length())
                .putValue(orEmpty(op.value()), 0, lengthOf(op.value()))
                .putExpected(orEmpty(op.expected()), 0, lengthOf(op.expected()));
        }

        final long[] deps = m.deps();
        final PreAcceptEncoder.DepsEncoder depsEncoder = encoder.depsCount(deps.length);
        for (final long dep : deps)
        {
            depsEncoder.next().instanceId(dep);
        }
        final long[] forgotten = m.forgotten();
        final PreAcceptEncoder.ForgottenEncoder forgottenEncoder = encoder.forgottenCount(forgotten.length);
        for (final long watermark : forgotten)
        {
            forgottenEncoder.next().watermark(watermark);
        }
        final int memberCount = batchMembers(command);
        if (memberCount > 0)
        {
            final PreAcceptEncoder.MembersEncoder members = encoder.membersCount(memberCount);
            for (int i = 0; i < memberCount; i++)
            {
                final Command member = command.member(i);
                members.next().clientId(member.clientId()).requestNumber(member.requestNumber())
                    .opCount(member.opCount());
            }
        }
        return HEADER_LENGTH + encoder.encodedLength();
    }

    private int encodePreAcceptReply(
        final int fromReplica, final PreAcceptReply m, final MutableDirectBuffer buffer, final int offset)
    {
        final PreAcceptReplyEncoder encoder = preAcceptReplyEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .fromReplica(fromReplica)
            .ballot(m.ballot())
            .instance(m.instance())
            .ok(booleanType(m.ok()))
            .seq(m.seq())
            .identical(booleanType(m.identical()))
            .promisedBallot(m.promisedBallot());

        final long[] deps = m.deps();
        final PreAcceptReplyEncoder.DepsEncoder depsEncoder = encoder.depsCount(deps.length);
        for (final long dep : deps)
        {
            depsEncoder.next().instanceId(dep);
        }
        return HEADER_LENGTH + encoder.encodedLength();
    }

    private int encodeAccept(final int fromReplica, final Accept m, final MutableDirectBuffer buffer, final int offset)
    {
        final Command command = m.command();
        final AcceptEncoder encoder = acceptEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .fromReplica(fromReplica)
            .ballot(m.ballot())
            .instance(m.instance())
            .seq(m.seq())
            .clientId(command.clientId())
            .requestNumber(command.requestNumber());

        final AcceptEncoder.OpsEncoder ops = encoder.opsCount(command.opCount());
        for (int i = 0; i < command.opCount(); i++)
        {
            final Op op = command.op(i);
            ops.next()
                .opType(opTypeCode(op.type()))
                .delta(op.delta())
                .valuePresent(presence(op.value()))
                .expectedPresent(presence(op.expected()))
                .putKey(op.key().bytes(), 0, op.key().length())
                .putValue(orEmpty(op.value()), 0, lengthOf(op.value()))
                .putExpected(orEmpty(op.expected()), 0, lengthOf(op.expected()));
        }

        final long[] deps = m.deps();
        final AcceptEncoder.DepsEncoder depsEncoder = encoder.depsCount(deps.length);
        for (final long dep : deps)
        {
            depsEncoder.next().instanceId(dep);
        }
        final int memberCount = batchMembers(command);
        if (memberCount > 0)
        {
            final AcceptEncoder.MembersEncoder members = encoder.membersCount(memberCount);
            for (int i = 0; i < memberCount; i++)
            {
                final Command member = command.member(i);
                members.next().clientId(member.clientId()).requestNumber(member.requestNumber())
                    .opCount(member.opCount());
            }
        }
        return HEADER_LENGTH + encoder.encodedLength();
    }

    private int encodeCommit(final int fromReplica, final Commit m, final MutableDirectBuffer buffer, final int offset)
    {
        final Command command = m.command();
        final CommitEncoder encoder = commitEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .fromReplica(fromReplica)
            .instance(m.instance())
            .seq(m.seq())
            .clientId(command.clientId())
            .requestNumber(command.requestNumber());

        final CommitEncoder.OpsEncoder ops = encoder.opsCount(command.opCount());
        for (int i = 0; i < command.opCount(); i++)
        {
            final Op op = command.op(i);
            ops.next()
                .opType(opTypeCode(op.type()))
                .delta(op.delta())
                .valuePresent(presence(op.value()))
                .expectedPresent(presence(op.expected()))
                .putKey(op.key().bytes(), 0, op.key().length())
                .putValue(orEmpty(op.value()), 0, lengthOf(op.value()))
                .putExpected(orEmpty(op.expected()), 0, lengthOf(op.expected()));
        }

        final long[] deps = m.deps();
        final CommitEncoder.DepsEncoder depsEncoder = encoder.depsCount(deps.length);
        for (final long dep : deps)
        {
            depsEncoder.next().instanceId(dep);
        }
        final int memberCount = batchMembers(command);
        if (memberCount > 0)
        {
            final CommitEncoder.MembersEncoder members = encoder.membersCount(memberCount);
            for (int i = 0; i < memberCount; i++)
            {
                final Command member = command.member(i);
                members.next().clientId(member.clientId()).requestNumber(member.requestNumber())
                    .opCount(member.opCount());
            }
        }
        return HEADER_LENGTH + encoder.encodedLength();
    }

    private int encodePrepareReply(
        final int fromReplica, final PrepareReply m, final MutableDirectBuffer buffer, final int offset)
    {
        final Command command = m.command();
        final PrepareReplyEncoder encoder = prepareReplyEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .fromReplica(fromReplica)
            .ballot(m.ballot())
            .instance(m.instance())
            .ok(booleanType(m.ok()))
            .promisedBallot(m.promisedBallot())
            .status(statusCode(m.status()))
            .voteBallot(m.voteBallot())
            .seq(m.seq())
            .identical(booleanType(m.identical()))
            .hasCommand(booleanType(command != null))
            .clientId(command == null ? 0 : command.clientId())
            .requestNumber(command == null ? 0 : command.requestNumber());

        final int opCount = command == null ? 0 : command.opCount();
        final PrepareReplyEncoder.OpsEncoder ops = encoder.opsCount(opCount);
        for (int i = 0; i < opCount; i++)
        {
            final Op op = command.op(i);
            ops.next()
                .opType(opTypeCode(op.type()))
                .delta(op.delta())
                .valuePresent(presence(op.value()))
                .expectedPresent(presence(op.expected()))
                .putKey(op.key().bytes(), 0, op.key().length())
                .putValue(orEmpty(op.value()), 0, lengthOf(op.value()))
                .putExpected(orEmpty(op.expected()), 0, lengthOf(op.expected()));
        }

        final long[] deps = m.deps();
        final PrepareReplyEncoder.DepsEncoder depsEncoder = encoder.depsCount(deps.length);
        for (final long dep : deps)
        {
            depsEncoder.next().instanceId(dep);
        }
        final int memberCount = command == null ? 0 : batchMembers(command);
        if (memberCount > 0)
        {
            final PrepareReplyEncoder.MembersEncoder members = encoder.membersCount(memberCount);
            for (int i = 0; i < memberCount; i++)
            {
                final Command member = command.member(i);
                members.next().clientId(member.clientId()).requestNumber(member.requestNumber())
                    .opCount(member.opCount());
            }
        }
        return HEADER_LENGTH + encoder.encodedLength();
    }

    private int encodeExecutedWatermarks(
        final int fromReplica, final ExecutedWatermarks m, final MutableDirectBuffer buffer, final int offset)
    {
        final ExecutedWatermarksEncoder encoder =
            executedWatermarksEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder).fromReplica(fromReplica);

        final long[] executed = m.executed();
        final ExecutedWatermarksEncoder.ExecutedEncoder executedEncoder = encoder.executedCount(executed.length);
        for (final long watermark : executed)
        {
            executedEncoder.next().watermark(watermark);
        }
        return HEADER_LENGTH + encoder.encodedLength();
    }

    private static long commandLength(final Command command) throws CodecException
    {
        if (command == null)
        {
            throw new CodecException("null command");
        }
        final int opCount = command.opCount();
        if (command.isBatch())
        {
            if (opCount > Command.MAX_BATCH_OPS)
            {
                throw new CodecException("batch has " + opCount + " ops, more than " + Command.MAX_BATCH_OPS);
            }
            for (int i = 0; i < command.memberCount(); i++)
            {
                if (command.member(i).opCount() > MAX_OPS)
                {
                    throw new CodecException("batch member " + i + " has " + command.member(i).opCount() +
                        " ops, more than MAX_OPS=" + MAX_OPS);
                }
            }
        }
        else if (opCount > MAX_OPS)
        {
            throw new CodecException("command has " + opCount + " ops, more than MAX_OPS=" + MAX_OPS);
        }
        // ops, and for a batch the members group (at the end of the message)
        long length = GROUP_HEADER_LENGTH + (long)opCount * OP_MIN_LENGTH +
            (command.isBatch() ? GROUP_HEADER_LENGTH + (long)command.memberCount() * MEMBER_ENTRY_LENGTH : 0);
        for (int i = 0; i < opCount; i++)
        {
            final Op op = command.op(i);
            length += checkedLength(op.key().bytes(), MAX_KEY_BYTES, "key") +
                checkedLength(op.value(), MAX_VALUE_BYTES, "value") +
                checkedLength(op.expected(), MAX_VALUE_BYTES, "expected");
        }
        return length;
    }

    private static boolean carriesBatch(final Message message)
    {
        final Command command;
        if (message instanceof PreAccept m)
        {
            command = m.command();
        }
        else if (message instanceof Accept m)
        {
            command = m.command();
        }
        else if (message instanceof Commit m)
        {
            command = m.command();
        }
        else if (message instanceof PrepareReply m)
        {
            command = m.command();
        }
        else
        {
            command = null;
        }
        return command != null && command.isBatch();
    }

    /** Entries of the members group: a batch's size, 0 for a plain command. */
    private static int batchMembers(final Command command)
    {
        return command.isBatch() ? command.memberCount() : 0;
    }

    private static int checkedLength(final byte[] bytes, final int maxLength, final String name) throws CodecException
    {
        final int length = lengthOf(bytes);
        if (length > maxLength)
        {
            throw new CodecException(name + " of " + length + " bytes exceeds the limit " + maxLength);
        }
        return length;
    }

    private static long depsLength(final long[] deps) throws CodecException
    {
        if (deps == null)
        {
            throw new CodecException("null deps: use Deps.EMPTY");
        }
        if (deps.length > MAX_DEPS)
        {
            throw new CodecException(deps.length + " deps, more than MAX_DEPS=" + MAX_DEPS);
        }
        checkSortedSet(deps);
        return GROUP_HEADER_LENGTH + (long)deps.length * LONG_ENTRY_LENGTH;
    }

    private static long watermarksLength(final long[] executed) throws CodecException
    {
        if (executed == null)
        {
            throw new CodecException("null executed watermarks");
        }
        if (executed.length > MAX_WATERMARKS)
        {
            throw new CodecException(executed.length + " watermarks, more than MAX_WATERMARKS=" + MAX_WATERMARKS);
        }
        return GROUP_HEADER_LENGTH + (long)executed.length * LONG_ENTRY_LENGTH;
    }

    private static void checkSortedSet(final long[] deps) throws CodecException
    {
        for (int i = 1; i < deps.length; i++)
        {
            if (deps[i - 1] >= deps[i])
            {
                throw new CodecException(
                    "deps not strictly increasing at index " + i + ": " + deps[i - 1] + " then " + deps[i]);
            }
        }
    }

    private Decoded decodeFrame() throws CodecException
    {
        require(0, HEADER_LENGTH, "message header");
        headerDecoder.wrap(frame, 0);
        final int schemaId = headerDecoder.schemaId();
        if (schemaId != MessageHeaderDecoder.SCHEMA_ID)
        {
            throw new CodecException("schema id " + schemaId + ", expected " + MessageHeaderDecoder.SCHEMA_ID);
        }
        final int version = headerDecoder.version();
        if (version != MessageHeaderDecoder.SCHEMA_VERSION && version != 0)
        {
            throw new CodecException(
                "schema version " + version + ", expected 0.." + MessageHeaderDecoder.SCHEMA_VERSION);
        }
        actingVersion = version;

        final int blockLength = headerDecoder.blockLength();
        final int templateId = headerDecoder.templateId();
        if (version == 1 && templateId != PreAcceptDecoder.TEMPLATE_ID && templateId != AcceptDecoder.TEMPLATE_ID &&
            templateId != CommitDecoder.TEMPLATE_ID && templateId != PrepareReplyDecoder.TEMPLATE_ID)
        {
            throw new CodecException("a version 1 frame of template " + templateId + ", which carries no batch");
        }
        switch (templateId)
        {
            case PreAcceptDecoder.TEMPLATE_ID:
                return decodePreAccept(blockLength);
            case PreAcceptReplyDecoder.TEMPLATE_ID:
                return decodePreAcceptReply(blockLength);
            case AcceptDecoder.TEMPLATE_ID:
                return decodeAccept(blockLength);
            case AcceptReplyDecoder.TEMPLATE_ID:
                return decodeAcceptReply(blockLength);
            case CommitDecoder.TEMPLATE_ID:
                return decodeCommit(blockLength);
            case PrepareDecoder.TEMPLATE_ID:
                return decodePrepare(blockLength);
            case PrepareReplyDecoder.TEMPLATE_ID:
                return decodePrepareReply(blockLength);
            case ExecutedWatermarksDecoder.TEMPLATE_ID:
                return decodeExecutedWatermarks(blockLength);
            default:
                throw new CodecException("unknown template id " + templateId);
        }
    }

    private Decoded decodePreAccept(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, PreAcceptDecoder.BLOCK_LENGTH, "PreAccept");
        final PreAcceptDecoder decoder =
            preAcceptDecoder.wrap(frame, HEADER_LENGTH, blockLength, actingVersion);
        final int fromReplica = replica(decoder.fromReplica());
        final long ballot = decoder.ballot();
        final long instance = decoder.instance();
        final long seq = decoder.seq();
        final long clientId = decoder.clientId();
        final long requestNumber = decoder.requestNumber();

        require(decoder.limit(), GROUP_HEADER_LENGTH, "ops");
        final PreAcceptDecoder.OpsDecoder ops = decoder.ops();
        final Op[] opArray = new Op[opCount(ops.actingBlockLength(), ops.count(), decoder.limit())];
        for (int i = 0; i < opArray.length; i++)
        {
            require(decoder.limit(), OP_BLOCK_LENGTH, "op");
            ops.next();
            final Op op = decodeOp(
                ops.opTypeRaw(), ops.delta(), ops.valuePresentRaw(), ops.expectedPresentRaw(), decoder.limit());
            decoder.limit(decoder.limit() + varDataLength(op));
            opArray[i] = op;
        }

        require(decoder.limit(), GROUP_HEADER_LENGTH, "deps");
        final PreAcceptDecoder.DepsDecoder deps = decoder.deps();
        final long[] depArray = new long[depCount(deps.actingBlockLength(), deps.count(), decoder.limit())];
        for (int i = 0; i < depArray.length; i++)
        {
            depArray[i] = deps.next().instanceId();
        }
        checkSortedSet(depArray);

        require(decoder.limit(), GROUP_HEADER_LENGTH, "forgotten");
        final PreAcceptDecoder.ForgottenDecoder forgotten = decoder.forgotten();
        checkGroupBlockLength(forgotten.actingBlockLength(), LONG_ENTRY_LENGTH, "forgotten");
        final long[] watermarks = new long[
            groupCount(forgotten.count(), MAX_WATERMARKS, LONG_ENTRY_LENGTH, decoder.limit(), "forgotten")];
        for (int i = 0; i < watermarks.length; i++)
        {
            watermarks[i] = forgotten.next().watermark();
        }
        final int memberCount = readMembers(decoder.limit());
        decoder.limit(membersEnd);
        final Command command = command(clientId, requestNumber, opArray, memberCount);

        return decoded(decoder.limit(), fromReplica,
            new PreAccept(ballot, instance, command, seq, depArray, watermarks));
    }

    private Decoded decodePreAcceptReply(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, PreAcceptReplyDecoder.BLOCK_LENGTH, "PreAcceptReply");
        final PreAcceptReplyDecoder decoder =
            preAcceptReplyDecoder.wrap(frame, HEADER_LENGTH, blockLength, PreAcceptReplyDecoder.SCHEMA_VERSION);
        final int fromReplica = replica(decoder.fromReplica());
        final long ballot = decoder.ballot();
        final long instance = decoder.instance();
        final boolean ok = bool(decoder.okRaw(), "ok");
        final long seq = decoder.seq();
        final boolean identical = bool(decoder.identicalRaw(), "identical");
        final long promisedBallot = decoder.promisedBallot();

        require(decoder.limit(), GROUP_HEADER_LENGTH, "deps");
        final PreAcceptReplyDecoder.DepsDecoder deps = decoder.deps();
        final long[] depArray = new long[depCount(deps.actingBlockLength(), deps.count(), decoder.limit())];
        for (int i = 0; i < depArray.length; i++)
        {
            depArray[i] = deps.next().instanceId();
        }
        checkSortedSet(depArray);

        return decoded(
            decoder.limit(),
            fromReplica,
            new PreAcceptReply(ballot, instance, ok, seq, depArray, identical, promisedBallot));
    }

    private Decoded decodeAccept(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, AcceptDecoder.BLOCK_LENGTH, "Accept");
        final AcceptDecoder decoder =
            acceptDecoder.wrap(frame, HEADER_LENGTH, blockLength, actingVersion);
        final int fromReplica = replica(decoder.fromReplica());
        final long ballot = decoder.ballot();
        final long instance = decoder.instance();
        final long seq = decoder.seq();
        final long clientId = decoder.clientId();
        final long requestNumber = decoder.requestNumber();

        require(decoder.limit(), GROUP_HEADER_LENGTH, "ops");
        final AcceptDecoder.OpsDecoder ops = decoder.ops();
        final Op[] opArray = new Op[opCount(ops.actingBlockLength(), ops.count(), decoder.limit())];
        for (int i = 0; i < opArray.length; i++)
        {
            require(decoder.limit(), OP_BLOCK_LENGTH, "op");
            ops.next();
            final Op op = decodeOp(
                ops.opTypeRaw(), ops.delta(), ops.valuePresentRaw(), ops.expectedPresentRaw(), decoder.limit());
            decoder.limit(decoder.limit() + varDataLength(op));
            opArray[i] = op;
        }

        require(decoder.limit(), GROUP_HEADER_LENGTH, "deps");
        final AcceptDecoder.DepsDecoder deps = decoder.deps();
        final long[] depArray = new long[depCount(deps.actingBlockLength(), deps.count(), decoder.limit())];
        for (int i = 0; i < depArray.length; i++)
        {
            depArray[i] = deps.next().instanceId();
        }
        checkSortedSet(depArray);
        final int memberCount = readMembers(decoder.limit());
        decoder.limit(membersEnd);
        final Command command = command(clientId, requestNumber, opArray, memberCount);

        return decoded(decoder.limit(), fromReplica, new Accept(ballot, instance, command, seq, depArray));
    }

    private Decoded decodeAcceptReply(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, AcceptReplyDecoder.BLOCK_LENGTH, "AcceptReply");
        final AcceptReplyDecoder decoder =
            acceptReplyDecoder.wrap(frame, HEADER_LENGTH, blockLength, AcceptReplyDecoder.SCHEMA_VERSION);
        final int fromReplica = replica(decoder.fromReplica());
        final AcceptReply message = new AcceptReply(
            decoder.ballot(), decoder.instance(), bool(decoder.okRaw(), "ok"), decoder.promisedBallot());
        return decoded(decoder.limit(), fromReplica, message);
    }

    private Decoded decodeCommit(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, CommitDecoder.BLOCK_LENGTH, "Commit");
        final CommitDecoder decoder =
            commitDecoder.wrap(frame, HEADER_LENGTH, blockLength, actingVersion);
        final int fromReplica = replica(decoder.fromReplica());
        final long instance = decoder.instance();
        final long seq = decoder.seq();
        final long clientId = decoder.clientId();
        final long requestNumber = decoder.requestNumber();

        require(decoder.limit(), GROUP_HEADER_LENGTH, "ops");
        final CommitDecoder.OpsDecoder ops = decoder.ops();
        final Op[] opArray = new Op[opCount(ops.actingBlockLength(), ops.count(), decoder.limit())];
        for (int i = 0; i < opArray.length; i++)
        {
            require(decoder.limit(), OP_BLOCK_LENGTH, "op");
            ops.next();
            final Op op = decodeOp(
                ops.opTypeRaw(), ops.delta(), ops.valuePresentRaw(), ops.expectedPresentRaw(), decoder.limit());
            decoder.limit(decoder.limit() + varDataLength(op));
            opArray[i] = op;
        }

        require(decoder.limit(), GROUP_HEADER_LENGTH, "deps");
        final CommitDecoder.DepsDecoder deps = decoder.deps();
        final long[] depArray = new long[depCount(deps.actingBlockLength(), deps.count(), decoder.limit())];
        for (int i = 0; i < depArray.length; i++)
        {
            depArray[i] = deps.next().instanceId();
        }
        checkSortedSet(depArray);
        final int memberCount = readMembers(decoder.limit());
        decoder.limit(membersEnd);
        final Command command = command(clientId, requestNumber, opArray, memberCount);

        return decoded(decoder.limit(), fromReplica, new Commit(instance, command, seq, depArray));
    }

    private Decoded decodePrepare(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, PrepareDecoder.BLOCK_LENGTH, "Prepare");
        final PrepareDecoder decoder =
            prepareDecoder.wrap(frame, HEADER_LENGTH, blockLength, PrepareDecoder.SCHEMA_VERSION);
        final int fromReplica = replica(decoder.fromReplica());
        return decoded(decoder.limit(), fromReplica, new Prepare(decoder.ballot(), decoder.instance()));
    }

    private Decoded decodePrepareReply(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, PrepareReplyDecoder.BLOCK_LENGTH, "PrepareReply");
        final PrepareReplyDecoder decoder =
            prepareReplyDecoder.wrap(frame, HEADER_LENGTH, blockLength, actingVersion);
        final int fromReplica = replica(decoder.fromReplica());
        final long ballot = decoder.ballot();
        final long instance = decoder.instance();
        final boolean ok = bool(decoder.okRaw(), "ok");
        final long promisedBallot = decoder.promisedBallot();
        final Status status = status(decoder.statusRaw());
        final long voteBallot = decoder.voteBallot();
        final long seq = decoder.seq();
        final boolean identical = bool(decoder.identicalRaw(), "identical");
        final boolean hasCommand = bool(decoder.hasCommandRaw(), "hasCommand");
        final long clientId = decoder.clientId();
        final long requestNumber = decoder.requestNumber();

        require(decoder.limit(), GROUP_HEADER_LENGTH, "ops");
        final PrepareReplyDecoder.OpsDecoder ops = decoder.ops();
        final Op[] opArray = new Op[opCount(ops.actingBlockLength(), ops.count(), decoder.limit())];
        for (int i = 0; i < opArray.length; i++)
        {
            require(decoder.limit(), OP_BLOCK_LENGTH, "op");
            ops.next();
            final Op op = decodeOp(
                ops.opTypeRaw(), ops.delta(), ops.valuePresentRaw(), ops.expectedPresentRaw(), decoder.limit());
            decoder.limit(decoder.limit() + varDataLength(op));
            opArray[i] = op;
        }

        require(decoder.limit(), GROUP_HEADER_LENGTH, "deps");
        final PrepareReplyDecoder.DepsDecoder deps = decoder.deps();
        final long[] depArray = new long[depCount(deps.actingBlockLength(), deps.count(), decoder.limit())];
        for (int i = 0; i < depArray.length; i++)
        {
            depArray[i] = deps.next().instanceId();
        }
        checkSortedSet(depArray);
        final int memberCount = readMembers(decoder.limit());
        decoder.limit(membersEnd);
        final Command command;
        if (hasCommand)
        {
            command = command(clientId, requestNumber, opArray, memberCount);
        }
        else if (clientId != 0 || requestNumber != 0 || opArray.length != 0 || memberCount != 0)
        {
            throw new CodecException("PrepareReply without a command carries command fields");
        }
        else
        {
            command = null;
        }

        final PrepareReply message = new PrepareReply(
            ballot, instance, ok, promisedBallot, status, voteBallot, command, seq, depArray, identical);
        return decoded(decoder.limit(), fromReplica, message);
    }

    private Decoded decodeExecutedWatermarks(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, ExecutedWatermarksDecoder.BLOCK_LENGTH, "ExecutedWatermarks");
        final ExecutedWatermarksDecoder decoder = executedWatermarksDecoder.wrap(
            frame, HEADER_LENGTH, blockLength, ExecutedWatermarksDecoder.SCHEMA_VERSION);
        final int fromReplica = replica(decoder.fromReplica());

        require(decoder.limit(), GROUP_HEADER_LENGTH, "executed");
        final ExecutedWatermarksDecoder.ExecutedDecoder executed = decoder.executed();
        checkGroupBlockLength(executed.actingBlockLength(), LONG_ENTRY_LENGTH, "executed");
        final long[] watermarks = new long[
            groupCount(executed.count(), MAX_WATERMARKS, LONG_ENTRY_LENGTH, decoder.limit(), "executed")];
        for (int i = 0; i < watermarks.length; i++)
        {
            watermarks[i] = executed.next().watermark();
        }

        return decoded(decoder.limit(), fromReplica, new ExecutedWatermarks(watermarks));
    }

    /** Reads an op's var-data at {@code position}, after its fixed fields. */
    private Op decodeOp(
        final short opTypeCode,
        final long delta,
        final short valuePresentCode,
        final short expectedPresentCode,
        final int position) throws CodecException
    {
        final OpType type = OP_TYPE_BY_CODE[opTypeCode];
        if (type == null)
        {
            throw new CodecException("unknown op type code " + opTypeCode);
        }
        final boolean valuePresent = bool(valuePresentCode, "valuePresent");
        final boolean expectedPresent = bool(expectedPresentCode, "expectedPresent");

        final byte[] key = varData(position, MAX_KEY_BYTES, true, "key");
        final int valuePosition = position + VAR_DATA_HEADER_LENGTH + key.length;
        final byte[] value = varData(valuePosition, MAX_VALUE_BYTES, valuePresent, "value");
        final int expectedPosition = valuePosition + VAR_DATA_HEADER_LENGTH + lengthOf(value);
        final byte[] expected = varData(expectedPosition, MAX_VALUE_BYTES, expectedPresent, "expected");

        return Op.of(type, Key.wrap(key), value, expected, delta);
    }

    /** Reads one var-data field; an absent one must be empty and reads as null. */
    private byte[] varData(final int position, final int maxLength, final boolean present, final String name)
        throws CodecException
    {
        require(position, VAR_DATA_HEADER_LENGTH, name);
        final long length = varDataDecoder.wrap(frame, position).length();
        if (length > maxLength)
        {
            throw new CodecException(name + " of " + length + " bytes exceeds the limit " + maxLength);
        }
        if (!present)
        {
            if (length != 0)
            {
                throw new CodecException(name + " is absent but has " + length + " bytes");
            }
            return null;
        }
        final int dataPosition = position + VAR_DATA_HEADER_LENGTH;
        require(dataPosition, (int)length, name);
        final byte[] bytes = new byte[(int)length];
        frame.getBytes(dataPosition, bytes);
        return bytes;
    }

    private static int varDataLength(final Op op)
    {
        return 3 * VAR_DATA_HEADER_LENGTH + op.key().length() + lengthOf(op.value()) + lengthOf(op.expected());
    }

    /**
     * Reads the members group at {@code position} into the member scratch (nothing in a version 0 frame, which has no
     * such group) and returns the member count; {@link #membersEnd} is where the group ends. The group is read here
     * rather than through each message's generated decoder: its layout is the same in every message.
     */
    private int readMembers(final int position) throws CodecException
    {
        membersEnd = position;
        if (actingVersion < 1)
        {
            return 0;
        }
        require(position, GROUP_HEADER_LENGTH, "members");
        final int blockLength = frame.getShort(position + GroupSizeEncodingDecoder.blockLengthEncodingOffset(),
            ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = frame.getShort(position + GroupSizeEncodingDecoder.numInGroupEncodingOffset(),
            ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        int at = position + GROUP_HEADER_LENGTH;
        final int members = memberCount(blockLength, count, at);
        for (int i = 0; i < members; i++)
        {
            member(i,
                frame.getLong(at + PreAcceptDecoder.MembersDecoder.clientIdEncodingOffset(), ByteOrder.LITTLE_ENDIAN),
                frame.getLong(at + PreAcceptDecoder.MembersDecoder.requestNumberEncodingOffset(),
                    ByteOrder.LITTLE_ENDIAN),
                frame.getShort(at + PreAcceptDecoder.MembersDecoder.opCountEncodingOffset(), ByteOrder.LITTLE_ENDIAN) &
                    0xFFFF);
            at += MEMBER_ENTRY_LENGTH;
        }
        membersEnd = at;
        return members;
    }

    /** Records member {@code index} of the batch being decoded (see {@link #command}). */
    private void member(final int index, final long clientId, final long requestNumber, final int opCount)
    {
        if (index >= memberClients.length)
        {
            final int length = Math.min(Command.MAX_BATCH_MEMBERS, Math.max(16, memberClients.length * 2));
            memberClients = Arrays.copyOf(memberClients, length);
            memberRequests = Arrays.copyOf(memberRequests, length);
            memberOps = Arrays.copyOf(memberOps, length);
        }
        memberClients[index] = clientId;
        memberRequests[index] = requestNumber;
        memberOps[index] = opCount;
    }

    /** The command of fields, ops and (for a batch) the {@code memberCount} members recorded by {@link #member}. */
    private Command command(final long clientId, final long requestNumber, final Op[] ops, final int memberCount)
        throws CodecException
    {
        if (memberCount > 0)
        {
            return batch(clientId, requestNumber, ops, memberCount);
        }
        if (ops.length > MAX_OPS)
        {
            throw new CodecException("command has " + ops.length + " ops, more than MAX_OPS=" + MAX_OPS);
        }
        if (ops.length > 0)
        {
            return Command.of(clientId, requestNumber, ops);
        }
        if (clientId != 0 || requestNumber != 0)
        {
            throw new CodecException("command without ops has clientId " + clientId + ", request " + requestNumber);
        }
        return Command.NOOP;
    }

    private Command batch(final long clientId, final long requestNumber, final Op[] ops, final int memberCount)
        throws CodecException
    {
        if (memberCount < 2)
        {
            throw new CodecException("a batch of " + memberCount + " member");
        }
        if (clientId != 0 || requestNumber != 0)
        {
            throw new CodecException("a batch with clientId " + clientId + ", request " + requestNumber);
        }
        final ArrayList<Command> members = new ArrayList<>(memberCount);
        int next = 0;
        for (int i = 0; i < memberCount; i++)
        {
            final int count = memberOps[i];
            if (count < 1 || count > MAX_OPS || count > ops.length - next)
            {
                throw new CodecException("batch member " + i + " has " + count + " ops, " + (ops.length - next) +
                    " left of " + ops.length);
            }
            members.add(Command.of(memberClients[i], memberRequests[i], Arrays.copyOfRange(ops, next, next + count)));
            next += count;
        }
        if (next != ops.length)
        {
            throw new CodecException("batch members take " + next + " of its " + ops.length + " ops");
        }
        return Command.batch(members);
    }

    private int opCount(final int blockLength, final int count, final int position) throws CodecException
    {
        checkGroupBlockLength(blockLength, OP_BLOCK_LENGTH, "ops");
        return groupCount(count, Command.MAX_BATCH_OPS, OP_MIN_LENGTH, position, "ops");
    }

    private int memberCount(final int blockLength, final int count, final int position) throws CodecException
    {
        checkGroupBlockLength(blockLength, MEMBER_ENTRY_LENGTH, "members");
        if (count == 0)
        {
            throw new CodecException("a version 1 frame without a batch (such messages are version 0)");
        }
        return groupCount(count, Command.MAX_BATCH_MEMBERS, MEMBER_ENTRY_LENGTH, position, "members");
    }

    private int depCount(final int blockLength, final int count, final int position) throws CodecException
    {
        checkGroupBlockLength(blockLength, LONG_ENTRY_LENGTH, "deps");
        return groupCount(count, MAX_DEPS, LONG_ENTRY_LENGTH, position, "deps");
    }

    /** Checks a group's count before anything is allocated for it: the entries must fit what is left of the frame. */
    private int groupCount(
        final int count, final int maxCount, final int minEntryLength, final int position, final String name)
        throws CodecException
    {
        if (count > maxCount)
        {
            throw new CodecException(name + ": " + count + " entries, more than the limit " + maxCount);
        }
        if ((long)count * minEntryLength > frameLength - position)
        {
            throw new CodecException(name + ": " + count + " entries do not fit the " + frameLength + " byte frame");
        }
        return count;
    }

    private static void checkGroupBlockLength(final int blockLength, final int expected, final String name)
        throws CodecException
    {
        if (blockLength != expected)
        {
            throw new CodecException(name + ": group block length " + blockLength + ", expected " + expected);
        }
    }

    private void checkBlock(final int blockLength, final int expected, final String name) throws CodecException
    {
        if (blockLength != expected)
        {
            throw new CodecException(name + ": block length " + blockLength + ", expected " + expected);
        }
        require(HEADER_LENGTH, blockLength, name);
    }

    /** Fails unless {@code length} bytes of the frame start at {@code position} (which is within the frame). */
    private void require(final int position, final int length, final String name) throws CodecException
    {
        if (length > frameLength - position)
        {
            throw new CodecException(
                "truncated: " + name + " needs " + length + " bytes at " + position + " of a " + frameLength +
                " byte frame");
        }
    }

    private Decoded decoded(final int endPosition, final int fromReplica, final Message message)
        throws CodecException
    {
        if (endPosition != frameLength)
        {
            throw new CodecException(
                (frameLength - endPosition) + " trailing bytes after " + message.getClass().getSimpleName());
        }
        return new Decoded(fromReplica, message);
    }

    private static int replica(final int fromReplica) throws CodecException
    {
        if (fromReplica >= InstanceId.MAX_REPLICAS)
        {
            throw new CodecException("fromReplica out of range: " + fromReplica);
        }
        return fromReplica;
    }

    private static boolean bool(final short code, final String name) throws CodecException
    {
        if (code == BooleanType.TRUE.value())
        {
            return true;
        }
        if (code == BooleanType.FALSE.value())
        {
            return false;
        }
        throw new CodecException(name + ": not a boolean code " + code);
    }

    private static Status status(final short code) throws CodecException
    {
        final Status status = STATUS_BY_CODE[code];
        if (status == null)
        {
            throw new CodecException("unknown status code " + code);
        }
        return status;
    }

    private static BooleanType booleanType(final boolean value)
    {
        return value ? BooleanType.TRUE : BooleanType.FALSE;
    }

    private static BooleanType presence(final byte[] bytes)
    {
        return bytes == null ? BooleanType.FALSE : BooleanType.TRUE;
    }

    private static byte[] orEmpty(final byte[] bytes)
    {
        return bytes == null ? EMPTY_BYTES : bytes;
    }

    private static int lengthOf(final byte[] bytes)
    {
        return bytes == null ? 0 : bytes.length;
    }

    private static OpTypeCode opTypeCode(final OpType type)
    {
        return switch (type)
        {
            case GET -> OpTypeCode.GET;
            case PUT -> OpTypeCode.PUT;
            case DELETE -> OpTypeCode.DELETE;
            case CAS -> OpTypeCode.CAS;
            case INCR -> OpTypeCode.INCR;
        };
    }

    private static StatusCode statusCode(final Status status)
    {
        return switch (status)
        {
            case NONE -> StatusCode.NONE;
            case PRE_ACCEPTED -> StatusCode.PRE_ACCEPTED;
            case ACCEPTED -> StatusCode.ACCEPTED;
            case COMMITTED -> StatusCode.COMMITTED;
            case EXECUTED -> StatusCode.EXECUTED;
        };
    }
}
