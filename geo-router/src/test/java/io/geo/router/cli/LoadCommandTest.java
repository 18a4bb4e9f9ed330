package io.geo.router.cli;

import io.geo.router.sidecar.InProcessCluster;
import io.geo.router.sidecar.TestClusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code geo load} against real sidecars: pipelined sessions complete without errors; bad options exit 2. */
@Timeout(120)
class LoadCommandTest
{
    @Test
    void shouldDrivePipelinedLoadAndRejectBadOptions(@TempDir final Path dir) throws Exception
    {
        try (InProcessCluster cluster = InProcessCluster.start(TestClusters.writeDirectConfig(dir, "load-cli")))
        {
            final String address = "127.0.0.1:" + cluster.config().node(1).client().getPort();
            assertEquals(0, GeoMain.run("load", "--address", address, "--connections", "2", "--pipeline", "8",
                "--seconds", "1", "--warmup", "0", "--writes", "50", "--keys", "100"));
            final String everyNode = address + ",127.0.0.1:" + cluster.config().node(0).client().getPort() +
                ",127.0.0.1:" + cluster.config().node(2).client().getPort();
            assertEquals(0, GeoMain.run("load", "--address", everyNode, "--connections", "3", "--pipeline", "4",
                "--seconds", "1", "--warmup", "0", "--keys", "10"));
            assertEquals(2, GeoMain.run("load", "--address", address + ",nowhere"));
            assertEquals(2, GeoMain.run("load", "--address", address, "--pipeline", "0"));
            assertEquals(2, GeoMain.run("load", "--address", "nowhere"));
            assertEquals(1, GeoMain.run("load", "--address", "127.0.0.1:1", "--seconds", "1"));
        }
    }
}
