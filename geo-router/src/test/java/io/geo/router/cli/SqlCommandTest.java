package io.geo.router.cli;

import io.geo.router.sidecar.InProcessCluster;
import io.geo.router.sidecar.TestClusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code geo sql} against real sidecars: statements run, a bad one fails the exit code, --repeat measures. */
@Timeout(120)
class SqlCommandTest
{
    @Test
    void shouldRunStatementsAndReportFailuresInTheExitCode(@TempDir final Path dir) throws Exception
    {
        try (InProcessCluster cluster = InProcessCluster.start(TestClusters.writeDirectConfig(dir, "sql-cli")))
        {
            assertEquals(0, GeoMain.run("sql", "--url", cluster.url(0), "UPSERT INTO kv VALUES ('cli', '1')",
                "UPDATE kv SET value = value + 41 WHERE key = 'cli'"));
            assertEquals(0, GeoMain.run("sql", "--url", cluster.url(1), "--repeat", "20", "--warmup", "2",
                "--property", "consistency=stale-local", "SELECT value FROM kv WHERE key = 'cli'"));
            assertEquals(1, GeoMain.run("sql", "--url", cluster.url(2), "SELEC value FROM kv"));
            assertEquals(2, GeoMain.run("sql", "--url", cluster.url(2), "--property", "nonsense", "x"));
            assertEquals(1, GeoMain.run("sql", "--url", cluster.url(2), "--property", "colour=blue", "x"),
                "an unknown property fails the connect");
            try (Connection c = DriverManager.getConnection(cluster.url(2)); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT value FROM kv WHERE key = 'cli'"))
            {
                assertTrue(rs.next());
                assertEquals(42, rs.getLong(1));
            }
        }
    }
}
