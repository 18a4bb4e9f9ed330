package io.geo.router.cli;

import io.geo.router.config.ClusterConfig;
import io.geo.router.config.ClusterConfigException;
import io.geo.router.sidecar.MetricsServer;
import io.geo.router.sidecar.Sidecar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code geo sidecar}: runs one node of a cluster in the foreground until SIGINT or SIGTERM. */
@Command(
    name = "sidecar",
    mixinStandardHelpOptions = true,
    description = {
        "Run one node of a cluster in the foreground until SIGINT (Ctrl-C) or SIGTERM.",
        "Opens the node's write-ahead log and Chronicle Map state in its data folder, connects to the other nodes",
        "over Aeron (through the WAN relay when the cluster config names one) and runs the replica's duty cycle."})
final class SidecarCommand implements Callable<Integer>
{
    @Option(names = "--config", paramLabel = "FILE", required = true, description = "Cluster config (.cluster).")
    Path configFile;

    @Option(names = "--node", paramLabel = "ID", required = true, description = "This node's id in the config.")
    int nodeId;

    @Option(names = "--status-seconds", paramLabel = "N", defaultValue = "10",
        description = "Print a status line every N seconds, 0 for never (default: ${DEFAULT-VALUE}).")
    int statusSeconds;

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
        description = "Serve Prometheus metrics at http://HOST:PORT/metrics (port 0: any free port).")
    String metricsAddress;

    @Override
    public Integer call()
    {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        final ClusterConfig config;
        try
        {
            config = ClusterConfig.load(configFile);
            if (nodeId < 0 || nodeId >= config.nodeCount())
            {
                throw new IllegalArgumentException("--node must be 0.." + (config.nodeCount() - 1) + " in " +
                    configFile + "; got " + nodeId);
            }
            if (statusSeconds < 0 || statusSeconds > 86_400)
            {
                throw new IllegalArgumentException("--status-seconds must be 0..86400; got " + statusSeconds);
            }
        }
        catch (final ClusterConfigException | IllegalArgumentException ex)
        {
            System.err.println("geo sidecar: " + ex.getMessage());
            return 2;
        }

        final InetSocketAddress metricsBind;
        try
        {
            metricsBind = metricsAddress == null ? null : parseAddress(metricsAddress);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("geo sidecar: " + ex.getMessage());
            return 2;
        }
        final Sidecar sidecar;
        MetricsServer metrics = null;
        try
        {
            sidecar = Sidecar.start(config, nodeId);
            try
            {
                metrics = metricsBind == null ? null : MetricsServer.start(metricsBind);
            }
            catch (final IOException ex)
            {
                sidecar.close();
                throw new IOException("metrics address " + metricsAddress + ": " + ex.getMessage(), ex);
            }
        }
        catch (final Exception ex)
        {
            System.err.println("geo sidecar: node " + nodeId + " could not start: " + ex.getMessage());
            return 1;
        }
        if (metrics != null)
        {
            out.println("metrics at http://" + metrics.address().getHostString() + ":" + metrics.address().getPort() +
                "/metrics");
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread main = Thread.currentThread();
        final var stop = new java.util.concurrent.atomic.AtomicBoolean();
        final Thread hook = new Thread(() ->
        {
            stop.set(true);
            try
            {
                stopped.await(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "geo-sidecar-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("geo sidecar: node " + nodeId + " (" + config.node(nodeId).regionName() + ") of cluster " +
            config.name() + " running; data in " + config.node(nodeId).dataDir() + "; stop with Ctrl-C or SIGTERM");
        try
        {
            sidecar.run(stop::get, TimeUnit.SECONDS.toNanos(statusSeconds), out, metrics);
            out.println(sidecar.status());
        }
        finally
        {
            if (metrics != null)
            {
                metrics.close();
            }
            sidecar.close();
            out.println("geo sidecar: node " + nodeId + " stopped");
            stopped.countDown();
        }
        return main.isInterrupted() ? 1 : 0;
    }

    private static InetSocketAddress parseAddress(final String text)
    {
        final int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1)
        {
            throw new IllegalArgumentException("--metrics must be HOST:PORT; got '" + text + "'");
        }
        final int port;
        try
        {
            port = Integer.parseInt(text.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--metrics port is not a number: '" + text + "'");
        }
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("--metrics port must be 0..65535; got " + port);
        }
        return new InetSocketAddress(text.substring(0, colon), port);
    }
}
