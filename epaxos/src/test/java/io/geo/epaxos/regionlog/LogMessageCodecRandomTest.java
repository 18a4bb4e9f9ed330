package io.geo.epaxos.regionlog;

import io.geo.epaxos.codec.CodecException;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.geo.epaxos.regionlog.LogMessageAssertions.assertLogMessageEquals;
import static io.geo.epaxos.regionlog.LogMessageAssertions.assertSameBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded random round trips. A failure names the seed and the message index; replay with {@code -Dseed=N}.
 */
class LogMessageCodecRandomTest
{
    static final long SEED = Long.getLong("seed", 20_261_123L);
    private static final int MESSAGES = 5_000;
    private static final long MS = 1_000_000;

    private final LogMessageCodec sender = new LogMessageCodec();
    private final LogMessageCodec receiver = new LogMessageCodec();

    @Test
    void shouldRoundTripRandomMessages() throws CodecException
    {
        final RandomLogMessages messages = new RandomLogMessages(SEED);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        final ExpandableArrayBuffer reencoded = new ExpandableArrayBuffer(4096);
        final Set<String> types = new TreeSet<>();
        for (int i = 0; i < MESSAGES; i++)
        {
            final String context = "seed=" + SEED + " message=" + i;
            final LogMessage message = messages.message();
            final int fromNode = messages.node();
            final int offset = messages.random().nextInt(64);

            final int length = sender.encode(fromNode, message, buffer, offset);
            assertEquals(LogMessageCodec.encodedLength(message), length, context);

            final LogMessageCodec.Decoded decoded = receiver.decode(buffer, offset, length);
            assertEquals(fromNode, decoded.fromNode(), context);
            assertLogMessageEquals(message, decoded.message(), context);

            // One encoding per message: re-encoding what was decoded gives the same bytes.
            assertEquals(length, receiver.encode(decoded.fromNode(), decoded.message(), reencoded, 0), context);
            assertSameBytes(buffer, offset, reencoded, 0, length, context);
            types.add(message.getClass().getSimpleName());
        }
        assertEquals(14, types.size(), "every message type drawn: " + types);
    }

    @Test
    void shouldDecodeAStreamOfFramesWrittenBackToBack() throws CodecException
    {
        final RandomLogMessages messages = new RandomLogMessages(SEED + 1);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1 << 16);
        final LogMessage[] sent = new LogMessage[500];
        final int[] offsets = new int[sent.length + 1];
        for (int i = 0; i < sent.length; i++)
        {
            sent[i] = messages.message();
            offsets[i + 1] = offsets[i] + sender.encode(i % 5, sent[i], buffer, offsets[i]);
        }
        for (int i = 0; i < sent.length; i++)
        {
            final LogMessageCodec.Decoded decoded = receiver.decode(buffer, offsets[i], offsets[i + 1] - offsets[i]);
            assertEquals(i % 5, decoded.fromNode());
            assertLogMessageEquals(sent[i], decoded.message(), "seed=" + (SEED + 1) + " message=" + i);
        }
    }

    /**
     * A small region log whose every message crosses the wire format: the values real nodes send (views, slots,
     * CHOSEN, no-op fills, catch-up replies) all satisfy the codec's rules, and the log still agrees.
     */
    @Test
    void shouldCarryTheTrafficOfARunningRegionLog() throws CodecException
    {
        final int n = 3;
        final ArrayDeque<byte[]> wire = new ArrayDeque<>();
        final RegionLogNode[] nodes = new RegionLogNode[n];
        final RegionLogNodeScenarioTest.MemoryStore[] stores = new RegionLogNodeScenarioTest.MemoryStore[n];
        final List<List<LogEntry>> applied = new ArrayList<>();
        final ArrayDeque<Integer> destinations = new ArrayDeque<>();
        final Set<String> types = new TreeSet<>();
        final Set<String> survivors = new TreeSet<>();
        final ExpandableArrayBuffer encodeBuffer = new ExpandableArrayBuffer(4096);
        long nowNs = 0;

        for (int i = 0; i < n; i++)
        {
            stores[i] = new RegionLogNodeScenarioTest.MemoryStore();
            applied.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++)
        {
            nodes[i] = startNode(i, n, stores[i], applied.get(i), wire, destinations, encodeBuffer, types, nowNs);
        }

        boolean down2 = false;
        for (int step = 0; step < 400; step++)
        {
            nowNs += MS;
            if (step >= 100 && step < 160)
            {
                final int appender = down2 && step % n == 2 ? 0 : step % n;
                final String text = "e" + step;
                if (nodes[appender].append(text.getBytes(StandardCharsets.UTF_8), nowNs) > 0 && appender != 2)
                {
                    survivors.add(text);
                }
            }
            if (step == 120)
            {
                down2 = true; // node 2 misses a stretch of the log, then catches up after a restart
            }
            if (step == 250)
            {
                down2 = false;
                applied.get(2).clear();
                nodes[2] = startNode(2, n, stores[2], applied.get(2), wire, destinations, encodeBuffer, types, nowNs);
            }
            for (int i = 0; i < n; i++)
            {
                if (i != 2 || !down2)
                {
                    nodes[i].onTick(nowNs);
                    nodes[i].onSynced(nowNs); // in-memory stores are durable at once
                }
            }
            int budget = 100_000;
            while (!wire.isEmpty() && budget-- > 0)
            {
                final byte[] frame = wire.poll();
                final int toNode = destinations.poll();
                final LogMessageCodec.Decoded decoded = receiver.decode(new UnsafeBuffer(frame), 0, frame.length);
                if (toNode != 2 || !down2)
                {
                    nodes[toNode].onMessage(decoded.fromNode(), decoded.message(), nowNs);
                    nodes[toNode].onSynced(nowNs);
                }
            }
        }

        // Entries node 2 had not got chosen before its crash may be lost (pending appends are not durable).
        for (int i = 0; i < n; i++)
        {
            final Set<String> texts = new TreeSet<>();
            for (final LogEntry entry : applied.get(i))
            {
                if (!entry.isNoop())
                {
                    assertTrue(texts.add(new String(entry.payload(), StandardCharsets.UTF_8)), "applied once");
                }
            }
            assertTrue(texts.containsAll(survivors), "node " + i + " applied " + texts + ", not all of " + survivors);
            assertEquals(applied.get(0), applied.get(i), "nodes 0 and " + i + " agree");
        }
        assertTrue(survivors.size() >= 40, "appended " + survivors);
        for (final String type : List.of("Prepare", "Promise", "Accept", "Accepted", "Commit", "Heartbeat",
            "GrantRequest", "Grant", "CatchUpRequest", "CatchUpReply"))
        {
            assertTrue(types.contains(type), type + " crossed the wire: " + types);
        }
    }

    private RegionLogNode startNode(
        final int id,
        final int n,
        final RegionLogNodeScenarioTest.MemoryStore store,
        final List<LogEntry> applied,
        final ArrayDeque<byte[]> wire,
        final ArrayDeque<Integer> destinations,
        final ExpandableArrayBuffer encodeBuffer,
        final Set<String> types,
        final long nowNs)
    {
        final LogMessageSink sink = (toNode, message) ->
        {
            try
            {
                final int length = sender.encode(id, message, encodeBuffer, 0);
                final byte[] frame = new byte[length];
                encodeBuffer.getBytes(0, frame);
                wire.add(frame);
                destinations.add(toNode);
                types.add(message.getClass().getSimpleName());
            }
            catch (final CodecException ex)
            {
                throw new AssertionError("node " + id + " sent a message the codec rejects: " + message, ex);
            }
        };
        return new RegionLogNode(
            new RegionLogConfig().nodeId(id).nodeCount(n).randomSeed(SEED), sink, store,
            (slot, entry) -> applied.add(entry), 0, nowNs);
    }
}
