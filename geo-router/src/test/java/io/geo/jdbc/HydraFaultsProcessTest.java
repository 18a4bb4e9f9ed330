package io.geo.jdbc;

import io.geo.router.config.ClusterConfig;
import io.geo.router.sidecar.Sidecar;
import io.geo.router.sidecar.SidecarProcesses;
import io.geo.router.sidecar.TestClusters;
import io.geo.router.state.ChronicleStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Region groups as processes: three regions x three sidecars on loopback (each region one EPaxos replica whose nodes
 * share a region log), six JDBC clients (two per region, on different nodes) running reads, writes, compare-and-sets
 * on the global keyspace and on their region's regional keyspace, and increments, while nodes are killed with
 * kill -9 and restarted, and one is frozen with SIGSTOP. Afterwards: the history is linearizable, every successful
 * increment is counted once, every node holds the same global data and the nodes of a region the same regional data
 * and dedup tables, and no foreign regional data anywhere.
 */
class HydraFaultsProcessTest
{
    private static final int REGIONS = 3;
    private static final int PER_REGION = 3;
    private static final int NODES = REGIONS * PER_REGION;
    private static final Pattern RECOVERIES = Pattern.compile("recoveries (\\d+)");
    private static final Pattern SNAPSHOTS =
        Pattern.compile("truncated (\\d+), snapshots taken (\\d+) installed (\\d+) \\(started from slot (\\d+)\\)");

    private final FaultWorkload workload = new FaultWorkload();

    @Test
    @Timeout(420)
    void shouldStayLinearizableThroughNodeKillsAndStallsInsideRegions(@TempDir final Path dir) throws Exception
    {
        // frequent region snapshots: restarted nodes start from one, and truncated logs send one to nodes behind
        final Path clusterFile = TestClusters.writeGroupsConfig(dir, "hydra-faults", PER_REGION,
            "snapshot-every-slots 200\n");
        final ClusterConfig config = ClusterConfig.load(clusterFile, TestClusters.configDir());
        final long[] recoveries = new long[NODES];
        final long[] truncated = new long[NODES];
        final long[] snapshotsTaken = new long[NODES];
        final long[] snapshotsInstalled = new long[NODES];
        final long[] startedFrom = new long[NODES];
        try (SidecarProcesses nodes = new SidecarProcesses(clusterFile, NODES))
        {
            for (int node = 0; node < NODES; node++)
            {
                nodes.start(node);
            }
            for (int node = 0; node < NODES; node++)
            {
                nodes.awaitConnected(node, NODES - 1, 120);
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final List<Thread> clients = new ArrayList<>();
            for (int region = 0; region < REGIONS; region++)
            {
                for (int c = 0; c < 2; c++)
                {
                    final int home = region * PER_REGION + c;
                    final int index = region * 2 + c;
                    final List<String> keyspaces = List.of("kv", TestClusters.REGIONAL_KEYSPACES[region]);
                    final Thread thread = new Thread(() -> workload.runClient(
                        () -> FaultWorkload.connect(config, home, "linearizable", false), keyspaces, index, stop),
                        "client-" + index);
                    thread.setDaemon(true);
                    clients.add(thread);
                    thread.start();
                }
            }

            FaultWorkload.phase("steady load", 5);
            nodes.kill(1);
            FaultWorkload.phase("node 1 (us-east-1) killed", 5);
            nodes.start(1);
            nodes.awaitConnected(1, NODES - 1, 90);
            FaultWorkload.phase("node 1 restarted", 3);
            nodes.kill(3);
            FaultWorkload.phase("node 3 (eu-west-1, its first node) killed", 5);
            nodes.start(3);
            nodes.awaitConnected(3, NODES - 1, 90);
            FaultWorkload.phase("node 3 restarted", 3);
            nodes.pause(7);
            FaultWorkload.phase("node 7 (ap-northeast-1) frozen", 4);
            nodes.resume(7);
            FaultWorkload.phase("node 7 resumed", 4);
            stop.set(true);
            for (final Thread client : clients)
            {
                client.join(60_000);
                assertTrue(!client.isAlive(), client.getName() + " stopped");
            }

            try (Connection c = FaultWorkload.connect(config, 0, "linearizable", false))
            {
                workload.check(c);
            }
            awaitSameLocalState(config);
            for (int node = 0; node < NODES; node++)
            {
                final int exit = nodes.terminate(node);
                final String output = nodes.output(node);
                assertTrue(exit == 0 || exit == 143, "node " + node + " exit " + exit + ": " + output);
                final String lastLife = output.substring(output.lastIndexOf("---- start"));
                final Matcher m = RECOVERIES.matcher(lastLife);
                while (m.find())
                {
                    recoveries[node] = Long.parseLong(m.group(1));
                }
                final Matcher s = SNAPSHOTS.matcher(lastLife);
                while (s.find())
                {
                    truncated[node] = Long.parseLong(s.group(1));
                    snapshotsTaken[node] = Long.parseLong(s.group(2));
                    snapshotsInstalled[node] = Long.parseLong(s.group(3));
                    startedFrom[node] = Long.parseLong(s.group(4));
                }
            }
        }
        System.out.println("faults: EPaxos recoveries started per node (last life): " +
            java.util.Arrays.toString(recoveries));
        System.out.println("region snapshots per node (last life): taken " + java.util.Arrays.toString(snapshotsTaken) +
            ", installed " + java.util.Arrays.toString(snapshotsInstalled) + ", log truncated through " +
            java.util.Arrays.toString(truncated) + ", started from slot " + java.util.Arrays.toString(startedFrom));
        assertTrue(startedFrom[1] > 0 && startedFrom[3] > 0, "the restarted nodes started from a region snapshot: " +
            java.util.Arrays.toString(startedFrom));
        for (int node = 0; node < NODES; node++)
        {
            assertTrue(truncated[node] > 0, "node " + node + " truncated its region log: " +
                java.util.Arrays.toString(truncated));
        }

        for (int node = 0; node < NODES; node++)
        {
            final String driverDir = Sidecar.driverDirectoryName(config.node(node));
            assertTrue(!Files.exists(Path.of("/dev/shm", driverDir)) &&
                !Files.exists(Path.of(System.getProperty("java.io.tmpdir"), driverDir)),
                "no media driver directory left for node " + node + ": " + driverDir);
        }

        final List<Map<String, String>> global = new ArrayList<>();
        final List<Map<String, String>> regional = new ArrayList<>();
        final List<Long> digests = new ArrayList<>();
        for (int node = 0; node < NODES; node++)
        {
            try (ChronicleStateMachine state = new ChronicleStateMachine(
                config.node(node).dataDir().resolve("state")))
            {
                final Map<String, String> g = new TreeMap<>();
                final Map<String, String> r = new TreeMap<>();
                state.snapshot().forEach((k, v) ->
                {
                    final String key = new String(k.bytes(), StandardCharsets.UTF_8);
                    (key.startsWith("kv/") ? g : r).put(key, new String(v, StandardCharsets.UTF_8));
                });
                global.add(g);
                regional.add(r);
                digests.add(state.digest());
            }
        }
        for (int node = 0; node < NODES; node++)
        {
            final int region = node / PER_REGION;
            assertEquals(global.get(0), global.get(node), "global data of node 0 and node " + node);
            final int first = region * PER_REGION;
            assertEquals(regional.get(first), regional.get(node), "regional data of node " + first + " and " + node);
            assertEquals(digests.get(first), digests.get(node), "state and dedup table of node " + first +
                " and " + node);
            for (final String key : regional.get(node).keySet())
            {
                assertTrue(key.startsWith(TestClusters.REGIONAL_KEYSPACES[region] + "/"),
                    "node " + node + " holds only its region's regional keys: " + key);
            }
        }
        assertTrue(!global.get(0).isEmpty(), "global data written");
    }

    /** Waits until every node's local (stale) reads agree: global keys everywhere, regional keys within a region. */
    private static void awaitSameLocalState(final ClusterConfig config) throws Exception
    {
        final long deadlineNs = System.nanoTime() + 60_000_000_000L;
        String last = "";
        while (System.nanoTime() < deadlineNs)
        {
            final List<Map<String, String>> views = new ArrayList<>();
            for (int node = 0; node < NODES; node++)
            {
                final Properties props = new Properties();
                props.setProperty("consistency", "stale-local");
                props.setProperty("region", config.node(node).regionName());
                final Map<String, String> view = new TreeMap<>();
                try (Connection c = DriverManager.getConnection("jdbc:geo://127.0.0.1:" +
                    config.node(node).client().getPort() + "/", props))
                {
                    for (final String keyspace : List.of("kv", TestClusters.REGIONAL_KEYSPACES[node / PER_REGION]))
                    {
                        try (PreparedStatement ps = c.prepareStatement("SELECT key, value FROM " + keyspace +
                            " WHERE key IN (?, ?, ?, ?, ?, ?)"))
                        {
                            int i = 1;
                            for (final String key : FaultWorkload.KEYS)
                            {
                                ps.setString(i++, key);
                            }
                            for (final String key : FaultWorkload.COUNTERS)
                            {
                                ps.setString(i++, key);
                            }
                            try (ResultSet rs = ps.executeQuery())
                            {
                                while (rs.next())
                                {
                                    view.put(keyspace + "/" + rs.getString("key"), rs.getString("value"));
                                }
                            }
                        }
                    }
                }
                views.add(view);
            }
            boolean same = true;
            for (int node = 0; node < NODES; node++)
            {
                same &= views.get(node).equals(views.get(node / PER_REGION * PER_REGION)) &&
                    globalPart(views.get(node)).equals(globalPart(views.get(0)));
            }
            if (same)
            {
                return;
            }
            last = views.toString();
            Thread.sleep(200);
        }
        throw new AssertionError("nodes' local states did not converge within 60 s: " + last);
    }

    private static Map<String, String> globalPart(final Map<String, String> view)
    {
        final Map<String, String> global = new TreeMap<>(view);
        global.keySet().removeIf(key -> !key.startsWith("kv/"));
        return global;
    }
}
