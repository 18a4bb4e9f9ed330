package io.geo.router.sidecar;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
        final List<Process> processes = new ArrayList<>();
        final List<List<String>> outputs = new ArrayList<>();
        final List<CountDownLatch> connected = new ArrayList<>();
        final List<Thread> readers = new ArrayList<>();
        try
        {
            for (int node = 0; node < 3; node++)
            {
                final List<String> command = command(config, node);
                if (node == 0)
                {
                    command.add("--metrics");
                    command.add("127.0.0.1:0");
                }
                final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                processes.add(process);
                final List<String> lines = Collections.synchronizedList(new ArrayList<>());
                outputs.add(lines);
                final CountDownLatch latch = new CountDownLatch(1);
                connected.add(latch);
                final Thread reader = new Thread(() -> read(process, lines, latch), "sidecar-" + node + "-output");
                reader.setDaemon(true);
                reader.start();
                readers.add(reader);
            }
            for (int node = 0; node < 3; node++)
            {
                assertTrue(connected.get(node).await(60, TimeUnit.SECONDS),
                    "node " + node + " connected to both peers; output: " + outputs.get(node));
            }
            Thread.sleep(1500); // let gossip flow and a metrics snapshot be published
            final String metricsUrl = outputs.get(0).stream()
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
            for (final Process process : processes)
            {
                // SIGTERM through the handle: Process.destroy() would also close our end of its output pipe.
                process.toHandle().destroy();
            }
            for (int node = 0; node < 3; node++)
            {
                final Process process = processes.get(node);
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "node " + node + " exits after SIGTERM");
                readers.get(node).join(TimeUnit.SECONDS.toMillis(10)); // drain the rest of its output
                // A JVM stopped by SIGTERM exits with 128 + 15 once its shutdown hook has finished.
                assertTrue(process.exitValue() == 0 || process.exitValue() == 143,
                    "exit code " + process.exitValue() + " of node " + node + ": " + outputs.get(node));
                final String output = String.join("\n", outputs.get(node));
                assertTrue(output.contains("geo sidecar: node " + node + " stopped"), output);
                assertTrue(output.matches("(?s).*received [1-9][0-9]*, dropped 0.*"), "messages flowed: " + output);
            }
        }
        finally
        {
            for (final Process process : processes)
            {
                process.destroyForcibly();
            }
        }
    }

    private static void read(final Process process, final List<String> lines, final CountDownLatch connected)
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                lines.add(line);
                if (line.contains("connected to 2 of 2 peers"))
                {
                    connected.countDown();
                }
            }
        }
        catch (final IOException ignored)
        {
            // the process ended
        }
    }

    private static List<String> command(final Path config, final int node)
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String flag : System.getProperty("geo.test.jvm.flags", "").split(" "))
        {
            if (!flag.isBlank())
            {
                command.add(flag);
            }
        }
        command.add("-Dgeo.config.dir=" + TestClusters.configDir());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.geo.router.cli.GeoMain");
        command.add("sidecar");
        command.add("--config");
        command.add(config.toString());
        command.add("--node");
        command.add(Integer.toString(node));
        command.add("--status-seconds");
        command.add("0");
        return command;
    }
}
