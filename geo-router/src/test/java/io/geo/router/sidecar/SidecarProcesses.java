package io.geo.router.sidecar;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sidecar JVMs of one cluster config for process tests: start, wait until connected, kill -9, SIGTERM, restart on
 * the same data. Every process started is stopped by {@link #close()} (forcibly if still running).
 */
public final class SidecarProcesses implements AutoCloseable
{
    private final Path config;
    private final Process[] processes;
    private final Thread[] readers;
    private final List<List<String>> outputs = new ArrayList<>();

    public SidecarProcesses(final Path config, final int nodes)
    {
        this.config = config;
        this.processes = new Process[nodes];
        this.readers = new Thread[nodes];
        for (int i = 0; i < nodes; i++)
        {
            outputs.add(Collections.synchronizedList(new ArrayList<>()));
        }
    }

    /** Starts node {@code id} with extra sidecar options; its output lines are collected (see {@link #output}). */
    public void start(final int id, final String... extraArgs) throws IOException
    {
        if (processes[id] != null && processes[id].isAlive())
        {
            throw new IllegalStateException("node " + id + " is running");
        }
        final List<String> lines = outputs.get(id);
        lines.add("---- start");
        final List<String> command = command(id);
        command.addAll(List.of(extraArgs));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes[id] = process;
        final Thread reader = new Thread(() -> read(process, lines), "sidecar-" + id + "-output");
        reader.setDaemon(true);
        reader.start();
        readers[id] = reader;
    }

    /** Waits until node {@code id}'s latest start printed that it reached all {@code peers} peers. */
    public void awaitConnected(final int id, final int peers, final int seconds) throws InterruptedException
    {
        final String wanted = "connected to " + peers + " of " + peers + " peers";
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadlineNs)
        {
            final List<String> lines = outputs.get(id);
            synchronized (lines)
            {
                final int start = lines.lastIndexOf("---- start");
                for (int i = start; i < lines.size(); i++)
                {
                    if (lines.get(i).contains(wanted))
                    {
                        return;
                    }
                }
            }
            if (processes[id] == null || !processes[id].isAlive())
            {
                throw new IllegalStateException("node " + id + " exited: " + output(id));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("node " + id + " not connected within " + seconds + " s: " + output(id));
    }

    /** kill -9: no shutdown hook, no fsync beyond what the node did itself. */
    public void kill(final int id) throws InterruptedException
    {
        final Process process = processes[id];
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("node " + id + " survived kill -9");
        }
    }

    /** SIGSTOP: the node freezes (a stalled machine: its sockets stay open, it answers nothing). */
    public void pause(final int id) throws IOException, InterruptedException
    {
        signal(id, "STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume(final int id) throws IOException, InterruptedException
    {
        signal(id, "CONT");
    }

    private void signal(final int id, final String signal) throws IOException, InterruptedException
    {
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(processes[id].pid()))
            .redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0)
        {
            throw new IllegalStateException("kill -" + signal + " of node " + id + " failed");
        }
    }

    /** SIGTERM and wait for a clean exit (0 or 143); returns the exit code. */
    public int terminate(final int id) throws InterruptedException
    {
        final Process process = processes[id];
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of the output pipe
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("node " + id + " did not stop within 60 s after SIGTERM: " + output(id));
        }
        readers[id].join(TimeUnit.SECONDS.toMillis(10)); // the rest of its output
        return process.exitValue();
    }

    public String output(final int id)
    {
        synchronized (outputs.get(id))
        {
            return String.join("\n", outputs.get(id));
        }
    }

    @Override
    public void close()
    {
        for (final Process process : processes)
        {
            if (process != null && process.isAlive())
            {
                process.destroyForcibly();
                try
                {
                    process.waitFor(30, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void read(final Process process, final List<String> lines)
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                lines.add(line);
            }
        }
        catch (final IOException ignored)
        {
            // the process ended
        }
    }

    private List<String> command(final int node)
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
