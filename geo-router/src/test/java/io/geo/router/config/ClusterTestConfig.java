package io.geo.router.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helpers: the project's {@code config/} directory (system property {@code geo.config.dir}, set by surefire)
 * and a small valid cluster config to write into a temporary folder and vary line by line.
 */
final class ClusterTestConfig
{
    /** A valid config of the three-regions profile without a relay; the node lines are lines 5, 6 and 7. */
    static final List<String> VALID = List.of(
        "cluster test",
        "cluster-id 7",
        "secret 00112233445566778899aabbccddeeff",
        "wan three-regions",
        "node 0 region us-east-1 endpoint 127.0.0.1:29110 client 127.0.0.1:29410 data n0",
        "node 1 region eu-west-1 endpoint 127.0.0.1:29111 client 127.0.0.1:29411 data n1",
        "node 2 region ap-northeast-1 endpoint 127.0.0.1:29112 client 127.0.0.1:29412 data n2");

    private ClusterTestConfig()
    {
    }

    static Path configDir()
    {
        final String property = System.getProperty("geo.config.dir");
        final Path dir = null == property || property.isBlank() ? Paths.get("../config") : Paths.get(property);
        if (!Files.isDirectory(dir.resolve("cluster")))
        {
            throw new IllegalStateException("no config/cluster directory: set -Dgeo.config.dir=<project>/config");
        }
        return dir;
    }

    /** {@link #VALID} with line {@code lineNumber} (1-based) replaced; null removes it (later lines move up). */
    static List<String> replace(final int lineNumber, final String line)
    {
        final ArrayList<String> lines = new ArrayList<>(VALID);
        if (null == line)
        {
            lines.remove(lineNumber - 1);
        }
        else
        {
            lines.set(lineNumber - 1, line);
        }
        return lines;
    }

    /** {@link #VALID} followed by the given lines. */
    static List<String> append(final String... extra)
    {
        final ArrayList<String> lines = new ArrayList<>(VALID);
        lines.addAll(List.of(extra));
        return lines;
    }

    /**
     * A config of WAN profile {@code wan} (no relay) with {@code nodesPerRegion} nodes in each of {@code regions}:
     * node i in {@code regions[i / nodesPerRegion]}, endpoint port 29500 + i, client port 29600 + i, data folder
     * {@code n<i>}. The node lines are lines 5 and on, node i on line 5 + i.
     */
    static List<String> regionGroups(final String wan, final int nodesPerRegion, final String... regions)
    {
        final ArrayList<String> lines = new ArrayList<>(VALID.subList(0, 3));
        lines.add("wan " + wan);
        for (int id = 0; id < nodesPerRegion * regions.length; id++)
        {
            lines.add(node(id, regions[id / nodesPerRegion]));
        }
        return lines;
    }

    /** A node line of {@link #regionGroups}'s layout: endpoint port 29500 + id, client port 29600 + id. */
    static String node(final int id, final String region)
    {
        return "node " + id + " region " + region + " endpoint 127.0.0.1:" + (29500 + id) + " client 127.0.0.1:" +
            (29600 + id) + " data n" + id;
    }

    static Path write(final Path file, final List<String> lines)
    {
        try
        {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
            return file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
