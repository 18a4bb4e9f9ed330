package io.geo.bench.report;

import io.geo.bench.wan.FiveSiteLatencyBenchmark;
import io.geo.bench.wan.LanThroughputBenchmark;
import io.geo.bench.wan.ThreeRegionLatencyBenchmark;
import io.geo.bench.wan.WanBenchCluster;
import io.geo.bench.wan.WanWorkload;
import io.geo.wan.WanProfile;
import io.geo.wan.WanProfileException;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code geo bench}: runs the latency benchmarks across emulated regions (EPaxos and the Multi-Paxos baseline in the
 * same run) with a progress line per trial, then writes a report: Markdown tables, PNG charts, the raw JMH JSON and
 * the replicas' fast/slow path counters. See docs/benchmarks.md.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Run the latency benchmarks across emulated regions and the throughput benchmark on lan, EPaxos and Hydra " +
            "next to a Multi-Paxos baseline, and write a report (Markdown tables, PNG charts, raw JMH JSON) to --out.",
        "Example: geo bench --quick --out bench-report"})
public final class BenchMain implements Callable<Integer>
{
    /** The profiles a latency benchmark class exists for. */
    static final List<String> PROFILES = List.of("three-regions", "epaxos-5");
    /** The profile of the throughput benchmark. */
    static final String LAN = "lan";
    static final String[] PROTOCOLS = {"EPAXOS", "HYDRA", "MULTI_PAXOS"};
    static final String[] LOADS = {"5000", "10000", "20000", "40000", "80000", "160000", "320000"};
    static final String[] QUICK_LOADS = {"10000", "40000", "160000", "320000"};

    @Option(names = "--quick", description = "A short run (three-regions at 0/2/100%% conflict, writes of 16 B, " +
        "3 s warmup and 8 s measurement per trial; lan at four loads per protocol): under 5 minutes.")
    boolean quick;

    @Option(names = "--profile", paramLabel = "NAME", description = "Only this profile: three-regions or epaxos-5 " +
        "(latency), lan (throughput) (default: all three; three-regions and lan with --quick).")
    String profile;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-report",
        description = "Directory for the report (created; default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--config-dir", paramLabel = "DIR", description = "Configuration directory holding wan/ " +
        "(default: the one bin/geo passes, else ./config).")
    Path configDir;

    public static void main(final String[] args)
    {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new BenchMain()).setCommandName("geo bench").execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        final PrintStream console = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        final Path config = configDir != null ? configDir :
            Path.of(System.getProperty(WanWorkload.CONFIG_DIR_PROPERTY, "config"));
        final boolean throughputRun = profile == null || profile.equals(LAN);
        final List<String> profiles = profile != null ? (profile.equals(LAN) ? List.of() : List.of(profile)) :
            quick ? List.of("three-regions") : PROFILES;
        final List<WanProfile> loaded = new ArrayList<>();
        for (final String name : profiles)
        {
            if (!PROFILES.contains(name))
            {
                System.err.println("geo bench: no benchmark for the profile '" + name + "'; choose one of " +
                    PROFILES + " or " + LAN);
                return 2;
            }
            try
            {
                loaded.add(WanProfile.resolve(name, config));
            }
            catch (final WanProfileException ex)
            {
                System.err.println("geo bench: " + ex.getMessage() + " (--config-dir names the directory holding " +
                    "wan/)");
                return 2;
            }
        }
        if (throughputRun)
        {
            try
            {
                WanProfile.resolve(LAN, config);
            }
            catch (final WanProfileException ex)
            {
                System.err.println("geo bench: " + ex.getMessage() + " (--config-dir names the directory holding " +
                    "wan/)");
                return 2;
            }
        }
        Files.createDirectories(out);
        final Path sideFile = out.resolve("counters.tsv");
        final Path throughputFile = out.resolve("throughput.tsv");
        Files.deleteIfExists(sideFile);
        Files.deleteIfExists(throughputFile);

        final List<Trials> plan = plan(profiles, quick);
        int total = 0;
        for (final Trials trials : plan)
        {
            total += trials.count();
        }
        final String[] loads = quick ? QUICK_LOADS : LOADS;
        final int throughputTrials = throughputRun ? PROTOCOLS.length * (loads.length + 1) : 0;
        final long trialSeconds = quick ? 3 + 8 : 5 + 2 * 10;
        final long throughputSeconds = quick ? 2 + 4 : 5 + 2 * 5;
        console.printf("geo bench: %d trials (%s), about %d minutes; report in %s%n", total + throughputTrials,
            quick ? "quick" : "full", Math.max(1, (total * (trialSeconds + 4) + throughputTrials *
            (throughputSeconds + 4)) / 60), out.toAbsolutePath());
        final ProgressOutput progress = new ProgressOutput(console, total + throughputTrials);
        final List<RunResult> results = new ArrayList<>();
        int set = 0;
        for (final Trials trials : plan)
        {
            set++;
            final ChainedOptionsBuilder options = new OptionsBuilder()
                .include("\\." + trials.benchmark.getSimpleName() + "\\.")
                .param("protocol", PROTOCOLS)
                .param("conflictPercent", trials.conflicts)
                .param("mix", trials.mixes)
                .param("valueBytes", trials.valueBytes)
                .jvmArgsAppend("-D" + WanWorkload.CONFIG_DIR_PROPERTY + "=" + config.toAbsolutePath(),
                    "-D" + WanWorkload.SIDE_FILE_PROPERTY + "=" + sideFile.toAbsolutePath())
                .resultFormat(ResultFormatType.JSON)
                .result(out.resolve("jmh-" + set + ".json").toString());
            if (quick)
            {
                options.warmupIterations(1).warmupTime(TimeValue.seconds(3))
                    .measurementIterations(1).measurementTime(TimeValue.seconds(8));
            }
            try
            {
                results.addAll(new Runner(options.build(), progress).run());
            }
            catch (final RunnerException ex)
            {
                System.err.println("geo bench: a benchmark failed: " + ex.getMessage());
                return 1;
            }
        }
        final Map<String, Integer> halfLoads = new LinkedHashMap<>();
        if (throughputRun)
        {
            final String[] jvmArgs = {"-D" + WanWorkload.CONFIG_DIR_PROPERTY + "=" + config.toAbsolutePath(),
                "-D" + LanThroughputBenchmark.SIDE_FILE_PROPERTY + "=" + throughputFile.toAbsolutePath()};
            if (!runThroughput(throughputOptions(jvmArgs, ++set).param("protocol", PROTOCOLS)
                .param("offeredLoad", loads), progress))
            {
                return 1;
            }
            // then each protocol at half the load it saturated at
            final List<ThroughputLines.Trial> sweep = ThroughputLines.read(throughputFile);
            for (final String protocol : PROTOCOLS)
            {
                final ThroughputLines.Trial saturation = ThroughputLines.saturation(sweep, protocol);
                if (saturation == null)
                {
                    continue;
                }
                final int half = (int)Math.max(100, Math.round(saturation.answered() / 200) * 100);
                halfLoads.put(protocol, half);
                if (!runThroughput(throughputOptions(jvmArgs, ++set).param("protocol", protocol)
                    .param("offeredLoad", Integer.toString(half)), progress))
                {
                    return 1;
                }
            }
        }
        final List<ThroughputLines.Trial> throughput = ThroughputLines.read(throughputFile);
        final Report report = new Report(loaded, results, Counters.read(sideFile), throughput, halfLoads, quick,
            "bin/geo bench" + (quick ? " --quick" : "") + (profile != null ? " --profile " + profile : "") +
            " --out " + out);
        report.write(out);
        console.printf("geo bench: wrote %s (%d latency trials, %d throughput trials)%n", out.resolve("report.md"),
            results.size(), throughput.size());
        console.print(report.summary());
        return 0;
    }

    private ChainedOptionsBuilder throughputOptions(final String[] jvmArgs, final int set)
    {
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .include("\\." + LanThroughputBenchmark.class.getSimpleName() + "\\.")
            .jvmArgsAppend(jvmArgs)
            .resultFormat(ResultFormatType.JSON)
            .result(out.resolve("jmh-" + set + ".json").toString());
        if (quick)
        {
            options.warmupIterations(1).warmupTime(TimeValue.seconds(2))
                .measurementIterations(1).measurementTime(TimeValue.seconds(4));
        }
        return options;
    }

    private static boolean runThroughput(final ChainedOptionsBuilder options, final ProgressOutput progress)
    {
        try
        {
            new Runner(options.build(), progress).run();
            return true;
        }
        catch (final RunnerException ex)
        {
            System.err.println("geo bench: a throughput benchmark failed: " + ex.getMessage());
            return false;
        }
    }

    /**
     * One JMH invocation: a latency benchmark class and the cross product of parameter values it runs (every
     * protocol).
     */
    record Trials(Class<?> benchmark, String[] conflicts, String[] mixes, String[] valueBytes)
    {
        int count()
        {
            return PROTOCOLS.length * conflicts.length * mixes.length * valueBytes.length;
        }
    }

    static List<Trials> plan(final List<String> profiles, final boolean quick)
    {
        final List<Trials> plan = new ArrayList<>();
        for (final String name : profiles)
        {
            final Class<?> benchmark = name.equals("epaxos-5") ? FiveSiteLatencyBenchmark.class :
                ThreeRegionLatencyBenchmark.class;
            if (quick)
            {
                plan.add(new Trials(benchmark, new String[] {"0", "2", "100"}, new String[] {"WRITE"},
                    new String[] {"16"}));
                continue;
            }
            plan.add(new Trials(benchmark, new String[] {"0", "2", "10", "25", "50", "100"}, new String[] {"WRITE"},
                new String[] {"16"}));
            plan.add(new Trials(benchmark, new String[] {"0", "25"}, new String[] {"READ_WRITE", "CAS"},
                new String[] {"16"}));
            plan.add(new Trials(benchmark, new String[] {"0", "25"}, new String[] {"WRITE"},
                new String[] {"1024"}));
        }
        return plan;
    }

    /** Seconds a trial of this plan measures, for the report's header. */
    static String timing(final boolean quick)
    {
        return quick ? "warmup 1 x 3 s, measurement 1 x 8 s" : "warmup 1 x 5 s, measurement 2 x 10 s";
    }

    /** The throughput trials' timing, for the report's header. */
    static String throughputTiming(final boolean quick)
    {
        return quick ? "warmup 1 x 2 s, measurement 1 x 4 s per load" : "warmup 1 x 5 s, measurement 2 x 5 s per load";
    }

    static String ms(final double value)
    {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }

    static double optimum(final WanProfile profile, final WanBenchCluster.Protocol protocol, final int region)
    {
        return WanBenchCluster.optimumMs(profile, protocol, 0, region);
    }
}
