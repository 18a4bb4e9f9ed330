package io.geo.router.cli;

import io.geo.router.sidecar.TestClusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterCommandTest
{
    @Test
    @Timeout(120)
    void shouldStartReportAndStopALocalCluster(@TempDir final Path dir) throws Exception
    {
        final Path config = TestClusters.writeDirectConfig(dir, "cluster-test");
        final Path pidFile = dir.resolve("data").resolve("run").resolve("pids");
        try
        {
            assertEquals(0, GeoMain.run("cluster", "up", "--config", config.toString()));
            assertTrue(Files.exists(pidFile));
            assertEquals(0, GeoMain.run("cluster", "status", "--config", config.toString()));
            assertEquals(2, GeoMain.run("cluster", "up", "--config", config.toString()), "already running");
            final List<String> pids = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            assertEquals(3, pids.size());
            assertEquals(0, GeoMain.run("cluster", "down", "--config", config.toString()));
            for (final String line : pids)
            {
                final long pid = Long.parseLong(line.split(" ")[0]);
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " gone");
            }
            assertFalse(Files.exists(pidFile));
            assertEquals(1, GeoMain.run("cluster", "status", "--config", config.toString()), "not running");
        }
        finally
        {
            GeoMain.run("cluster", "down", "--config", config.toString());
        }
    }

    @Test
    void shouldRejectABadConfigWithOneLineAndExitCodeTwo(@TempDir final Path dir) throws Exception
    {
        final Path bad = dir.resolve("bad.cluster");
        Files.writeString(bad, "cluster x\nfrobnicate 3\n", StandardCharsets.UTF_8);
        assertEquals(2, GeoMain.run("cluster", "up", "--config", bad.toString()));
    }
}
