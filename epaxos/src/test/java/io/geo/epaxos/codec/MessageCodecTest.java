package io.geo.epaxos.codec;

import io.geo.epaxos.codec.sbe.AcceptDecoder;
import io.geo.epaxos.codec.sbe.AcceptReplyDecoder;
import io.geo.epaxos.codec.sbe.BooleanType;
import io.geo.epaxos.codec.sbe.CommitDecoder;
import io.geo.epaxos.codec.sbe.ExecutedWatermarksDecoder;
import io.geo.epaxos.codec.sbe.MessageHeaderDecoder;
import io.geo.epaxos.codec.sbe.MessageHeaderEncoder;
import io.geo.epaxos.codec.sbe.OpTypeCode;
import io.geo.epaxos.codec.sbe.PreAcceptDecoder;
import io.geo.epaxos.codec.sbe.PreAcceptEncoder;
import io.geo.epaxos.codec.sbe.PreAcceptReplyDecoder;
import io.geo.epaxos.codec.sbe.PrepareDecoder;
import io.geo.epaxos.codec.sbe.PrepareReplyDecoder;
import io.geo.epaxos.codec.sbe.PrepareReplyEncoder;
import io.geo.epaxos.codec.sbe.StatusCode;
import io.geo.epaxos.messages.Accept;
import io.geo.epaxos.messages.AcceptReply;
import io.geo.epaxos.messages.Commit;
import io.geo.epaxos.messages.ExecutedWatermarks;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.messages.PreAccept;
import io.geo.epaxos.messages.PreAcceptReply;
import io.geo.epaxos.messages.Prepare;
import io.geo.epaxos.messages.PrepareReply;
import io.geo.epaxos.primitives.Ballot;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.OpType;
import io.geo.epaxos.primitives.Status;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

import static io.geo.epaxos.codec.MessageAssertions.assertMessageEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MessageCodecTest
{
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int HEADER = MessageHeaderDecoder.ENCODED_LENGTH;
    // PreAccept with one op: the ops group header, the op's fixed block, then its key length.
    private static final int PRE_ACCEPT_OPS = HEADER + PreAcceptDecoder.BLOCK_LENGTH;
    private static final int PRE_ACCEPT_OP = PRE_ACCEPT_OPS + 4;
    private static final int PRE_ACCEPT_KEY = PRE_ACCEPT_OP + PreAcceptDecoder.OpsDecoder.sbeBlockLength();

    private static final long L1 = InstanceId.of(1, 7);
    private static final long L2 = InstanceId.of(2, 3);
    private static final long[] DEPS = { InstanceId.of(0, 1), InstanceId.of(0, 5), InstanceId.of(2, 9) };

    private final MessageCodec codec = new MessageCodec();

    private static Key key(final String text)
    {
        return Key.of(text);
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Command multiOpCommand()
    {
        return Command.of(
            42,
            1001,
            Op.put(key("user:1"), utf8("alice")),
            Op.get(key("user:2")),
            Op.delete(key("user:3")),
            Op.cas(key("user:4"), utf8("old"), utf8("new")),
            Op.cas(key("user:5"), null, utf8("first")),
            Op.incr(key("counter"), -17));
    }

    private Message roundTrip(final int fromReplica, final Message message) throws CodecException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MessageCodec.encodedLength(message)]);
        final int length = codec.encode(fromReplica, message, buffer, 0);
        assertEquals(buffer.capacity(), length);
        final MessageCodec.Decoded decoded = codec.decode(buffer, 0, length);
        assertEquals(fromReplica, decoded.fromReplica());
        assertMessageEquals(message, decoded.message());
        return decoded.message();
    }

    private UnsafeBuffer frame(final Message message) throws CodecException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MessageCodec.encodedLength(message)]);
        codec.encode(3, message, buffer, 0);
        return buffer;
    }

    private static PreAccept preAccept(final Op op)
    {
        return new PreAccept(Ballot.initial(1), L1, Command.of(5, 6, op), 4, DEPS);
    }

    /** Decoding the first {@code length} bytes fails with an explicit check whose message names {@code reason}. */
    private void assertRejected(final DirectBuffer buffer, final int length, final String reason)
    {
        final CodecException ex = assertThrows(CodecException.class, () -> codec.decode(buffer, 0, length));
        assertTrue(
            ex.getMessage().contains(reason), () -> "expected '" + reason + "' in: " + ex.getMessage());
        assertNull(ex.getCause(), "an explicit check should reject the frame before any generated code fails");
    }

    private void assertRejected(final DirectBuffer buffer, final String reason)
    {
        assertRejected(buffer, buffer.capacity(), reason);
    }

    private static void assertEncodeRejected(final Message message, final String reason)
    {
        final MessageCodec codec = new MessageCodec();
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final CodecException ex = assertThrows(CodecException.class, () -> codec.encode(1, message, buffer, 0));
        assertTrue(ex.getMessage().contains(reason), () -> "expected '" + reason + "' in: " + ex.getMessage());
        assertThrows(CodecException.class, () -> MessageCodec.encodedLength(message));
    }

    // ---- round trips ----

    /** Three client commands, the first of two ops, in one batch. */
    private static Command clientBatch()
    {
        return Command.batch(java.util.List.of(
            Command.of(7, 1, Op.put(key("a"), utf8("1")), Op.get(key("b"))),
            Command.of(8, 1, Op.incr(key("c"), 5)),
            Command.of(7, 2, Op.delete(key("a")))));
    }

    @Test
    void shouldRoundTripBatchesInEveryMessageThatCarriesACommand() throws CodecException
    {
        final Message[] messages = {
            new PreAccept(Ballot.initial(1), L1, clientBatch(), 12, DEPS),
            new Accept(Ballot.of(2, 4), L2, clientBatch(), 99, DEPS),
            new Commit(L1, clientBatch(), 3, DEPS),
            new PrepareReply(1, L1, true, 0, Status.ACCEPTED, 1, clientBatch(), 1, DEPS, false),
        };
        for (final Message message : messages)
        {
            final Message decoded = roundTrip(2, message);
            assertMessageEquals(message, decoded);
            assertEquals(1, new MessageHeaderDecoder().wrap(frame(message), 0).version(), "a batch is version 1");
        }
        final Command decoded = ((Commit)roundTrip(2, new Commit(L1, clientBatch(), 3, DEPS))).command();
        assertTrue(decoded.isBatch());
        assertEquals(3, decoded.memberCount());
        assertEquals(Command.of(8, 1, Op.incr(key("c"), 5)), decoded.member(1));
        assertEquals(0, new MessageHeaderDecoder().wrap(frame(preAccept(Op.get(key("k")))), 0).version(),
            "a plain command is version 0, the bytes of the schema before batches");
    }

    @Test
    void shouldRejectMalformedBatches() throws CodecException
    {
        final UnsafeBuffer valid = frame(new Commit(L1, clientBatch(), 3, DEPS));
        final int members = valid.capacity() - 4 - 3 * 18; // the members group ends the frame
        final int firstOpCount = members + 4 + 16;
        assertRejected(patched(valid, b -> b.putShort(firstOpCount, (short)1, LE)), "take 3 of its 4 ops");
        assertRejected(patched(valid, b -> b.putShort(firstOpCount, (short)0, LE)), "has 0 ops");
        assertRejected(patched(valid, b -> b.putShort(firstOpCount, (short)3, LE)), "0 left of 4");
        assertRejected(patched(valid, b -> b.putShort(members, (short)17, LE)), "group block length");
        final int clientId = HEADER + CommitDecoder.clientIdEncodingOffset();
        assertRejected(patched(valid, b -> b.putLong(clientId, 7, LE)), "a batch with clientId 7");
        // a version 1 frame must carry a batch, and a plain command must not be relabelled as one
        assertRejected(patched(frame(new Prepare(1, L1)), b -> b.putShort(
            MessageHeaderEncoder.versionEncodingOffset(), (short)1, LE)), "carries no batch");
        final UnsafeBuffer plain = frame(new Commit(L1, multiOpCommand(), 3, DEPS));
        final UnsafeBuffer relabelled = new UnsafeBuffer(new byte[plain.capacity() + 4]);
        relabelled.putBytes(0, plain, 0, plain.capacity());
        relabelled.putShort(MessageHeaderEncoder.versionEncodingOffset(), (short)1, LE);
        relabelled.putShort(plain.capacity(), (short)18, LE); // an empty members group
        assertRejected(relabelled, "without a batch");
        relabelled.putShort(plain.capacity() + 2, (short)1, LE); // one member: truncated before its fields
        assertRejected(relabelled, "");
    }

    @Test
    void shouldRefuseBatchesBeyondTheLimits()
    {
        final java.util.ArrayList<Command> wide = new java.util.ArrayList<>();
        for (int i = 0; i < 17; i++)
        {
            final Op[] ops = new Op[MessageCodec.MAX_OPS];
            Arrays.fill(ops, Op.get(key("k")));
            wide.add(Command.of(i + 1, 1, ops));
        }
        final CodecException ex = assertThrows(CodecException.class,
            () -> MessageCodec.encodedLength(new Commit(L1, Command.batch(wide), 1, DEPS)));
        assertTrue(ex.getMessage().contains("more than " + Command.MAX_BATCH_OPS), ex.getMessage());
    }

    @Test
    void shouldRoundTripPreAccept() throws CodecException
    {
        roundTrip(1, new PreAccept(Ballot.initial(1), L1, multiOpCommand(), 12, DEPS));
    }

    @Test
    void shouldRoundTripPreAcceptReplyOkAndNotOk() throws CodecException
    {
        roundTrip(2, new PreAcceptReply(Ballot.initial(1), L1, true, 13, DEPS, false, 0));
        roundTrip(2, new PreAcceptReply(Ballot.initial(1), L1, true, 12, DEPS, true, 0));
        roundTrip(2, new PreAcceptReply(Ballot.initial(1), L1, false, 0, Deps.EMPTY, false, Ballot.of(3, 4)));
    }

    @Test
    void shouldRoundTripAccept() throws CodecException
    {
        roundTrip(4, new Accept(Ballot.of(2, 4), L2, multiOpCommand(), 99, DEPS));
    }

    @Test
    void shouldRoundTripAcceptReply() throws CodecException
    {
        roundTrip(0, new AcceptReply(Ballot.of(2, 4), L2, true, 0));
        roundTrip(0, new AcceptReply(Ballot.of(2, 4), L2, false, Ballot.of(5, 1)));
    }

    @Test
    void shouldRoundTripCommit() throws CodecException
    {
        roundTrip(1, new Commit(L1, multiOpCommand(), 12, DEPS));
    }

    @Test
    void shouldRoundTripPrepare() throws CodecException
    {
        roundTrip(3, new Prepare(Ballot.next(Ballot.initial(1), 3), L1));
    }

    @Test
    void shouldRoundTripPrepareReplyInEveryStatus() throws CodecException
    {
        for (final Status status : Status.values())
        {
            final PrepareReply reply = new PrepareReply(
                Ballot.of(1, 3), L1, true, 0, status, Ballot.initial(1), multiOpCommand(), 12, DEPS, status.ordinal() % 2 == 0);
            final PrepareReply decoded = (PrepareReply)roundTrip(2, reply);
            assertSame(status, decoded.status());
        }
    }

    @Test
    void shouldRoundTripPrepareReplyWithNullOrNoopCommand() throws CodecException
    {
        final PrepareReply unknown =
            new PrepareReply(Ballot.of(1, 3), L1, true, 0, Status.NONE, 0, null, 0, Deps.EMPTY, false);
        assertNull(((PrepareReply)roundTrip(2, unknown)).command());

        final PrepareReply refused =
            new PrepareReply(Ballot.of(1, 3), L1, false, Ballot.of(4, 0), Status.NONE, 0, null, 0, Deps.EMPTY, false);
        assertNull(((PrepareReply)roundTrip(2, refused)).command());

        final PrepareReply noop = new PrepareReply(
            Ballot.of(1, 3), L1, true, 0, Status.ACCEPTED, Ballot.of(1, 3), Command.NOOP, 0, DEPS, false);
        assertSame(Command.NOOP, ((PrepareReply)roundTrip(2, noop)).command());
    }

    @Test
    void shouldRoundTripExecutedWatermarks() throws CodecException
    {
        roundTrip(1, new ExecutedWatermarks(new long[]{ 10, 0, 7 }));
        roundTrip(1, new ExecutedWatermarks(new long[0]));
        final long[] all = new long[MessageCodec.MAX_WATERMARKS];
        Arrays.setAll(all, i -> i * 3L);
        roundTrip(1, new ExecutedWatermarks(all));
    }

    @Test
    void shouldRoundTripNoopCommandAndEmptyDeps() throws CodecException
    {
        final Commit commit = (Commit)roundTrip(1, new Commit(L1, Command.NOOP, 0, Deps.EMPTY));
        assertSame(Command.NOOP, commit.command());
        assertTrue(commit.command().isNoop());
        assertEquals(0, commit.deps().length);
    }

    @Test
    void shouldKeepNullValuesApartFromEmptyOnes() throws CodecException
    {
        final Command command = Command.of(
            1,
            2,
            Op.of(OpType.CAS, key("a"), new byte[0], null, 0),
            Op.of(OpType.CAS, key("b"), null, new byte[0], 0),
            Op.of(OpType.PUT, key(""), new byte[0], new byte[0], 0),
            Op.of(OpType.GET, key("c"), null, null, 0));
        final Commit decoded = (Commit)roundTrip(1, new Commit(L1, command, 1, Deps.EMPTY));

        final Command ops = decoded.command();
        assertArrayEquals(new byte[0], ops.op(0).value());
        assertNull(ops.op(0).expected());
        assertNull(ops.op(1).value());
        assertArrayEquals(new byte[0], ops.op(1).expected());
        assertEquals(0, ops.op(2).key().length());
        assertNotNull(ops.op(2).value());
        assertNotNull(ops.op(2).expected());
        assertNull(ops.op(3).value());
        assertNull(ops.op(3).expected());
    }

    @Test
    void shouldRoundTripMaximumSizeKeysAndValues() throws CodecException
    {
        final byte[] key = new byte[MessageCodec.MAX_KEY_BYTES];
        final byte[] value = new byte[MessageCodec.MAX_VALUE_BYTES];
        final byte[] expected = new byte[MessageCodec.MAX_VALUE_BYTES];
        Arrays.fill(key, (byte)'k');
        Arrays.fill(value, (byte)0xFF);
        Arrays.fill(expected, (byte)0x80);
        final Op op = Op.cas(Key.wrap(key), expected, value);
        roundTrip(1, new Accept(Ballot.of(1, 1), L1, Command.of(1, 1, op), 1, DEPS));
    }

    @Test
    void shouldRoundTripMaximumDepsAndOps() throws CodecException
    {
        final long[] deps = new long[MessageCodec.MAX_DEPS];
        Arrays.setAll(deps, i -> InstanceId.of(i % 3, 1 + i));
        Arrays.sort(deps);
        roundTrip(1, new PreAccept(Ballot.initial(1), L1, multiOpCommand(), 1, deps));
        roundTrip(1, new PreAcceptReply(Ballot.initial(1), L1, true, 1, deps, false, 0));

        final Op[] ops = new Op[MessageCodec.MAX_OPS];
        Arrays.setAll(ops, i -> Op.incr(key("k" + i), i));
        roundTrip(1, new Commit(L1, Command.of(1, 1, ops), 1, deps));
    }

    @Test
    void shouldRoundTripExtremeValues() throws CodecException
    {
        final Command command = Command.of(
            Long.MIN_VALUE, Long.MAX_VALUE, Op.incr(key("x"), Long.MIN_VALUE), Op.incr(key("y"), Long.MAX_VALUE));
        final long[] deps = { Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE };
        roundTrip(0, new Accept(Long.MIN_VALUE, Long.MAX_VALUE, command, -1, deps));
        roundTrip(InstanceId.MAX_REPLICAS - 1, new Prepare(-1, 0));
        roundTrip(InstanceId.MAX_REPLICAS - 1, new ExecutedWatermarks(new long[]{ Long.MIN_VALUE, Long.MAX_VALUE }));
    }

    @Test
    void shouldEncodeAtAnOffsetAndDecodeFromTheMiddleOfABuffer() throws CodecException
    {
        final Message message = new PreAccept(Ballot.initial(1), L1, multiOpCommand(), 12, DEPS);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        buffer.setMemory(0, buffer.capacity(), (byte)0x5A);
        final int length = codec.encode(7, message, buffer, 101);
        assertEquals(MessageCodec.encodedLength(message), length);
        assertEquals((byte)0x5A, buffer.getByte(100));
        assertEquals((byte)0x5A, buffer.getByte(101 + length));

        final MessageCodec.Decoded decoded = codec.decode(buffer, 101, length);
        assertEquals(7, decoded.fromReplica());
        assertMessageEquals(message, decoded.message());
    }

    @Test
    void shouldGrowAnExpandableBuffer() throws CodecException
    {
        final Message message = new Commit(L1, multiOpCommand(), 12, DEPS);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(8);
        final int length = codec.encode(1, message, buffer, 16);
        assertMessageEquals(message, codec.decode(buffer, 16, length).message());
    }

    @Test
    void shouldDecodeIndependentlyOfTheSourceBuffer() throws CodecException
    {
        final Message message = new Commit(L1, multiOpCommand(), 12, DEPS);
        final UnsafeBuffer buffer = frame(message);
        final Message decoded = codec.decode(buffer, 0, buffer.capacity()).message();
        buffer.setMemory(0, buffer.capacity(), (byte)0);
        assertMessageEquals(message, decoded);
    }

    @Test
    void shouldMatchTheSchema()
    {
        assertEquals(PreAcceptEncoder.DepsEncoder.countMaxValue(), MessageCodec.MAX_DEPS);
        assertTrue(MessageCodec.MAX_OPS <= PreAcceptEncoder.OpsEncoder.countMaxValue());
        assertTrue(MessageCodec.MAX_WATERMARKS <= ExecutedWatermarksDecoder.ExecutedDecoder.countMaxValue());
        assertEquals(InstanceId.MAX_REPLICAS - 1, PreAcceptDecoder.fromReplicaMaxValue());
        // The codec shares its op and deps layout checks between messages: the groups must agree.
        final int opBlockLength = PreAcceptDecoder.OpsDecoder.sbeBlockLength();
        assertEquals(opBlockLength, AcceptDecoder.OpsDecoder.sbeBlockLength());
        assertEquals(opBlockLength, CommitDecoder.OpsDecoder.sbeBlockLength());
        assertEquals(opBlockLength, PrepareReplyDecoder.OpsDecoder.sbeBlockLength());
        assertEquals(Long.BYTES, PreAcceptDecoder.DepsDecoder.sbeBlockLength());
        assertEquals(Long.BYTES, PreAcceptReplyDecoder.DepsDecoder.sbeBlockLength());
        assertEquals(Long.BYTES, AcceptDecoder.DepsDecoder.sbeBlockLength());
        assertEquals(Long.BYTES, CommitDecoder.DepsDecoder.sbeBlockLength());
        assertEquals(Long.BYTES, PrepareReplyDecoder.DepsDecoder.sbeBlockLength());
        assertEquals(Long.BYTES, ExecutedWatermarksDecoder.ExecutedDecoder.sbeBlockLength());
        // Every message starts with the sender's replica id.
        assertEquals(0, PreAcceptDecoder.fromReplicaEncodingOffset());
        assertEquals(0, PreAcceptReplyDecoder.fromReplicaEncodingOffset());
        assertEquals(0, AcceptDecoder.fromReplicaEncodingOffset());
        assertEquals(0, AcceptReplyDecoder.fromReplicaEncodingOffset());
        assertEquals(0, CommitDecoder.fromReplicaEncodingOffset());
        assertEquals(0, PrepareDecoder.fromReplicaEncodingOffset());
        assertEquals(0, PrepareReplyDecoder.fromReplicaEncodingOffset());
        assertEquals(0, ExecutedWatermarksDecoder.fromReplicaEncodingOffset());
    }

    @Test
    void shouldUseTheDocumentedTemplateIds() throws CodecException
    {
        final Message[] messages = {
            new PreAccept(1, L1, multiOpCommand(), 1, DEPS),
            new PreAcceptReply(1, L1, true, 1, DEPS, true, 0),
            new Accept(1, L1, multiOpCommand(), 1, DEPS),
            new AcceptReply(1, L1, true, 0),
            new Commit(L1, multiOpCommand(), 1, DEPS),
            new Prepare(1, L1),
            new PrepareReply(1, L1, true, 0, Status.COMMITTED, 1, multiOpCommand(), 1, DEPS, false),
            new ExecutedWatermarks(new long[]{ 1 }),
        };
        for (int i = 0; i < messages.length; i++)
        {
            final UnsafeBuffer buffer = frame(messages[i]);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
            assertEquals(i + 1, header.templateId(), messages[i].getClass().getSimpleName());
            assertEquals(4701, header.schemaId());
            assertEquals(0, header.version());
            assertEquals(3, buffer.getShort(HEADER, LE));
        }
    }

    @Test
    void shouldEncodeWithoutAllocating() throws CodecException
    {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        final Message[] messages = {
            new PreAccept(1, L1, multiOpCommand(), 1, DEPS),
            new PreAcceptReply(1, L1, true, 1, DEPS, true, 0),
            new Accept(1, L1, multiOpCommand(), 1, DEPS),
            new AcceptReply(1, L1, true, 0),
            new Commit(L1, Command.NOOP, 1, Deps.EMPTY),
            new Prepare(1, L1),
            new PrepareReply(1, L1, true, 0, Status.COMMITTED, 1, multiOpCommand(), 1, DEPS, false),
            new PrepareReply(1, L1, false, 5, Status.NONE, 0, null, 0, Deps.EMPTY, false),
            new ExecutedWatermarks(new long[]{ 1, 2, 3 }),
        };
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        for (int i = 0; i < 1_000; i++)
        {
            for (final Message message : messages)
            {
                codec.encode(1, message, buffer, 0);
            }
        }

        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        for (int i = 0; i < 10_000; i++)
        {
            for (final Message message : messages)
            {
                codec.encode(1, message, buffer, 0);
            }
        }
        final long allocatedBytes = threads.getThreadAllocatedBytes(threadId) - before;
        assertTrue(allocatedBytes < 1024, "encoding allocated " + allocatedBytes + " bytes");
    }

    // ---- limits and invalid messages on encode ----

    @Test
    void shouldRejectTooManyDepsOnEncode()
    {
        final long[] deps = new long[MessageCodec.MAX_DEPS + 1];
        Arrays.setAll(deps, i -> InstanceId.of(0, 1 + i));
        assertEncodeRejected(new PreAccept(1, L1, multiOpCommand(), 1, deps), "MAX_DEPS");
        assertEncodeRejected(new PreAcceptReply(1, L1, true, 1, deps, true, 0), "MAX_DEPS");
    }

    @Test
    void shouldRejectUnsortedDuplicateOrNullDepsOnEncode()
    {
        assertEncodeRejected(new Commit(L1, multiOpCommand(), 1, new long[]{ 5, 3 }), "strictly increasing");
        assertEncodeRejected(new Commit(L1, multiOpCommand(), 1, new long[]{ 3, 3 }), "strictly increasing");
        assertEncodeRejected(new Commit(L1, multiOpCommand(), 1, null), "null deps");
    }

    @Test
    void shouldRejectOversizeKeysAndValuesOnEncode()
    {
        final byte[] bigValue = new byte[MessageCodec.MAX_VALUE_BYTES + 1];
        final byte[] bigKey = new byte[MessageCodec.MAX_KEY_BYTES + 1];
        assertEncodeRejected(preAccept(Op.put(key("k"), bigValue)), "value of");
        assertEncodeRejected(preAccept(Op.cas(key("k"), bigValue, new byte[1])), "expected of");
        assertEncodeRejected(preAccept(Op.get(Key.wrap(bigKey))), "key of");
    }

    @Test
    void shouldRejectTooManyOpsOnEncode()
    {
        final Op[] ops = new Op[MessageCodec.MAX_OPS + 1];
        Arrays.fill(ops, Op.get(key("k")));
        assertEncodeRejected(new Commit(L1, Command.of(1, 1, ops), 1, Deps.EMPTY), "MAX_OPS");
    }

    @Test
    void shouldRejectMessagesLargerThanTheFrameLimit()
    {
        final byte[] value = new byte[MessageCodec.MAX_VALUE_BYTES];
        final Command command = Command.of(
            1, 1, Op.put(key("a"), value), Op.put(key("b"), value), Op.put(key("c"), value), Op.put(key("d"), value));
        assertEncodeRejected(new Accept(1, L1, command, 1, Deps.EMPTY), "MAX_MESSAGE_BYTES");
    }

    @Test
    void shouldRejectMissingFieldsOnEncode()
    {
        assertEncodeRejected(new PreAccept(1, L1, null, 1, DEPS), "null command");
        assertEncodeRejected(new Accept(1, L1, null, 1, DEPS), "null command");
        assertEncodeRejected(new Commit(L1, null, 1, DEPS), "null command");
        assertEncodeRejected(new PrepareReply(1, L1, true, 0, null, 0, null, 0, DEPS, false), "null status");
        assertEncodeRejected(new ExecutedWatermarks(null), "null executed");
        assertEncodeRejected(null, "null message");
    }

    @Test
    void shouldRejectFromReplicaOutOfRangeOnEncode()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final Prepare prepare = new Prepare(1, L1);
        assertThrows(CodecException.class, () -> codec.encode(-1, prepare, buffer, 0));
        assertThrows(CodecException.class, () -> codec.encode(InstanceId.MAX_REPLICAS, prepare, buffer, 0));
        assertThrows(CodecException.class, () -> codec.encode(0xFFFF, prepare, buffer, 0));
    }

    @Test
    void shouldRejectABufferThatIsTooSmall() throws CodecException
    {
        final Message message = new Commit(L1, multiOpCommand(), 12, DEPS);
        final int length = MessageCodec.encodedLength(message);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        assertThrows(CodecException.class, () -> codec.encode(1, message, buffer, 1));
        assertThrows(CodecException.class, () -> codec.encode(1, message, buffer, -1));
        assertThrows(CodecException.class, () -> codec.encode(1, message, buffer, length + 10));
        assertThrows(CodecException.class, () -> codec.encode(1, message, new UnsafeBuffer(new byte[length - 1]), 0));
        assertThrows(CodecException.class, () -> codec.encode(1, message, null, 0));
        assertEquals(length, codec.encode(1, message, buffer, 0));
    }

    // ---- malformed frames on decode ----

    @Test
    void shouldRejectFramesOutsideTheBufferOrOverTheLimit()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        assertThrows(CodecException.class, () -> codec.decode(null, 0, 8));
        assertThrows(CodecException.class, () -> codec.decode(buffer, -1, 8));
        assertThrows(CodecException.class, () -> codec.decode(buffer, 0, -1));
        assertThrows(CodecException.class, () -> codec.decode(buffer, 60, 8));
        assertThrows(CodecException.class, () -> codec.decode(buffer, Integer.MAX_VALUE, 8));
        assertThrows(CodecException.class, () -> codec.decode(buffer, 8, Integer.MAX_VALUE));
        assertRejected(buffer, 0, "truncated");

        final UnsafeBuffer huge = new UnsafeBuffer(new byte[MessageCodec.MAX_MESSAGE_BYTES + 1]);
        assertRejected(huge, "MAX_MESSAGE_BYTES");
    }

    @Test
    void shouldRejectEveryTruncationAndTrailingBytes() throws CodecException
    {
        final Message[] messages = {
            new PreAccept(1, L1, multiOpCommand(), 1, DEPS),
            new PreAcceptReply(1, L1, true, 1, DEPS, true, 0),
            new AcceptReply(1, L1, true, 0),
            new Prepare(1, L1),
            new PrepareReply(1, L1, true, 0, Status.ACCEPTED, 1, multiOpCommand(), 1, DEPS, false),
            new PrepareReply(1, L1, false, 7, Status.NONE, 0, null, 0, Deps.EMPTY, false),
            new ExecutedWatermarks(new long[]{ 1, 2 }),
            new Commit(L1, Command.NOOP, 0, Deps.EMPTY),
        };
        for (final Message message : messages)
        {
            final UnsafeBuffer valid = frame(message);
            final UnsafeBuffer longer = new UnsafeBuffer(new byte[valid.capacity() + 1]);
            longer.putBytes(0, valid, 0, valid.capacity());
            for (int length = 0; length < valid.capacity(); length++)
            {
                // The rest of the valid frame follows in the buffer: the decoder must not read past the length.
                assertRejected(longer, length, "");
            }
            assertRejected(longer, "trailing bytes");
            assertMessageEquals(message, codec.decode(longer, 0, valid.capacity()).message());
        }
    }

    @Test
    void shouldRejectAnotherSchemaVersionTemplateOrBlockLength() throws CodecException
    {
        final UnsafeBuffer valid = frame(new Prepare(1, L1));

        assertRejected(patched(valid, b -> b.putShort(MessageHeaderEncoder.schemaIdEncodingOffset(), (short)1, LE)),
            "schema id");
        assertRejected(patched(valid, b -> b.putShort(MessageHeaderEncoder.versionEncodingOffset(), (short)2, LE)),
            "schema version");
        assertRejected(patched(valid, b -> b.putShort(MessageHeaderEncoder.versionEncodingOffset(), (short)1, LE)),
            "carries no batch");
        assertRejected(patched(valid, b -> b.putShort(MessageHeaderEncoder.templateIdEncodingOffset(), (short)0, LE)),
            "unknown template");
        assertRejected(patched(valid, b -> b.putShort(MessageHeaderEncoder.templateIdEncodingOffset(), (short)9, LE)),
            "unknown template");
        assertRejected(patched(valid, b -> b.putShort(MessageHeaderEncoder.blockLengthEncodingOffset(), (short)17, LE)),
            "block length");
        // A Prepare frame relabelled as a longer message is truncated, not misread.
        assertRejected(patched(valid, b -> b
            .putShort(MessageHeaderEncoder.templateIdEncodingOffset(), (short)AcceptReplyDecoder.TEMPLATE_ID, LE)),
            "block length");
    }

    @Test
    void shouldRejectFromReplicaOutOfRangeOnDecode() throws CodecException
    {
        final UnsafeBuffer valid = frame(new Prepare(1, L1));
        assertRejected(patched(valid, b -> b.putShort(HEADER, (short)InstanceId.MAX_REPLICAS, LE)), "fromReplica");
        assertRejected(patched(valid, b -> b.putShort(HEADER, (short)0xFFFF, LE)), "fromReplica");
    }

    @Test
    void shouldRejectWrongGroupBlockLengths() throws CodecException
    {
        final UnsafeBuffer valid = frame(preAccept(Op.get(key("k"))));
        assertRejected(patched(valid, b -> b.putShort(PRE_ACCEPT_OPS, (short)12, LE)), "group block length");
        assertRejected(patched(valid, b -> b.putShort(PRE_ACCEPT_OPS, (short)0, LE)), "group block length");
        // deps is followed by the (here empty) forgotten group: 4 bytes of group header
        final int depsHeader = valid.capacity() - 4 - 8 * DEPS.length - 4;
        assertRejected(patched(valid, b -> b.putShort(depsHeader, (short)4, LE)), "group block length");
    }

    @Test
    void shouldRejectCountsThatDoNotFitTheFrameBeforeAllocating() throws CodecException
    {
        final UnsafeBuffer valid = frame(new PreAcceptReply(1, L1, true, 1, DEPS, true, 0));
        final int depsCount = HEADER + PreAcceptReplyDecoder.BLOCK_LENGTH + 2;
        assertRejected(patched(valid, b -> b.putShort(depsCount, (short)MessageCodec.MAX_DEPS, LE)), "do not fit");
        assertRejected(patched(valid, b -> b.putShort(depsCount, (short)0xFFFF, LE)), "more than the limit");
        assertRejected(patched(valid, b -> b.putShort(depsCount, (short)(DEPS.length + 1), LE)), "do not fit");
        assertRejected(patched(valid, b -> b.putShort(depsCount, (short)(DEPS.length - 1), LE)), "trailing bytes");

        final UnsafeBuffer withOp = frame(preAccept(Op.get(key("k"))));
        assertRejected(patched(withOp, b -> b.putShort(PRE_ACCEPT_OPS + 2, (short)1000, LE)), "do not fit");
        assertRejected(patched(withOp, b -> b.putShort(PRE_ACCEPT_OPS + 2, (short)0xFFFF, LE)), "more than the limit");
    }

    @Test
    void shouldRejectVarDataLengthsBeyondTheLimitsOrTheFrame() throws CodecException
    {
        final UnsafeBuffer valid = frame(preAccept(Op.put(key("k"), utf8("v"))));
        assertRejected(patched(valid, b -> b.putInt(PRE_ACCEPT_KEY, -1, LE)), "exceeds the limit");
        assertRejected(patched(valid, b -> b.putInt(PRE_ACCEPT_KEY, Integer.MAX_VALUE, LE)), "exceeds the limit");
        assertRejected(patched(valid, b -> b.putInt(PRE_ACCEPT_KEY, MessageCodec.MAX_KEY_BYTES + 1, LE)),
            "exceeds the limit");
        assertRejected(patched(valid, b -> b.putInt(PRE_ACCEPT_KEY, MessageCodec.MAX_KEY_BYTES, LE)), "truncated");
        final int valueLength = PRE_ACCEPT_KEY + 4 + 1;
        assertRejected(patched(valid, b -> b.putInt(valueLength, MessageCodec.MAX_VALUE_BYTES + 1, LE)),
            "exceeds the limit");
        assertRejected(patched(valid, b -> b.putInt(valueLength, MessageCodec.MAX_VALUE_BYTES, LE)), "truncated");
    }

    @Test
    void shouldRejectOversizeDataAndTooManyOpsWrittenByAnotherEncoder()
    {
        assertRejected(rawPreAccept(1, MessageCodec.MAX_KEY_BYTES + 1, 0, DEPS), "key of");
        assertRejected(rawPreAccept(1, 1, MessageCodec.MAX_VALUE_BYTES + 1, DEPS), "value of");
        assertRejected(rawPreAccept(MessageCodec.MAX_OPS + 1, 1, 0, DEPS), "more than MAX_OPS");
        assertRejected(rawPreAccept(1, 1, 1, new long[]{ 3, 2 }), "strictly increasing");
        assertRejected(rawPreAccept(1, 1, 1, new long[]{ 2, 2 }), "strictly increasing");

        final UnsafeBuffer valid = rawPreAccept(MessageCodec.MAX_OPS, 1, 0, DEPS);
        assertEquals(MessageCodec.MAX_OPS, ((PreAccept)decodeUnchecked(valid)).command().opCount());
    }

    @Test
    void shouldRejectUnknownEnumCodes() throws CodecException
    {
        final UnsafeBuffer withOp = frame(preAccept(Op.get(key("k"))));
        final int opType = PRE_ACCEPT_OP + PreAcceptDecoder.OpsDecoder.opTypeEncodingOffset();
        final int valuePresent = PRE_ACCEPT_OP + PreAcceptDecoder.OpsDecoder.valuePresentEncodingOffset();
        final int expectedPresent = PRE_ACCEPT_OP + PreAcceptDecoder.OpsDecoder.expectedPresentEncodingOffset();
        assertRejected(patched(withOp, b -> b.putByte(opType, (byte)OpType.values().length)), "op type");
        assertRejected(patched(withOp, b -> b.putByte(opType, (byte)OpTypeCode.NULL_VAL.value())), "op type");
        assertRejected(patched(withOp, b -> b.putByte(valuePresent, (byte)2)), "valuePresent");
        assertRejected(patched(withOp, b -> b.putByte(expectedPresent, (byte)-1)), "expectedPresent");

        final UnsafeBuffer reply = frame(new PrepareReply(1, L1, true, 0, Status.ACCEPTED, 1, multiOpCommand(), 1, DEPS, false));
        final int status = HEADER + PrepareReplyDecoder.statusEncodingOffset();
        final int ok = HEADER + PrepareReplyDecoder.okEncodingOffset();
        final int identical = HEADER + PrepareReplyDecoder.identicalEncodingOffset();
        final int hasCommand = HEADER + PrepareReplyDecoder.hasCommandEncodingOffset();
        assertRejected(patched(reply, b -> b.putByte(status, (byte)Status.values().length)), "status");
        assertRejected(patched(reply, b -> b.putByte(status, (byte)0xFF)), "status");
        assertRejected(patched(reply, b -> b.putByte(ok, (byte)2)), "ok");
        assertRejected(patched(reply, b -> b.putByte(identical, (byte)0x80)), "identical");
        assertRejected(patched(reply, b -> b.putByte(hasCommand, (byte)BooleanType.NULL_VAL.value())), "hasCommand");
    }

    @Test
    void shouldRejectAbsentValuesThatCarryBytes()
    {
        final UnsafeBuffer buffer = rawPreAccept(1, 1, 2, DEPS);
        final int valuePresent = PRE_ACCEPT_OP + PreAcceptDecoder.OpsDecoder.valuePresentEncodingOffset();
        buffer.putByte(valuePresent, (byte)BooleanType.FALSE.value());
        assertRejected(buffer, "absent");
    }

    @Test
    void shouldRejectCommandFieldsWithoutACommand() throws CodecException
    {
        final UnsafeBuffer noop = frame(new Commit(L1, Command.NOOP, 0, DEPS));
        final int clientId = HEADER + CommitDecoder.clientIdEncodingOffset();
        final int requestNumber = HEADER + CommitDecoder.requestNumberEncodingOffset();
        assertRejected(patched(noop, b -> b.putLong(clientId, 7, LE)), "without ops");
        assertRejected(patched(noop, b -> b.putLong(requestNumber, 7, LE)), "without ops");

        final UnsafeBuffer reply = frame(new PrepareReply(1, L1, true, 0, Status.NONE, 0, null, 0, DEPS, false));
        final int replyClientId = HEADER + PrepareReplyDecoder.clientIdEncodingOffset();
        assertRejected(patched(reply, b -> b.putLong(replyClientId, 7, LE)), "without a command");

        final PrepareReplyEncoder encoder = new PrepareReplyEncoder();
        final UnsafeBuffer withOps = new UnsafeBuffer(new byte[256]);
        encoder.wrapAndApplyHeader(withOps, 0, new MessageHeaderEncoder())
            .fromReplica(1)
            .ok(BooleanType.TRUE)
            .status(StatusCode.ACCEPTED)
            .identical(BooleanType.FALSE)
            .hasCommand(BooleanType.FALSE);
        encoder.opsCount(1).next().opType(OpTypeCode.GET).valuePresent(BooleanType.FALSE)
            .expectedPresent(BooleanType.FALSE).putKey(new byte[]{ 'k' }, 0, 1).putValue(new byte[0], 0, 0)
            .putExpected(new byte[0], 0, 0);
        encoder.depsCount(0);
        withOps.putShort(MessageHeaderEncoder.versionEncodingOffset(), (short)0, LE);
        assertRejected(withOps, HEADER + encoder.encodedLength(), "without a command");
    }

    @Test
    void shouldDecodeToFreshMessagesWithTheRightTypes() throws CodecException
    {
        final Message message = new PreAccept(Ballot.initial(1), L1, multiOpCommand(), 12, DEPS);
        final UnsafeBuffer buffer = frame(message);
        final Message first = codec.decode(buffer, 0, buffer.capacity()).message();
        final Message second = codec.decode(buffer, 0, buffer.capacity()).message();
        assertTrue(first instanceof PreAccept);
        assertTrue(((PreAccept)first).deps() != ((PreAccept)second).deps(), "each decode owns its arrays");
        assertTrue(Deps.isSortedSet(((PreAccept)first).deps()));
    }

    // ---- helpers ----

    private Message decodeUnchecked(final DirectBuffer buffer)
    {
        try
        {
            return codec.decode(buffer, 0, buffer.capacity()).message();
        }
        catch (final CodecException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static UnsafeBuffer patched(final DirectBuffer valid, final Consumer<MutableDirectBuffer> patch)
    {
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[valid.capacity()]);
        copy.putBytes(0, valid, 0, valid.capacity());
        patch.accept(copy);
        return copy;
    }

    /** A PreAccept frame written with the generated encoder directly, so it can break the codec's limits. */
    private static UnsafeBuffer rawPreAccept(final int opCount, final int keyLength, final int valueLength,
        final long[] deps)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        final PreAcceptEncoder encoder = new PreAcceptEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .fromReplica(1)
            .ballot(1)
            .instance(L1)
            .seq(1)
            .clientId(1)
            .requestNumber(1);
        final PreAcceptEncoder.OpsEncoder ops = encoder.opsCount(opCount);
        for (int i = 0; i < opCount; i++)
        {
            ops.next()
                .opType(OpTypeCode.PUT)
                .delta(0)
                .valuePresent(BooleanType.TRUE)
                .expectedPresent(BooleanType.FALSE)
                .putKey(new byte[keyLength], 0, keyLength)
                .putValue(new byte[valueLength], 0, valueLength)
                .putExpected(new byte[0], 0, 0);
        }
        final PreAcceptEncoder.DepsEncoder depsEncoder = encoder.depsCount(deps.length);
        for (final long dep : deps)
        {
            depsEncoder.next().instanceId(dep);
        }
        encoder.forgottenCount(0);
        final int length = HEADER + encoder.encodedLength();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[length]);
        frame.putBytes(0, buffer, 0, length);
        frame.putShort(MessageHeaderEncoder.versionEncodingOffset(), (short)0, LE); // no batch: version 0
        return frame;
    }
}
