package io.geo.router.transport;

import io.aeron.driver.MediaDriver;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.messages.Prepare;
import io.geo.wan.relay.RelayConfig;
import io.geo.wan.relay.WanRelay;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.geo.router.transport.TransportTestSupport.NS_PER_MS;
import static io.geo.router.transport.TransportTestSupport.SECRET;
import static io.geo.router.transport.TransportTestSupport.assertMessageEquals;
import static io.geo.router.transport.TransportTestSupport.awaitPolling;
import static io.geo.router.transport.TransportTestSupport.freeLoopbackPorts;
import static io.geo.router.transport.TransportTestSupport.loopbackEndpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes whose links both go through the WAN relay (node 0 in region a, node 1 in region b): each node's send
 * address for the other is the relay's listen port of that link. Both transports share one external media driver
 * (the {@code aeronDirectoryName} option), launched with the same small-machine settings as the embedded one.
 */
@Timeout(120)
class AeronTransportRelayTest
{
    private static final int ONE_WAY_DELAY_MS = 40;
    private static final int PINGS = 5;
    private static final int FRAGMENT_LIMIT = 16;

    @TempDir
    Path tempDir;

    @Test
    void shouldTakeAtLeastTheLinkDelayOneWayThroughTheRelay() throws Exception
    {
        final int[] ports = freeLoopbackPorts(2);
        final List<String> endpoints = loopbackEndpoints(ports);
        final Path profile = tempDir.resolve("transport.wan");
        Files.writeString(profile, "profile transport\nregions a b\npair a b rttMs=" + 2 * ONE_WAY_DELAY_MS +
            " jitterMs=0\n");
        final RelayConfig relayConfig = RelayConfig.parse("transport.relay", List.of(
            "profile " + profile.toAbsolutePath(),
            "control 127.0.0.1:0",
            "endpoint a " + endpoints.get(0),
            "endpoint b " + endpoints.get(1),
            "link a b 127.0.0.1:0",
            "link b a 127.0.0.1:0"), tempDir, null);

        MediaDriver driver = null;
        WanRelay relay = null;
        AeronTransport node0 = null;
        AeronTransport node1 = null;
        String driverDir = null;
        try
        {
            driver = MediaDriver.launch(AeronTransport.embeddedDriverContext(64 * 1024));
            driverDir = driver.aeronDirectoryName();
            relay = WanRelay.start(relayConfig);
            node0 = AeronTransport.launch(config(0, endpoints, driverDir)
                .sendAddresses(Map.of(1, "127.0.0.1:" + relay.listenAddress("a", "b").getPort())));
            node1 = AeronTransport.launch(config(1, endpoints, driverDir)
                .sendAddresses(Map.of(0, "127.0.0.1:" + relay.listenAddress("b", "a").getPort())));
            final AeronTransport sender = node0;
            final AeronTransport receiver = node1;
            awaitPolling(() -> sender.isConnected(1) && receiver.isConnected(0), () -> "connected through the relay",
                () -> 0);

            final List<Message> got = new ArrayList<>();
            final long[] oneWayNs = new long[PINGS];
            for (int i = 0; i < PINGS; i++)
            {
                final Message ping = new Prepare(i, 100 + i);
                final long startNs = System.nanoTime();
                awaitPolling(() -> sender.send(1, ping), () -> "send ping", () -> 0);
                final int expected = i + 1;
                awaitPolling(() -> got.size() == expected, () -> "ping " + expected,
                    () -> receiver.poll((from, m) -> got.add(m), FRAGMENT_LIMIT));
                oneWayNs[i] = System.nanoTime() - startNs;
                assertMessageEquals(ping, got.get(i), "ping " + i);
                assertTrue(oneWayNs[i] >= ONE_WAY_DELAY_MS * NS_PER_MS,
                    "one-way " + oneWayNs[i] / 1e6 + " ms is below the link delay of " + ONE_WAY_DELAY_MS + " ms");
            }

            // The reverse direction goes through the relay too.
            final Message pong = new Prepare(9, 9);
            final List<Message> back = new ArrayList<>();
            awaitPolling(() -> receiver.send(0, pong), () -> "send pong", () -> 0);
            awaitPolling(() -> !back.isEmpty(), () -> "pong", () -> sender.poll((from, m) -> back.add(m), 16));
            assertMessageEquals(pong, back.get(0), "pong");

            assertTrue(relay.counters("a", "b").forwarded() >= PINGS, relay.counters("a", "b").toString());
            assertTrue(relay.counters("b", "a").forwarded() >= 1, relay.counters("b", "a").toString());
            assertEquals(0, sender.dropCountTotal() + receiver.dropCountTotal());
        }
        finally
        {
            CloseHelper.quietCloseAll(node0, node1, relay, driver);
            if (null != driverDir)
            {
                IoUtil.delete(new File(driverDir), true);
                assertFalse(new File(driverDir).exists(), "driver directory deleted: " + driverDir);
            }
        }
    }

    private static AeronTransportConfig config(final int node, final List<String> endpoints, final String driverDir)
    {
        return new AeronTransportConfig()
            .clusterId(5)
            .selfNode(node)
            .endpoints(endpoints)
            .termLength(64 * 1024)
            .secret(SECRET)
            .aeronDirectoryName(driverDir);
    }
}
