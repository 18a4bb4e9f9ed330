package io.geo.bench.report;

import io.geo.bench.wan.WanBenchCluster;
import io.geo.wan.WanProfile;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Turns the trials' JMH results and counters into report.md and PNG charts. */
final class Report
{
    private static final String E = "EPAXOS";
    private static final String MP = "MULTI_PAXOS";

    private final List<WanProfile> profiles;
    private final Counters counters;
    private final boolean quick;
    private final String command;
    /** key(profile, protocol, conflict, mix, valueBytes) to region name to its latency statistics (ms). */
    private final Map<String, Map<String, Statistics>> trials = new LinkedHashMap<>();
    private final StringBuilder summary = new StringBuilder();

    Report(final List<WanProfile> profiles, final List<RunResult> results, final Counters counters,
        final boolean quick, final String command)
    {
        this.profiles = profiles;
        this.counters = counters;
        this.quick = quick;
        this.command = command;
        for (final RunResult result : results)
        {
            final BenchmarkParams params = result.getParams();
            final String profile = params.getBenchmark().contains("FiveSite") ? "epaxos-5" : "three-regions";
            final Map<String, Statistics> regions = new LinkedHashMap<>();
            for (final Map.Entry<String, Result> e : result.getSecondaryResults().entrySet())
            {
                regions.put(regionName(e.getKey()), e.getValue().getStatistics());
            }
            trials.put(key(profile, params.getParam("protocol"), params.getParam("conflictPercent"),
                params.getParam("mix"), params.getParam("valueBytes")), regions);
        }
    }

    /** "usEast1" to "us-east-1". */
    static String regionName(final String method)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < method.length(); i++)
        {
            final char c = method.charAt(i);
            final boolean boundary = i > 0 && (Character.isUpperCase(c) ||
                (Character.isDigit(c) && !Character.isDigit(method.charAt(i - 1))));
            if (boundary)
            {
                sb.append('-');
            }
            sb.append(Character.toLowerCase(c));
        }
        return sb.toString();
    }

    private static String key(final String profile, final String protocol, final String conflict, final String mix,
        final String valueBytes)
    {
        return String.join("|", profile, protocol, conflict, mix, valueBytes);
    }

    void write(final Path dir) throws IOException
    {
        final StringBuilder md = new StringBuilder();
        md.append("# Latency across emulated regions: EPaxos and a Multi-Paxos baseline\n\n");
        md.append(String.format(Locale.ROOT, "Run %s on %d cores, Java %s (%s), by `%s` (%s per trial).%n%n",
            ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")),
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
            System.getProperty("java.vm.name"), command, BenchMain.timing(quick)));
        md.append("""
            Latency is invoke to answer at the node of the client's region, after execution, for closed-loop clients \
            (4 per region, each its own session), measured by JMH in sample-time mode over the real-time WAN \
            emulator (one JVM, one node per region, stores in memory). EPaxos batches commands as the sidecar does. \
            The baseline is the region log run across the regions without delegation (Multi-Paxos), leader in the \
            profile's first region. Optimum: for EPaxos the round trip from the region to its nearest fast quorum; \
            for the baseline the round trip to the leader plus the leader's round trip to its nearest majority. \
            Conflict: the percentage of commands on one shared key (the rest on keys of the client's own); the \
            conflict rate is measured: the share of EPaxos instances that took the slow path. Raw JMH results: \
            `jmh-*.json`; counters: `counters.tsv`.

            """);
        for (final WanProfile profile : profiles)
        {
            writeProfile(md, dir, profile);
        }
        Files.writeString(dir.resolve("report.md"), md.toString(), StandardCharsets.UTF_8);
    }

    String summary()
    {
        return summary.toString();
    }

    private void writeProfile(final StringBuilder md, final Path dir, final WanProfile profile) throws IOException
    {
        final String name = profile.name();
        final List<String> regions = profile.regions();
        md.append("## ").append(name).append(" (").append(String.join(", ", regions)).append(")\n\n");

        final TreeSet<Integer> conflicts = new TreeSet<>();
        for (final String k : trials.keySet())
        {
            final String[] f = k.split("\\|");
            if (f[0].equals(name) && f[3].equals("WRITE") && f[4].equals("16"))
            {
                conflicts.add(Integer.parseInt(f[2]));
            }
        }
        md.append("### Writes of 16 B, by conflict\n\n");
        md.append("| conflict | region | EPaxos p50 | EPaxos p99 | optimum | p50 / optimum | Multi-Paxos p50 | " +
            "Multi-Paxos p99 | its optimum | EPaxos / Multi-Paxos (p50) | measured conflict rate |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final int c : conflicts)
        {
            final Map<String, Statistics> ours = trials.get(key(name, E, "" + c, "WRITE", "16"));
            final Map<String, Statistics> base = trials.get(key(name, MP, "" + c, "WRITE", "16"));
            final Counters.Trial counted = counters.get(name, E, "" + c, "WRITE", "16");
            for (int r = 0; r < regions.size(); r++)
            {
                final String region = regions.get(r);
                final double o = BenchMain.optimum(profile, WanBenchCluster.Protocol.EPAXOS, r);
                final double ob = BenchMain.optimum(profile, WanBenchCluster.Protocol.MULTI_PAXOS, r);
                final double p50 = pct(ours, region, 50);
                final double b50 = pct(base, region, 50);
                md.append(String.format(Locale.ROOT, "| %d%% | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    c, region, BenchMain.ms(p50), BenchMain.ms(pct(ours, region, 99)), BenchMain.ms(o),
                    ratio(p50, o), BenchMain.ms(b50), BenchMain.ms(pct(base, region, 99)), BenchMain.ms(ob),
                    ratio(p50, b50), r == 0 ? rate(counted) : ""));
            }
        }
        md.append('\n');

        if (conflicts.contains(0))
        {
            final Map<String, Statistics> ours = trials.get(key(name, E, "0", "WRITE", "16"));
            final Map<String, Statistics> base = trials.get(key(name, MP, "0", "WRITE", "16"));
            double worst = 0;
            double sumOurs = 0;
            double sumBase = 0;
            for (int r = 0; r < regions.size(); r++)
            {
                final double p50 = pct(ours, regions.get(r), 50);
                worst = Math.max(worst, p50 / BenchMain.optimum(profile, WanBenchCluster.Protocol.EPAXOS, r));
                sumOurs += p50;
                sumBase += pct(base, regions.get(r), 50);
            }
            final String line = String.format(Locale.ROOT, "%s, 0%% conflict: EPaxos p50 at most %.2f x the " +
                "optimum in every region; averaged over the regions %.1f ms against the baseline's %.1f ms " +
                "(%.2f x).%n", name, worst, sumOurs / regions.size(), sumBase / regions.size(), sumOurs / sumBase);
            md.append("**").append(line.strip()).append("**\n\n");
            summary.append(line);
        }

        final List<String> others = new ArrayList<>();
        for (final String k : trials.keySet())
        {
            final String[] f = k.split("\\|");
            if (f[0].equals(name) && f[1].equals(E) && !(f[3].equals("WRITE") && f[4].equals("16")))
            {
                others.add(k);
            }
        }
        if (!others.isEmpty())
        {
            md.append("### Other operations and value sizes\n\n");
            md.append("| workload | conflict | region | EPaxos p50 | EPaxos p99 | Multi-Paxos p50 | " +
                "Multi-Paxos p99 | measured conflict rate |\n|---|---:|---|---:|---:|---:|---:|---:|\n");
            for (final String k : others)
            {
                final String[] f = k.split("\\|");
                final Map<String, Statistics> ours = trials.get(k);
                final Map<String, Statistics> base = trials.get(key(f[0], MP, f[2], f[3], f[4]));
                final Counters.Trial counted = counters.get(f[0], E, f[2], f[3], f[4]);
                for (int r = 0; r < regions.size(); r++)
                {
                    final String region = regions.get(r);
                    md.append(String.format(Locale.ROOT, "| %s, %s B | %s%% | %s | %s | %s | %s | %s | %s |%n",
                        f[3], f[4], f[2], region, BenchMain.ms(pct(ours, region, 50)),
                        BenchMain.ms(pct(ours, region, 99)), BenchMain.ms(pct(base, region, 50)),
                        BenchMain.ms(pct(base, region, 99)), r == 0 ? rate(counted) : ""));
                }
            }
            md.append('\n');
        }

        // charts
        final double[] xs = new double[conflicts.size()];
        final String[] labels = new String[conflicts.size()];
        int index = 0;
        for (final int c : conflicts)
        {
            xs[index] = index;
            labels[index++] = c + "%";
        }
        final List<Charts.Series> byConflict = new ArrayList<>();
        for (int r = 0; r < regions.size(); r++)
        {
            final double[] ours = new double[xs.length];
            final double[] base = new double[xs.length];
            int i = 0;
            for (final int c : conflicts)
            {
                ours[i] = pct(trials.get(key(name, E, "" + c, "WRITE", "16")), regions.get(r), 50);
                base[i] = pct(trials.get(key(name, MP, "" + c, "WRITE", "16")), regions.get(r), 50);
                i++;
            }
            byConflict.add(new Charts.Series(regions.get(r) + " EPaxos", xs, ours, r, false));
            byConflict.add(new Charts.Series(regions.get(r) + " Multi-Paxos", xs, base, r, true));
        }
        final String latencyChart = "latency-" + name + ".png";
        Charts.categoryChart(dir.resolve(latencyChart), name + ": p50 latency per region by conflict (writes, 16 B)",
            "commands on the shared key", "p50 latency (ms)", labels, byConflict);
        md.append("![p50 per region by conflict](").append(latencyChart).append(")\n\n");

        if (conflicts.contains(0))
        {
            final List<Charts.Series> cdf = new ArrayList<>();
            for (int r = 0; r < regions.size(); r++)
            {
                cdf.add(cdfSeries(regions.get(r) + " EPaxos",
                    trials.get(key(name, E, "0", "WRITE", "16")).get(regions.get(r)), r, false));
                cdf.add(cdfSeries(regions.get(r) + " Multi-Paxos",
                    trials.get(key(name, MP, "0", "WRITE", "16")).get(regions.get(r)), r, true));
            }
            final String cdfChart = "cdf-" + name + ".png";
            Charts.xyChart(dir.resolve(cdfChart), name + ": latency CDF at 0% conflict (writes, 16 B)",
                "latency (ms)", "commands at or below (%)", cdf, 100);
            md.append("![latency CDF at 0% conflict](").append(cdfChart).append(")\n\n");
        }
    }

    private static Charts.Series cdfSeries(final String name, final Statistics stats, final int color,
        final boolean dashed)
    {
        if (stats == null || stats.getN() == 0)
        {
            return new Charts.Series(name, new double[0], new double[0], color, dashed);
        }
        final List<double[]> points = new ArrayList<>();
        final double n = stats.getN();
        long seen = 0;
        final Iterator<Map.Entry<Double, Long>> raw = stats.getRawData();
        final List<Map.Entry<Double, Long>> sorted = new ArrayList<>();
        raw.forEachRemaining(sorted::add);
        sorted.sort(Map.Entry.comparingByKey());
        for (final Map.Entry<Double, Long> e : sorted)
        {
            seen += e.getValue();
            points.add(new double[] {e.getKey(), 100.0 * seen / n});
        }
        // at most 400 points
        final int step = Math.max(1, points.size() / 400);
        final List<double[]> kept = new ArrayList<>();
        for (int i = 0; i < points.size(); i += step)
        {
            kept.add(points.get(i));
        }
        kept.add(points.get(points.size() - 1));
        final double[] x = new double[kept.size()];
        final double[] y = new double[kept.size()];
        for (int i = 0; i < kept.size(); i++)
        {
            x[i] = kept.get(i)[0];
            y[i] = kept.get(i)[1];
        }
        return new Charts.Series(name, x, y, color, dashed);
    }

    private static double pct(final Map<String, Statistics> trial, final String region, final double percentile)
    {
        if (trial == null || !trial.containsKey(region) || trial.get(region).getN() == 0)
        {
            return Double.NaN;
        }
        return trial.get(region).getPercentile(percentile);
    }

    private static String ratio(final double a, final double b)
    {
        return Double.isNaN(a) || Double.isNaN(b) || b <= 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    private static String rate(final Counters.Trial trial)
    {
        return trial == null || Double.isNaN(trial.conflictRate()) ? "-" :
            String.format(Locale.ROOT, "%.1f%% (%d of %d)", 100 * trial.conflictRate(), trial.slow(),
                trial.fast() + trial.slow());
    }
}
