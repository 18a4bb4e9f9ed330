package io.geo.epaxos.regionlog;

import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.primitives.Ballot;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.regionlog.sbe.AcceptDecoder;
import io.geo.epaxos.regionlog.sbe.AcceptedDecoder;
import io.geo.epaxos.regionlog.sbe.CatchUpReplyDecoder;
import io.geo.epaxos.regionlog.sbe.CatchUpRequestDecoder;
import io.geo.epaxos.regionlog.sbe.CommitDecoder;
import io.geo.epaxos.regionlog.sbe.GrantDecoder;
import io.geo.epaxos.regionlog.sbe.GrantRequestDecoder;
import io.geo.epaxos.regionlog.sbe.HeartbeatDecoder;
import io.geo.epaxos.regionlog.sbe.MessageHeaderDecoder;
import io.geo.epaxos.regionlog.sbe.MessageHeaderEncoder;
import io.geo.epaxos.regionlog.sbe.NackDecoder;
import io.geo.epaxos.regionlog.sbe.PrepareDecoder;
import io.geo.epaxos.regionlog.sbe.PromiseDecoder;
import io.geo.epaxos.regionlog.sbe.PromiseEncoder;
import io.geo.epaxos.regionlog.sbe.SnapshotChunkDecoder;
import io.geo.epaxos.regionlog.sbe.VarDataEncodingDecoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import static io.geo.epaxos.regionlog.LogMessageAssertions.assertLogMessageEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LogMessageCodecTest
{
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int HEADER = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int GROUP_HEADER = 4;
    // Accept with entries: the group header after the fixed block, then each entry's block and its payload length.
    private static final int ACCEPT_ENTRIES = HEADER + AcceptDecoder.BLOCK_LENGTH;
    private static final int ACCEPT_ENTRY = ACCEPT_ENTRIES + GROUP_HEADER;
    private static final int ACCEPT_PAYLOAD = ACCEPT_ENTRY + AcceptDecoder.EntriesDecoder.sbeBlockLength();
    private static final int PROMISE_SLOTS = HEADER + PromiseDecoder.BLOCK_LENGTH;
    private static final int PROMISE_SLOT = PROMISE_SLOTS + GROUP_HEADER;

    private static final long VIEW = Ballot.of(3, 1);
    private static final long CHOSEN = RegionLogNode.CHOSEN;

    private final LogMessageCodec codec = new LogMessageCodec();

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static LogEntry entry(final int origin, final long sequence, final String text)
    {
        return LogEntry.of(origin, sequence, utf8(text));
    }

    private static List<LogEntry> batch()
    {
        return List.of(
            entry(0, 1, "alpha"),
            LogEntry.NOOP,
            LogEntry.of(2, (1L << 32) + 7, new byte[0]),
            entry(1, 3, "gamma"),
            LogEntry.NOOP);
    }

    private static List<LogMessage.AcceptedSlot> acceptedSlots()
    {
        return List.of(
            new LogMessage.AcceptedSlot(5, VIEW, entry(0, 1, "alpha")),
            new LogMessage.AcceptedSlot(6, CHOSEN, LogEntry.NOOP),
            new LogMessage.AcceptedSlot(9, Ballot.of(2, 2), LogEntry.of(2, 4, new byte[0])));
    }

    /** One of each message type, in template id order. */
    private static LogMessage[] oneOfEach()
    {
        return new LogMessage[]{
            new LogMessage.Prepare(VIEW, 5),
            new LogMessage.Promise(VIEW, 5, 4, acceptedSlots()),
            new LogMessage.Nack(Ballot.of(4, 2)),
            new LogMessage.Accept(VIEW, 10, batch()),
            new LogMessage.Accepted(VIEW, 10, 5),
            new LogMessage.Commit(VIEW, 10, 5),
            new LogMessage.Heartbeat(VIEW, 14),
            new LogMessage.GrantRequest(VIEW),
            new LogMessage.Grant(VIEW, 100, 16),
            new LogMessage.CatchUpRequest(15),
            new LogMessage.CatchUpReply(15, batch(), 20),
            new LogMessage.Forward(List.of(entry(1, 3, "forwarded"))),
            new LogMessage.SnapshotRequest(40, 4096),
            new LogMessage.SnapshotChunk(40, 44, 10_000, 4096, "chunk".getBytes(StandardCharsets.UTF_8)),
        };
    }

    private LogMessage roundTrip(final int fromNode, final LogMessage message) throws CodecException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[LogMessageCodec.encodedLength(message)]);
        final int length = codec.encode(fromNode, message, buffer, 0);
        assertEquals(buffer.capacity(), length);
        final LogMessageCodec.Decoded decoded = codec.decode(buffer, 0, length);
        assertEquals(fromNode, decoded.fromNode());
        assertLogMessageEquals(message, decoded.message(), message.getClass().getSimpleName());
        return decoded.message();
    }

    private UnsafeBuffer frame(final LogMessage message) throws CodecException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[LogMessageCodec.encodedLength(message)]);
        codec.encode(3, message, buffer, 0);
        return buffer;
    }

    /** Decoding the first {@code length} bytes fails with an explicit check whose message names {@code reason}. */
    private void assertRejected(final DirectBuffer buffer, final int length, final String reason)
    {
        final CodecException ex = assertThrows(CodecException.class, () -> codec.decode(buffer, 0, length));
        assertTrue(ex.getMessage().contains(reason), () -> "expected '" + reason + "' in: " + ex.getMessage());
        assertNull(ex.getCause(), "an explicit check should reject the frame before any generated code fails");
    }

    private void assertRejected(final DirectBuffer buffer, final String reason)
    {
        assertRejected(buffer, buffer.capacity(), reason);
    }

    private static void assertEncodeRejected(final LogMessage message, final String reason)
    {
        final LogMessageCodec codec = new LogMessageCodec();
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final CodecException ex = assertThrows(CodecException.class, () -> codec.encode(1, message, buffer, 0));
        assertTrue(ex.getMessage().contains(reason), () -> "expected '" + reason + "' in: " + ex.getMessage());
        assertThrows(CodecException.class, () -> LogMessageCodec.encodedLength(message));
    }

    // ---- round trips ----

    @Test
    void shouldRoundTripEveryMessageType() throws CodecException
    {
        for (final LogMessage message : oneOfEach())
        {
            roundTrip(2, message);
        }
    }

    @Test
    void shouldRoundTripEmptyLists() throws CodecException
    {
        roundTrip(1, new LogMessage.Promise(VIEW, 1, 0, List.of()));
        roundTrip(1, new LogMessage.Accept(VIEW, 1, List.of()));
        roundTrip(1, new LogMessage.CatchUpReply(1, List.of(), 0));
        roundTrip(1, new LogMessage.Accepted(VIEW, 1, 0));
        roundTrip(1, new LogMessage.Commit(VIEW, 1, 0));
        roundTrip(1, new LogMessage.Grant(VIEW, 1, 0));
    }

    @Test
    void shouldDecodeNoopsToTheSingletonAndKeepEmptyPayloadsApart() throws CodecException
    {
        final LogMessage.Accept accept = (LogMessage.Accept)roundTrip(0, new LogMessage.Accept(VIEW, 1, batch()));
        assertSame(LogEntry.NOOP, accept.entries().get(1));
        assertSame(LogEntry.NOOP, accept.entries().get(4));
        final LogEntry empty = accept.entries().get(2);
        assertTrue(!empty.isNoop());
        assertEquals(2, empty.origin());
        assertEquals((1L << 32) + 7, empty.sequence());
        assertArrayEquals(new byte[0], empty.payload());

        final LogMessage.Promise promise =
            (LogMessage.Promise)roundTrip(0, new LogMessage.Promise(VIEW, 5, 4, acceptedSlots()));
        assertSame(LogEntry.NOOP, promise.accepted().get(1).entry());
        assertEquals(CHOSEN, promise.accepted().get(1).view());

        final List<LogEntry> noops = Collections.nCopies(64, LogEntry.NOOP);
        final LogMessage.CatchUpReply reply =
            (LogMessage.CatchUpReply)roundTrip(0, new LogMessage.CatchUpReply(1, noops, 64));
        reply.entries().forEach(entry -> assertSame(LogEntry.NOOP, entry));
    }

    @Test
    void shouldRoundTripZeroValues() throws CodecException
    {
        roundTrip(0, new LogMessage.Prepare(0, 0));
        roundTrip(0, new LogMessage.Promise(0, 0, 0, List.of(new LogMessage.AcceptedSlot(0, 0, LogEntry.NOOP))));
        roundTrip(0, new LogMessage.Nack(0));
        roundTrip(0, new LogMessage.Accept(0, 0, List.of(LogEntry.NOOP)));
        roundTrip(0, new LogMessage.Heartbeat(0, 0));
        roundTrip(0, new LogMessage.GrantRequest(0));
        roundTrip(0, new LogMessage.CatchUpRequest(0));
    }

    @Test
    void shouldRoundTripMaximumValues() throws CodecException
    {
        final int node = LogMessageCodec.MAX_NODE_ID;
        final long max = Long.MAX_VALUE;
        final int count = LogMessageCodec.MAX_ENTRIES;
        final LogEntry extreme = LogEntry.of(Integer.MAX_VALUE, Long.MAX_VALUE, utf8("x"));
        roundTrip(node, new LogMessage.Prepare(max, max));
        roundTrip(node, new LogMessage.Promise(max, max, max, List.of(new LogMessage.AcceptedSlot(max, max, extreme))));
        roundTrip(node, new LogMessage.Nack(max));
        roundTrip(node, new LogMessage.Accept(max, max - 1, List.of(extreme)));
        roundTrip(node, new LogMessage.Accept(max, max, List.of()));
        roundTrip(node, new LogMessage.Accepted(max, max - count, count));
        roundTrip(node, new LogMessage.Commit(max, max - count, count));
        roundTrip(node, new LogMessage.Heartbeat(max, max));
        roundTrip(node, new LogMessage.GrantRequest(max));
        roundTrip(node, new LogMessage.Grant(max, max - count, count));
        roundTrip(node, new LogMessage.CatchUpRequest(max));
        roundTrip(node, new LogMessage.CatchUpReply(max - 1, List.of(extreme), max));
    }

    @Test
    void shouldRoundTripTheMaximumNumberOfEntriesAndSlots() throws CodecException
    {
        final int count = LogMessageCodec.MAX_ENTRIES;
        final List<LogEntry> entries = new ArrayList<>(count);
        final List<LogMessage.AcceptedSlot> slots = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final LogEntry entry = i % 3 == 0 ? LogEntry.NOOP : LogEntry.of(i % 7, 1 + i, new byte[]{ (byte)i });
            entries.add(entry);
            slots.add(new LogMessage.AcceptedSlot(Long.MAX_VALUE - count + i, i % 2 == 0 ? CHOSEN : i, entry));
        }
        roundTrip(1, new LogMessage.Accept(VIEW, Long.MAX_VALUE - count, entries));
        roundTrip(1, new LogMessage.CatchUpReply(1, entries, count));
        roundTrip(1, new LogMessage.Promise(VIEW, 1, 0, slots));
    }

    @Test
    void shouldRoundTripAMaximumSizePayload() throws CodecException
    {
        final byte[] payload = new byte[LogMessageCodec.MAX_PAYLOAD_BYTES];
        Arrays.fill(payload, (byte)0xA5);
        payload[payload.length - 1] = 7;
        final LogEntry big = LogEntry.of(1, 1, payload);
        final LogMessage.Accept accept =
            (LogMessage.Accept)roundTrip(1, new LogMessage.Accept(VIEW, 1, List.of(LogEntry.NOOP, big)));
        assertArrayEquals(payload, accept.entries().get(1).payload());
        roundTrip(1, new LogMessage.Promise(VIEW, 1, 0, List.of(new LogMessage.AcceptedSlot(1, VIEW, big))));
    }

    @Test
    void shouldEncodeAtAnOffsetAndDecodeFromTheMiddleOfABuffer() throws CodecException
    {
        final LogMessage message = new LogMessage.Accept(VIEW, 10, batch());
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        buffer.setMemory(0, buffer.capacity(), (byte)0x5A);
        final int length = codec.encode(7, message, buffer, 101);
        assertEquals(LogMessageCodec.encodedLength(message), length);
        assertEquals((byte)0x5A, buffer.getByte(100));
        assertEquals((byte)0x5A, buffer.getByte(101 + length));

        final LogMessageCodec.Decoded decoded = codec.decode(buffer, 101, length);
        assertEquals(7, decoded.fromNode());
        assertLogMessageEquals(message, decoded.message(), "at offset 101");
    }

    @Test
    void shouldGrowAnExpandableBuffer() throws CodecException
    {
        final LogMessage message = new LogMessage.CatchUpReply(15, batch(), 20);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(8);
        final int length = codec.encode(1, message, buffer, 16);
        assertLogMessageEquals(message, codec.decode(buffer, 16, length).message(), "expanded");
    }

    @Test
    void shouldDecodeToFreshUnmodifiableMessagesIndependentOfTheSourceBuffer() throws CodecException
    {
        final LogMessage message = new LogMessage.Accept(VIEW, 10, batch());
        final UnsafeBuffer buffer = frame(message);
        final LogMessage.Accept first = (LogMessage.Accept)codec.decode(buffer, 0, buffer.capacity()).message();
        final LogMessage.Accept second = (LogMessage.Accept)codec.decode(buffer, 0, buffer.capacity()).message();
        assertNotSame(first.entries().get(0).payload(), second.entries().get(0).payload(), "each decode owns arrays");
        buffer.setMemory(0, buffer.capacity(), (byte)0);
        assertLogMessageEquals(message, first, "after the buffer was cleared");
        assertThrows(UnsupportedOperationException.class, () -> first.entries().set(0, LogEntry.NOOP));
        assertThrows(UnsupportedOperationException.class, () -> first.entries().add(LogEntry.NOOP));
    }

    @Test
    void shouldMatchTheSchema()
    {
        assertEquals(PromiseDecoder.AcceptedSlotsDecoder.countMaxValue(), LogMessageCodec.MAX_ENTRIES);
        assertEquals(AcceptDecoder.EntriesDecoder.countMaxValue(), LogMessageCodec.MAX_ENTRIES);
        assertEquals(CatchUpReplyDecoder.EntriesDecoder.countMaxValue(), LogMessageCodec.MAX_ENTRIES);
        assertEquals(AcceptedDecoder.countMaxValue(), LogMessageCodec.MAX_ENTRIES);
        assertEquals(CommitDecoder.countMaxValue(), LogMessageCodec.MAX_ENTRIES);
        assertEquals(GrantDecoder.countMaxValue(), LogMessageCodec.MAX_ENTRIES);
        assertEquals(PrepareDecoder.fromNodeMaxValue(), LogMessageCodec.MAX_NODE_ID);
        assertEquals(VarDataEncodingDecoder.lengthMaxValue(), LogMessageCodec.MAX_PAYLOAD_BYTES);
        assertTrue(LogMessageCodec.MAX_PAYLOAD_BYTES + 64 <= LogMessageCodec.MAX_MESSAGE_BYTES);
        assertEquals(0, PromiseDecoder.AcceptedSlotsDecoder.viewMinValue());
        assertEquals(-1, AcceptDecoder.EntriesDecoder.originMinValue());
        // The codec shares its entry layout checks between Accept and CatchUpReply: the groups must agree.
        assertEquals(
            AcceptDecoder.EntriesDecoder.sbeBlockLength(), CatchUpReplyDecoder.EntriesDecoder.sbeBlockLength());
        // Every message starts with the sender's node id.
        assertEquals(0, PrepareDecoder.fromNodeEncodingOffset());
        assertEquals(0, PromiseDecoder.fromNodeEncodingOffset());
        assertEquals(0, NackDecoder.fromNodeEncodingOffset());
        assertEquals(0, AcceptDecoder.fromNodeEncodingOffset());
        assertEquals(0, AcceptedDecoder.fromNodeEncodingOffset());
        assertEquals(0, CommitDecoder.fromNodeEncodingOffset());
        assertEquals(0, HeartbeatDecoder.fromNodeEncodingOffset());
        assertEquals(0, GrantRequestDecoder.fromNodeEncodingOffset());
        assertEquals(0, GrantDecoder.fromNodeEncodingOffset());
        assertEquals(0, CatchUpRequestDecoder.fromNodeEncodingOffset());
        assertEquals(0, CatchUpReplyDecoder.fromNodeEncodingOffset());
    }

    @Test
    void shouldUseTheDocumentedTemplateIds() throws CodecException
    {
        final LogMessage[] messages = oneOfEach();
        for (int i = 0; i < messages.length; i++)
        {
            final UnsafeBuffer buffer = frame(messages[i]);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
            assertEquals(i + 1, header.templateId(), messages[i].getClass().getSimpleName());
            assertEquals(4702, header.schemaId());
            assertEquals(0, header.version());
            assertEquals(3, buffer.getShort(HEADER, LE));
        }
    }

    @Test
    void shouldNotConfuseRegionLogAndEpaxosFrames() throws Exception
    {
        final UnsafeBuffer epaxos = new UnsafeBuffer(new byte[256]);
        final int length = new MessageCodec()
            .encode(1, new io.geo.epaxos.messages.Prepare(VIEW, InstanceId.of(1, 7)), epaxos, 0);
        assertRejected(epaxos, length, "schema id");

        final UnsafeBuffer regionLog = frame(new LogMessage.Prepare(VIEW, 5));
        assertThrows(CodecException.class, () -> new MessageCodec().decode(regionLog, 0, regionLog.capacity()));
    }

    @Test
    void shouldEncodeWithoutAllocating() throws CodecException
    {
        final com.sun.management.ThreadMXBean threads = allocationCounter();
        final LogMessage[] messages = oneOfEach();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        for (int i = 0; i < 1_000; i++)
        {
            for (final LogMessage message : messages)
            {
                codec.encode(1, message, buffer, 0);
            }
        }

        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        for (int i = 0; i < 10_000; i++)
        {
            for (final LogMessage message : messages)
            {
                codec.encode(1, message, buffer, 0);
            }
        }
        final long allocatedBytes = threads.getThreadAllocatedBytes(threadId) - before;
        assertTrue(allocatedBytes < 1024, "encoding allocated " + allocatedBytes + " bytes");
    }

    @Test
    void shouldDecodeFixedSizeMessagesAllocatingOnlyTheResult() throws CodecException
    {
        final com.sun.management.ThreadMXBean threads = allocationCounter();
        final UnsafeBuffer heartbeat = frame(new LogMessage.Heartbeat(VIEW, 14));
        final UnsafeBuffer commit = frame(new LogMessage.Commit(VIEW, 10, 5));
        for (int i = 0; i < 10_000; i++)
        {
            codec.decode(heartbeat, 0, heartbeat.capacity());
            codec.decode(commit, 0, commit.capacity());
        }

        final int decodes = 100_000;
        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        for (int i = 0; i < decodes; i++)
        {
            codec.decode(heartbeat, 0, heartbeat.capacity());
            codec.decode(commit, 0, commit.capacity());
        }
        final long allocatedBytes = threads.getThreadAllocatedBytes(threadId) - before;
        // at most the message record and the Decoded record (escape analysis may remove even those)
        assertTrue(allocatedBytes <= 2L * decodes * 64 + 1024, "decoding allocated " + allocatedBytes + " bytes");
    }

    // ---- limits and invalid messages on encode ----

    @Test
    void shouldRejectNullsOnEncode()
    {
        assertEncodeRejected(null, "null message");
        assertEncodeRejected(new LogMessage.Accept(VIEW, 1, null), "null entries");
        assertEncodeRejected(new LogMessage.CatchUpReply(1, null, 1), "null entries");
        assertEncodeRejected(new LogMessage.Promise(VIEW, 1, 1, null), "null accepted slots");
        assertEncodeRejected(
            new LogMessage.Accept(VIEW, 1, Arrays.asList(LogEntry.NOOP, null)), "null entry at index 1");
        assertEncodeRejected(new LogMessage.Promise(VIEW, 1, 1, Arrays.asList((LogMessage.AcceptedSlot)null)),
            "null accepted slot");
        assertEncodeRejected(new LogMessage.Promise(VIEW, 1, 1, List.of(new LogMessage.AcceptedSlot(1, 1, null))),
            "null entry");
    }

    @Test
    void shouldRejectNegativeViewsSlotsAndCountsOnEncode()
    {
        assertEncodeRejected(new LogMessage.Prepare(-1, 1), "view is negative");
        assertEncodeRejected(new LogMessage.Prepare(1, -1), "fromSlot is negative");
        assertEncodeRejected(new LogMessage.Promise(Long.MIN_VALUE, 1, 1, List.of()), "view is negative");
        assertEncodeRejected(new LogMessage.Promise(1, 1, -1, List.of()), "commitIndex is negative");
        assertEncodeRejected(new LogMessage.Nack(-1), "promisedView is negative");
        assertEncodeRejected(new LogMessage.Accept(-1, 1, List.of()), "view is negative");
        assertEncodeRejected(new LogMessage.Accept(1, -1, List.of()), "firstSlot is negative");
        assertEncodeRejected(new LogMessage.Accepted(1, -1, 1), "firstSlot is negative");
        assertEncodeRejected(new LogMessage.Accepted(1, 1, -1), "slot count -1");
        assertEncodeRejected(new LogMessage.Commit(-1, 1, 1), "view is negative");
        assertEncodeRejected(new LogMessage.Commit(1, 1, Integer.MIN_VALUE), "slot count");
        assertEncodeRejected(new LogMessage.Heartbeat(1, -1), "commitIndex is negative");
        assertEncodeRejected(new LogMessage.GrantRequest(-1), "view is negative");
        assertEncodeRejected(new LogMessage.Grant(1, 1, -5), "slot count");
        assertEncodeRejected(new LogMessage.CatchUpRequest(-1), "fromSlot is negative");
        assertEncodeRejected(new LogMessage.CatchUpReply(-1, List.of(), 1), "firstSlot is negative");
        assertEncodeRejected(new LogMessage.CatchUpReply(1, List.of(), -1), "commitIndex is negative");
        assertEncodeRejected(new LogMessage.SnapshotRequest(-1, 0), "slot is negative");
        assertEncodeRejected(new LogMessage.SnapshotRequest(1, -1), "offset is negative");
        assertEncodeRejected(new LogMessage.SnapshotChunk(1, 1, 4, 2, new byte[3]), "outside the 4 byte snapshot");
        assertEncodeRejected(new LogMessage.SnapshotChunk(1, 1, -1, 0, new byte[0]), "totalBytes -1");
        assertEncodeRejected(
            new LogMessage.SnapshotChunk(1, 1, LogMessageCodec.MAX_SNAPSHOT_BYTES + 1, 0, new byte[0]), "totalBytes");
        assertEncodeRejected(new LogMessage.SnapshotChunk(1, 1, 4, 0, null), "null data");
        assertEncodeRejected(
            new LogMessage.Promise(1, 1, 1, List.of(new LogMessage.AcceptedSlot(-1, 1, LogEntry.NOOP))),
            "accepted slot is negative");
        assertEncodeRejected(
            new LogMessage.Promise(1, 1, 1, List.of(new LogMessage.AcceptedSlot(1, -1, LogEntry.NOOP))),
            "accepted view is negative");
    }

    @Test
    void shouldRejectCountsOverTheLimitAndRangesThatWrapOnEncode()
    {
        final int tooMany = LogMessageCodec.MAX_ENTRIES + 1;
        assertEncodeRejected(new LogMessage.Accepted(1, 1, tooMany), "MAX_ENTRIES");
        assertEncodeRejected(new LogMessage.Commit(1, 1, Integer.MAX_VALUE), "MAX_ENTRIES");
        assertEncodeRejected(new LogMessage.Grant(1, 1, tooMany), "MAX_ENTRIES");
        assertEncodeRejected(new LogMessage.Accept(1, 1, Collections.nCopies(tooMany, LogEntry.NOOP)), "MAX_ENTRIES");
        assertEncodeRejected(new LogMessage.CatchUpReply(1, Collections.nCopies(tooMany, LogEntry.NOOP), 1),
            "MAX_ENTRIES");
        final List<LogMessage.AcceptedSlot> slots = new ArrayList<>();
        for (int i = 0; i < tooMany; i++)
        {
            slots.add(new LogMessage.AcceptedSlot(i, 1, LogEntry.NOOP));
        }
        assertEncodeRejected(new LogMessage.Promise(1, 1, 1, slots), "MAX_ENTRIES");

        assertEncodeRejected(new LogMessage.Accepted(1, Long.MAX_VALUE, 1), "wrap");
        assertEncodeRejected(new LogMessage.Commit(1, Long.MAX_VALUE - 4, 5), "wrap");
        assertEncodeRejected(new LogMessage.Grant(1, Long.MAX_VALUE - 1, 16), "wrap");
        assertEncodeRejected(new LogMessage.Accept(1, Long.MAX_VALUE, List.of(LogEntry.NOOP)), "wrap");
        assertEncodeRejected(new LogMessage.CatchUpReply(Long.MAX_VALUE - 1, batch(), 1), "wrap");
    }

    @Test
    void shouldRejectUnsortedOrDuplicateAcceptedSlotsOnEncode()
    {
        final LogEntry entry = entry(0, 1, "a");
        assertEncodeRejected(new LogMessage.Promise(1, 1, 1, List.of(
            new LogMessage.AcceptedSlot(5, 1, entry), new LogMessage.AcceptedSlot(4, 1, entry))),
            "strictly increasing");
        assertEncodeRejected(new LogMessage.Promise(1, 1, 1, List.of(
            new LogMessage.AcceptedSlot(5, 1, entry), new LogMessage.AcceptedSlot(5, 2, entry))),
            "strictly increasing");
    }

    @Test
    void shouldRejectOversizePayloadsAndMessagesOnEncode()
    {
        final byte[] tooBig = new byte[LogMessageCodec.MAX_PAYLOAD_BYTES + 1];
        assertEncodeRejected(new LogMessage.Accept(1, 1, List.of(LogEntry.NOOP, LogEntry.of(1, 1, tooBig))),
            "payload of " + tooBig.length + " bytes at index 1 exceeds MAX_PAYLOAD_BYTES");
        assertEncodeRejected(
            new LogMessage.Promise(1, 1, 1, List.of(new LogMessage.AcceptedSlot(1, 1, LogEntry.of(1, 1, tooBig)))),
            "MAX_PAYLOAD_BYTES");

        // Two maximal payloads are more than one frame holds.
        final LogEntry big = LogEntry.of(1, 1, new byte[LogMessageCodec.MAX_PAYLOAD_BYTES]);
        assertEncodeRejected(new LogMessage.Accept(1, 1, List.of(big, big)), "MAX_MESSAGE_BYTES");
        assertEncodeRejected(new LogMessage.CatchUpReply(1, List.of(big, big), 2), "MAX_MESSAGE_BYTES");
    }

    @Test
    void shouldRejectFromNodeOutOfRangeOnEncode()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final LogMessage.Heartbeat heartbeat = new LogMessage.Heartbeat(1, 1);
        assertThrows(CodecException.class, () -> codec.encode(-1, heartbeat, buffer, 0));
        assertThrows(CodecException.class, () -> codec.encode(LogMessageCodec.MAX_NODE_ID + 1, heartbeat, buffer, 0));
        assertThrows(CodecException.class, () -> codec.encode(Integer.MAX_VALUE, heartbeat, buffer, 0));
    }

    @Test
    void shouldRejectABufferThatIsTooSmall() throws CodecException
    {
        final LogMessage message = new LogMessage.Accept(VIEW, 10, batch());
        final int length = LogMessageCodec.encodedLength(message);
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

        final UnsafeBuffer huge = new UnsafeBuffer(new byte[LogMessageCodec.MAX_MESSAGE_BYTES + 1]);
        assertRejected(huge, "MAX_MESSAGE_BYTES");
    }

    @Test
    void shouldRejectEveryTruncationAndTrailingBytes() throws CodecException
    {
        final List<LogMessage> messages = new ArrayList<>(List.of(oneOfEach()));
        messages.add(new LogMessage.Promise(VIEW, 1, 0, List.of()));
        messages.add(new LogMessage.Accept(VIEW, 1, List.of()));
        for (final LogMessage message : messages)
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
            assertLogMessageEquals(message, codec.decode(longer, 0, valid.capacity()).message(), "full length");
        }
    }

    @Test
    void shouldRejectAnotherSchemaVersionTemplateOrBlockLength() throws CodecException
    {
        final UnsafeBuffer valid = frame(new LogMessage.Prepare(VIEW, 5));

        assertRejected(patched(valid, b -> b.putShort(MessageHeaderEncoder.schemaIdEncodingOffset(), (short)4701, LE)),
            "schema id");
        assertRejected(patched(valid, b -> b.putShort(MessageHeaderEncoder.versionEncodingOffset(), (short)1, LE)),
            "schema version");
        assertRejected(patched(valid, b -> b.putShort(MessageHeaderEncoder.templateIdEncodingOffset(), (short)0, LE)),
            "unknown template");
        assertRejected(patched(valid, b -> b.putShort(MessageHeaderEncoder.templateIdEncodingOffset(), (short)15, LE)),
            "unknown template");
        assertRejected(patched(valid, b -> b.putShort(MessageHeaderEncoder.blockLengthEncodingOffset(), (short)17, LE)),
            "block length");
        // A Prepare frame relabelled as a longer message is truncated, not misread.
        assertRejected(patched(valid, b -> b
            .putShort(MessageHeaderEncoder.templateIdEncodingOffset(), (short)AcceptedDecoder.TEMPLATE_ID, LE)),
            "block length");
    }

    @Test
    void shouldRejectFromNodeOutOfRangeOnDecode() throws CodecException
    {
        final UnsafeBuffer valid = frame(new LogMessage.Heartbeat(VIEW, 1));
        assertRejected(patched(valid, b -> b.putShort(HEADER, (short)0xFFFF, LE)), "fromNode");
        final UnsafeBuffer highest = patched(valid, b -> b.putShort(HEADER, (short)LogMessageCodec.MAX_NODE_ID, LE));
        assertEquals(LogMessageCodec.MAX_NODE_ID, codec.decode(highest, 0, highest.capacity()).fromNode());
    }

    @Test
    void shouldRejectNegativeViewsSlotsAndBadCountsOnDecode() throws CodecException
    {
        final UnsafeBuffer prepare = frame(new LogMessage.Prepare(VIEW, 5));
        assertRejected(patched(prepare, b -> b.putLong(HEADER + PrepareDecoder.viewEncodingOffset(), -1, LE)),
            "view is negative");
        assertRejected(patched(prepare, b -> b.putLong(HEADER + PrepareDecoder.fromSlotEncodingOffset(), -1, LE)),
            "fromSlot is negative");

        final UnsafeBuffer nack = frame(new LogMessage.Nack(VIEW));
        assertRejected(patched(nack, b -> b.putLong(HEADER + NackDecoder.promisedViewEncodingOffset(),
            Long.MIN_VALUE, LE)), "promisedView is negative");

        final UnsafeBuffer heartbeat = frame(new LogMessage.Heartbeat(VIEW, 5));
        assertRejected(patched(heartbeat, b -> b.putLong(HEADER + HeartbeatDecoder.commitIndexEncodingOffset(), -1,
            LE)), "commitIndex is negative");

        final UnsafeBuffer catchUp = frame(new LogMessage.CatchUpRequest(5));
        assertRejected(patched(catchUp, b -> b.putLong(HEADER + CatchUpRequestDecoder.fromSlotEncodingOffset(), -2,
            LE)), "fromSlot is negative");

        final UnsafeBuffer chunk = frame(new LogMessage.SnapshotChunk(7, 9, 100, 10, new byte[20]));
        assertRejected(patched(chunk, b -> b.putLong(HEADER + SnapshotChunkDecoder.byteOffsetEncodingOffset(), 81, LE)),
            "outside the 100 byte snapshot");
        assertRejected(patched(chunk, b -> b.putLong(HEADER + SnapshotChunkDecoder.totalBytesEncodingOffset(),
            LogMessageCodec.MAX_SNAPSHOT_BYTES + 1, LE)), "totalBytes");
        assertRejected(patched(chunk, b -> b.putInt(HEADER + SnapshotChunkDecoder.BLOCK_LENGTH, 21, LE)),
            "truncated");

        final UnsafeBuffer grantRequest = frame(new LogMessage.GrantRequest(VIEW));
        assertRejected(patched(grantRequest, b -> b.putLong(HEADER + GrantRequestDecoder.viewEncodingOffset(), -1,
            LE)), "view is negative");

        final List<LogMessage> ranges = List.of(
            new LogMessage.Accepted(VIEW, 10, 5),
            new LogMessage.Commit(VIEW, 10, 5),
            new LogMessage.Grant(VIEW, 10, 5));
        for (final LogMessage message : ranges)
        {
            final UnsafeBuffer valid = frame(message);
            // Accepted, Commit and Grant share one layout: view, firstSlot, count after fromNode.
            final int firstSlot = HEADER + AcceptedDecoder.firstSlotEncodingOffset();
            final int count = HEADER + AcceptedDecoder.countEncodingOffset();
            assertEquals(firstSlot - HEADER, CommitDecoder.firstSlotEncodingOffset());
            assertEquals(count - HEADER, GrantDecoder.countEncodingOffset());
            assertRejected(patched(valid, b -> b.putLong(firstSlot, -1, LE)), "firstSlot is negative");
            assertRejected(patched(valid, b -> b.putInt(count, -1, LE)), "slot count -1");
            assertRejected(patched(valid, b -> b.putInt(count, LogMessageCodec.MAX_ENTRIES + 1, LE)), "MAX_ENTRIES");
            assertRejected(patched(valid, b -> b.putLong(firstSlot, Long.MAX_VALUE - 4, LE)), "wrap");
            final UnsafeBuffer atTheTop = patched(valid, b -> b.putLong(firstSlot, Long.MAX_VALUE - 5, LE));
            codec.decode(atTheTop, 0, atTheTop.capacity());
        }

        final UnsafeBuffer accept = frame(new LogMessage.Accept(VIEW, 10, batch()));
        final int acceptFirstSlot = HEADER + AcceptDecoder.firstSlotEncodingOffset();
        assertRejected(patched(accept, b -> b.putLong(acceptFirstSlot, Long.MAX_VALUE - 4, LE)), "wrap");
        assertRejected(patched(accept, b -> b.putLong(acceptFirstSlot, -10, LE)), "firstSlot is negative");

        final UnsafeBuffer promise = frame(new LogMessage.Promise(VIEW, 5, 4, acceptedSlots()));
        final int slotOffset = PROMISE_SLOT + PromiseDecoder.AcceptedSlotsDecoder.slotEncodingOffset();
        final int viewOffset = PROMISE_SLOT + PromiseDecoder.AcceptedSlotsDecoder.viewEncodingOffset();
        assertRejected(patched(promise, b -> b.putLong(slotOffset, -1, LE)), "accepted slot is negative");
        assertRejected(patched(promise, b -> b.putLong(viewOffset, -1, LE)), "accepted view is negative");
        assertRejected(patched(promise, b -> b.putLong(HEADER + PromiseDecoder.commitIndexEncodingOffset(), -1, LE)),
            "commitIndex is negative");
        final int nextSlotOffset = HEADER + PromiseDecoder.nextSlotEncodingOffset();
        assertRejected(patched(promise, b -> b.putLong(nextSlotOffset, -1, LE)), "nextSlot");
        assertRejected(patched(promise, b -> b.putLong(nextSlotOffset, 5, LE)), "nextSlot"); // fromSlot itself
        final long lastSlot = acceptedSlots().get(acceptedSlots().size() - 1).slot();
        assertRejected(patched(promise, b -> b.putLong(nextSlotOffset, lastSlot, LE)), "nextSlot");
        assertEquals(lastSlot + 1, ((LogMessage.Promise)decodeUnchecked(
            patched(promise, b -> b.putLong(nextSlotOffset, lastSlot + 1, LE)))).nextSlot());
    }

    @Test
    void shouldRoundTripAPromisePageAndRejectANextSlotInsideIt() throws CodecException
    {
        final List<LogMessage.AcceptedSlot> slots = acceptedSlots();
        final long lastSlot = slots.get(slots.size() - 1).slot();
        final LogMessage.Promise page =
            (LogMessage.Promise)roundTrip(2, new LogMessage.Promise(VIEW, 5, 4, slots, lastSlot + 3));
        assertEquals(lastSlot + 3, page.nextSlot());
        assertEquals(0, ((LogMessage.Promise)roundTrip(2, new LogMessage.Promise(VIEW, 5, 4, slots))).nextSlot());
        assertEncodeRejected(new LogMessage.Promise(VIEW, 5, 4, slots, lastSlot), "nextSlot");
        assertEncodeRejected(new LogMessage.Promise(VIEW, 5, 4, List.of(), 5), "nextSlot");
        assertEncodeRejected(new LogMessage.Promise(VIEW, 5, 4, List.of(), -7), "nextSlot");
        assertEquals(6, ((LogMessage.Promise)roundTrip(2, new LogMessage.Promise(VIEW, 5, 4, List.of(), 6)))
            .nextSlot());
    }

    @Test
    void shouldRejectUnsortedAcceptedSlotsWrittenByAnotherEncoder()
    {
        assertRejected(rawPromise(new long[]{ 5, 4 }), "strictly increasing");
        assertRejected(rawPromise(new long[]{ 5, 5 }), "strictly increasing");
        assertEquals(3, ((LogMessage.Promise)decodeUnchecked(rawPromise(new long[]{ 0, 5, 6 }))).accepted().size());
    }

    @Test
    void shouldRejectWrongGroupBlockLengths() throws CodecException
    {
        final UnsafeBuffer accept = frame(new LogMessage.Accept(VIEW, 10, batch()));
        assertRejected(patched(accept, b -> b.putShort(ACCEPT_ENTRIES, (short)0, LE)), "group block length");
        assertRejected(patched(accept, b -> b.putShort(ACCEPT_ENTRIES, (short)13, LE)), "group block length");
        final UnsafeBuffer reply = frame(new LogMessage.CatchUpReply(1, batch(), 9));
        final int replyEntries = HEADER + CatchUpReplyDecoder.BLOCK_LENGTH;
        assertRejected(patched(reply, b -> b.putShort(replyEntries, (short)11, LE)), "group block length");
        final UnsafeBuffer promise = frame(new LogMessage.Promise(VIEW, 5, 4, acceptedSlots()));
        assertRejected(patched(promise, b -> b.putShort(PROMISE_SLOTS, (short)12, LE)), "group block length");
    }

    @Test
    void shouldRejectCountsThatDoNotFitTheFrameBeforeAllocating() throws CodecException
    {
        final UnsafeBuffer accept = frame(new LogMessage.Accept(VIEW, 10, batch()));
        final int entryCount = ACCEPT_ENTRIES + 2;
        assertRejected(patched(accept, b -> b.putShort(entryCount, (short)LogMessageCodec.MAX_ENTRIES, LE)),
            "do not fit");
        assertRejected(patched(accept, b -> b.putShort(entryCount, (short)0xFFFF, LE)), "more than the limit");
        assertRejected(patched(accept, b -> b.putShort(entryCount, (short)(batch().size() + 1), LE)), "");
        assertRejected(patched(accept, b -> b.putShort(entryCount, (short)(batch().size() - 1), LE)),
            "trailing bytes");

        final UnsafeBuffer promise = frame(new LogMessage.Promise(VIEW, 5, 4, acceptedSlots()));
        final int slotCount = PROMISE_SLOTS + 2;
        assertRejected(patched(promise, b -> b.putShort(slotCount, (short)1000, LE)), "do not fit");
        assertRejected(patched(promise, b -> b.putShort(slotCount, (short)0xFFFF, LE)), "more than the limit");
    }

    @Test
    void shouldRejectPayloadLengthsBeyondTheLimitOrTheFrame() throws CodecException
    {
        final UnsafeBuffer valid = frame(new LogMessage.Accept(VIEW, 10, List.of(entry(1, 1, "v"))));
        assertRejected(patched(valid, b -> b.putInt(ACCEPT_PAYLOAD, -1, LE)), "exceeds MAX_PAYLOAD_BYTES");
        assertRejected(patched(valid, b -> b.putInt(ACCEPT_PAYLOAD, Integer.MAX_VALUE, LE)), "exceeds");
        assertRejected(patched(valid, b -> b.putInt(ACCEPT_PAYLOAD, LogMessageCodec.MAX_PAYLOAD_BYTES + 1, LE)),
            "exceeds MAX_PAYLOAD_BYTES");
        assertRejected(patched(valid, b -> b.putInt(ACCEPT_PAYLOAD, LogMessageCodec.MAX_PAYLOAD_BYTES, LE)),
            "truncated");
        assertRejected(patched(valid, b -> b.putInt(ACCEPT_PAYLOAD, 2, LE)), "truncated");
        assertRejected(patched(valid, b -> b.putInt(ACCEPT_PAYLOAD, 0, LE)), "trailing bytes");
    }

    @Test
    void shouldRejectMalformedNoopsOriginsAndSequences() throws CodecException
    {
        final UnsafeBuffer noop = frame(new LogMessage.Accept(VIEW, 10, List.of(LogEntry.NOOP)));
        final int origin = ACCEPT_ENTRY + AcceptDecoder.EntriesDecoder.originEncodingOffset();
        final int sequence = ACCEPT_ENTRY + AcceptDecoder.EntriesDecoder.sequenceEncodingOffset();
        assertRejected(patched(noop, b -> b.putLong(sequence, 1, LE)), "no-op entry with sequence 1");
        assertRejected(patched(noop, b -> b.putInt(origin, -2, LE)), "origin -2");
        assertRejected(patched(noop, b -> b.putInt(origin, Integer.MIN_VALUE, LE)), "origin");
        assertRejected(patched(noop, b -> b.putInt(origin, 0, LE)), "sequence 0");

        final UnsafeBuffer entry = frame(new LogMessage.Accept(VIEW, 10, List.of(entry(1, 1, "v"))));
        assertRejected(patched(entry, b -> b.putInt(origin, -1, LE)), "no-op entry with sequence 1 and 1 payload");
        assertRejected(patched(entry, b -> b.putLong(sequence, 0, LE)), "sequence 0");
        assertRejected(patched(entry, b -> b.putLong(sequence, -1, LE)), "sequence -1");

        // a no-op with a payload
        final UnsafeBuffer withPayload = patched(entry, b ->
        {
            b.putInt(origin, -1, LE);
            b.putLong(sequence, 0, LE);
        });
        assertRejected(withPayload, "no-op entry with sequence 0 and 1 payload bytes");

        final UnsafeBuffer promise = frame(new LogMessage.Promise(VIEW, 5, 4, acceptedSlots()));
        final int slotSequence = PROMISE_SLOT + PromiseDecoder.AcceptedSlotsDecoder.sequenceEncodingOffset();
        assertRejected(patched(promise, b -> b.putLong(slotSequence, 0, LE)), "sequence 0");
    }

    // ---- helpers ----

    private static com.sun.management.ThreadMXBean allocationCounter()
    {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        return threads;
    }

    private LogMessage decodeUnchecked(final DirectBuffer buffer)
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

    /** A Promise frame written with the generated encoder directly, so it can break the codec's rules. */
    private static UnsafeBuffer rawPromise(final long[] slots)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        final PromiseEncoder encoder = new PromiseEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .fromNode(1)
            .view(VIEW)
            .fromSlot(0)
            .commitIndex(0);
        final PromiseEncoder.AcceptedSlotsEncoder slotsEncoder = encoder.acceptedSlotsCount(slots.length);
        for (final long slot : slots)
        {
            slotsEncoder.next().slot(slot).view(VIEW).origin(1).sequence(1).putPayload(new byte[]{ 1 }, 0, 1);
        }
        final int length = HEADER + encoder.encodedLength();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[length]);
        frame.putBytes(0, buffer, 0, length);
        return frame;
    }
}
