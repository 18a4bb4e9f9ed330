package io.geo.router.cli;

import io.geo.router.config.ClusterConfig;
import io.geo.router.config.ClusterConfigException;
import io.geo.router.config.ClusterNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code geo cluster up|down|status}: a local multi-process cluster, one JVM per node plus the WAN relay when the
 * config names one. Processes run detached; their logs and a pid file live in the run directory (next to the first
 * node's data folder: {@code <data>/../run}).
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Start, stop and inspect a local multi-process cluster (one JVM per node, plus the WAN relay).",
    subcommands = {ClusterCommand.Up.class, ClusterCommand.Down.class, ClusterCommand.Status.class})
final class ClusterCommand implements Runnable
{
    @Override
    public void run()
    {
        System.out.println("geo cluster: choose up, down or status (see --help)");
    }

    private static final String PID_FILE = "pids";
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long STOP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(15);

    /** Options every subcommand takes. */
    abstract static class Base implements Callable<Integer>
    {
        @Option(names = "--config", paramLabel = "FILE", required = true, description = "Cluster config (.cluster).")
        Path configFile;

        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

        ClusterConfig load()
        {
            try
            {
                return ClusterConfig.load(configFile);
            }
            catch (final ClusterConfigException ex)
            {
                throw new IllegalArgumentException(ex.getMessage(), ex);
            }
        }

        static Path runDir(final ClusterConfig config)
        {
            return config.node(0).dataDir().toAbsolutePath().normalize().getParent().resolve("run");
        }

        static List<Long> readPids(final Path runDir) throws IOException
        {
            final Path file = runDir.resolve(PID_FILE);
            final List<Long> pids = new ArrayList<>();
            if (Files.exists(file))
            {
                for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
                {
                    if (!line.isBlank())
                    {
                        pids.add(Long.parseLong(line.split(" ")[0]));
                    }
                }
            }
            return pids;
        }

        static boolean alive(final long pid)
        {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }

        @Override
        public final Integer call()
        {
            try
            {
                return execute();
            }
            catch (final IllegalArgumentException ex)
            {
                System.err.println("geo cluster: " + ex.getMessage());
                return 2;
            }
            catch (final IOException ex)
            {
                System.err.println("geo cluster: " + ex.getMessage());
                return 1;
            }
        }

        abstract int execute() throws IOException;
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start the relay (if configured) and every node; wait until all nodes are connected.")
    static final class Up extends Base
    {
        @Override
        int execute() throws IOException
        {
            final ClusterConfig config = load();
            final Path runDir = runDir(config);
            Files.createDirectories(runDir);
            for (final long pid : readPids(runDir))
            {
                if (alive(pid))
                {
                    throw new IllegalArgumentException("cluster " + config.name() + " is already running (pid " + pid +
                        "); stop it first: geo cluster down --config " + configFile);
                }
            }
            final List<String> pidLines = new ArrayList<>();
            final List<Process> started = new ArrayList<>();
            try
            {
                final Optional<Path> relayFile = config.relay().map(relay -> Paths.get(relay.source()));
                if (relayFile.isPresent())
                {
                    final Process relay = launch(runDir.resolve("relay.log"), "wan", "relay", "--config",
                        relayFile.get().toString());
                    started.add(relay);
                    pidLines.add(relay.pid() + " relay");
                    out.println("relay started (pid " + relay.pid() + "), log " + runDir.resolve("relay.log"));
                }
                for (final ClusterNode node : config.nodes())
                {
                    final Path log = runDir.resolve("node-" + node.id() + ".log");
                    final Process process = launch(log, "sidecar", "--config", configFile.toString(), "--node",
                        Integer.toString(node.id()));
                    started.add(process);
                    pidLines.add(process.pid() + " node-" + node.id());
                    out.println("node " + node.id() + " (" + node.regionName() + ") started (pid " + process.pid() +
                        "), log " + log);
                }
                Files.write(runDir.resolve(PID_FILE), pidLines, StandardCharsets.UTF_8);
                awaitConnected(config, runDir, started);
                out.println("cluster " + config.name() + " is up: " + config.nodeCount() + " nodes connected; stop " +
                    "it with: geo cluster down --config " + configFile);
                return 0;
            }
            catch (final IOException | RuntimeException ex)
            {
                for (final Process process : started)
                {
                    process.toHandle().destroy();
                }
                Files.deleteIfExists(runDir.resolve(PID_FILE));
                throw ex;
            }
        }

        private void awaitConnected(final ClusterConfig config, final Path runDir, final List<Process> started)
            throws IOException
        {
            final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
            final String connected = "connected to " + (config.nodeCount() - 1) + " of " + (config.nodeCount() - 1);
            while (true)
            {
                int ready = 0;
                for (final ClusterNode node : config.nodes())
                {
                    final Path log = runDir.resolve("node-" + node.id() + ".log");
                    if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(connected))
                    {
                        ready++;
                    }
                }
                if (ready == config.nodeCount())
                {
                    return;
                }
                for (final Process process : started)
                {
                    if (!process.isAlive())
                    {
                        throw new IOException("a process exited during start (exit code " + process.exitValue() +
                            "); see the logs in " + runDir);
                    }
                }
                if (System.nanoTime() > deadlineNs)
                {
                    throw new IOException("nodes did not all connect within 60 s (" + ready + " of " +
                        config.nodeCount() + "); see the logs in " + runDir);
                }
                sleep(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }

        /** Starts {@code geo <args>} detached, with this JVM's flags and classpath, output to {@code log}. */
        private static Process launch(final Path log, final String... args) throws IOException
        {
            final List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
            {
                if (argument.startsWith("--add-") || argument.startsWith("-D") || argument.startsWith("--enable-") ||
                    argument.startsWith("--sun-"))
                {
                    command.add(argument);
                }
            }
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(GeoMain.class.getName());
            command.addAll(List.of(args));
            return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()))
                .start();
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stop every process of the cluster (SIGTERM, then SIGKILL after 15 s).")
    static final class Down extends Base
    {
        @Override
        int execute() throws IOException
        {
            final ClusterConfig config = load();
            final Path runDir = runDir(config);
            final List<Long> pids = readPids(runDir);
            if (pids.isEmpty())
            {
                out.println("cluster " + config.name() + " is not running (no pid file in " + runDir + ")");
                return 0;
            }
            // Nodes first, the relay (first line) last, so nodes stop while their links still work.
            for (int i = pids.size() - 1; i >= 0; i--)
            {
                ProcessHandle.of(pids.get(i)).ifPresent(ProcessHandle::destroy);
            }
            final long deadlineNs = System.nanoTime() + STOP_TIMEOUT_NS;
            for (final long pid : pids)
            {
                while (alive(pid) && System.nanoTime() < deadlineNs)
                {
                    sleep(TimeUnit.MILLISECONDS.toNanos(100));
                }
                if (alive(pid))
                {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    out.println("pid " + pid + " did not stop within 15 s: killed");
                }
            }
            Files.deleteIfExists(runDir.resolve(PID_FILE));
            out.println("cluster " + config.name() + " stopped (" + pids.size() + " processes)");
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show which processes run and each node's last status line.")
    static final class Status extends Base
    {
        @Override
        int execute() throws IOException
        {
            final ClusterConfig config = load();
            final Path runDir = runDir(config);
            final Path pidFile = runDir.resolve(PID_FILE);
            if (!Files.exists(pidFile))
            {
                out.println("cluster " + config.name() + " is not running");
                return 1;
            }
            int running = 0;
            final List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            for (final String line : lines)
            {
                final String[] parts = line.split(" ");
                final boolean alive = alive(Long.parseLong(parts[0]));
                running += alive ? 1 : 0;
                final Path log = runDir.resolve(parts[1] + ".log");
                out.println(parts[1] + " pid " + parts[0] + (alive ? " running" : " NOT RUNNING") + ": " +
                    lastStatusLine(log));
            }
            out.println(running + " of " + lines.size() + " processes running");
            return running == lines.size() ? 0 : 1;
        }

        private static String lastStatusLine(final Path log) throws IOException
        {
            if (!Files.exists(log))
            {
                return "(no log)";
            }
            final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--)
            {
                if (lines.get(i).contains("messages sent") || lines.get(i).startsWith("relay running"))
                {
                    return lines.get(i);
                }
            }
            return lines.isEmpty() ? "(empty log)" : lines.get(lines.size() - 1);
        }
    }

    private static void sleep(final long nanos)
    {
        try
        {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }
}
