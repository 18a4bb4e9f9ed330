package io.geo.epaxos.regionlog;

import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.regionlog.sbe.AcceptDecoder;
import io.geo.epaxos.regionlog.sbe.AcceptEncoder;
import io.geo.epaxos.regionlog.sbe.AcceptedDecoder;
import io.geo.epaxos.regionlog.sbe.AcceptedEncoder;
import io.geo.epaxos.regionlog.sbe.CatchUpReplyDecoder;
import io.geo.epaxos.regionlog.sbe.CatchUpReplyEncoder;
import io.geo.epaxos.regionlog.sbe.ForwardDecoder;
import io.geo.epaxos.regionlog.sbe.SnapshotChunkDecoder;
import io.geo.epaxos.regionlog.sbe.SnapshotChunkEncoder;
import io.geo.epaxos.regionlog.sbe.SnapshotRequestDecoder;
import io.geo.epaxos.regionlog.sbe.SnapshotRequestEncoder;
import io.geo.epaxos.regionlog.sbe.ForwardEncoder;
import io.geo.epaxos.regionlog.sbe.CatchUpRequestDecoder;
import io.geo.epaxos.regionlog.sbe.CatchUpRequestEncoder;
import io.geo.epaxos.regionlog.sbe.CommitDecoder;
import io.geo.epaxos.regionlog.sbe.CommitEncoder;
import io.geo.epaxos.regionlog.sbe.GrantDecoder;
import io.geo.epaxos.regionlog.sbe.GrantEncoder;
import io.geo.epaxos.regionlog.sbe.GrantRequestDecoder;
import io.geo.epaxos.regionlog.sbe.GrantRequestEncoder;
import io.geo.epaxos.regionlog.sbe.GroupSizeEncodingDecoder;
import io.geo.epaxos.regionlog.sbe.HeartbeatDecoder;
import io.geo.epaxos.regionlog.sbe.HeartbeatEncoder;
import io.geo.epaxos.regionlog.sbe.MessageHeaderDecoder;
import io.geo.epaxos.regionlog.sbe.MessageHeaderEncoder;
import io.geo.epaxos.regionlog.sbe.NackDecoder;
import io.geo.epaxos.regionlog.sbe.NackEncoder;
import io.geo.epaxos.regionlog.sbe.PrepareDecoder;
import io.geo.epaxos.regionlog.sbe.PrepareEncoder;
import io.geo.epaxos.regionlog.sbe.PromiseDecoder;
import io.geo.epaxos.regionlog.sbe.PromiseEncoder;
import io.geo.epaxos.regionlog.sbe.VarDataEncodingDecoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Encodes region log messages ({@link LogMessage}) as SBE frames (schema {@code sbe/geo-regionlog.xml}, id 4702) and
 * decodes them back; the counterpart of {@link io.geo.epaxos.codec.MessageCodec} for the region log, with the same
 * API and the same rules.
 *
 * <p>A frame is the SBE message header followed by one message whose first field, {@code fromNode}, is the sender's
 * node id. {@link #encode} writes exactly {@link #encodedLength(LogMessage)} bytes and allocates nothing (a Publisher
 * can {@code tryClaim} that length and encode in place). Lists of entries and accepted slots are read by index: pass
 * random-access lists (the node's are).
 *
 * <p>{@link #decode} treats its input as hostile: every length and count is checked against the frame and the limits
 * below before it is used to read or allocate, so a frame either decodes or fails with {@link CodecException}, and no
 * read leaves the frame even when Agrona's bounds checks are disabled. It allocates only the decoded message: its
 * records, entries, payload arrays and unmodifiable lists; a no-op entry decodes to {@link LogEntry#NOOP} itself.
 * Version 0 is strict and canonical: a frame decodes only if encoding the decoded message gives back the same bytes
 * (exact block lengths, the no-op as origin -1, sequence 0 and no payload, no trailing bytes).
 *
 * <p>Value rules, checked on encode and on decode alike: views, slots and commit indexes are not negative; counts are
 * 0..{@link #MAX_ENTRIES}; a range of slots does not wrap ({@code firstSlot + count <= Long.MAX_VALUE}); the accepted
 * slots of a {@link LogMessage.Promise} are strictly increasing and below its nextSlot when that is set.
 *
 * <p>Sizing: a message must fit {@link #MAX_MESSAGE_BYTES}, so a node's largest batch ({@code maxBatchEntries}
 * entries of up to {@code maxPayloadBytes}, 16 bytes of overhead each) and its largest Promise must too.
 *
 * <p>Reusable and not thread-safe: use one instance per thread.
 */
public final class LogMessageCodec
{
    /** A frame (header included) larger than this is rejected on encode and decode: room for one maximal payload. */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
    /** Bytes of one entry's payload. */
    public static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
    /**
     * Entries of an Accept or CatchUpReply, accepted slots of a Promise, and the count of slots named by Accepted,
     * Commit and Grant: the largest count an SBE uint16 group header carries (65535 is the uint16 null value).
     */
    public static final int MAX_ENTRIES = 65_534;
    /** Bytes of one snapshot (the largest Java array): a SnapshotChunk's totalBytes is at most this. */
    public static final long MAX_SNAPSHOT_BYTES = Integer.MAX_VALUE - 8;
    /** The highest node id {@code fromNode} carries (uint16; 65535 is its null value). */
    public static final int MAX_NODE_ID = 65_534;

    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int GROUP_HEADER_LENGTH = GroupSizeEncodingDecoder.ENCODED_LENGTH;
    private static final int VAR_DATA_HEADER_LENGTH = VarDataEncodingDecoder.varDataEncodingOffset();
    // Accept and CatchUpReply lay their entries out alike; encode checks its length arithmetic each time.
    private static final int ENTRY_BLOCK_LENGTH = AcceptEncoder.EntriesEncoder.sbeBlockLength();
    private static final int ENTRY_MIN_LENGTH = ENTRY_BLOCK_LENGTH + VAR_DATA_HEADER_LENGTH;
    private static final int SLOT_BLOCK_LENGTH = PromiseEncoder.AcceptedSlotsEncoder.sbeBlockLength();
    private static final int SLOT_MIN_LENGTH = SLOT_BLOCK_LENGTH + VAR_DATA_HEADER_LENGTH;
    private static final int NOOP_ORIGIN = -1;
    private static final byte[] EMPTY_BYTES = new byte[0];
    private static final LogEntry[] NO_ENTRIES = new LogEntry[0];
    private static final LogMessage.AcceptedSlot[] NO_SLOTS = new LogMessage.AcceptedSlot[0];

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PrepareEncoder prepareEncoder = new PrepareEncoder();
    private final PromiseEncoder promiseEncoder = new PromiseEncoder();
    private final NackEncoder nackEncoder = new NackEncoder();
    private final AcceptEncoder acceptEncoder = new AcceptEncoder();
    private final AcceptedEncoder acceptedEncoder = new AcceptedEncoder();
    private final CommitEncoder commitEncoder = new CommitEncoder();
    private final HeartbeatEncoder heartbeatEncoder = new HeartbeatEncoder();
    private final GrantRequestEncoder grantRequestEncoder = new GrantRequestEncoder();
    private final GrantEncoder grantEncoder = new GrantEncoder();
    private final CatchUpRequestEncoder catchUpRequestEncoder = new CatchUpRequestEncoder();
    private final CatchUpReplyEncoder catchUpReplyEncoder = new CatchUpReplyEncoder();
    private final ForwardEncoder forwardEncoder = new ForwardEncoder();
    private final SnapshotRequestEncoder snapshotRequestEncoder = new SnapshotRequestEncoder();
    private final SnapshotChunkEncoder snapshotChunkEncoder = new SnapshotChunkEncoder();

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PrepareDecoder prepareDecoder = new PrepareDecoder();
    private final PromiseDecoder promiseDecoder = new PromiseDecoder();
    private final NackDecoder nackDecoder = new NackDecoder();
    private final AcceptDecoder acceptDecoder = new AcceptDecoder();
    private final AcceptedDecoder acceptedDecoder = new AcceptedDecoder();
    private final CommitDecoder commitDecoder = new CommitDecoder();
    private final HeartbeatDecoder heartbeatDecoder = new HeartbeatDecoder();
    private final GrantRequestDecoder grantRequestDecoder = new GrantRequestDecoder();
    private final GrantDecoder grantDecoder = new GrantDecoder();
    private final CatchUpRequestDecoder catchUpRequestDecoder = new CatchUpRequestDecoder();
    private final CatchUpReplyDecoder catchUpReplyDecoder = new CatchUpReplyDecoder();
    private final ForwardDecoder forwardDecoder = new ForwardDecoder();
    private final SnapshotRequestDecoder snapshotRequestDecoder = new SnapshotRequestDecoder();
    private final SnapshotChunkDecoder snapshotChunkDecoder = new SnapshotChunkDecoder();
    private final VarDataEncodingDecoder varDataDecoder = new VarDataEncodingDecoder();

    /** The frame being decoded, positions relative to its start; decoders never see the caller's buffer. */
    private final UnsafeBuffer frame = new UnsafeBuffer(EMPTY_BYTES);
    private int frameLength;

    /** A decoded frame: the sender's node id and the message. */
    public record Decoded(int fromNode, LogMessage message)
    {
    }

    /**
     * Encodes a frame into {@code buffer} at {@code offset}. Allocates nothing when the message is valid.
     *
     * @return the encoded length, equal to {@link #encodedLength(LogMessage)}.
     * @throws CodecException if {@code fromNode} is not 0..{@link #MAX_NODE_ID}, the message breaks a value rule or
     *                        exceeds a limit (see the class comment), has a null list, slot or entry, or does not fit
     *                        the buffer (an expandable buffer grows instead).
     */
    public int encode(final int fromNode, final LogMessage message, final MutableDirectBuffer buffer, final int offset)
        throws CodecException
    {
        if (fromNode < 0 || fromNode > MAX_NODE_ID)
        {
            throw new CodecException("fromNode out of range: " + fromNode);
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
            encodedLength = encodeValid(fromNode, message, buffer, offset);
        }
        catch (final IndexOutOfBoundsException ex)
        {
            throw new CodecException("buffer too small: " + ex.getMessage(), ex);
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
    public static int encodedLength(final LogMessage message) throws CodecException
    {
        final long bodyLength;
        if (message instanceof LogMessage.Prepare m)
        {
            checkView(m.view(), "view");
            checkSlot(m.fromSlot(), "fromSlot");
            bodyLength = PrepareEncoder.BLOCK_LENGTH;
        }
        else if (message instanceof LogMessage.Promise m)
        {
            checkView(m.view(), "view");
            checkSlot(m.fromSlot(), "fromSlot");
            checkSlot(m.commitIndex(), "commitIndex");
            bodyLength = PromiseEncoder.BLOCK_LENGTH + acceptedSlotsLength(m.accepted());
            checkNextSlot(m.nextSlot(), m.fromSlot(),
                m.accepted().isEmpty() ? -1 : m.accepted().get(m.accepted().size() - 1).slot());
        }
        else if (message instanceof LogMessage.Nack m)
        {
            checkView(m.promisedView(), "promisedView");
            bodyLength = NackEncoder.BLOCK_LENGTH;
        }
        else if (message instanceof LogMessage.Accept m)
        {
            checkView(m.view(), "view");
            bodyLength = AcceptEncoder.BLOCK_LENGTH + entriesLength(m.firstSlot(), m.entries());
        }
        else if (message instanceof LogMessage.Accepted m)
        {
            checkView(m.view(), "view");
            checkRange(m.firstSlot(), m.count());
            bodyLength = AcceptedEncoder.BLOCK_LENGTH;
        }
        else if (message instanceof LogMessage.Commit m)
        {
            checkView(m.view(), "view");
            checkRange(m.firstSlot(), m.count());
            bodyLength = CommitEncoder.BLOCK_LENGTH;
        }
        else if (message instanceof LogMessage.Heartbeat m)
        {
            checkView(m.view(), "view");
            checkSlot(m.commitIndex(), "commitIndex");
            bodyLength = HeartbeatEncoder.BLOCK_LENGTH;
        }
        else if (message instanceof LogMessage.GrantRequest m)
        {
            checkView(m.view(), "view");
            bodyLength = GrantRequestEncoder.BLOCK_LENGTH;
        }
        else if (message instanceof LogMessage.Grant m)
        {
            checkView(m.view(), "view");
            checkRange(m.firstSlot(), m.count());
            bodyLength = GrantEncoder.BLOCK_LENGTH;
        }
        else if (message instanceof LogMessage.CatchUpRequest m)
        {
            checkSlot(m.fromSlot(), "fromSlot");
            bodyLength = CatchUpRequestEncoder.BLOCK_LENGTH;
        }
        else if (message instanceof LogMessage.CatchUpReply m)
        {
            checkSlot(m.commitIndex(), "commitIndex");
            bodyLength = CatchUpReplyEncoder.BLOCK_LENGTH + entriesLength(m.firstSlot(), m.entries());
        }
        else if (message instanceof LogMessage.Forward m)
        {
            final List<LogEntry> entries = m.entries();
            for (int i = 0, size = entries == null ? 0 : entries.size(); i < size; i++)
            {
                final LogEntry entry = entries.get(i);
                if (entry != null && entry.isNoop())
                {
                    throw new CodecException("a Forward carries no no-ops");
                }
            }
            bodyLength = ForwardEncoder.BLOCK_LENGTH + entriesLength(0, m.entries());
        }
        else if (message instanceof LogMessage.SnapshotRequest m)
        {
            checkSlot(m.slot(), "slot");
            checkSlot(m.offset(), "offset");
            bodyLength = SnapshotRequestEncoder.BLOCK_LENGTH;
        }
        else if (message instanceof LogMessage.SnapshotChunk m)
        {
            if (m.data() == null)
            {
                throw new CodecException("null data");
            }
            checkChunk(m.slot(), m.commitIndex(), m.totalBytes(), m.offset(), m.data().length);
            bodyLength = SnapshotChunkEncoder.BLOCK_LENGTH + VAR_DATA_HEADER_LENGTH + (long)m.data().length;
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
     * {@code buffer}. Its lists are unmodifiable.
     *
     * @throws CodecException if the frame is truncated, longer than {@link #MAX_MESSAGE_BYTES}, has trailing bytes or
     *                        is malformed (another schema id or version, unknown template, block lengths, lengths
     *                        or counts beyond the frame or the limits, values that break the rules of the class
     *                        comment, a malformed no-op, unsorted accepted slots, ...). It throws nothing else,
     *                        whatever the bytes.
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

    // ------------------------------------------------------------------------------------------------ encode

    private int encodeValid(
        final int fromNode, final LogMessage message, final MutableDirectBuffer buffer, final int offset)
    {
        if (message instanceof LogMessage.Prepare m)
        {
            final PrepareEncoder encoder = prepareEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .fromNode(fromNode)
                .view(m.view())
                .fromSlot(m.fromSlot());
            return HEADER_LENGTH + encoder.encodedLength();
        }
        if (message instanceof LogMessage.Promise m)
        {
            return encodePromise(fromNode, m, buffer, offset);
        }
        if (message instanceof LogMessage.Nack m)
        {
            final NackEncoder encoder = nackEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .fromNode(fromNode)
                .promisedView(m.promisedView());
            return HEADER_LENGTH + encoder.encodedLength();
        }
        if (message instanceof LogMessage.Accept m)
        {
            return encodeAccept(fromNode, m, buffer, offset);
        }
        if (message instanceof LogMessage.Accepted m)
        {
            final AcceptedEncoder encoder = acceptedEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .fromNode(fromNode)
                .view(m.view())
                .firstSlot(m.firstSlot())
                .count(m.count());
            return HEADER_LENGTH + encoder.encodedLength();
        }
        if (message instanceof LogMessage.Commit m)
        {
            final CommitEncoder encoder = commitEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .fromNode(fromNode)
                .view(m.view())
                .firstSlot(m.firstSlot())
                .count(m.count());
            return HEADER_LENGTH + encoder.encodedLength();
        }
        if (message instanceof LogMessage.Heartbeat m)
        {
            final HeartbeatEncoder encoder = heartbeatEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .fromNode(fromNode)
                .view(m.view())
                .commitIndex(m.commitIndex());
            return HEADER_LENGTH + encoder.encodedLength();
        }
        if (message instanceof LogMessage.GrantRequest m)
        {
            final GrantRequestEncoder encoder = grantRequestEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .fromNode(fromNode)
                .view(m.view());
            return HEADER_LENGTH + encoder.encodedLength();
        }
        if (message instanceof LogMessage.Grant m)
        {
            final GrantEncoder encoder = grantEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .fromNode(fromNode)
                .view(m.view())
                .firstSlot(m.firstSlot())
                .count(m.count());
            return HEADER_LENGTH + encoder.encodedLength();
        }
        if (message instanceof LogMessage.CatchUpRequest m)
        {
            final CatchUpRequestEncoder encoder =
                catchUpRequestEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                    .fromNode(fromNode)
                    .fromSlot(m.fromSlot());
            return HEADER_LENGTH + encoder.encodedLength();
        }
        if (message instanceof LogMessage.SnapshotRequest m)
        {
            final SnapshotRequestEncoder encoder =
                snapshotRequestEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                    .fromNode(fromNode)
                    .slot(m.slot())
                    .byteOffset(m.offset());
            return HEADER_LENGTH + encoder.encodedLength();
        }
        if (message instanceof LogMessage.SnapshotChunk m)
        {
            final SnapshotChunkEncoder encoder = snapshotChunkEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .fromNode(fromNode)
                .slot(m.slot())
                .commitIndex(m.commitIndex())
                .totalBytes(m.totalBytes())
                .byteOffset(m.offset())
                .putData(m.data(), 0, m.data().length);
            return HEADER_LENGTH + encoder.encodedLength();
        }
        if (message instanceof LogMessage.Forward m)
        {
            final ForwardEncoder encoder = forwardEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .fromNode(fromNode);
            final ForwardEncoder.EntriesEncoder entriesEncoder = encoder.entriesCount(m.entries().size());
            for (int i = 0, size = m.entries().size(); i < size; i++)
            {
                final LogEntry entry = m.entries().get(i);
                final byte[] payload = entry.payload();
                entriesEncoder.next()
                    .origin(entry.origin())
                    .sequence(entry.sequence())
                    .putPayload(payload, 0, payload.length);
            }
            return HEADER_LENGTH + encoder.encodedLength();
        }
        return encodeCatchUpReply(fromNode, (LogMessage.CatchUpReply)message, buffer, offset);
    }

    private int encodePromise(
        final int fromNode, final LogMessage.Promise m, final MutableDirectBuffer buffer, final int offset)
    {
        final PromiseEncoder encoder = promiseEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .fromNode(fromNode)
            .view(m.view())
            .fromSlot(m.fromSlot())
            .commitIndex(m.commitIndex())
            .nextSlot(m.nextSlot());

        final List<LogMessage.AcceptedSlot> accepted = m.accepted();
        final int count = accepted.size();
        final PromiseEncoder.AcceptedSlotsEncoder slots = encoder.acceptedSlotsCount(count);
        for (int i = 0; i < count; i++)
        {
            final LogMessage.AcceptedSlot slot = accepted.get(i);
            final LogEntry entry = slot.entry();
            final byte[] payload = entry.payload();
            slots.next()
                .slot(slot.slot())
                .view(slot.view())
                .origin(entry.origin())
                .sequence(entry.sequence())
                .putPayload(payload, 0, payload.length);
        }
        return HEADER_LENGTH + encoder.encodedLength();
    }

    private int encodeAccept(
        final int fromNode, final LogMessage.Accept m, final MutableDirectBuffer buffer, final int offset)
    {
        final AcceptEncoder encoder = acceptEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .fromNode(fromNode)
            .view(m.view())
            .firstSlot(m.firstSlot());

        final List<LogEntry> entries = m.entries();
        final int count = entries.size();
        final AcceptEncoder.EntriesEncoder entriesEncoder = encoder.entriesCount(count);
        for (int i = 0; i < count; i++)
        {
            final LogEntry entry = entries.get(i);
            final byte[] payload = entry.payload();
            entriesEncoder.next()
                .origin(entry.origin())
                .sequence(entry.sequence())
                .putPayload(payload, 0, payload.length);
        }
        return HEADER_LENGTH + encoder.encodedLength();
    }

    private int encodeCatchUpReply(
        final int fromNode, final LogMessage.CatchUpReply m, final MutableDirectBuffer buffer, final int offset)
    {
        final CatchUpReplyEncoder encoder = catchUpReplyEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .fromNode(fromNode)
            .firstSlot(m.firstSlot())
            .commitIndex(m.commitIndex());

        final List<LogEntry> entries = m.entries();
        final int count = entries.size();
        final CatchUpReplyEncoder.EntriesEncoder entriesEncoder = encoder.entriesCount(count);
        for (int i = 0; i < count; i++)
        {
            final LogEntry entry = entries.get(i);
            final byte[] payload = entry.payload();
            entriesEncoder.next()
                .origin(entry.origin())
                .sequence(entry.sequence())
                .putPayload(payload, 0, payload.length);
        }
        return HEADER_LENGTH + encoder.encodedLength();
    }

    /** Validates entries in slots {@code firstSlot..} and returns their group's length. */
    private static long entriesLength(final long firstSlot, final List<LogEntry> entries) throws CodecException
    {
        if (entries == null)
        {
            throw new CodecException("null entries");
        }
        final int count = entries.size();
        if (count > MAX_ENTRIES)
        {
            throw new CodecException(count + " entries, more than MAX_ENTRIES=" + MAX_ENTRIES);
        }
        checkRange(firstSlot, count);
        long length = GROUP_HEADER_LENGTH + (long)count * ENTRY_MIN_LENGTH;
        for (int i = 0; i < count; i++)
        {
            length += payloadLength(entries.get(i), i);
        }
        return length;
    }

    /** Validates the accepted slots of a Promise and returns their group's length. */
    private static long acceptedSlotsLength(final List<LogMessage.AcceptedSlot> accepted) throws CodecException
    {
        if (accepted == null)
        {
            throw new CodecException("null accepted slots");
        }
        final int count = accepted.size();
        if (count > MAX_ENTRIES)
        {
            throw new CodecException(count + " accepted slots, more than MAX_ENTRIES=" + MAX_ENTRIES);
        }
        long length = GROUP_HEADER_LENGTH + (long)count * SLOT_MIN_LENGTH;
        long previousSlot = -1;
        for (int i = 0; i < count; i++)
        {
            final LogMessage.AcceptedSlot slot = accepted.get(i);
            if (slot == null)
            {
                throw new CodecException("null accepted slot at index " + i);
            }
            previousSlot = checkSlotOrder(previousSlot, slot.slot(), i);
            checkView(slot.view(), "accepted view");
            length += payloadLength(slot.entry(), i);
        }
        return length;
    }

    private static int payloadLength(final LogEntry entry, final int index) throws CodecException
    {
        if (entry == null)
        {
            throw new CodecException("null entry at index " + index);
        }
        final int length = entry.payload().length;
        if (length > MAX_PAYLOAD_BYTES)
        {
            throw new CodecException(
                "payload of " + length + " bytes at index " + index + " exceeds MAX_PAYLOAD_BYTES=" +
                MAX_PAYLOAD_BYTES);
        }
        return length;
    }

    // ------------------------------------------------------------------------------------------------ value rules

    private static long checkView(final long view, final String name) throws CodecException
    {
        if (view < 0)
        {
            throw new CodecException(name + " is negative: " + view);
        }
        return view;
    }

    private static long checkSlot(final long slot, final String name) throws CodecException
    {
        if (slot < 0)
        {
            throw new CodecException(name + " is negative: " + slot);
        }
        return slot;
    }

    /** A Promise's nextSlot: 0 (the last page), or after its fromSlot and every slot the page carries. */
    private static void checkNextSlot(final long nextSlot, final long fromSlot, final long lastSlot)
        throws CodecException
    {
        if (nextSlot != 0 && (nextSlot <= fromSlot || nextSlot <= lastSlot))
        {
            throw new CodecException("nextSlot " + nextSlot + " is neither 0 nor after fromSlot " + fromSlot +
                " and the last accepted slot " + lastSlot);
        }
    }

    /** Slots {@code firstSlot..firstSlot+count-1}: neither negative, nor too many, nor wrapping past Long.MAX_VALUE. */
    private static void checkRange(final long firstSlot, final int count) throws CodecException
    {
        checkSlot(firstSlot, "firstSlot");
        if (count < 0 || count > MAX_ENTRIES)
        {
            throw new CodecException("slot count " + count + " outside 0..MAX_ENTRIES=" + MAX_ENTRIES);
        }
        if (firstSlot > Long.MAX_VALUE - count)
        {
            throw new CodecException(count + " slots from " + firstSlot + " wrap past Long.MAX_VALUE");
        }
    }

    /** Accepted slots are not negative and strictly increasing; returns {@code slot}. */
    private static long checkSlotOrder(final long previousSlot, final long slot, final int index)
        throws CodecException
    {
        checkSlot(slot, "accepted slot");
        if (slot <= previousSlot)
        {
            throw new CodecException(
                "accepted slots not strictly increasing at index " + index + ": " + previousSlot + " then " + slot);
        }
        return slot;
    }

    // ------------------------------------------------------------------------------------------------ decode

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
        if (version != MessageHeaderDecoder.SCHEMA_VERSION)
        {
            throw new CodecException(
                "schema version " + version + ", expected " + MessageHeaderDecoder.SCHEMA_VERSION);
        }

        final int blockLength = headerDecoder.blockLength();
        final int templateId = headerDecoder.templateId();
        switch (templateId)
        {
            case PrepareDecoder.TEMPLATE_ID:
                return decodePrepare(blockLength);
            case PromiseDecoder.TEMPLATE_ID:
                return decodePromise(blockLength);
            case NackDecoder.TEMPLATE_ID:
                return decodeNack(blockLength);
            case AcceptDecoder.TEMPLATE_ID:
                return decodeAccept(blockLength);
            case AcceptedDecoder.TEMPLATE_ID:
                return decodeAccepted(blockLength);
            case CommitDecoder.TEMPLATE_ID:
                return decodeCommit(blockLength);
            case HeartbeatDecoder.TEMPLATE_ID:
                return decodeHeartbeat(blockLength);
            case GrantRequestDecoder.TEMPLATE_ID:
                return decodeGrantRequest(blockLength);
            case GrantDecoder.TEMPLATE_ID:
                return decodeGrant(blockLength);
            case CatchUpRequestDecoder.TEMPLATE_ID:
                return decodeCatchUpRequest(blockLength);
            case CatchUpReplyDecoder.TEMPLATE_ID:
                return decodeCatchUpReply(blockLength);
            case ForwardDecoder.TEMPLATE_ID:
                return decodeForward(blockLength);
            case SnapshotRequestDecoder.TEMPLATE_ID:
                return decodeSnapshotRequest(blockLength);
            case SnapshotChunkDecoder.TEMPLATE_ID:
                return decodeSnapshotChunk(blockLength);
            default:
                throw new CodecException("unknown template id " + templateId);
        }
    }

    private Decoded decodePrepare(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, PrepareDecoder.BLOCK_LENGTH, "Prepare");
        final PrepareDecoder decoder =
            prepareDecoder.wrap(frame, HEADER_LENGTH, blockLength, PrepareDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        final LogMessage.Prepare message = new LogMessage.Prepare(
            checkView(decoder.view(), "view"), checkSlot(decoder.fromSlot(), "fromSlot"));
        return decoded(decoder.limit(), fromNode, message);
    }

    private Decoded decodePromise(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, PromiseDecoder.BLOCK_LENGTH, "Promise");
        final PromiseDecoder decoder =
            promiseDecoder.wrap(frame, HEADER_LENGTH, blockLength, PromiseDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        final long view = checkView(decoder.view(), "view");
        final long fromSlot = checkSlot(decoder.fromSlot(), "fromSlot");
        final long commitIndex = checkSlot(decoder.commitIndex(), "commitIndex");
        final long nextSlot = decoder.nextSlot();

        require(decoder.limit(), GROUP_HEADER_LENGTH, "acceptedSlots");
        final PromiseDecoder.AcceptedSlotsDecoder slots = decoder.acceptedSlots();
        checkGroupBlockLength(slots.actingBlockLength(), SLOT_BLOCK_LENGTH, "acceptedSlots");
        final int count = groupCount(slots.count(), SLOT_MIN_LENGTH, decoder.limit(), "acceptedSlots");
        final LogMessage.AcceptedSlot[] slotArray = count == 0 ? NO_SLOTS : new LogMessage.AcceptedSlot[count];
        long previousSlot = -1;
        for (int i = 0; i < count; i++)
        {
            require(decoder.limit(), SLOT_BLOCK_LENGTH, "accepted slot");
            slots.next();
            final long slot = checkSlotOrder(previousSlot, slots.slot(), i);
            final long slotView = checkView(slots.view(), "accepted view");
            final LogEntry entry = decodeEntry(slots.origin(), slots.sequence(), decoder.limit());
            decoder.limit(decoder.limit() + VAR_DATA_HEADER_LENGTH + entry.payload().length);
            slotArray[i] = new LogMessage.AcceptedSlot(slot, slotView, entry);
            previousSlot = slot;
        }
        checkNextSlot(nextSlot, fromSlot, previousSlot);

        return decoded(decoder.limit(), fromNode,
            new LogMessage.Promise(view, fromSlot, commitIndex, unmodifiable(slotArray), nextSlot));
    }

    private Decoded decodeNack(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, NackDecoder.BLOCK_LENGTH, "Nack");
        final NackDecoder decoder = nackDecoder.wrap(frame, HEADER_LENGTH, blockLength, NackDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        final LogMessage.Nack message = new LogMessage.Nack(checkView(decoder.promisedView(), "promisedView"));
        return decoded(decoder.limit(), fromNode, message);
    }

    private Decoded decodeAccept(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, AcceptDecoder.BLOCK_LENGTH, "Accept");
        final AcceptDecoder decoder =
            acceptDecoder.wrap(frame, HEADER_LENGTH, blockLength, AcceptDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        final long view = checkView(decoder.view(), "view");
        final long firstSlot = decoder.firstSlot();

        require(decoder.limit(), GROUP_HEADER_LENGTH, "entries");
        final AcceptDecoder.EntriesDecoder entries = decoder.entries();
        final int count = entryCount(entries.actingBlockLength(), entries.count(), decoder.limit());
        checkRange(firstSlot, count);
        final LogEntry[] entryArray = count == 0 ? NO_ENTRIES : new LogEntry[count];
        for (int i = 0; i < count; i++)
        {
            require(decoder.limit(), ENTRY_BLOCK_LENGTH, "entry");
            entries.next();
            final LogEntry entry = decodeEntry(entries.origin(), entries.sequence(), decoder.limit());
            decoder.limit(decoder.limit() + VAR_DATA_HEADER_LENGTH + entry.payload().length);
            entryArray[i] = entry;
        }

        return decoded(decoder.limit(), fromNode, new LogMessage.Accept(view, firstSlot, unmodifiable(entryArray)));
    }

    private Decoded decodeAccepted(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, AcceptedDecoder.BLOCK_LENGTH, "Accepted");
        final AcceptedDecoder decoder =
            acceptedDecoder.wrap(frame, HEADER_LENGTH, blockLength, AcceptedDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        final long view = checkView(decoder.view(), "view");
        final long firstSlot = decoder.firstSlot();
        final int count = decoder.count();
        checkRange(firstSlot, count);
        return decoded(decoder.limit(), fromNode, new LogMessage.Accepted(view, firstSlot, count));
    }

    private Decoded decodeCommit(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, CommitDecoder.BLOCK_LENGTH, "Commit");
        final CommitDecoder decoder =
            commitDecoder.wrap(frame, HEADER_LENGTH, blockLength, CommitDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        final long view = checkView(decoder.view(), "view");
        final long firstSlot = decoder.firstSlot();
        final int count = decoder.count();
        checkRange(firstSlot, count);
        return decoded(decoder.limit(), fromNode, new LogMessage.Commit(view, firstSlot, count));
    }

    private Decoded decodeHeartbeat(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, HeartbeatDecoder.BLOCK_LENGTH, "Heartbeat");
        final HeartbeatDecoder decoder =
            heartbeatDecoder.wrap(frame, HEADER_LENGTH, blockLength, HeartbeatDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        final LogMessage.Heartbeat message = new LogMessage.Heartbeat(
            checkView(decoder.view(), "view"), checkSlot(decoder.commitIndex(), "commitIndex"));
        return decoded(decoder.limit(), fromNode, message);
    }

    private Decoded decodeGrantRequest(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, GrantRequestDecoder.BLOCK_LENGTH, "GrantRequest");
        final GrantRequestDecoder decoder =
            grantRequestDecoder.wrap(frame, HEADER_LENGTH, blockLength, GrantRequestDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        final LogMessage.GrantRequest message = new LogMessage.GrantRequest(checkView(decoder.view(), "view"));
        return decoded(decoder.limit(), fromNode, message);
    }

    private Decoded decodeGrant(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, GrantDecoder.BLOCK_LENGTH, "Grant");
        final GrantDecoder decoder = grantDecoder.wrap(frame, HEADER_LENGTH, blockLength, GrantDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        final long view = checkView(decoder.view(), "view");
        final long firstSlot = decoder.firstSlot();
        final int count = decoder.count();
        checkRange(firstSlot, count);
        return decoded(decoder.limit(), fromNode, new LogMessage.Grant(view, firstSlot, count));
    }

    private Decoded decodeCatchUpRequest(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, CatchUpRequestDecoder.BLOCK_LENGTH, "CatchUpRequest");
        final CatchUpRequestDecoder decoder =
            catchUpRequestDecoder.wrap(frame, HEADER_LENGTH, blockLength, CatchUpRequestDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        final LogMessage.CatchUpRequest message =
            new LogMessage.CatchUpRequest(checkSlot(decoder.fromSlot(), "fromSlot"));
        return decoded(decoder.limit(), fromNode, message);
    }

    private Decoded decodeCatchUpReply(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, CatchUpReplyDecoder.BLOCK_LENGTH, "CatchUpReply");
        final CatchUpReplyDecoder decoder =
            catchUpReplyDecoder.wrap(frame, HEADER_LENGTH, blockLength, CatchUpReplyDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        final long firstSlot = decoder.firstSlot();
        final long commitIndex = checkSlot(decoder.commitIndex(), "commitIndex");

        require(decoder.limit(), GROUP_HEADER_LENGTH, "entries");
        final CatchUpReplyDecoder.EntriesDecoder entries = decoder.entries();
        final int count = entryCount(entries.actingBlockLength(), entries.count(), decoder.limit());
        checkRange(firstSlot, count);
        final LogEntry[] entryArray = count == 0 ? NO_ENTRIES : new LogEntry[count];
        for (int i = 0; i < count; i++)
        {
            require(decoder.limit(), ENTRY_BLOCK_LENGTH, "entry");
            entries.next();
            final LogEntry entry = decodeEntry(entries.origin(), entries.sequence(), decoder.limit());
            decoder.limit(decoder.limit() + VAR_DATA_HEADER_LENGTH + entry.payload().length);
            entryArray[i] = entry;
        }

        final LogMessage.CatchUpReply message =
            new LogMessage.CatchUpReply(firstSlot, unmodifiable(entryArray), commitIndex);
        return decoded(decoder.limit(), fromNode, message);
    }

    private Decoded decodeForward(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, ForwardDecoder.BLOCK_LENGTH, "Forward");
        final ForwardDecoder decoder =
            forwardDecoder.wrap(frame, HEADER_LENGTH, blockLength, ForwardDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        require(decoder.limit(), GROUP_HEADER_LENGTH, "entries");
        final ForwardDecoder.EntriesDecoder entries = decoder.entries();
        final int count = entryCount(entries.actingBlockLength(), entries.count(), decoder.limit());
        final LogEntry[] entryArray = count == 0 ? NO_ENTRIES : new LogEntry[count];
        for (int i = 0; i < count; i++)
        {
            require(decoder.limit(), ENTRY_BLOCK_LENGTH, "entry");
            entries.next();
            final LogEntry entry = decodeEntry(entries.origin(), entries.sequence(), decoder.limit());
            if (entry.isNoop())
            {
                throw new CodecException("a Forward carries no no-ops");
            }
            decoder.limit(decoder.limit() + VAR_DATA_HEADER_LENGTH + entry.payload().length);
            entryArray[i] = entry;
        }
        return decoded(decoder.limit(), fromNode, new LogMessage.Forward(unmodifiable(entryArray)));
    }

    private Decoded decodeSnapshotRequest(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, SnapshotRequestDecoder.BLOCK_LENGTH, "SnapshotRequest");
        final SnapshotRequestDecoder decoder =
            snapshotRequestDecoder.wrap(frame, HEADER_LENGTH, blockLength, SnapshotRequestDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        final LogMessage.SnapshotRequest message = new LogMessage.SnapshotRequest(
            checkSlot(decoder.slot(), "slot"), checkSlot(decoder.byteOffset(), "offset"));
        return decoded(decoder.limit(), fromNode, message);
    }

    private Decoded decodeSnapshotChunk(final int blockLength) throws CodecException
    {
        checkBlock(blockLength, SnapshotChunkDecoder.BLOCK_LENGTH, "SnapshotChunk");
        final SnapshotChunkDecoder decoder =
            snapshotChunkDecoder.wrap(frame, HEADER_LENGTH, blockLength, SnapshotChunkDecoder.SCHEMA_VERSION);
        final int fromNode = node(decoder.fromNode());
        final long slot = decoder.slot();
        final long commitIndex = decoder.commitIndex();
        final long totalBytes = decoder.totalBytes();
        final long offset = decoder.byteOffset();
        final int position = decoder.limit();
        require(position, VAR_DATA_HEADER_LENGTH, "data");
        final long length = varDataDecoder.wrap(frame, position).length();
        if (length > MAX_PAYLOAD_BYTES)
        {
            throw new CodecException("snapshot chunk of " + length + " bytes exceeds MAX_PAYLOAD_BYTES=" +
                MAX_PAYLOAD_BYTES);
        }
        checkChunk(slot, commitIndex, totalBytes, offset, (int)length);
        final int dataPosition = position + VAR_DATA_HEADER_LENGTH;
        require(dataPosition, (int)length, "data");
        final byte[] data = length == 0 ? EMPTY_BYTES : new byte[(int)length];
        frame.getBytes(dataPosition, data);
        return decoded(dataPosition + (int)length, fromNode,
            new LogMessage.SnapshotChunk(slot, commitIndex, totalBytes, offset, data));
    }

    private static void checkChunk(
        final long slot, final long commitIndex, final long totalBytes, final long offset, final int length)
        throws CodecException
    {
        checkSlot(slot, "slot");
        checkSlot(commitIndex, "commitIndex");
        if (totalBytes < 0 || totalBytes > MAX_SNAPSHOT_BYTES)
        {
            throw new CodecException("snapshot totalBytes " + totalBytes + " outside 0.." + MAX_SNAPSHOT_BYTES);
        }
        if (length > MAX_PAYLOAD_BYTES)
        {
            throw new CodecException(
                "snapshot chunk of " + length + " bytes exceeds MAX_PAYLOAD_BYTES=" + MAX_PAYLOAD_BYTES);
        }
        if (offset < 0 || offset > totalBytes - length)
        {
            throw new CodecException(
                "snapshot chunk of " + length + " bytes at offset " + offset + " outside the " + totalBytes +
                " byte snapshot");
        }
    }

    /**
     * Reads an entry's payload at {@code position}, after its fixed fields. Only the exact no-op encoding (origin -1,
     * sequence 0, no payload) decodes to {@link LogEntry#NOOP}; anything else must be a valid entry.
     */
    private LogEntry decodeEntry(final int origin, final long sequence, final int position) throws CodecException
    {
        require(position, VAR_DATA_HEADER_LENGTH, "payload");
        final long length = varDataDecoder.wrap(frame, position).length();
        if (length > MAX_PAYLOAD_BYTES)
        {
            throw new CodecException(
                "payload of " + length + " bytes exceeds MAX_PAYLOAD_BYTES=" + MAX_PAYLOAD_BYTES);
        }
        if (origin == NOOP_ORIGIN)
        {
            if (sequence != 0 || length != 0)
            {
                throw new CodecException("no-op entry with sequence " + sequence + " and " + length + " payload bytes");
            }
            return LogEntry.NOOP;
        }
        if (origin < 0 || sequence < 1)
        {
            throw new CodecException(
                "entry with origin " + origin + " and sequence " + sequence + ": expected origin >= 0 and sequence " +
                ">= 1, or a no-op");
        }
        final int dataPosition = position + VAR_DATA_HEADER_LENGTH;
        require(dataPosition, (int)length, "payload");
        final byte[] payload = length == 0 ? EMPTY_BYTES : new byte[(int)length];
        frame.getBytes(dataPosition, payload);
        return LogEntry.of(origin, sequence, payload);
    }

    private int entryCount(final int blockLength, final int count, final int position) throws CodecException
    {
        checkGroupBlockLength(blockLength, ENTRY_BLOCK_LENGTH, "entries");
        return groupCount(count, ENTRY_MIN_LENGTH, position, "entries");
    }

    /** Checks a group's count before anything is allocated for it: the entries must fit what is left of the frame. */
    private int groupCount(final int count, final int minEntryLength, final int position, final String name)
        throws CodecException
    {
        if (count > MAX_ENTRIES)
        {
            throw new CodecException(name + ": " + count + " entries, more than the limit " + MAX_ENTRIES);
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

    private Decoded decoded(final int endPosition, final int fromNode, final LogMessage message)
        throws CodecException
    {
        if (endPosition != frameLength)
        {
            throw new CodecException(
                (frameLength - endPosition) + " trailing bytes after " + message.getClass().getSimpleName());
        }
        return new Decoded(fromNode, message);
    }

    private static int node(final int fromNode) throws CodecException
    {
        if (fromNode > MAX_NODE_ID)
        {
            throw new CodecException("fromNode out of range: " + fromNode);
        }
        return fromNode;
    }

    private static <T> List<T> unmodifiable(final T[] array)
    {
        return array.length == 0 ? List.of() : Collections.unmodifiableList(Arrays.asList(array));
    }
}
