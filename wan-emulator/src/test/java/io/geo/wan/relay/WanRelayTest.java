package io.geo.wan.relay;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain UDP through the relay: delays (never early, within generous bounds: the machine is shared), loss, cuts,
 * set-delay, overload and start-up errors. Counters make the loss and overload checks exact, not timing-dependent.
 */
@Timeout(120)
class WanRelayTest
{
    private static final long NS_PER_MS = 1_000_000L;
    /** Allowance above a configured delay for a loaded 2-core machine; only the lower bound is tight. */
    private static final long SLACK_MS = 500;
    private static final String[] FAST = {"default rttMs=2 jitterMs=0"};

    @TempDir
    Path tempDir;

    @Test
    void shouldDelayEachDirectionByItsOneWayDelayAndReplyFromTheAddressSentTo() throws Exception
    {
        try (RelayHarness harness = RelayHarness.start(
            tempDir, "a b c", new String[] {"pair a b rttMs=100 jitterMs=0", "default rttMs=2 jitterMs=0"}))
        {
            final DatagramSocket client = harness.client();
            final DatagramSocket endpointB = harness.endpoint("b");
            final long[] oneWayNs = new long[10];
            final long[] roundTripNs = new long[10];
            for (int i = 0; i < 10; i++)
            {
                final long startNs = System.nanoTime();
                harness.send(client, "a", "b", new byte[] {(byte)i});
                final DatagramPacket ping = RelayHarness.receive(endpointB);
                oneWayNs[i] = System.nanoTime() - startNs;
                assertEquals(i, ping.getData()[0]);
                assertNotEquals(client.getLocalPort(), ping.getPort(), "the endpoint sees the relay, not the client");

                endpointB.send(new DatagramPacket(ping.getData(), ping.getLength(), ping.getSocketAddress()));
                final DatagramPacket pong = RelayHarness.receive(client);
                roundTripNs[i] = System.nanoTime() - startNs;
                assertEquals(harness.relay.listenAddress("a", "b"), pong.getSocketAddress(),
                    "the reply comes from the address the client sent to");
            }

            Arrays.sort(oneWayNs);
            Arrays.sort(roundTripNs);
            assertTrue(oneWayNs[0] >= 50 * NS_PER_MS, "one-way never below 50 ms: " + Arrays.toString(oneWayNs));
            assertTrue(roundTripNs[0] >= 100 * NS_PER_MS, "RTT never below 100 ms: " + Arrays.toString(roundTripNs));
            assertTrue(roundTripNs[5] <= (100 + SLACK_MS) * NS_PER_MS, "median RTT: " + Arrays.toString(roundTripNs));
            final LinkCounters forward = harness.relay.counters("a", "b");
            final LinkCounters back = harness.relay.counters("b", "a");
            assertEquals(10, forward.forwarded());
            assertEquals(10, forward.forwardedBytes());
            assertEquals(10, back.forwarded(), "replies count on the reverse link");
        }
    }

    @Test
    void shouldKeepJitteredDelaysAboveTheFloorAndInOrder() throws Exception
    {
        // sigma = min(40 / sqrt(2), 30) = 28.28 ms one way, floor 1.72 ms: jitter alone would reorder datagrams.
        try (RelayHarness harness = RelayHarness.start(
            tempDir, "a b c", new String[] {"pair a c rttMs=60 jitterMs=40", "default rttMs=2 jitterMs=0"}))
        {
            final DatagramSocket client = harness.client();
            final DatagramSocket endpointC = harness.endpoint("c");
            final int count = 100;
            for (int i = 0; i < count; i++)
            {
                harness.send(client, "a", "c", ByteBuffer.allocate(12).putInt(i).putLong(System.nanoTime()).array());
            }

            final double floorMs = 30.0 - 40.0 / Math.sqrt(2.0);
            double sumMs = 0;
            for (int i = 0; i < count; i++)
            {
                final DatagramPacket packet = RelayHarness.receive(endpointC);
                final ByteBuffer payload = ByteBuffer.wrap(packet.getData(), 0, packet.getLength());
                assertEquals(i, payload.getInt(), "FIFO: datagrams leave in arrival order");
                final double delayMs = (System.nanoTime() - payload.getLong()) / 1e6;
                assertTrue(delayMs >= floorMs, "delay " + delayMs + " ms below the floor " + floorMs + " ms");
                sumMs += delayMs;
            }
            final double meanMs = sumMs / count;
            assertTrue(meanMs >= floorMs && meanMs <= 30 + SLACK_MS, "mean one-way delay " + meanMs + " ms");
        }
    }

    @Test
    void shouldLoseDatagramsWithTheConfiguredProbability() throws Exception
    {
        try (RelayHarness harness = RelayHarness.start(tempDir, "a b c", FAST))
        {
            harness.relay.setLink("a", "b", 0, 0, 0.2);
            final DatagramSocket client = harness.client();
            final int batches = 40;
            final int batch = 50;
            for (int b = 0; b < batches; b++)
            {
                for (int i = 0; i < batch; i++)
                {
                    harness.send(client, "a", "b", new byte[32]);
                }
                // Paced by the relay's own count, so no socket buffer overflows on a slow machine.
                harness.awaitReceived("a", "b", (long)(b + 1) * batch);
            }

            final int sent = batches * batch;
            RelayHarness.await(() -> harness.relay.counters("a", "b").forwarded() +
                harness.relay.counters("a", "b").droppedLoss() == sent, () -> harness.relay.counters("a", "b") + "");
            final LinkCounters counters = harness.relay.counters("a", "b");
            assertEquals(sent, counters.received());
            assertEquals(0, counters.droppedOverload());
            // Binomial(2000, 0.2): mean 400, standard deviation 17.9; five deviations either side.
            assertTrue(Math.abs(counters.droppedLoss() - 400) <= 90, "lost " + counters.droppedLoss() + " of 2000");
        }
    }

    @Test
    void shouldDropWhileCutOneWayAndForwardAgainAfterHeal() throws Exception
    {
        try (RelayHarness harness = RelayHarness.start(tempDir, "a b c", FAST))
        {
            final DatagramSocket clientA = harness.client();
            final DatagramSocket clientB = harness.client();
            harness.relay.cut("a", "b", false);
            for (int i = 0; i < 5; i++)
            {
                harness.send(clientA, "a", "b", new byte[] {1});
            }
            harness.awaitReceived("a", "b", 5);

            assertEquals(5, harness.relay.counters("a", "b").droppedCut());
            assertEquals(0, harness.relay.counters("a", "b").forwarded());
            assertNull(RelayHarness.poll(harness.endpoint("b"), 200));

            harness.send(clientB, "b", "a", new byte[] {2});
            assertEquals(2, RelayHarness.receive(harness.endpoint("a")).getData()[0], "b -> a is not cut");

            harness.relay.heal("a", "b", false);
            harness.send(clientA, "a", "b", new byte[] {3});
            assertEquals(3, RelayHarness.receive(harness.endpoint("b")).getData()[0]);

            harness.relay.cut("b", "a", true);
            final List<LinkStatus> links = harness.relay.status().links();
            assertTrue(find(links, "a", "b").cut());
            assertTrue(find(links, "b", "a").cut());
            assertFalse(find(links, "a", "c").cut());
            harness.relay.healAll();
            assertTrue(harness.relay.status().links().stream().noneMatch(LinkStatus::cut));
        }
    }

    @Test
    void shouldDropDatagramsInFlightWhenCut() throws Exception
    {
        try (RelayHarness harness = RelayHarness.start(tempDir, "a b c", FAST))
        {
            harness.relay.setLink("a", "b", 300, 0, 0);
            harness.send(harness.client(), "a", "b", new byte[] {1});
            harness.awaitReceived("a", "b", 1);
            harness.relay.cut("a", "b", false);

            assertNull(RelayHarness.poll(harness.endpoint("b"), 600));
            RelayHarness.await(() -> harness.relay.counters("a", "b").droppedCut() == 1,
                () -> harness.relay.counters("a", "b").toString());
        }
    }

    @Test
    void shouldCutAndHealAWholeRegion() throws Exception
    {
        try (RelayHarness harness = RelayHarness.start(tempDir, "a b c", FAST))
        {
            final DatagramSocket clientA = harness.client();
            final DatagramSocket clientC = harness.client();
            harness.relay.cutRegion("b");

            final List<LinkStatus> links = harness.relay.status().links();
            for (final LinkStatus link : links)
            {
                assertEquals(link.from().equals("b") || link.to().equals("b"), link.cut(), link.toString());
            }

            harness.send(clientA, "a", "b", new byte[] {1});
            harness.send(clientC, "c", "b", new byte[] {2});
            harness.send(clientA, "a", "c", new byte[] {3});
            assertEquals(3, RelayHarness.receive(harness.endpoint("c")).getData()[0], "a -> c is not cut");
            harness.awaitReceived("a", "b", 1);
            harness.awaitReceived("c", "b", 1);
            assertNull(RelayHarness.poll(harness.endpoint("b"), 200));
            assertEquals(1, harness.relay.counters("a", "b").droppedCut());
            assertEquals(1, harness.relay.counters("c", "b").droppedCut());

            harness.relay.healRegion("b");
            harness.send(clientA, "a", "b", new byte[] {4});
            assertEquals(4, RelayHarness.receive(harness.endpoint("b")).getData()[0]);
        }
    }

    @Test
    void shouldApplyANewDelayToDatagramsArrivingAfterSetDelay() throws Exception
    {
        try (RelayHarness harness = RelayHarness.start(tempDir, "a b c", FAST))
        {
            final DatagramSocket client = harness.client();
            harness.relay.setLink("a", "b", 200, 0, 0);
            final LinkStatus status = find(harness.relay.status().links(), "a", "b");
            assertEquals(200.0, status.delayMs());
            assertEquals(0.0, status.jitterMs());
            assertEquals(1.0, find(harness.relay.status().links(), "b", "a").delayMs(), "only one direction");

            final long startNs = System.nanoTime();
            harness.send(client, "a", "b", new byte[] {1});
            RelayHarness.receive(harness.endpoint("b"));
            final long elapsedMs = (System.nanoTime() - startNs) / NS_PER_MS;

            assertTrue(elapsedMs >= 200 && elapsedMs <= 200 + SLACK_MS, "one-way " + elapsedMs + " ms");
        }
    }

    @Test
    void shouldDropAndCountWhenTheQueueIsFullOfDatagrams() throws Exception
    {
        try (RelayHarness harness = RelayHarness.start(
            tempDir, "a b c", FAST, "limits queuedDatagrams=16 queuedBytes=4096"))
        {
            harness.relay.setLink("a", "b", 1_000, 0, 0);
            final DatagramSocket client = harness.client();
            for (int b = 0; b < 2; b++)
            {
                for (int i = 0; i < 50; i++)
                {
                    harness.send(client, "a", "b", new byte[100]);
                }
                harness.awaitReceived("a", "b", (b + 1) * 50L);
            }

            final RelayStatus status = harness.relay.status();
            assertTrue(status.queuedDatagrams() <= 16, "queued " + status.queuedDatagrams());
            assertTrue(status.queuedBytes() <= 4096, "queued bytes " + status.queuedBytes());
            assertEquals(16, status.maxQueuedDatagrams());
            assertEquals(84, harness.relay.counters("a", "b").droppedOverload());

            for (int i = 0; i < 16; i++)
            {
                RelayHarness.receive(harness.endpoint("b"));
            }
            RelayHarness.await(() -> harness.relay.counters("a", "b").forwarded() == 16,
                () -> harness.relay.counters("a", "b").toString());
        }
    }

    @Test
    void shouldDropAndCountWhenTheQueueIsFullOfBytes() throws Exception
    {
        try (RelayHarness harness = RelayHarness.start(
            tempDir, "a b c", FAST, "limits queuedDatagrams=100 queuedBytes=4096"))
        {
            harness.relay.setLink("a", "b", 1_000, 0, 0);
            final DatagramSocket client = harness.client();
            for (int i = 0; i < 10; i++)
            {
                harness.send(client, "a", "b", new byte[1000]);
            }
            harness.awaitReceived("a", "b", 10);

            assertEquals(6, harness.relay.counters("a", "b").droppedOverload(), "4 x 1000 bytes fit in 4096");
            assertTrue(harness.relay.status().queuedBytes() <= 4096);
        }
    }

    @Test
    void shouldGiveEachSenderItsOwnForwardingSocketUpToTheLimit() throws Exception
    {
        try (RelayHarness harness = RelayHarness.start(tempDir, "a b c", FAST, "limits sendersPerLink=2"))
        {
            final DatagramSocket first = harness.client();
            final DatagramSocket second = harness.client();
            final DatagramSocket third = harness.client();
            final DatagramSocket endpointB = harness.endpoint("b");

            harness.send(first, "a", "b", new byte[] {1});
            final DatagramPacket fromFirst = RelayHarness.receive(endpointB);
            harness.send(second, "a", "b", new byte[] {2});
            final DatagramPacket fromSecond = RelayHarness.receive(endpointB);
            assertNotEquals(fromFirst.getSocketAddress(), fromSecond.getSocketAddress());

            endpointB.send(new DatagramPacket(new byte[] {22}, 1, fromSecond.getSocketAddress()));
            endpointB.send(new DatagramPacket(new byte[] {11}, 1, fromFirst.getSocketAddress()));
            assertEquals(11, RelayHarness.receive(first).getData()[0]);
            assertEquals(22, RelayHarness.receive(second).getData()[0]);

            harness.send(third, "a", "b", new byte[] {3});
            harness.awaitReceived("a", "b", 3);
            assertEquals(1, harness.relay.counters("a", "b").droppedOverload(), "a third sender is over the limit");
            assertEquals(2, find(harness.relay.status().links(), "a", "b").senders());
        }
    }

    @Test
    void shouldCloseTheForwardingSocketOfAnIdleSender() throws Exception
    {
        try (RelayHarness harness = RelayHarness.start(tempDir, "a b c", FAST, "limits senderIdleMs=1000"))
        {
            harness.send(harness.client(), "a", "b", new byte[] {1});
            RelayHarness.receive(harness.endpoint("b"));
            assertEquals(1, find(harness.relay.status().links(), "a", "b").senders());

            RelayHarness.await(() -> 0 == find(harness.relay.status().links(), "a", "b").senders(),
                () -> "the idle sender is still there");
        }
    }

    @Test
    void shouldReportALinkAddressInUseAndLeaveNothingOpen() throws Exception
    {
        final Path profile = RelayHarness.writeProfile(tempDir, "a b c", FAST);
        final int controlPort = freeTcpPort();
        try (DatagramSocket occupied = RelayHarness.bindLoopback())
        {
            final List<String> lines = RelayHarness.configLines(profile, List.of("a", "b", "c"), new int[] {1, 2, 3});
            lines.set(1, "control 127.0.0.1:" + controlPort);
            final int lastLink = lines.size() - 1;
            lines.set(lastLink, "link c b 127.0.0.1:" + occupied.getLocalPort());
            final RelayConfig config = RelayConfig.parse("test.relay", lines, tempDir, null);

            final RelayStartException ex = assertThrows(RelayStartException.class, () -> WanRelay.start(config));

            assertEquals("cannot listen on 127.0.0.1:" + occupied.getLocalPort() + " for link c -> b (test.relay:" +
                (lastLink + 1) + "): address already in use", ex.getMessage());
        }
        // The control socket, opened first, was closed again.
        try (ServerSocket control = new ServerSocket(controlPort, 1, InetAddress.getLoopbackAddress()))
        {
            assertEquals(controlPort, control.getLocalPort());
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("wan-relay-test")));
    }

    @Test
    void shouldReportTheControlAddressInUse() throws Exception
    {
        final Path profile = RelayHarness.writeProfile(tempDir, "a b", FAST);
        try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final List<String> lines = RelayHarness.configLines(profile, List.of("a", "b"), new int[] {1, 2});
            lines.set(1, "control 127.0.0.1:" + occupied.getLocalPort());
            final RelayConfig config = RelayConfig.parse("test.relay", lines, tempDir, null);

            final RelayStartException ex = assertThrows(RelayStartException.class, () -> WanRelay.start(config));

            assertEquals("cannot listen on control address 127.0.0.1:" + occupied.getLocalPort() +
                " (test.relay:2): address already in use", ex.getMessage());
        }
    }

    @Test
    void shouldRejectUnknownRegionsInTheJavaApiListingTheKnownOnes() throws Exception
    {
        try (RelayHarness harness = RelayHarness.start(tempDir, "a b c", FAST))
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> harness.relay.cut("a", "x", false));
            assertEquals("unknown region 'x' in WAN profile 'test' (known: a, b, c)", ex.getMessage());
            assertThrows(IllegalArgumentException.class, () -> harness.relay.setLink("a", "b", -1, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> harness.relay.setLink("a", "b", 1, 0, 1.5));

            harness.relay.close();
            assertFalse(harness.relay.isRunning());
            assertThrows(IllegalStateException.class, () -> harness.relay.status());
        }
    }

    @Test
    void shouldReportBoundPortsForEveryLink() throws Exception
    {
        try (RelayHarness harness = RelayHarness.start(tempDir, "a b c", FAST))
        {
            final InetSocketAddress listen = harness.relay.listenAddress("a", "b");
            assertTrue(listen.getPort() > 0);
            assertEquals(listen.getPort(), harness.relay.boundPorts().get("a->b"));
            assertEquals(harness.relay.controlAddress().getPort(), harness.relay.boundPorts().get("control"));
            assertEquals(7, harness.relay.boundPorts().size());
        }
    }

    private static LinkStatus find(final List<LinkStatus> links, final String from, final String to)
    {
        return links.stream().filter(l -> l.from().equals(from) && l.to().equals(to)).findFirst().orElseThrow();
    }

    private static int freeTcpPort() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
