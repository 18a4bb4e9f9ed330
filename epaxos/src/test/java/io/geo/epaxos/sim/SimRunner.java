package io.geo.epaxos.sim;

import org.agrona.collections.LongArrayList;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Runs many seeds of the simulator, re-runs some of them to compare trace hashes (nondeterminism in the code under
 * test shows up as a different hash), prints progress and aggregates a summary.
 */
public final class SimRunner
{
    /** Aggregate over all seeds of a run. */
    public static final class Summary
    {
        public int seeds;
        public long commands;
        public long ok;
        public long failed;
        public long unknown;
        public long fastPath;
        public long slowPath;
        public long recoveries;
        public long crashes;
        public long peakLiveInstances;
        public long messages;
        public long batches;
        public long batchedCommands;
        public int determinismChecks;
        public int linearizabilityUnknown;
        public long wallNs;
        public final List<Long> failingSeeds = new ArrayList<>();
        public final List<String> firstViolations = new ArrayList<>();
        public List<String> regions = List.of();
        public LongArrayList[] latenciesNs = new LongArrayList[0];
        public LongArrayList[] commitLatenciesNs = new LongArrayList[0];
        public LongArrayList[] regionalLatenciesNs = new LongArrayList[0];

        public int violations()
        {
            return failingSeeds.size();
        }

        public double conflictRate()
        {
            final long total = fastPath + slowPath;
            return total == 0 ? 0 : (double)slowPath / total;
        }

        /** Client latency (invoke to reply, after execution) in a region. */
        public double percentileMs(final int region, final double percentile)
        {
            final long[] sorted = latenciesNs[region].toLongArray();
            Arrays.sort(sorted);
            return SimResult.percentileMs(sorted, percentile);
        }

        /** Hydra: latency of regional commands (invoke to reply) in a region; NaN without any. */
        public double regionalPercentileMs(final int region, final double percentile)
        {
            final long[] sorted = regionalLatenciesNs[region].toLongArray();
            Arrays.sort(sorted);
            return SimResult.percentileMs(sorted, percentile);
        }

        /** Commit latency (invoke to commit at the leader) in a region. */
        public double commitPercentileMs(final int region, final double percentile)
        {
            final long[] sorted = commitLatenciesNs[region].toLongArray();
            Arrays.sort(sorted);
            return SimResult.percentileMs(sorted, percentile);
        }

        /** The summary as one JSON object (a stable format: tools parse it). */
        public String toJson(final SimConfig config)
        {
            final StringBuilder sb = new StringBuilder(512);
            sb.append("{\"seeds\":").append(seeds)
                .append(",\"regions\":").append(config.replicas)
                .append(",\"wan\":\"").append(config.profile.name()).append('"')
                .append(",\"faults\":\"").append(config.faults.name().toLowerCase(Locale.ROOT)).append('"')
                .append(",\"conflictPercent\":").append(config.conflictPercent)
                .append(",\"commands\":").append(commands)
                .append(",\"ok\":").append(ok)
                .append(",\"failed\":").append(failed)
                .append(",\"unknown\":").append(unknown)
                .append(",\"fast\":").append(fastPath)
                .append(",\"slow\":").append(slowPath)
                .append(",\"conflictRate\":").append(String.format(Locale.ROOT, "%.4f", conflictRate()))
                .append(",\"recoveries\":").append(recoveries)
                .append(",\"crashes\":").append(crashes)
                .append(",\"messages\":").append(messages)
                .append(",\"batches\":").append(batches)
                .append(",\"batchedCommands\":").append(batchedCommands)
                .append(",\"peakLiveInstances\":").append(peakLiveInstances)
                .append(",\"violations\":").append(violations())
                .append(",\"failingSeeds\":").append(failingSeeds)
                .append(",\"determinismChecks\":").append(determinismChecks)
                .append(",\"linearizabilityUnknown\":").append(linearizabilityUnknown)
                .append(",\"wallTimeMs\":").append(wallNs / 1_000_000)
                .append(",\"latencyMs\":{");
            for (int r = 0; r < regions.size(); r++)
            {
                sb.append(r == 0 ? "" : ",").append('"').append(regions.get(r)).append("\":{")
                    .append(String.format(Locale.ROOT, "\"p50\":%.2f,\"p99\":%.2f,\"commitP50\":%.2f," +
                        "\"commitP99\":%.2f,\"optimumFast\":%.2f,\"optimumSlow\":%.2f,\"samples\":%d",
                        nanToZero(percentileMs(r, 50)), nanToZero(percentileMs(r, 99)),
                        nanToZero(commitPercentileMs(r, 50)), nanToZero(commitPercentileMs(r, 99)),
                        Optimum.fastPathMs(config.profile, config.replicas, r),
                        Optimum.slowPathMs(config.profile, config.replicas, r), latenciesNs[r].size()));
                if (!regionalLatenciesNs[r].isEmpty())
                {
                    sb.append(String.format(Locale.ROOT, ",\"regionalP50\":%.2f,\"regionalP99\":%.2f," +
                        "\"regionalSamples\":%d", nanToZero(regionalPercentileMs(r, 50)),
                        nanToZero(regionalPercentileMs(r, 99)), regionalLatenciesNs[r].size()));
                }
                sb.append('}');
            }
            return sb.append("}}").toString();
        }

        private static double nanToZero(final double value)
        {
            return Double.isNaN(value) ? 0 : value;
        }
    }

    private SimRunner()
    {
    }

    /**
     * Runs seeds firstSeed .. firstSeed + seeds - 1. Every {@code determinismEvery}-th seed (0 = never) runs twice and
     * must give the same trace hash. Progress goes to {@code progress} (null = silent), one line per failing seed
     * and a status line every few seconds.
     */
    public static Summary run(
        final SimConfig base,
        final long firstSeed,
        final int seeds,
        final int determinismEvery,
        final PrintStream progress)
    {
        return run(base, firstSeed, seeds, determinismEvery, progress, null);
    }

    /** As {@link #run(SimConfig, long, int, int, PrintStream)}, handing each seed's result to {@code onResult}. */
    public static Summary run(
        final SimConfig base,
        final long firstSeed,
        final int seeds,
        final int determinismEvery,
        final PrintStream progress,
        final Consumer<SimResult> onResult)
    {
        final Summary summary = new Summary();
        final long startNs = System.nanoTime();
        long lastProgressNs = startNs;
        summary.regions = base.profile.firstRegions(base.replicas).regions();
        summary.latenciesNs = new LongArrayList[base.replicas];
        summary.commitLatenciesNs = new LongArrayList[base.replicas];
        summary.regionalLatenciesNs = new LongArrayList[base.replicas];
        for (int r = 0; r < base.replicas; r++)
        {
            summary.latenciesNs[r] = new LongArrayList();
            summary.commitLatenciesNs[r] = new LongArrayList();
            summary.regionalLatenciesNs[r] = new LongArrayList();
        }
        for (int i = 0; i < seeds; i++)
        {
            final long seed = firstSeed + i;
            final SimConfig config = base.copy().seed(seed);
            final SimResult result = runOne(config);
            final List<String> violations = new ArrayList<>(result.violations());
            if (determinismEvery > 0 && i % determinismEvery == 0)
            {
                summary.determinismChecks++;
                final SimResult again = runOne(config);
                if (again.traceHash() != result.traceHash())
                {
                    violations.add(String.format("determinism: trace hash %016x then %016x", result.traceHash(),
                        again.traceHash()));
                }
            }
            accumulate(summary, result);
            if (onResult != null)
            {
                onResult.accept(result);
            }
            if (!violations.isEmpty())
            {
                summary.failingSeeds.add(seed);
                if (summary.firstViolations.size() < 20)
                {
                    summary.firstViolations.add("seed " + seed + ": " + violations.get(0));
                }
                if (progress != null)
                {
                    progress.println("FAIL seed " + seed + " (replay: --seed " + seed + "): " +
                        String.join("; ", violations));
                }
            }
            final long nowNs = System.nanoTime();
            if (progress != null && (nowNs - lastProgressNs > 5_000_000_000L || i == seeds - 1) && seeds > 1)
            {
                lastProgressNs = nowNs;
                progress.printf(Locale.ROOT, "[%d/%d seeds] %d commands, fast %d, slow %d, recoveries %d, " +
                    "violations %d, %.1f s%n", i + 1, seeds, summary.commands, summary.fastPath, summary.slowPath,
                    summary.recoveries, summary.violations(), (nowNs - startNs) / 1e9);
            }
        }
        summary.wallNs = System.nanoTime() - startNs;
        return summary;
    }

    private static void accumulate(final Summary summary, final SimResult result)
    {
        summary.seeds++;
        summary.commands += result.commands();
        summary.ok += result.ok();
        summary.failed += result.failed();
        summary.unknown += result.unknown();
        summary.fastPath += result.fastPath();
        summary.slowPath += result.slowPath();
        summary.recoveries += result.recoveries();
        summary.crashes += result.crashes();
        summary.messages += result.messagesSent();
        summary.batches += result.batches();
        summary.batchedCommands += result.batchedCommands();
        summary.peakLiveInstances = Math.max(summary.peakLiveInstances, result.peakLiveInstances());
        summary.linearizabilityUnknown += result.linearizabilityUnknown() ? 1 : 0;
        for (int r = 0; r < result.latenciesNs().length; r++)
        {
            for (final long latency : result.latenciesNs()[r])
            {
                summary.latenciesNs[r].addLong(latency);
            }
            for (final long latency : result.commitLatenciesNs()[r])
            {
                summary.commitLatenciesNs[r].addLong(latency);
            }
            for (final long latency : result.regionalLatenciesNs()[r])
            {
                summary.regionalLatenciesNs[r].addLong(latency);
            }
        }
    }

    /** One seed: flat EPaxos with one node per region, the Hydra composition with region groups. */
    public static SimResult runOne(final SimConfig config)
    {
        return config.nodesPerRegion > 1 ? new HydraSimulation(config).run() : new Simulation(config).run();
    }
}
