package io.geo.jdbc;

import io.geo.epaxos.check.CheckResult;
import io.geo.epaxos.check.History;
import io.geo.epaxos.check.HistoryEvent;
import io.geo.epaxos.check.LinearizabilityChecker;

import io.geo.router.config.ClusterConfig;

import java.io.StringWriter;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clients of the process fault tests: JDBC connections running reads, writes, compare-and-sets and increments
 * while the test injects faults, recording a history for the simulator's linearizability checker and counting the
 * increments that succeeded (exactly once) or had an unknown outcome (at most once).
 */
final class FaultWorkload
{
    static final String[] KEYS = {"k0", "k1", "k2", "k3"};
    static final String[] COUNTERS = {"c0", "c1"};

    /** Opens a client's connection (again after a failure). */
    @FunctionalInterface
    interface Connector
    {
        Connection connect() throws SQLException;
    }

    /** Prints the phase of a fault test and lets it run for {@code seconds}. */
    static void phase(final String name, final int seconds) throws InterruptedException
    {
        System.out.println("faults: " + name + " for " + seconds + " s");
        Thread.sleep(seconds * 1000L);
    }

    /** A JDBC connection to node {@code home} of {@code config}, with short timeouts for fault tests. */
    static Connection connect(
        final ClusterConfig config, final int home, final String consistency, final boolean crossRegionFailover)
        throws SQLException
    {
        final Properties props = new Properties();
        props.setProperty("consistency", consistency);
        props.setProperty("region", config.node(home).regionName());
        props.setProperty("crossRegionFailover", Boolean.toString(crossRegionFailover));
        props.setProperty("connectTimeout", "1000");
        props.setProperty("attemptTimeout", "2000");
        props.setProperty("requestTimeout", "10000");
        return DriverManager.getConnection("jdbc:geo://127.0.0.1:" + config.node(home).client().getPort() + "/",
            props);
    }

    private final Recorder recorder = new Recorder();
    private final AtomicLong successfulIncrements = new AtomicLong();
    private final AtomicLong uncertainIncrements = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();

    /**
     * Checks the history (linearizable, some progress) and that the counters, read through {@code reader}, hold
     * every successful increment once and each uncertain one at most once; prints a summary.
     */
    void check(final Connection reader) throws SQLException
    {
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

        long counted = 0;
        for (final String counter : COUNTERS)
        {
            counted += readLong(reader, counter);
        }
        final long counters = counted;
        assertTrue(counters >= successfulIncrements.get() &&
            counters <= successfulIncrements.get() + uncertainIncrements.get(),
            () -> "counters hold " + counters + ": successful increments " + successfulIncrements.get() +
            ", uncertain " + uncertainIncrements.get());
    }

    /**
     * Runs one client until {@code stop}: reads, writes and compare-and-sets on {@link #KEYS} of a keyspace picked
     * from {@code keyspaces} for each op, increments of {@link #COUNTERS} in {@code kv}. {@code index} makes its
     * history processes and values its own.
     */
    void runClient(final Connector connector, final List<String> keyspaces, final int index, final AtomicBoolean stop)
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
                    connection = connector.connect();
                }
                final int choice = random.nextInt(100);
                final String keyspace = keyspaces.get(random.nextInt(keyspaces.size()));
                final boolean uncertain;
                if (choice < 30)
                {
                    uncertain = read(connection, process, keyspace, KEYS[random.nextInt(KEYS.length)]);
                }
                else if (choice < 60)
                {
                    uncertain = write(connection, process, keyspace, KEYS[random.nextInt(KEYS.length)],
                        "v" + index + "-" + sequence++);
                }
                else if (choice < 80)
                {
                    uncertain = cas(connection, process, keyspace, KEYS[random.nextInt(KEYS.length)],
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
    private boolean read(final Connection c, final long process, final String keyspace, final String userKey)
    {
        final String key = keyspace + "/" + userKey;
        recorder.add(now -> HistoryEvent.invokeRead(process, key, now));
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM " + keyspace + " WHERE key = ?"))
        {
            ps.setString(1, userKey);
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
            // reads change nothing
            recorder.add(now -> HistoryEvent.fail(process, HistoryEvent.Function.READ, key, now));
            return false;
        }
    }

    private boolean write(
        final Connection c, final long process, final String keyspace, final String userKey, final String value)
    {
        final String key = keyspace + "/" + userKey;
        recorder.add(now -> HistoryEvent.invokeWrite(process, key, value, now));
        try (PreparedStatement ps = c.prepareStatement("UPSERT INTO " + keyspace + " (key, value) VALUES (?, ?)"))
        {
            ps.setString(1, userKey);
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

    private boolean cas(final Connection c, final long process, final String keyspace, final String userKey,
        final String expected, final String value)
    {
        final String key = keyspace + "/" + userKey;
        recorder.add(now -> HistoryEvent.invokeCas(process, key, expected, value, now));
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + keyspace +
            " SET value = ? WHERE key = ? AND value = ?"))
        {
            ps.setString(1, value);
            ps.setString(2, userKey);
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

    private boolean increment(final Connection c, final long process, final String userKey)
    {
        final String key = "kv/" + userKey;
        recorder.add(now -> HistoryEvent.invokeIncr(process, key, 1, now));
        try (PreparedStatement ps = c.prepareStatement("UPDATE kv SET value = value + 1 WHERE key = ? RETURNING value"))
        {
            ps.setString(1, userKey);
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

    static long readLong(final Connection c, final String key) throws SQLException
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
