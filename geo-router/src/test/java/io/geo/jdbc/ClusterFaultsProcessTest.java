package io.geo.jdbc;

import io.geo.epaxos.check.CheckResult;
import io.geo.epaxos.check.History;
import io.geo.epaxos.check.HistoryEvent;
import io.geo.epaxos.check.LinearizabilityChecker;
import io.geo.router.config.ClusterConfig;
import io.geo.router.sidecar.SidecarProcesses;
import io.geo.router.sidecar.TestClusters;
import io.geo.router.state.ChronicleStateMachine;
import io.geo.wan.relay.RelayConfig;
import io.geo.wan.relay.WanRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole product under faults: three sidecar processes whose links go through the WAN relay, six JDBC clients
 * (two per region) running reads, writes, compare-and-sets and increments, while a node is killed with kill -9 and
 * restarted on its data, and while a region is cut off by the relay and healed. Afterwards: the client history is
 * linearizable (the simulator's checker), every increment that succeeded is counted exactly once, and every node
 * holds the same data and dedup table (the Chronicle Map directories compared after a clean SIGTERM stop).
 */
class ClusterFaultsProcessTest
{
    private static final String[] KEYS = FaultWorkload.KEYS;
    private static final String[] COUNTERS = FaultWorkload.COUNTERS;
    private static final int CLIENTS_PER_NODE = 2;

    private final FaultWorkload workload = new FaultWorkload();

    @Test
    @Timeout(300)
    void shouldStayLinearizableAndLoseNothingThroughKillRestartAndPartition(@TempDir final Path dir) throws Exception
    {
        final Path clusterFile = TestClusters.writeRelayedConfig(dir, "faults", 20);
        final ClusterConfig config = ClusterConfig.load(clusterFile, TestClusters.configDir());
        try (WanRelay relay = WanRelay.start(RelayConfig.load(dir.resolve("faults.relay"), TestClusters.configDir()));
            SidecarProcesses nodes = new SidecarProcesses(clusterFile, 3))
        {
            for (int node = 0; node < 3; node++)
            {
                nodes.start(node);
            }
            for (int node = 0; node < 3; node++)
            {
                nodes.awaitConnected(node, 2, 90);
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final List<Thread> clients = new ArrayList<>();
            for (int node = 0; node < 3; node++)
            {
                for (int c = 0; c < CLIENTS_PER_NODE; c++)
                {
                    final int home = node;
                    final int index = node * CLIENTS_PER_NODE + c;
                    final Thread thread = new Thread(() -> workload.runClient(
                        () -> FaultWorkload.connect(config, home, "linearizable", true), List.of("kv"), index, stop),
                        "client-" + index);
                    thread.setDaemon(true);
                    clients.add(thread);
                    thread.start();
                }
            }

            FaultWorkload.phase("steady load", 5);
            nodes.kill(2);
            FaultWorkload.phase("node 2 killed", 6);
            nodes.start(2);
            nodes.awaitConnected(2, 2, 90);
            FaultWorkload.phase("node 2 restarted", 4);
            relay.cutRegion("us-east-1");
            FaultWorkload.phase("us-east-1 cut off", 6);
            relay.healAll();
            FaultWorkload.phase("healed", 5);
            stop.set(true);
            for (final Thread client : clients)
            {
                client.join(60_000);
                assertTrue(!client.isAlive(), client.getName() + " stopped");
            }

            try (Connection c = FaultWorkload.connect(config, 0, "linearizable", true))
            {
                workload.check(c);
            }

            awaitSameLocalState(config);
            for (int node = 0; node < 3; node++)
            {
                final int exit = nodes.terminate(node);
                assertTrue(exit == 0 || exit == 143, "node " + node + " exit " + exit + ": " + nodes.output(node));
            }
        }

        for (int node = 0; node < 3; node++)
        {
            // node 2's restart deleted what its kill -9 left; the clean stops deleted the rest
            final String driverDir = io.geo.router.sidecar.Sidecar.driverDirectoryName(config.node(node));
            assertTrue(!java.nio.file.Files.exists(Path.of("/dev/shm", driverDir)) &&
                !java.nio.file.Files.exists(Path.of(System.getProperty("java.io.tmpdir"), driverDir)),
                "no media driver directory left for node " + node + ": " + driverDir);
        }

        final List<Map<String, String>> states = new ArrayList<>();
        final List<Long> digests = new ArrayList<>();
        for (int node = 0; node < 3; node++)
        {
            try (ChronicleStateMachine state = new ChronicleStateMachine(
                config.node(node).dataDir().resolve("state")))
            {
                final Map<String, String> data = new TreeMap<>();
                state.snapshot().forEach((k, v) -> data.put(k.toString(), new String(v, StandardCharsets.UTF_8)));
                states.add(data);
                digests.add(state.digest());
            }
        }
        assertEquals(states.get(0), states.get(1), "data of node 0 and node 1");
        assertEquals(states.get(0), states.get(2), "data of node 0 and node 2");
        assertEquals(digests.get(0), digests.get(1), "data and dedup table of node 0 and node 1");
        assertEquals(digests.get(0), digests.get(2), "data and dedup table of node 0 and node 2");
    }

    /** Waits until every node's local (stale) reads of every key agree, as execution catches up everywhere. */
    private static void awaitSameLocalState(final ClusterConfig config) throws Exception
    {
        final long deadlineNs = System.nanoTime() + 60_000_000_000L;
        String last = "";
        while (System.nanoTime() < deadlineNs)
        {
            final List<Map<String, String>> views = new ArrayList<>();
            for (int node = 0; node < 3; node++)
            {
                final Properties props = new Properties();
                props.setProperty("consistency", "stale-local");
                props.setProperty("region", config.node(node).regionName());
                try (Connection c = DriverManager.getConnection("jdbc:geo://127.0.0.1:" +
                    config.node(node).client().getPort() + "/", props);
                    PreparedStatement ps = c.prepareStatement("SELECT key, value FROM kv WHERE key IN (?, ?, ?, ?, ?, ?)"))
                {
                    int i = 1;
                    for (final String key : KEYS)
                    {
                        ps.setString(i++, key);
                    }
                    for (final String key : COUNTERS)
                    {
                        ps.setString(i++, key);
                    }
                    final Map<String, String> view = new TreeMap<>();
                    try (ResultSet rs = ps.executeQuery())
                    {
                        while (rs.next())
                        {
                            view.put(rs.getString("key"), rs.getString("value"));
                        }
                    }
                    views.add(view);
                }
            }
            if (views.get(0).equals(views.get(1)) && views.get(0).equals(views.get(2)))
            {
                return;
            }
            last = views.toString();
            Thread.sleep(200);
        }
        throw new AssertionError("nodes' local states did not converge within 60 s: " + last);
    }
}
