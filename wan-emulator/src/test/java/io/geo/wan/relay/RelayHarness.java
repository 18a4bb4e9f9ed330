package io.geo.wan.relay;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A relay on a test profile with every region's endpoint a plain UDP socket on 127.0.0.1 (ports from the OS), the
 * relay's own ports from the OS too (port 0 in the config). Closes everything it opened.
 */
final class RelayHarness implements AutoCloseable
{
    static final int RECEIVE_TIMEOUT_MS = 10_000;
    static final long AWAIT_TIMEOUT_MS = 30_000;

    final Path dir;
    final WanRelay relay;
    final List<String> regions;
    private final DatagramSocket[] endpoints;
    private final ArrayList<DatagramSocket> clients = new ArrayList<>();

    private RelayHarness(final Path dir, final WanRelay relay, final DatagramSocket[] endpoints)
    {
        this.dir = dir;
        this.relay = relay;
        this.regions = relay.config().profile().regions();
        this.endpoints = endpoints;
    }

    /** A profile file {@code test.wan} with the given region names and lines. */
    static Path writeProfile(final Path dir, final String regions, final String... pairLines) throws IOException
    {
        final StringBuilder text = new StringBuilder("profile test\nregions " + regions + "\n");
        for (final String line : pairLines)
        {
            text.append(line).append('\n');
        }
        final Path file = dir.resolve("test.wan");
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
        return file;
    }

    /** Config lines: the profile by absolute path, control and every link on port 0, then {@code extraLines}. */
    static List<String> configLines(
        final Path profile, final List<String> regions, final int[] endpointPorts, final String... extraLines)
    {
        final ArrayList<String> lines = new ArrayList<>();
        lines.add("profile " + profile.toAbsolutePath());
        lines.add("control 127.0.0.1:0");
        for (int i = 0; i < regions.size(); i++)
        {
            lines.add("endpoint " + regions.get(i) + " 127.0.0.1:" + endpointPorts[i]);
        }
        for (final String from : regions)
        {
            for (final String to : regions)
            {
                if (!from.equals(to))
                {
                    lines.add("link " + from + " " + to + " 127.0.0.1:0");
                }
            }
        }
        lines.addAll(Arrays.asList(extraLines));
        return lines;
    }

    static RelayHarness start(
        final Path dir, final String regions, final String[] pairLines, final String... extraConfigLines)
        throws Exception
    {
        final Path profile = writeProfile(dir, regions, pairLines);
        final List<String> regionList = Arrays.asList(regions.trim().split("\\s+"));
        final DatagramSocket[] endpoints = new DatagramSocket[regionList.size()];
        final int[] ports = new int[regionList.size()];
        try
        {
            for (int i = 0; i < endpoints.length; i++)
            {
                endpoints[i] = bindLoopback();
                ports[i] = endpoints[i].getLocalPort();
            }
            final RelayConfig config = RelayConfig.parse(
                "test.relay", configLines(profile, regionList, ports, extraConfigLines), dir, null);
            return new RelayHarness(dir, WanRelay.start(config), endpoints);
        }
        catch (final Exception ex)
        {
            for (final DatagramSocket endpoint : endpoints)
            {
                if (null != endpoint)
                {
                    endpoint.close();
                }
            }
            throw ex;
        }
    }

    static DatagramSocket bindLoopback() throws IOException
    {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(RECEIVE_TIMEOUT_MS);
        socket.setReceiveBufferSize(1024 * 1024);
        return socket;
    }

    DatagramSocket endpoint(final String region)
    {
        return endpoints[regions.indexOf(region)];
    }

    /** A new sender socket in some region, on 127.0.0.1 with a port from the OS; closed with the harness. */
    DatagramSocket client() throws IOException
    {
        final DatagramSocket socket = bindLoopback();
        clients.add(socket);
        return socket;
    }

    void send(final DatagramSocket socket, final String from, final String to, final byte[] payload)
        throws IOException
    {
        socket.send(new DatagramPacket(payload, payload.length, relay.listenAddress(from, to)));
    }

    /** Receive one datagram, or fail after the receive timeout. */
    static DatagramPacket receive(final DatagramSocket socket) throws IOException
    {
        final DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        socket.receive(packet);
        return packet;
    }

    /** Receive one datagram within {@code timeoutMs}, or null. */
    static DatagramPacket poll(final DatagramSocket socket, final int timeoutMs) throws IOException
    {
        final int previous = socket.getSoTimeout();
        socket.setSoTimeout(timeoutMs);
        try
        {
            return receive(socket);
        }
        catch (final SocketTimeoutException ex)
        {
            return null;
        }
        finally
        {
            socket.setSoTimeout(previous);
        }
    }

    /** Wait until the relay has read {@code count} datagrams for the direction {@code from -> to}. */
    void awaitReceived(final String from, final String to, final long count) throws InterruptedException
    {
        await(() -> relay.counters(from, to).received() >= count,
            () -> "relay received " + relay.counters(from, to) + " on " + from + " -> " + to + ", expected " + count);
    }

    static void await(final BooleanSupplier condition, final java.util.function.Supplier<String> message)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + AWAIT_TIMEOUT_MS * 1_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("timed out: " + message.get());
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close()
    {
        relay.close();
        for (final DatagramSocket socket : clients)
        {
            socket.close();
        }
        for (final DatagramSocket socket : endpoints)
        {
            socket.close();
        }
    }
}
