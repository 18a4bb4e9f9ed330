package io.geo.router.transport;

import io.geo.epaxos.messages.Commit;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.messages.Prepare;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import static io.geo.router.transport.TransportTestSupport.SECRET;
import static io.geo.router.transport.TransportTestSupport.assertMessageEquals;
import static io.geo.router.transport.TransportTestSupport.awaitPolling;
import static io.geo.router.transport.TransportTestSupport.everyMessageType;
import static io.geo.router.transport.TransportTestSupport.freeLoopbackPorts;
import static io.geo.router.transport.TransportTestSupport.loopbackEndpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three transports in one JVM, each with an embedded media driver of its own (the default configuration, so the
 * driver set-up and teardown are tested too), 64 KiB terms. Every driver directory is checked gone after each test.
 */
@Timeout(120)
class AeronTransportTest
{
    private static final int TERM_LENGTH = 64 * 1024;
    private static final int FRAGMENT_LIMIT = 16;
    private static final long CLUSTER_ID = 0x6765_6f2d_7465_7374L;

    private final List<AeronTransport> transports = new ArrayList<>();
    private final List<String> driverDirectories = new ArrayList<>();

    @AfterEach
    void closeEverything()
    {
        CloseHelper.quietCloseAll(transports);
        for (final String dir : driverDirectories)
        {
            assertFalse(new File(dir).exists(), "driver directory deleted: " + dir);
        }
    }

    private AeronTransport start(final int node, final List<String> endpoints)
    {
        final AeronTransport transport = AeronTransport.launch(config(node, endpoints));
        transports.add(transport);
        driverDirectories.add(transport.aeronDirectoryName());
        assertTrue(transport.aeronDirectoryName().startsWith("/dev/shm/geo-") ||
            !new File("/dev/shm").isDirectory(), transport.aeronDirectoryName());
        return transport;
    }

    private static AeronTransportConfig config(final int node, final List<String> endpoints)
    {
        return new AeronTransportConfig()
            .clusterId(CLUSTER_ID)
            .selfNode(node)
            .endpoints(endpoints)
            .termLength(TERM_LENGTH)
            .secret(SECRET);
    }

    @Test
    void shouldExchangeEveryMessageTypeBetweenThreeNodes() throws IOException
    {
        final List<String> endpoints = loopbackEndpoints(freeLoopbackPorts(3));
        final AeronTransport[] nodes = new AeronTransport[3];
        for (int node = 0; node < 3; node++)
        {
            nodes[node] = start(node, endpoints);
        }
        awaitPolling(() -> allConnected(nodes), () -> "all publications connected", () -> 0);

        // received[to][from]: messages in arrival order (one publication per sender, so in sending order).
        final List<List<List<Message>>> received = new ArrayList<>();
        final List<PeerTransport.Handler> handlers = new ArrayList<>();
        for (int to = 0; to < 3; to++)
        {
            final List<List<Message>> byFrom = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            received.add(byFrom);
            handlers.add((from, message) -> byFrom.get(from).add(message));
        }
        final Runnable pollAll = () ->
        {
            for (int node = 0; node < 3; node++)
            {
                nodes[node].poll(handlers.get(node), FRAGMENT_LIMIT);
            }
        };

        for (int from = 0; from < 3; from++)
        {
            for (final Message message : everyMessageType(from))
            {
                for (int to = 0; to < 3; to++)
                {
                    if (to != from)
                    {
                        final int sender = from;
                        final int receiver = to;
                        awaitPolling(() -> nodes[sender].send(receiver, message),
                            () -> "send " + sender + " -> " + receiver, () ->
                            {
                                pollAll.run();
                                return 0;
                            });
                    }
                }
            }
        }

        final int perLink = everyMessageType(0).size();
        awaitPolling(() -> received.stream().allMatch(byFrom -> byFrom.stream().mapToInt(List::size).sum() ==
            2 * perLink), () -> "every message delivered: " + Arrays.toString(nodes), () ->
        {
            int work = 0;
            for (int node = 0; node < 3; node++)
            {
                work += nodes[node].poll(handlers.get(node), FRAGMENT_LIMIT);
            }
            return work;
        });

        for (int to = 0; to < 3; to++)
        {
            for (int from = 0; from < 3; from++)
            {
                final List<Message> got = received.get(to).get(from);
                if (from == to)
                {
                    assertTrue(got.isEmpty());
                    continue;
                }
                final List<Message> expected = everyMessageType(from);
                assertEquals(expected.size(), got.size(), from + " -> " + to);
                for (int i = 0; i < expected.size(); i++)
                {
                    assertMessageEquals(expected.get(i), got.get(i), from + " -> " + to + " #" + i);
                }
            }
            assertEquals(0, nodes[to].dropCountTotal(), nodes[to].toString());
            assertEquals(2L * perLink, nodes[to].receivedCount());
            assertEquals(2L * perLink, nodes[to].sentCount());
            assertTrue(nodes[to].sentBytes() > 0 && nodes[to].receivedBytes() > 0);
        }
    }

    @Test
    void shouldCountSendsToANodeThatIsNotUpAndDeliverOnceItIs() throws IOException
    {
        final List<String> endpoints = loopbackEndpoints(freeLoopbackPorts(3));
        final AeronTransport node0 = start(0, endpoints);
        final Message prepare = new Prepare(1, 2);

        assertFalse(node0.send(2, prepare));
        assertFalse(node0.send(2, prepare));
        assertEquals(2, node0.notConnectedCount());
        assertFalse(node0.send(0, prepare), "to self");
        assertFalse(node0.send(3, prepare), "not a node");
        assertFalse(node0.send(-1, prepare), "not a node");
        assertEquals(3, node0.sendRejectedCount());
        assertEquals(0, node0.sentCount());

        final AeronTransport node2 = start(2, endpoints);
        final List<Message> got = new ArrayList<>();
        awaitPolling(() -> node0.send(2, prepare), () -> "node 2 reachable", () -> 0);
        awaitPolling(() -> !got.isEmpty(), () -> "delivered", () -> node2.poll((from, m) ->
        {
            assertEquals(0, from);
            got.add(m);
        }, FRAGMENT_LIMIT));
        assertMessageEquals(prepare, got.get(0), "after start");
    }

    @Test
    void shouldKeepPushedBackFramesInOrderUntilThePeerTakesThemAndRefuseBeyondTheBacklog() throws IOException
    {
        final List<String> endpoints = loopbackEndpoints(freeLoopbackPorts(2));
        final AeronTransport node0 = start(0, endpoints);
        final AeronTransport node1 = start(1, endpoints);
        awaitPolling(() -> node0.isConnected(1), () -> "0 -> 1 connected", () -> 0);

        // Node 1 does not poll: its window (at most half a term) fills, the publication pushes back, and node 0
        // keeps what follows in its backlog (in order) until that is full too.
        long accepted = 0;
        final long deadlineNs = System.nanoTime() + TransportTestSupport.WAIT_TIMEOUT_MS * 1_000_000L;
        while (node0.send(1, new Prepare(1, accepted + 1)))
        {
            accepted++;
            assertTrue(System.nanoTime() - deadlineNs < 0, "backlog never filled: " + node0);
        }
        assertTrue(node0.backPressuredCount() > 0, node0.toString());
        assertTrue(node0.backloggedCount() > 0, node0.toString());
        assertEquals(1, node0.backlogRefusedCount(), node0.toString());
        assertTrue(node0.backlogBytes() > AeronTransport.backlogCapacity(TERM_LENGTH) / 2, node0.toString());

        // Nothing accepted is lost or reordered: node 1 gets 1..accepted while node 0's polls drain the backlog.
        final long expected = accepted;
        final long[] next = {1};
        awaitPolling(() -> next[0] > expected, () -> node1 + " got " + (next[0] - 1) + " of " + expected,
            () -> node0.poll((from, m) -> fail("node 1 sent nothing"), FRAGMENT_LIMIT) + node1.poll((from, m) ->
            {
                assertEquals(next[0], ((Prepare)m).instance(), "in order");
                next[0]++;
            }, FRAGMENT_LIMIT));
        assertEquals(0, node0.backlogBytes(), node0.toString());
        assertEquals(expected, node0.sentCount(), node0.toString());
        assertTrue(node0.send(1, new Prepare(1, expected + 1)), "backlog empty again");
    }

    @Test
    void shouldRejectAMessageLargerThanAFrameMayBe() throws IOException
    {
        final List<String> endpoints = loopbackEndpoints(freeLoopbackPorts(2));
        final AeronTransport node0 = start(0, endpoints);
        start(1, endpoints);
        awaitPolling(() -> node0.isConnected(1), () -> "0 -> 1 connected", () -> 0);

        // 64 KiB terms: Aeron takes messages of at most 8 KiB.
        final Command big = Command.of(1, 1, Op.put(Key.of("big"), new byte[16 * 1024]));
        assertFalse(node0.send(1, new Commit(1, big, 1, new long[0])));
        assertEquals(1, node0.sendRejectedCount());
        assertTrue(node0.send(1, new Prepare(1, 1)));
    }

    @Test
    void shouldRejectAnEpaxosFrameLongerThanMaxReplicaFrameBytes() throws IOException
    {
        final List<String> endpoints = loopbackEndpoints(freeLoopbackPorts(2));
        final AeronTransport node0 = AeronTransport.launch(config(0, endpoints).maxReplicaFrameBytes(2048));
        transports.add(node0);
        driverDirectories.add(node0.aeronDirectoryName());
        start(1, endpoints);
        awaitPolling(() -> node0.isConnected(1), () -> "0 -> 1 connected", () -> 0);

        // fits Aeron's 8 KiB message, not the 2 KiB the receiving region could log
        final Command command = Command.of(1, 1, Op.put(Key.of("big"), new byte[4 * 1024]));
        assertFalse(node0.send(1, new Commit(1, command, 1, new long[0])));
        assertEquals(1, node0.sendRejectedCount());
        final Command small = Command.of(1, 1, Op.put(Key.of("small"), new byte[1024]));
        assertTrue(node0.send(1, new Commit(1, small, 1, new long[0])));
        assertEquals(1, node0.sendRejectedCount());
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> config(0, endpoints).maxReplicaFrameBytes(-1).conclude()).getMessage()
            .contains("maxReplicaFrameBytes"));
    }

    @Test
    void shouldRejectAnInvalidConfigNamingTheProperty()
    {
        final List<String> endpoints = List.of("127.0.0.1:1", "127.0.0.1:2");
        final IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
            () -> config(0, endpoints).secret(new byte[15]).conclude());
        assertTrue(shortSecret.getMessage().contains("secret must be at least 16 bytes"), shortSecret.getMessage());
        assertThrows(IllegalArgumentException.class, () -> config(0, endpoints).secret(null).conclude());
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> config(0, endpoints).termLength(100_000).conclude()).getMessage().contains("termLength"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> config(2, endpoints).conclude()).getMessage().contains("selfNode"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> config(0, endpoints).sendAddresses(Map.of(0, "127.0.0.1:3")).conclude()).getMessage()
            .contains("sendAddresses"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> config(0, List.of("127.0.0.1:1", "localhost")).conclude()).getMessage().contains("endpoints[1]"));
        assertEquals("127.0.0.1:9", config(0, endpoints).sendAddresses(Map.of(1, "127.0.0.1:9")).sendAddress(1));
        assertEquals("127.0.0.1:2", config(0, endpoints).sendAddress(1));
    }

    private static boolean allConnected(final AeronTransport[] nodes)
    {
        for (final AeronTransport node : nodes)
        {
            for (int peer = 0; peer < nodes.length; peer++)
            {
                if (peer != node.selfNode() && !node.isConnected(peer))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
