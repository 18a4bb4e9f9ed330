package io.geo.router.sidecar;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Writes loopback cluster configs for process tests: three regions, no relay, ports from the OS. */
public final class TestClusters
{
    private TestClusters()
    {
    }

    public static Path configDir()
    {
        return Paths.get(System.getProperty("geo.config.dir", "config")).toAbsolutePath();
    }

    /** A three-node cluster on the lan profile with data folders under {@code dir}. */
    public static Path writeDirectConfig(final Path dir, final String name) throws IOException
    {
        final StringBuilder text = new StringBuilder()
            .append("cluster ").append(name).append('\n')
            .append("cluster-id 77\n")
            .append("secret 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n")
            .append("wan ").append(configDir().resolve("wan").resolve("lan.wan")).append('\n')
            .append("term-length 64k\n");
        final String[] regions = {"us-east-1", "eu-west-1", "ap-northeast-1"};
        for (int node = 0; node < 3; node++)
        {
            text.append("node ").append(node).append(" region ").append(regions[node])
                .append(" endpoint 127.0.0.1:").append(freePort())
                .append(" client 127.0.0.1:").append(freePort())
                .append(" data ").append(dir.resolve("data").resolve("node-" + node)).append('\n');
        }
        final Path file = dir.resolve(name + ".cluster");
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
        return file;
    }

    /** The regional keyspace of region {@code region} of {@link #writeGroupsConfig} configs. */
    public static final String[] REGIONAL_KEYSPACES = {"r_us", "r_eu", "r_jp"};

    /**
     * A cluster of region groups: three regions of the lan profile with {@code nodesPerRegion} nodes each (node
     * {@code r * nodesPerRegion + i} is node i of region r), keyspaces {@code kv} (global) and one regional keyspace
     * per region ({@link #REGIONAL_KEYSPACES}), data folders under {@code dir}, ports from the OS.
     */
    public static Path writeGroupsConfig(final Path dir, final String name, final int nodesPerRegion)
        throws IOException
    {
        return writeGroupsConfig(dir, name, nodesPerRegion, "");
    }

    /** {@link #writeGroupsConfig(Path, String, int)} with {@code extraLines} (settings, each ending in a newline). */
    public static Path writeGroupsConfig(final Path dir, final String name, final int nodesPerRegion,
        final String extraLines) throws IOException
    {
        final String[] regions = {"us-east-1", "eu-west-1", "ap-northeast-1"};
        final StringBuilder text = new StringBuilder()
            .append("cluster ").append(name).append('\n')
            .append("cluster-id 79\n")
            .append("secret 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n")
            .append("wan ").append(configDir().resolve("wan").resolve("lan.wan")).append('\n')
            .append("term-length 1m\n")
            .append("keyspace kv global\n")
            .append(extraLines);
        for (int region = 0; region < regions.length; region++)
        {
            text.append("keyspace ").append(REGIONAL_KEYSPACES[region]).append(" regional:").append(regions[region])
                .append('\n');
        }
        for (int node = 0; node < regions.length * nodesPerRegion; node++)
        {
            text.append("node ").append(node).append(" region ").append(regions[node / nodesPerRegion])
                .append(" endpoint 127.0.0.1:").append(freePort())
                .append(" client 127.0.0.1:").append(freePort())
                .append(" data ").append(dir.resolve("data").resolve("node-" + node)).append('\n');
        }
        final Path file = dir.resolve(name + ".cluster");
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
        return file;
    }

    /**
     * A three-node cluster whose links go through a WAN relay (to run in the test JVM with
     * {@code WanRelay.start(RelayConfig.load(dir.resolve(name + ".relay")))}), on a small profile of its own: RTTs
     * of {@code rttMs}, {@code rttMs * 1.5} and {@code rttMs * 2} with 0.5 ms jitter. Every port comes from the OS.
     * Returns the cluster file; the relay file is next to it.
     */
    public static Path writeRelayedConfig(final Path dir, final String name, final double rttMs) throws IOException
    {
        final String[] regions = {"us-east-1", "eu-west-1", "ap-northeast-1"};
        final Path profile = dir.resolve(name + ".wan");
        Files.writeString(profile, "profile " + name + "\n" +
            "regions " + String.join(" ", regions) + "\n" +
            "pair us-east-1 eu-west-1 rttMs=" + rttMs + " jitterMs=0.5\n" +
            "pair us-east-1 ap-northeast-1 rttMs=" + rttMs * 1.5 + " jitterMs=0.5\n" +
            "pair eu-west-1 ap-northeast-1 rttMs=" + rttMs * 2 + " jitterMs=0.5\n", StandardCharsets.UTF_8);
        final int[] endpoints = new int[3];
        final StringBuilder relay = new StringBuilder()
            .append("profile ").append(profile).append('\n')
            .append("control 127.0.0.1:").append(freePort()).append('\n');
        for (int region = 0; region < 3; region++)
        {
            endpoints[region] = freePort();
            relay.append("endpoint ").append(regions[region]).append(" 127.0.0.1:").append(endpoints[region])
                .append('\n');
        }
        for (int from = 0; from < 3; from++)
        {
            for (int to = 0; to < 3; to++)
            {
                if (from != to)
                {
                    relay.append("link ").append(regions[from]).append(' ').append(regions[to])
                        .append(" 127.0.0.1:").append(freePort()).append('\n');
                }
            }
        }
        final Path relayFile = dir.resolve(name + ".relay");
        Files.writeString(relayFile, relay.toString(), StandardCharsets.UTF_8);
        final StringBuilder text = new StringBuilder()
            .append("cluster ").append(name).append('\n')
            .append("cluster-id 78\n")
            .append("secret 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n")
            .append("wan ").append(profile).append('\n')
            .append("relay ").append(relayFile).append('\n')
            .append("term-length 64k\n");
        for (int node = 0; node < 3; node++)
        {
            text.append("node ").append(node).append(" region ").append(regions[node])
                .append(" endpoint 127.0.0.1:").append(endpoints[node])
                .append(" client 127.0.0.1:").append(freePort())
                .append(" data ").append(dir.resolve("data").resolve("node-" + node)).append('\n');
        }
        final Path file = dir.resolve(name + ".cluster");
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
        return file;
    }

    private static final int PORT_RANGE_START = 20_000;
    private static final int PORT_RANGE_END = 32_000; // below Linux's ephemeral range (32768..60999)
    private static int nextPort = PORT_RANGE_START + new java.util.Random().nextInt(PORT_RANGE_END - PORT_RANGE_START);

    /**
     * A port free for both UDP and TCP on loopback, below the ephemeral range so that no outgoing connection of this
     * or another test can take it between this check and the node binding it. Cycles through the range.
     */
    static synchronized int freePort() throws IOException
    {
        for (int attempt = 0; attempt < PORT_RANGE_END - PORT_RANGE_START; attempt++)
        {
            final int port = nextPort;
            nextPort = nextPort + 1 >= PORT_RANGE_END ? PORT_RANGE_START : nextPort + 1;
            try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress());
                java.net.ServerSocket tcp = new java.net.ServerSocket(port, 1, InetAddress.getLoopbackAddress()))
            {
                return port;
            }
            catch (final IOException inUse)
            {
                // try the next one
            }
        }
        throw new IOException("no free loopback port in " + PORT_RANGE_START + ".." + PORT_RANGE_END);
    }
}
