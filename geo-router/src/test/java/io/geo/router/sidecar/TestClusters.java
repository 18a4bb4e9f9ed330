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
                .append(" endpoint 127.0.0.1:").append(freeUdpPort())
                .append(" client 127.0.0.1:").append(freeUdpPort())
                .append(" data ").append(dir.resolve("data").resolve("node-" + node)).append('\n');
        }
        final Path file = dir.resolve(name + ".cluster");
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
        return file;
    }

    private static int freeUdpPort() throws IOException
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
