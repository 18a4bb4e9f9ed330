package io.geo.router.cli;

import io.geo.router.config.ClusterConfig;
import io.geo.router.config.ClusterConfigException;
import io.geo.router.sidecar.Sidecar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
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

        final Sidecar sidecar;
        try
        {
            sidecar = Sidecar.start(config, nodeId);
        }
        catch (final Exception ex)
        {
            System.err.println("geo sidecar: node " + nodeId + " could not start: " + ex.getMessage());
            return 1;
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
            sidecar.run(stop::get, TimeUnit.SECONDS.toNanos(statusSeconds), out);
            out.println(sidecar.status());
        }
        finally
        {
            sidecar.close();
            out.println("geo sidecar: node " + nodeId + " stopped");
            stopped.countDown();
        }
        return main.isInterrupted() ? 1 : 0;
    }
}
