package io.geo.jdbc;

import io.geo.router.sidecar.InProcessCluster;
import io.geo.router.sidecar.TestClusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failover and deadlines with real sidecars stopping under the driver: a connection moves to the next listed node
 * when its node stops, without applying anything twice; without a quorum every call ends at its deadline with
 * SQLTimeoutException, and a connect with no node up fails fast with SQLState 08001.
 */
@Timeout(180)
class JdbcFailoverTest
{
    @Test
    void shouldFailOverToTheNextNodeAndTimeOutWithoutAQuorum(@TempDir final Path dir) throws Exception
    {
        try (InProcessCluster cluster = InProcessCluster.start(TestClusters.writeDirectConfig(dir, "failover")))
        {
            final Properties props = new Properties();
            props.setProperty("crossRegionFailover", "true");
            props.setProperty("attemptTimeout", "1000");
            try (Connection c = DriverManager.getConnection(cluster.url(1, 0), props);
                PreparedStatement increment = c.prepareStatement("UPDATE kv SET value = value + 1 WHERE key = 'f'"))
            {
                final GeoConnection geo = c.unwrap(GeoConnection.class);
                assertTrue(geo.getNodeDescription().startsWith("node 1 "), geo.getNodeDescription());
                for (int i = 0; i < 5; i++)
                {
                    increment.executeUpdate();
                }
                cluster.stopNode(1);
                for (int i = 0; i < 5; i++)
                {
                    assertEquals(1, increment.executeUpdate());
                }
                assertTrue(geo.getNodeDescription().startsWith("node 0 "), geo.getNodeDescription());
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT value FROM kv WHERE key = 'f'"))
                {
                    rs.next();
                    assertEquals(10, rs.getLong(1));
                }

                cluster.stopNode(2); // node 0 alone: no quorum
                increment.setQueryTimeout(1);
                final long startNs = System.nanoTime();
                final SQLTimeoutException timeout = assertThrows(SQLTimeoutException.class, increment::executeUpdate);
                final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                assertEquals("HYT00", timeout.getSQLState());
                assertTrue(tookMs < 5_000, "the call ended near its 1 s deadline, took " + tookMs + " ms");
                assertTrue(timeout.getMessage().contains("at most once"), timeout.getMessage());

                cluster.startNode(1);
                cluster.startNode(2);
                cluster.awaitConnected(60);
                increment.setQueryTimeout(30);
                assertEquals(1, increment.executeUpdate());
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT value FROM kv WHERE key = 'f'"))
                {
                    rs.next();
                    final long value = rs.getLong(1);
                    assertTrue(value == 11 || value == 12, "the timed-out increment applied at most once: " + value);
                }
            }
        }
    }

    @Test
    void shouldRefuseAWrongPasswordWithSqlState28000(@TempDir final Path dir) throws Exception
    {
        final Path config = TestClusters.writeDirectConfig(dir, "auth");
        java.nio.file.Files.writeString(dir.resolve("clients.password"), "correct horse\n");
        java.nio.file.Files.writeString(config, "client-password-file clients.password\n",
            java.nio.file.StandardOpenOption.APPEND);
        try (InProcessCluster cluster = InProcessCluster.start(config))
        {
            final Properties good = new Properties();
            good.setProperty("user", "app");
            good.setProperty("password", "correct horse");
            try (Connection c = DriverManager.getConnection(cluster.url(0), good); Statement s = c.createStatement())
            {
                assertEquals(1, s.executeUpdate("UPSERT INTO kv VALUES ('auth', 'ok')"));
            }
            final Properties bad = new Properties();
            bad.setProperty("user", "app");
            bad.setProperty("password", "battery staple");
            final java.sql.SQLInvalidAuthorizationSpecException refused = assertThrows(
                java.sql.SQLInvalidAuthorizationSpecException.class,
                () -> DriverManager.getConnection(cluster.url(0, 1), bad));
            assertEquals("28000", refused.getSQLState());
            assertTrue(refused.getMessage().contains("'app'") && !refused.getMessage().contains("battery"),
                refused.getMessage());
            assertThrows(java.sql.SQLInvalidAuthorizationSpecException.class,
                () -> DriverManager.getConnection(cluster.url(1)), "no password at all");
        }
    }

    @Test
    void shouldFailToConnectWithSqlState08001WhenNoNodeAnswers() throws Exception
    {
        final int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        final Properties props = new Properties();
        props.setProperty("connectTimeout", "500");
        final long startNs = System.nanoTime();
        final SQLTransientConnectionException ex = assertThrows(SQLTransientConnectionException.class,
            () -> DriverManager.getConnection("jdbc:geo://127.0.0.1:" + port + "/", props));
        assertEquals("08001", ex.getSQLState());
        assertTrue(ex.getMessage().contains("127.0.0.1:" + port), ex.getMessage());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) < 5_000);
    }
}
