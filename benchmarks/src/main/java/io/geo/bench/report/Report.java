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
    private static final String H = "HYDRA";
    private static final String MP = "MULTI_PAXOS";
    private static final String[] PROTOCOLS = {E, H, MP};

    private final List<WanProfile> profiles;
    private final Counters counters;
    private final boolean quick;
    private final String command;
    /** key(profile, protocol, conflict, mix, valueBytes) to region name to its latency statistics (ms). */
    private final Map<String, Map<String, Statistics>> trials = new LinkedHashMap<>();
    private final StringBuilder summary = new StringBuilder();
    private final List<ThroughputLines.Trial> throughput;
    private final Map<String, Integer> halfLoads;

    /**
     * @param results    the latency trials' JMH results.
     * @param throughput the throughput trials (empty: no throughput section).
     * @param halfLoads  protocol to the offered load of its half-saturation trial.
     */
    Report(final List<WanProfile> profiles, final List<RunResult> results, final Counters counters,
        final List<ThroughputLines.Trial> throughput, final Map<String, Integer> halfLoads, final boolean quick,
        final String command)
    {
        this.profiles = profiles;
        this.counters = counters;
        this.throughput = throughput;
        this.halfLoads = halfLoads;
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
        md.append("# Latency across emulated regions: EPaxos, Hydra and a Multi-Paxos baseline\n\n");
        md.append(String.format(Locale.ROOT, "Run %s on %d cores, Java %s (%s), by `%s` (latency: %s per trial; " +
            "throughput: %s).%n%n",
            ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")),
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
            System.getProperty("java.vm.name"), command, BenchMain.timing(quick), BenchMain.throughputTiming(quick)));
        md.append("""
            Latency is invoke to answer at the node the client sent to, after execution, for closed-loop clients \
            (4 per region, each its own session), measured by JMH in sample-time mode over the real-time WAN \
            emulator (one JVM, stores in memory). EPaxos: one node per region, batching as the sidecar does. Hydra: \
            region groups of 3 nodes (a delegated-leader log inside each region, 0.1 ms one way between its \
            nodes), EPaxos between the regions, batching. The baseline is the region log run across the regions \
            without delegation (Multi-Paxos, one node per region), leader in the profile's first region. Optimum: \
            for EPaxos the round trip from the region to its nearest fast quorum; for Hydra that plus one region \
            log round (0.2 ms; Hydra pays three in sequence, docs/hydra.md); for the baseline the round trip to \
            the leader plus the leader's round trip to its nearest majority. Conflict: the percentage of commands \
            on one shared key (the rest on keys of the client's own); the conflict rate is measured: the share of \
            EPaxos instances that took the slow path. Raw JMH results: `jmh-*.json`; counters: `counters.tsv`, \
            `throughput.tsv`.

            """);
        for (final WanProfile profile : profiles)
        {
            writeProfile(md, dir, profile);
        }
        if (!throughput.isEmpty())
        {
            writeThroughput(md, dir);
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
        md.append("p50 / p99 in ms; the ratios compare p50s.\n\n");
        md.append("| conflict | region | EPaxos | optimum | EPaxos / optimum | Hydra | optimum + log round | " +
            "Hydra / optimum | Multi-Paxos | its optimum | EPaxos / Multi-Paxos | Hydra / Multi-Paxos | " +
            "measured conflict rate, EPaxos | Hydra |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final int c : conflicts)
        {
            final Map<String, Statistics> ours = trials.get(key(name, E, "" + c, "WRITE", "16"));
            final Map<String, Statistics> hydra = trials.get(key(name, H, "" + c, "WRITE", "16"));
            final Map<String, Statistics> base = trials.get(key(name, MP, "" + c, "WRITE", "16"));
            for (int r = 0; r < regions.size(); r++)
            {
                final String region = regions.get(r);
                final double o = BenchMain.optimum(profile, WanBenchCluster.Protocol.EPAXOS, r);
                final double oh = BenchMain.optimum(profile, WanBenchCluster.Protocol.HYDRA, r);
                final double ob = BenchMain.optimum(profile, WanBenchCluster.Protocol.MULTI_PAXOS, r);
                final double p50 = pct(ours, region, 50);
                final double h50 = pct(hydra, region, 50);
                final double b50 = pct(base, region, 50);
                md.append(String.format(Locale.ROOT,
                    "| %d%% | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    c, region, both(ours, region), BenchMain.ms(o), ratio(p50, o), both(hydra, region),
                    BenchMain.ms(oh), ratio(h50, oh), both(base, region), BenchMain.ms(ob), ratio(p50, b50),
                    ratio(h50, b50), r == 0 ? rate(counters.get(name, E, "" + c, "WRITE", "16")) : "",
                    r == 0 ? rate(counters.get(name, H, "" + c, "WRITE", "16")) : ""));
            }
        }
        md.append('\n');

        if (conflicts.contains(0))
        {
            for (final String protocol : new String[] {E, H})
            {
                final Map<String, Statistics> ours = trials.get(key(name, protocol, "0", "WRITE", "16"));
                final Map<String, Statistics> base = trials.get(key(name, MP, "0", "WRITE", "16"));
                if (ours == null)
                {
                    continue;
                }
                double worst = 0;
                double sumOurs = 0;
                double sumBase = 0;
                for (int r = 0; r < regions.size(); r++)
                {
                    final double p50 = pct(ours, regions.get(r), 50);
                    worst = Math.max(worst, p50 / BenchMain.optimum(profile,
                        WanBenchCluster.Protocol.valueOf(protocol), r));
                    sumOurs += p50;
                    sumBase += pct(base, regions.get(r), 50);
                }
                final String line = String.format(Locale.ROOT, "%s, 0%% conflict: %s p50 at most %.2f x the " +
                    "optimum in every region; averaged over the regions %.1f ms against the baseline's %.1f ms " +
                    "(%.2f x).%n", name, label(protocol), worst, sumOurs / regions.size(), sumBase / regions.size(),
                    sumOurs / sumBase);
                md.append("**").append(line.strip()).append("**\n\n");
                summary.append(line);
            }
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
            md.append("p50 / p99 in ms.\n\n");
            md.append("| workload | conflict | region | EPaxos | Hydra | Multi-Paxos | " +
                "measured conflict rate, EPaxos | Hydra |\n|---|---:|---|---:|---:|---:|---:|---:|\n");
            for (final String k : others)
            {
                final String[] f = k.split("\\|");
                final Map<String, Statistics> ours = trials.get(k);
                final Map<String, Statistics> hydra = trials.get(key(f[0], H, f[2], f[3], f[4]));
                final Map<String, Statistics> base = trials.get(key(f[0], MP, f[2], f[3], f[4]));
                for (int r = 0; r < regions.size(); r++)
                {
                    final String region = regions.get(r);
                    md.append(String.format(Locale.ROOT, "| %s, %s B | %s%% | %s | %s | %s | %s | %s | %s |%n",
                        f[3], f[4], f[2], region, both(ours, region), both(hydra, region), both(base, region),
                        r == 0 ? rate(counters.get(f[0], E, f[2], f[3], f[4])) : "",
                        r == 0 ? rate(counters.get(f[0], H, f[2], f[3], f[4])) : ""));
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
            for (final String protocol : PROTOCOLS)
            {
                final double[] p50s = new double[xs.length];
                int i = 0;
                for (final int c : conflicts)
                {
                    p50s[i++] = pct(trials.get(key(name, protocol, "" + c, "WRITE", "16")), regions.get(r), 50);
                }
                byConflict.add(new Charts.Series(regions.get(r) + " " + label(protocol), xs, p50s, r,
                    line(protocol)));
            }
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
                for (final String protocol : PROTOCOLS)
                {
                    final Map<String, Statistics> trial = trials.get(key(name, protocol, "0", "WRITE", "16"));
                    cdf.add(cdfSeries(regions.get(r) + " " + label(protocol),
                        trial == null ? null : trial.get(regions.get(r)), r, line(protocol)));
                }
            }
            final String cdfChart = "cdf-" + name + ".png";
            Charts.xyChart(dir.resolve(cdfChart), name + ": latency CDF at 0% conflict (writes, 16 B)",
                "latency (ms)", "commands at or below (%)", cdf, 100);
            md.append("![latency CDF at 0% conflict](").append(cdfChart).append(")\n\n");
        }
    }

    private void writeThroughput(final StringBuilder md, final Path dir) throws IOException
    {
        md.append("## Throughput on lan (open loop)\n\n");
        md.append("""
            The three regions of `lan` (every link 0.2 ms round trip), one JVM whose one driver thread runs every \
            node (3 for EPaxos and the baseline, 9 for Hydra) and the emulated network, stores in memory: this \
            measures the protocol code's CPU cost per command, not a disk or a real network (for those see \
            docs/benchmarks.md, "A real cluster on loopback"). An open-loop generator offers commands at a fixed \
            rate round-robin over the regions (0% conflict, writes of 16 B); latency is measured from when a \
            command was due, so the queueing of a saturated cluster shows. Each region has 2,048 client sessions \
            with one command in flight each; "held back" counts commands that waited for a free session (the \
            cluster is behind), "failed" the ones the cluster refused (the baseline's leader refuses appends beyond \
            its pending limit). Saturation: the highest answered rate. Rates and percentiles are over the \
            measurement iterations; the slow-path counts over the whole trial (EPaxos instances, each a batch).

            """);
        md.append("| protocol | offered (/s) | sent (/s) | answered (/s) | p50 (ms) | p90 | p99 | p99.9 | max | " +
            "failed | held back | slow path |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final ThroughputLines.Trial t : throughput)
        {
            final Integer half = halfLoads.get(t.protocol());
            md.append(String.format(Locale.ROOT,
                "| %s | %,d%s | %,.0f | %,.0f | %s | %s | %s | %s | %s | %d | %d | %s |%n",
                label(t.protocol()), t.offered(), half != null && half == t.offered() ? " (half)" : "", t.sent(),
                t.answered(), us(t.p50Us()), us(t.p90Us()), us(t.p99Us()), us(t.p999Us()), us(t.maxUs()),
                t.failed(), t.waits(), t.protocol().equals(MP) ? "-" : t.slow() + " of " + (t.fast() + t.slow())));
        }
        md.append('\n');
        final List<Charts.Series> curves = new ArrayList<>();
        int color = 0;
        for (final String protocol : PROTOCOLS)
        {
            final ThroughputLines.Trial saturation = ThroughputLines.saturation(throughput, protocol);
            if (saturation == null)
            {
                continue;
            }
            final Integer half = halfLoads.get(protocol);
            ThroughputLines.Trial atHalf = null;
            final List<double[]> points = new ArrayList<>();
            for (final ThroughputLines.Trial t : throughput)
            {
                if (t.protocol().equals(protocol))
                {
                    points.add(new double[] {t.answered(), t.p50Us() / 1e3, t.p99Us() / 1e3});
                    atHalf = half != null && t.offered() == half ? t : atHalf;
                }
            }
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            final double[] x = new double[points.size()];
            final double[] p50 = new double[points.size()];
            final double[] p99 = new double[points.size()];
            for (int i = 0; i < points.size(); i++)
            {
                x[i] = points.get(i)[0];
                p50[i] = points.get(i)[1];
                p99[i] = points.get(i)[2];
            }
            curves.add(new Charts.Series(label(protocol) + " p99", x, p99, color, Charts.Line.SOLID));
            curves.add(new Charts.Series(label(protocol) + " p50", x, p50, color, Charts.Line.DOTTED));
            color++;
            final String line = ThroughputLines.keptUpWithTheHighestLoad(throughput, protocol) ?
                String.format(Locale.ROOT, "lan: %s kept up with every load offered: saturation above %,.0f " +
                    "commands/s", label(protocol), saturation.answered()) :
                String.format(Locale.ROOT, "lan: %s saturates at %,.0f commands/s (offered %,d/s)",
                    label(protocol), saturation.answered(), saturation.offered());
            final String halfPart = atHalf == null ? "." : String.format(Locale.ROOT, "; at half that load " +
                "(%,d/s offered, %,.0f/s answered) p50 %s ms, p99 %s ms.", atHalf.offered(), atHalf.answered(),
                us(atHalf.p50Us()), us(atHalf.p99Us()));
            md.append("**").append(line).append(halfPart).append("**\n\n");
            summary.append(line).append(halfPart).append('\n');
        }
        if (!curves.isEmpty())
        {
            final String chart = "throughput-lan.png";
            Charts.xyLogChart(dir.resolve(chart), "lan: latency against answered load", "answered commands/s",
                "latency from due time (ms, log scale)", curves);
            md.append("![latency against load](").append(chart).append(")\n\n");
        }
    }

    private static String us(final long micros)
    {
        return String.format(Locale.ROOT, micros >= 100_000 ? "%.0f" : "%.2f", micros / 1e3);
    }

    private static String label(final String protocol)
    {
        switch (protocol)
        {
            case E:
                return "EPaxos";
            case H:
                return "Hydra";
            default:
                return "Multi-Paxos";
        }
    }

    private static Charts.Line line(final String protocol)
    {
        switch (protocol)
        {
            case E:
                return Charts.Line.SOLID;
            case H:
                return Charts.Line.DOTTED;
            default:
                return Charts.Line.DASHED;
        }
    }

    private static String both(final Map<String, Statistics> trial, final String region)
    {
        final double p50 = pct(trial, region, 50);
        return Double.isNaN(p50) ? "-" : BenchMain.ms(p50) + " / " + BenchMain.ms(pct(trial, region, 99));
    }

    private static Charts.Series cdfSeries(final String name, final Statistics stats, final int color,
        final Charts.Line dashed)
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
