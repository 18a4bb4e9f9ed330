package io.geo.bench.report;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.format.OutputFormat;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * JMH's output reduced to one line per trial and iteration (which trial of how many, its parameters, the p50 per
 * region when an iteration ends); what a forked JVM prints goes through only when it looks like an error.
 */
final class ProgressOutput implements OutputFormat
{
    private final PrintStream out;
    private final int total;
    private int started;
    private long trialStartNs;

    ProgressOutput(final PrintStream out, final int total)
    {
        this.out = out;
        this.total = total;
    }

    @Override
    public void startBenchmark(final BenchmarkParams params)
    {
        started++;
        trialStartNs = System.nanoTime();
        final String name = params.getBenchmark();
        final String benchmark = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1,
            name.lastIndexOf('.'));
        if (params.getParam("offeredLoad") != null)
        {
            out.printf(Locale.ROOT, "[%d/%d] %s %s, %s commands/s offered%n", started, total, benchmark,
                params.getParam("protocol"), params.getParam("offeredLoad"));
            return;
        }
        out.printf(Locale.ROOT, "[%d/%d] %s %s, conflict %s%%, %s, %s B%n", started, total, benchmark,
            params.getParam("protocol"), params.getParam("conflictPercent"), params.getParam("mix"),
            params.getParam("valueBytes"));
    }

    @Override
    public void iteration(final BenchmarkParams benchmarkParams, final IterationParams params, final int iteration)
    {
    }

    @Override
    public void iterationResult(
        final BenchmarkParams benchmarkParams, final IterationParams params, final int iteration,
        final IterationResult data)
    {
        final String type = params.getType() == IterationType.WARMUP ? "warmup" : "measurement";
        if (benchmarkParams.getParam("offeredLoad") != null)
        {
            out.printf(Locale.ROOT, "      %s %d: sent %.0f commands/s (%.0f s into the trial)%n", type, iteration,
                data.getPrimaryResult().getScore(), (System.nanoTime() - trialStartNs) / 1e9);
            return;
        }
        final StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "      %s %d: p50", type, iteration));
        for (final Map.Entry<String, Result> e : data.getSecondaryResults().entrySet())
        {
            if (e.getKey().indexOf(':') >= 0 || e.getKey().matches("p\\d.*"))
            {
                continue; // JMH's percentile entries (region:p0.50, and the group's own p0.50)
            }
            line.append(String.format(Locale.ROOT, " %s %.1f", e.getKey(),
                e.getValue().getStatistics().getPercentile(50)));
        }
        line.append(String.format(Locale.ROOT, " ms (%d samples, %.0f s into the trial)",
            data.getPrimaryResult().getStatistics().getN(), (System.nanoTime() - trialStartNs) / 1e9));
        out.println(line);
    }

    @Override
    public void endBenchmark(final BenchmarkResult result)
    {
    }

    @Override
    public void startRun()
    {
    }

    @Override
    public void endRun(final Collection<RunResult> result)
    {
    }

    @Override
    public void print(final String s)
    {
        passErrors(s);
    }

    @Override
    public void println(final String s)
    {
        passErrors(s);
    }

    @Override
    public void flush()
    {
        out.flush();
    }

    @Override
    public void close()
    {
        out.flush();
    }

    @Override
    public void verbosePrintln(final String s)
    {
    }

    @Override
    public void write(final int b)
    {
    }

    @Override
    public void write(final byte[] b)
    {
    }

    private void passErrors(final String s)
    {
        if (s != null && (s.contains("Exception") || s.contains("ERROR") || s.contains("Error:") ||
            s.contains("<failure>")))
        {
            out.println("      " + s.strip());
        }
    }
}
