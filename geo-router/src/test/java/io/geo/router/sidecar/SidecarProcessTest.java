package io.geo.router.sidecar;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three sidecar processes on loopback: they connect over Aeron, exchange messages, serve metrics and stop cleanly on
 * SIGTERM.
 */
class SidecarProcessTest
{
    @Test
    @Timeout(120)
    void shouldConnectThreeSidecarProcessesAndStopThemCleanlyOnSigterm(@TempDir final Path dir) throws Exception
    {
        final Path config = TestClusters.writeDirectConfig(dir, "sidecar-test");
        try (SidecarProcesses nodes = new SidecarProcesses(config, 3))
        {
            nodes.start(0, "--metrics", "127.0.0.1:0");
            nodes.start(1);
            nodes.start(2);
            for (int node = 0; node < 3; node++)
            {
                nodes.awaitConnected(node, 2, 60);
            }
            Thread.sleep(1500); // let gossip flow and a metrics snapshot be published
            final String metricsUrl = nodes.output(0).lines()
                .filter(line -> line.startsWith("metrics at "))
                .map(line -> line.substring("metrics at ".length()))
                .findFirst().orElseThrow(() -> new AssertionError("node 0 prints its metrics address"));
            final HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertTrue(response.statusCode() == 200, "metrics status " + response.statusCode());
            assertTrue(response.body().contains("# TYPE geo_messages_received_total counter"), response.body());
            assertTrue(response.body().matches(
                "(?s).*geo_messages_received_total\\{node=\"0\",region=\"us-east-1\"\\} [1-9][0-9]*\n.*"),
                response.body());
            assertTrue(response.body().contains("geo_peers_connected{node=\"0\",region=\"us-east-1\"} 2"),
                response.body());
            for (int node = 0; node < 3; node++)
            {
                // SIGTERM; a JVM stopped by it exits with 128 + 15 once its shutdown hook has finished
                final int exit = nodes.terminate(node);
                assertTrue(exit == 0 || exit == 143, "exit code " + exit + " of node " + node + ": " +
                    nodes.output(node));
                final String output = nodes.output(node);
                assertTrue(output.contains("geo sidecar: node " + node + " stopped"), output);
                assertTrue(output.matches("(?s).*received [1-9][0-9]*, dropped 0.*"), "messages flowed: " + output);
            }
        }
    }
}
