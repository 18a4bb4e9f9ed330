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
    private static final String[] KEYS = {"k0", "k1", "k2", "k3"};
    private static final String[] COUNTERS = {"c0", "c1"};
    private static final int CLIENTS_PER_NODE = 2;

    private final Recorder recorder = new Recorder();
    private final AtomicLong successfulIncrements = new AtomicLong();
    private final AtomicLong uncertainIncrements = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();

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
                    final Thread thread = new Thread(() -> runClient(config, home, index, stop), "client-" + index);
                    thread.setDaemon(true);
                    clients.add(thread);
                    thread.start();
                }
            }

            phase("steady load", 5);
            nodes.kill(2);
            phase("node 2 killed", 6);
            nodes.start(2);
            nodes.awaitConnected(2, 2, 90);
            phase("node 2 restarted", 4);
            relay.cutRegion("us-east-1");
            phase("us-east-1 cut off", 6);
            relay.healAll();
            phase("healed", 5);
            stop.set(true);
            for (final Thread client : clients)
            {
                client.join(60_000);
                assertTrue(!client.isAlive(), client.getName() + " stopped");
            }

            final History history = recorder.history();
            long ok = 0;
            long fail = 0;
            long info = 0;
            for (final HistoryEvent event : history.events())
            {
                ok += event.type() == HistoryEvent.Type.OK ? 1 : 0;
                fail += event.type() == HistoryEvent.Type.FAIL ? 1 : 0;
                info += event.type() == HistoryEvent.Type.INFO ? 1 : 0;
            }
            System.out.println("faults: history of " + history.size() + " events: " + ok + " ok, " + fail +
                " fail, " + info + " info (unknown outcome); increments " + successfulIncrements.get() + " ok, " +
                uncertainIncrements.get() + " uncertain");
            assertTrue(completed.get() > 100, "the workload made progress: " + completed.get() + " ops");
            final CheckResult check = LinearizabilityChecker.check(history, 50_000_000L);
            assertTrue(check.isOk(), () -> "history not linearizable: " + check + "\n" + dump(history));

            // Every successful increment counted once; uncertain ones (timeouts) at most once.
            long counted = 0;
            try (Connection c = connect(config, 0, "linearizable"))
            {
                for (final String counter : COUNTERS)
                {
                    counted += readLong(c, counter);
                }
            }
            assertTrue(counted >= successfulIncrements.get() &&
                counted <= successfulIncrements.get() + uncertainIncrements.get(),
                "counters hold " + counted + ": successful increments " + successfulIncrements.get() +
                ", uncertain " + uncertainIncrements.get());

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

    private static void phase(final String name, final int seconds) throws InterruptedException
    {
        System.out.println("faults: " + name + " for " + seconds + " s");
        Thread.sleep(seconds * 1000L);
    }

    private static Connection connect(final ClusterConfig config, final int home, final String consistency)
        throws SQLException
    {
        final Properties props = new Properties();
        props.setProperty("consistency", consistency);
        props.setProperty("region", config.node(home).regionName());
        props.setProperty("crossRegionFailover", "true");
        props.setProperty("connectTimeout", "1000");
        props.setProperty("attemptTimeout", "2000");
        props.setProperty("requestTimeout", "10000");
        return DriverManager.getConnection("jdbc:geo://127.0.0.1:" + config.node(home).client().getPort() + "/",
            props);
    }

    private void runClient(final ClusterConfig config, final int home, final int index, final AtomicBoolean stop)
    {
        final Random random = new Random(1000 + index);
        long process = index * 1_000_000L;
        int sequence = 0;
        Connection connection = null;
        while (!stop.get())
        {
            try
            {
                if (connection == null)
                {
                    connection = connect(config, home, "linearizable");
                }
                final int choice = random.nextInt(100);
                final boolean uncertain;
                if (choice < 30)
                {
                    uncertain = read(connection, process, KEYS[random.nextInt(KEYS.length)]);
                }
                else if (choice < 60)
                {
                    uncertain = write(connection, process, KEYS[random.nextInt(KEYS.length)],
                        "v" + index + "-" + sequence++);
                }
                else if (choice < 80)
                {
                    uncertain = cas(connection, process, KEYS[random.nextInt(KEYS.length)],
                        "v" + random.nextInt(6) + "-" + random.nextInt(Math.max(1, sequence)), "w" + index + "-" +
                        sequence++);
                }
                else
                {
                    uncertain = increment(connection, process, COUNTERS[random.nextInt(COUNTERS.length)]);
                }
                if (uncertain)
                {
                    process++; // a process whose op has an unknown outcome never invokes again
                }
            }
            catch (final SQLException ex)
            {
                // could not connect: nothing was invoked; try again shortly
                sleep(100);
            }
        }
        if (connection != null)
        {
            try
            {
                connection.close();
            }
            catch (final SQLException ignore)
            {
                // closing
            }
        }
    }

    /** Returns true when the outcome is unknown. */
    private boolean read(final Connection c, final long process, final String key)
    {
        recorder.add(now -> HistoryEvent.invokeRead(process, key, now));
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM kv WHERE key = ?"))
        {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery())
            {
                final String value = rs.next() ? rs.getString(1) : null;
                recorder.add(now -> HistoryEvent.okRead(process, key, value, now));
            }
            completed.incrementAndGet();
            return false;
        }
        catch (final SQLException ex)
        {
            recorder.add(now -> HistoryEvent.fail(process, HistoryEvent.Function.READ, key, now)); // reads change nothing
            return false;
        }
    }

    private boolean write(final Connection c, final long process, final String key, final String value)
    {
        recorder.add(now -> HistoryEvent.invokeWrite(process, key, value, now));
        try (PreparedStatement ps = c.prepareStatement("UPSERT INTO kv (key, value) VALUES (?, ?)"))
        {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
            recorder.add(now -> HistoryEvent.okWrite(process, key, value, now));
            completed.incrementAndGet();
            return false;
        }
        catch (final SQLException ex)
        {
            return failed(process, HistoryEvent.Function.WRITE, key, ex);
        }
    }

    private boolean cas(
        final Connection c, final long process, final String key, final String expected, final String value)
    {
        recorder.add(now -> HistoryEvent.invokeCas(process, key, expected, value, now));
        try (PreparedStatement ps = c.prepareStatement("UPDATE kv SET value = ? WHERE key = ? AND value = ?"))
        {
            ps.setString(1, value);
            ps.setString(2, key);
            ps.setString(3, expected);
            if (ps.executeUpdate() == 1)
            {
                recorder.add(now -> HistoryEvent.okCas(process, key, expected, value, now));
            }
            else
            {
                recorder.add(now -> HistoryEvent.fail(process, HistoryEvent.Function.CAS, key, now));
            }
            completed.incrementAndGet();
            return false;
        }
        catch (final SQLException ex)
        {
            return failed(process, HistoryEvent.Function.CAS, key, ex);
        }
    }

    private boolean increment(final Connection c, final long process, final String key)
    {
        recorder.add(now -> HistoryEvent.invokeIncr(process, key, 1, now));
        try (PreparedStatement ps = c.prepareStatement("UPDATE kv SET value = value + 1 WHERE key = ? RETURNING value"))
        {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery())
            {
                rs.next();
                final long value = rs.getLong(1);
                recorder.add(now -> HistoryEvent.okIncr(process, key, value, now));
            }
            successfulIncrements.incrementAndGet();
            completed.incrementAndGet();
            return false;
        }
        catch (final SQLException ex)
        {
            final boolean uncertain = failed(process, HistoryEvent.Function.INCR, key, ex);
            if (uncertain)
            {
                uncertainIncrements.incrementAndGet();
            }
            return uncertain;
        }
    }

    /** Records the completion of a failed write: info (unknown outcome) unless the error says it took no effect. */
    private boolean failed(final long process, final HistoryEvent.Function f, final String key, final SQLException ex)
    {
        final String state = ex.getSQLState() == null ? "" : ex.getSQLState();
        final boolean noEffect = !(ex instanceof SQLTimeoutException) && !state.startsWith("08");
        if (noEffect)
        {
            recorder.add(now -> HistoryEvent.fail(process, f, key, now));
            return false;
        }
        recorder.add(now -> HistoryEvent.info(process, f, key, now));
        return true;
    }

    private static long readLong(final Connection c, final String key) throws SQLException
    {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM kv WHERE key = ?"))
        {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery())
            {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
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

    private static String dump(final History history)
    {
        final StringWriter out = new StringWriter();
        try
        {
            history.writeJsonLines(out);
        }
        catch (final java.io.IOException ex)
        {
            return "(history not printable: " + ex + ")";
        }
        final String text = out.toString();
        return text.length() > 20_000 ? text.substring(text.length() - 20_000) : text;
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Appends events in real-time order from any thread. */
    private static final class Recorder
    {
        private final History history = new History();

        synchronized void add(final java.util.function.LongFunction<HistoryEvent> event)
        {
            history.add(event.apply(System.nanoTime()));
        }

        synchronized History history()
        {
            return history;
        }
    }
}
