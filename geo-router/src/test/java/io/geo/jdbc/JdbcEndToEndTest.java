package io.geo.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.geo.router.sidecar.InProcessCluster;
import io.geo.router.sidecar.TestClusters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JDBC API end to end against three real sidecars (Aeron, WAL, Chronicle Map) in this JVM: every statement kind
 * with parameters and literals, batches, both consistency modes, the error classes, exactly-once while connections
 * drop mid-call, and a HikariCP pool.
 */
@Timeout(120)
class JdbcEndToEndTest
{
    @TempDir
    static Path dir;
    static InProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception
    {
        final Path config = TestClusters.writeDirectConfig(dir, "jdbc-e2e");
        java.nio.file.Files.writeString(config, "keyspace kv global\nkeyspace accounts global\n",
            java.nio.file.StandardOpenOption.APPEND);
        cluster = InProcessCluster.start(config);
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    private static Connection connect(final int node) throws SQLException
    {
        return DriverManager.getConnection(cluster.url(node));
    }

    @Test
    void shouldRunEveryStatementKindThroughPreparedStatements() throws Exception
    {
        try (Connection c = connect(0); Connection other = connect(2))
        {
            try (PreparedStatement ps = c.prepareStatement("UPSERT INTO accounts (key, value) VALUES (?, ?)"))
            {
                ps.setString(1, "alice");
                ps.setLong(2, 100);
                assertEquals(1, ps.executeUpdate());
                ps.setString(1, "bob");
                ps.setString(2, "50");
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = other.prepareStatement(
                "SELECT key, value FROM accounts WHERE key IN (?, ?, ?)"))
            {
                ps.setString(1, "bob");
                ps.setString(2, "nobody");
                ps.setString(3, "alice");
                try (ResultSet rs = ps.executeQuery())
                {
                    assertTrue(rs.next());
                    assertEquals("bob", rs.getString("key"));
                    assertEquals(50, rs.getLong("value"));
                    assertTrue(rs.next());
                    assertEquals("alice", rs.getString(1));
                    assertEquals(100, rs.getInt(2));
                    assertFalse(rs.next(), "absent keys give no row");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (key, value) VALUES (?, ?)"))
            {
                ps.setString(1, "carol");
                ps.setBytes(2, "7".getBytes(StandardCharsets.UTF_8));
                assertEquals(1, ps.executeUpdate());
                final SQLIntegrityConstraintViolationException exists =
                    assertThrows(SQLIntegrityConstraintViolationException.class, ps::executeUpdate);
                assertEquals("23505", exists.getSQLState());
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET value = ? WHERE key = ? AND value = ?"))
            {
                ps.setString(1, "8");
                ps.setString(2, "carol");
                ps.setString(3, "6");
                assertEquals(0, ps.executeUpdate(), "expected value does not match");
                ps.setString(3, "7");
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement(
                "UPDATE accounts SET value = value + ? WHERE key = ? RETURNING value"))
            {
                ps.setLong(1, 5);
                ps.setString(2, "carol");
                try (ResultSet rs = ps.executeQuery())
                {
                    assertTrue(rs.next());
                    assertEquals(13, rs.getLong("value"));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM accounts WHERE key = ?"))
            {
                ps.setString(1, "carol");
                assertEquals(1, ps.executeUpdate());
                assertEquals(0, ps.executeUpdate(), "already gone");
            }
            try (Statement s = other.createStatement(); ResultSet rs = s.executeQuery(
                "select value from ACCOUNTS where key = 'carol'"))
            {
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void shouldCommitABatchAsOneCommandAndReportAFailedInsert() throws Exception
    {
        try (Connection c = connect(1); Statement s = c.createStatement())
        {
            s.executeUpdate("UPSERT INTO kv VALUES ('b1', 'old')");
            s.addBatch("UPSERT INTO kv VALUES ('b2', 'x')");
            s.addBatch("INSERT INTO kv VALUES ('b1', 'new')");
            s.addBatch("UPDATE kv SET value = value + 3 WHERE key = 'b3'");
            s.addBatch("DELETE FROM kv WHERE key = 'missing'");
            final BatchUpdateException failed = assertThrows(BatchUpdateException.class, s::executeBatch);
            assertEquals("23505", failed.getSQLState());
            assertArrayEquals(new int[] {1, Statement.EXECUTE_FAILED, 1, 0}, failed.getUpdateCounts());
            try (ResultSet rs = s.executeQuery("SELECT key, value FROM kv WHERE key IN ('b1', 'b2', 'b3')"))
            {
                final List<String> rows = new ArrayList<>();
                while (rs.next())
                {
                    rows.add(rs.getString(1) + "=" + rs.getString(2));
                }
                assertEquals(List.of("b1=old", "b2=x", "b3=3"), rows, "the other statements applied");
            }
        }
    }

    @Test
    void shouldReportEachErrorClassWithItsSqlState() throws Exception
    {
        try (Connection c = connect(0); Statement s = c.createStatement())
        {
            final SQLSyntaxErrorException syntax = assertThrows(SQLSyntaxErrorException.class,
                () -> s.executeQuery("SELECT value FORM kv WHERE key = 'a'"));
            assertEquals("42601", syntax.getSQLState());
            assertTrue(syntax.getMessage().contains("position 14") && syntax.getMessage().contains("FORM"),
                syntax.getMessage());
            final SQLSyntaxErrorException keyspace = assertThrows(SQLSyntaxErrorException.class,
                () -> s.executeUpdate("UPSERT INTO nowhere VALUES ('a', 'b')"));
            assertEquals("42P01", keyspace.getSQLState());
            try (PreparedStatement ps = c.prepareStatement("UPSERT INTO kv VALUES (?, ?)"))
            {
                ps.setString(1, "big");
                ps.setBytes(2, new byte[65_537]);
                assertEquals("22001", assertThrows(SQLDataException.class, ps::executeUpdate).getSQLState());
            }
            s.executeUpdate("UPSERT INTO kv VALUES ('word', 'hello')");
            assertEquals("22018", assertThrows(SQLDataException.class,
                () -> s.executeUpdate("UPDATE kv SET value = value + 1 WHERE key = 'word'")).getSQLState());
            s.executeUpdate("UPSERT INTO kv VALUES ('max', 9223372036854775807)");
            assertEquals("22003", assertThrows(SQLDataException.class,
                () -> s.executeUpdate("UPDATE kv SET value = value + 1 WHERE key = 'max'")).getSQLState());
        }
    }

    @Test
    void shouldServeStaleLocalReadsFromTheConnectedNode() throws Exception
    {
        final Properties props = new Properties();
        props.setProperty("consistency", "stale-local");
        try (Connection writer = connect(2);
            Connection reader = DriverManager.getConnection(cluster.url(2), props);
            Statement w = writer.createStatement(); Statement r = reader.createStatement())
        {
            w.executeUpdate("UPSERT INTO kv VALUES ('stale', 'v1')");
            try (ResultSet rs = r.executeQuery("SELECT value FROM kv WHERE key = 'stale'"))
            {
                assertTrue(rs.next(), "the node executed the write before answering it");
                assertEquals("v1", rs.getString(1));
            }
            assertEquals("stale-local", reader.unwrap(GeoConnection.class).getConsistency());
        }
    }

    @Test
    void shouldApplyEveryIncrementExactlyOnceWhileConnectionsDropMidCall() throws Exception
    {
        try (DroppingProxy proxy = new DroppingProxy(cluster.config().node(0).client().getPort(), 0.3, 7))
        {
            final Properties props = new Properties();
            props.setProperty("connectTimeout", "1000");
            props.setProperty("discoverNodes", "false"); // every retry through the proxy
            int calls = 0;
            try (Connection c = DriverManager.getConnection("jdbc:geo://127.0.0.1:" + proxy.port() + "/", props);
                PreparedStatement ps = c.prepareStatement("UPDATE kv SET value = value + 1 WHERE key = ?"))
            {
                ps.setString(1, "dropped-counter");
                for (int i = 0; i < 60; i++)
                {
                    assertEquals(1, ps.executeUpdate());
                    calls++;
                }
            }
            assertTrue(proxy.dropped() >= 5, "the proxy dropped answers: " + proxy.dropped());
            try (Connection c = connect(1); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT value FROM kv WHERE key = 'dropped-counter'"))
            {
                assertTrue(rs.next());
                assertEquals(calls, rs.getLong(1), "each successful call applied once, " + proxy.dropped() +
                    " answers lost on the way");
            }
        }
    }

    @Test
    void shouldWorkUnderAHikariPoolFromSeveralThreads() throws Exception
    {
        final HikariConfig config = new HikariConfig();
        config.setJdbcUrl(cluster.url(1, 0));
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(10_000);
        final int threads = 4;
        final int perThread = 25;
        try (HikariDataSource pool = new HikariDataSource(config))
        {
            final ExecutorService executor = Executors.newFixedThreadPool(threads);
            try
            {
                final List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++)
                {
                    futures.add(executor.submit(() ->
                    {
                        for (int i = 0; i < perThread; i++)
                        {
                            try (Connection c = pool.getConnection();
                                PreparedStatement ps = c.prepareStatement(
                                    "UPDATE kv SET value = value + 1 WHERE key = 'pooled'"))
                            {
                                assertEquals(1, ps.executeUpdate());
                            }
                        }
                        return null;
                    }));
                }
                for (final Future<?> future : futures)
                {
                    future.get(60, TimeUnit.SECONDS);
                }
            }
            finally
            {
                executor.shutdownNow();
            }
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT value FROM kv WHERE key = 'pooled'"))
            {
                assertTrue(rs.next());
                assertEquals(threads * perThread, rs.getLong(1));
                assertTrue(c.isValid(2));
            }
        }
    }
}
