package io.geo.router.cli;

import io.geo.wan.relay.RelayConfig;
import io.geo.wan.relay.WanRelay;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code geo wan}: exit codes 0 ok, 1 relay error or unreachable, 2 bad usage; one-line errors. */
@Timeout(60)
class WanCommandTest
{
    @TempDir
    Path tempDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldListTheSubcommandsInHelp()
    {
        assertEquals(0, run("wan", "--help"));
        for (final String command : List.of("relay", "cut", "heal", "cut-region", "heal-region", "heal-all",
            "set-delay", "status"))
        {
            assertTrue(out.toString().contains(command), out.toString());
        }
    }

    @Test
    void shouldRequireAWayToFindTheRelay()
    {
        assertEquals(2, run("wan", "status"));
        assertEquals("geo wan status: give --config FILE or --control HOST:PORT to find the relay\n", err.toString());
    }

    @Test
    void shouldRejectBothWaysToFindTheRelay()
    {
        assertEquals(2, run("wan", "status", "--config", "x.relay", "--control", "127.0.0.1:1"));
        assertEquals("geo wan status: give --config FILE or --control HOST:PORT, not both\n", err.toString());
    }

    @Test
    void shouldRejectAMalformedControlAddress()
    {
        assertEquals(2, run("wan", "heal-all", "--control", "127.0.0.1"));
        assertEquals("geo wan heal-all: --control must be HOST:PORT, such as 127.0.0.1:29100; got '127.0.0.1'\n",
            err.toString());
    }

    @Test
    void shouldRejectMissingArgumentsAndBadNumbers()
    {
        assertEquals(2, run("wan", "cut", "a", "--control", "127.0.0.1:1"));
        assertTrue(err.toString().startsWith("Missing required parameter: 'TO'"), err.toString());
        assertEquals(2, run("wan", "set-delay", "a", "b", "fast", "--control", "127.0.0.1:1"));
        assertEquals(2, run("wan", "set-delay", "a", "b", "5", "--loss", "2", "--control", "127.0.0.1:1"));
        assertTrue(err.toString().contains("geo wan set-delay: --loss must be within [0, 1]; got 2.0"),
            err.toString());
    }

    @Test
    void shouldReportAnUnreachableRelay() throws Exception
    {
        final int port = freeTcpPort();

        assertEquals(1, run("wan", "status", "--control", "127.0.0.1:" + port));

        assertEquals("geo wan status: no relay answering at 127.0.0.1:" + port + " (connection refused)\n",
            err.toString());
    }

    @Test
    void shouldReportABadRelayConfigAsUsage()
    {
        final Path missing = tempDir.resolve("missing.relay");

        assertEquals(2, run("wan", "relay", "--config", missing.toString()));
        assertEquals("geo wan relay: " + missing + ": no such relay config file\n", err.toString());

        assertEquals(2, run("wan", "cut", "a", "b", "--config", missing.toString()));
    }

    @Test
    void shouldReportAnAddressInUseWithoutStarting() throws Exception
    {
        try (DatagramSocket occupied = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            final Path file = writeConfig(0, occupied.getLocalPort());

            assertEquals(1, run("wan", "relay", "--config", file.toString()));

            assertEquals("geo wan relay: cannot listen on 127.0.0.1:" + occupied.getLocalPort() + " for link a -> b (" +
                file + ":5): address already in use\n", err.toString());
        }
    }

    @Test
    void shouldDriveARunningRelay() throws Exception
    {
        final int controlPort = freeTcpPort();
        final Path file = writeConfig(controlPort, 0);
        try (WanRelay relay = WanRelay.start(RelayConfig.load(file, null)))
        {
            final String control = "127.0.0.1:" + relay.controlAddress().getPort();

            assertEquals(0, run("wan", "cut", "a", "b", "--both", "--control", control));
            assertEquals("ok cut a <-> b\n", out.toString());
            assertTrue(relay.status().links().stream().allMatch(l -> l.cut()));

            assertEquals(0, run("wan", "heal", "b", "a", "--config", file.toString()));
            assertEquals("ok healed b -> a\n", out.toString());

            assertEquals(0, run("wan", "set-delay", "a", "b", "80", "--jitter", "2", "--loss", "0.01",
                "--control", control));
            assertEquals("ok a -> b delayMs=80 jitterMs=2 loss=0.01\n", out.toString());

            assertEquals(0, run("wan", "cut-region", "b", "--control", control));
            assertEquals(0, run("wan", "heal-region", "b", "--control", control));
            assertEquals(0, run("wan", "heal-all", "--control", control));

            assertEquals(0, run("wan", "status", "--config", file.toString()));
            assertTrue(out.toString().contains("link a -> b listen=") && out.toString().endsWith("ok 2 links\n"),
                out.toString());

            assertEquals(1, run("wan", "cut", "a", "mars", "--control", control));
            assertEquals("geo wan cut: unknown region 'mars' in WAN profile 'cli' (known: a, b)\n", err.toString());
        }
    }

    private Path writeConfig(final int controlPort, final int linkPort) throws Exception
    {
        Files.writeString(tempDir.resolve("cli.wan"), "profile cli\nregions a b\npair a b rttMs=2 jitterMs=0\n");
        final Path file = tempDir.resolve("cli.relay");
        Files.write(file, List.of(
            "profile cli.wan",
            "control 127.0.0.1:" + controlPort,
            "endpoint a 127.0.0.1:1",
            "endpoint b 127.0.0.1:2",
            "link a b 127.0.0.1:" + linkPort,
            "link b a 127.0.0.1:0"), StandardCharsets.UTF_8);
        return file;
    }

    private int run(final String... args)
    {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        final CommandLine commandLine = new CommandLine(new GeoMain());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static int freeTcpPort() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
