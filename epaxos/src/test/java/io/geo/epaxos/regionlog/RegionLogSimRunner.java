package io.geo.epaxos.regionlog;

import org.agrona.collections.LongArrayList;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Runs many seeds of the region log simulator, re-runs some of them to compare trace hashes (nondeterminism in the
 * code under test shows up as a different hash), prints failing seeds and aggregates a summary with a one-line JSON
 * form. {@link #main} runs it from the command line.
 */
public final class RegionLogSimRunner
{
    /** Aggregate over all seeds of a run. */
    public static final class Summary
    {
        public int seeds;
        public long appends;
        public long acked;
        public long refused;
        public long unknown;
        public long slots;
        public long noops;
        public long viewChanges;
        public long crashes;
        public long partitions;
        public long messages;
        public long[] bytesSent = new long[0];
        public long[] bytesReceived = new long[0];
        public long leaderBytes;
        public long wireBytes;
        public long lostWrites;
        public long unseenApplies;
        public long snapshotsTaken;
        public long snapshotsInstalled;
        public long promisePages;
        public long simulatedNs;
        public long maxSettleNs;
        public int determinismChecks;
        public int linearizabilityUnknown;
        public long wallNs;
        public final LongArrayList latenciesNs = new LongArrayList();
        /** Per node (the region it sits in, on a WAN): append to acknowledgement of its clients. */
        public LongArrayList[] latenciesByNodeNs = new LongArrayList[0];

        /** A node's clients' latency percentile over all seeds, in milliseconds (0 without samples). */
        public double nodeLatencyMs(final int node, final double percentile)
        {
            final long[] sorted = latenciesByNodeNs[node].toLongArray();
            java.util.Arrays.sort(sorted);
            final double ms = RegionLogSimResult.percentileMs(sorted, percentile);
            return Double.isNaN(ms) ? 0 : ms;
        }

        /** Append-to-acknowledgement latency percentile over all seeds, in milliseconds (0 without samples). */
        public double latencyMs(final double percentile)
        {
            final long[] sorted = latenciesNs.toLongArray();
            java.util.Arrays.sort(sorted);
            final double ms = RegionLogSimResult.percentileMs(sorted, percentile);
            return Double.isNaN(ms) ? 0 : ms;
        }
        public final List<Long> failingSeeds = new ArrayList<>();
        public final List<String> firstViolations = new ArrayList<>();

        public int violations()
        {
            return failingSeeds.size();
        }

        public long totalBytes()
        {
            long total = 0;
            for (int i = 0; i < bytesSent.length; i++)
            {
                total += bytesSent[i] + bytesReceived[i];
            }
            return total;
        }

        public double leaderShare()
        {
            final long total = totalBytes();
            return total == 0 ? 0 : (double)leaderBytes / total;
        }

        /** The summary as one JSON object (a stable format: tools parse it). */
        public String toJson(final RegionLogSimConfig config)
        {
            final StringBuilder sb = new StringBuilder(512);
            sb.append("{\"seeds\":").append(seeds)
                .append(",\"nodes\":").append(config.nodes)
                .append(",\"faults\":\"").append(config.faults.name().toLowerCase(Locale.ROOT)).append('"')
                .append(",\"delegation\":").append(config.delegation)
                .append(",\"seconds\":").append(String.format(Locale.ROOT, "%.3f", config.durationNs / 1e9))
                .append(",\"appendsPerSecond\":").append(config.appendsPerSecond)
                .append(",\"payloadBytes\":").append(config.payloadBytes)
                .append(",\"appends\":").append(appends)
                .append(",\"acked\":").append(acked)
                .append(",\"refused\":").append(refused)
                .append(",\"unknown\":").append(unknown)
                .append(",\"slots\":").append(slots)
                .append(",\"noops\":").append(noops)
                .append(",\"viewChanges\":").append(viewChanges)
                .append(",\"crashes\":").append(crashes)
                .append(",\"partitions\":").append(partitions)
                .append(",\"messages\":").append(messages)
                .append(",\"bytesSent\":").append(java.util.Arrays.toString(bytesSent).replace(" ", ""))
                .append(",\"bytesReceived\":").append(java.util.Arrays.toString(bytesReceived).replace(" ", ""))
                .append(",\"leaderShare\":").append(String.format(Locale.ROOT, "%.4f", leaderShare()))
                .append(",\"wireBytes\":").append(wireBytes)
                .append(",\"lostWrites\":").append(lostWrites)
                .append(",\"unseenApplies\":").append(unseenApplies)
                .append(",\"snapshotsTaken\":").append(snapshotsTaken)
                .append(",\"snapshotsInstalled\":").append(snapshotsInstalled)
                .append(",\"promisePages\":").append(promisePages)
                .append(",\"latencyMs\":{\"p50\":").append(String.format(Locale.ROOT, "%.3f", latencyMs(50)))
                .append(",\"p99\":").append(String.format(Locale.ROOT, "%.3f", latencyMs(99)))
                .append(",\"max\":").append(String.format(Locale.ROOT, "%.3f", latencyMs(100))).append('}')
                .append(",\"latencyByNodeMs\":[");
            for (int i = 0; i < latenciesByNodeNs.length; i++)
            {
                sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"p50\":%.3f,\"p99\":%.3f}",
                    nodeLatencyMs(i, 50), nodeLatencyMs(i, 99)));
            }
            sb.append(']')
                .append(",\"maxSettleMs\":").append(String.format(Locale.ROOT, "%.1f", maxSettleNs / 1e6))
                .append(",\"violations\":").append(violations())
                .append(",\"failingSeeds\":").append(failingSeeds.toString().replace(" ", ""))
                .append(",\"determinismChecks\":").append(determinismChecks)
                .append(",\"linearizabilityUnknown\":").append(linearizabilityUnknown)
                .append(",\"simulatedSeconds\":").append(String.format(Locale.ROOT, "%.1f", simulatedNs / 1e9))
                .append(",\"wallTimeMs\":").append(wallNs / 1_000_000);
            return sb.append('}').toString();
        }
    }

    private RegionLogSimRunner()
    {
    }

    /**
     * Runs seeds firstSeed .. firstSeed + seeds - 1. Every {@code determinismEvery}-th seed (0 = never) runs twice and
     * must give the same trace hash. Failing seeds go to {@code progress} (null = silent) with their violations.
     */
    public static Summary run(
        final RegionLogSimConfig base,
        final long firstSeed,
        final int seeds,
        final int determinismEvery,
        final PrintStream progress)
    {
        return run(base, firstSeed, seeds, determinismEvery, progress, null);
    }

    /** As {@link #run(RegionLogSimConfig, long, int, int, PrintStream)}, handing each result to {@code onResult}. */
    public static Summary run(
        final RegionLogSimConfig base,
        final long firstSeed,
        final int seeds,
        final int determinismEvery,
        final PrintStream progress,
        final Consumer<RegionLogSimResult> onResult)
    {
        final Summary summary = new Summary();
        summary.bytesSent = new long[base.nodes];
        summary.bytesReceived = new long[base.nodes];
        final long startNs = System.nanoTime();
        for (int i = 0; i < seeds; i++)
        {
            final long seed = firstSeed + i;
            final RegionLogSimConfig config = base.copy().seed(seed);
            final RegionLogSimResult result = new RegionLogSimulation(config).run();
            final List<String> violations = new ArrayList<>(result.violations());
            if (determinismEvery > 0 && i % determinismEvery == 0)
            {
                summary.determinismChecks++;
                final RegionLogSimResult again = new RegionLogSimulation(config).run();
                if (again.traceHash() != result.traceHash())
                {
                    violations.add(String.format("seed %d: determinism: trace hash %016x then %016x", seed,
                        result.traceHash(), again.traceHash()));
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
                    summary.firstViolations.add(violations.get(0));
                }
                if (progress != null)
                {
                    progress.println("FAIL seed " + seed + " (replay: -Dseed=" + seed + " nodes=" + config.nodes +
                        " faults=" + config.faults.name().toLowerCase(Locale.ROOT) + "): " +
                        String.join("\n    ", violations));
                }
            }
        }
        summary.wallNs = System.nanoTime() - startNs;
        return summary;
    }

    private static void accumulate(final Summary summary, final RegionLogSimResult result)
    {
        summary.seeds++;
        summary.appends += result.appends();
        summary.acked += result.acked();
        summary.refused += result.refused();
        summary.unknown += result.unknown();
        summary.slots += result.slots();
        summary.noops += result.noops();
        summary.viewChanges += result.viewChanges();
        summary.crashes += result.crashes();
        summary.partitions += result.partitions();
        summary.messages += result.messagesSent();
        for (int i = 0; i < result.nodes(); i++)
        {
            summary.bytesSent[i] += result.bytesSent()[i];
            summary.bytesReceived[i] += result.bytesReceived()[i];
        }
        summary.leaderBytes += result.leaderBytes();
        summary.wireBytes += result.wireBytes();
        summary.lostWrites += result.lostWrites();
        summary.unseenApplies += result.unseenApplies();
        summary.snapshotsTaken += result.snapshotsTaken();
        summary.snapshotsInstalled += result.snapshotsInstalled();
        summary.promisePages += result.promisePages();
        summary.simulatedNs += result.simulatedNs();
        summary.maxSettleNs = Math.max(summary.maxSettleNs, result.settleNs());
        summary.linearizabilityUnknown += result.linearizabilityUnknown() ? 1 : 0;
        for (final long latency : result.latenciesNs())
        {
            summary.latenciesNs.addLong(latency);
        }
        if (summary.latenciesByNodeNs.length != result.nodes())
        {
            summary.latenciesByNodeNs = new LongArrayList[result.nodes()];
            for (int i = 0; i < result.nodes(); i++)
            {
                summary.latenciesByNodeNs[i] = new LongArrayList();
            }
        }
        for (int i = 0; i < result.nodes(); i++)
        {
            for (final long latency : result.latenciesByNodeNs()[i])
            {
                summary.latenciesByNodeNs[i].addLong(latency);
            }
        }
    }

    /**
     * Command line: {@code --nodes N --seeds N --first-seed N --seconds S --faults none|standard|heavy --rate N
     * --clients N --payload N --latency-us N --jitter-us N --multi-paxos --reordering-links --no-codec --settle-ms N
     * --strict-apply --drop P --duplicate P --reorder P
     * --determinism-every N
     * --trace}. Prints
     * failing seeds, then the JSON summary; exits 1 on a violation.
     */
    public static void main(final String[] args)
    {
        final RegionLogSimConfig config = new RegionLogSimConfig();
        long firstSeed = 1;
        int seeds = 100;
        int determinismEvery = 10;
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            switch (arg)
            {
                case "--nodes" -> config.nodes(Integer.parseInt(args[++i]));
                case "--seeds" -> seeds = Integer.parseInt(args[++i]);
                case "--first-seed", "--seed" -> firstSeed = Long.parseLong(args[++i]);
                case "--seconds" -> config.seconds(Double.parseDouble(args[++i]));
                case "--faults" -> config.faults(RegionLogFaults.parse(args[++i]));
                case "--rate" -> config.appendsPerSecond(Integer.parseInt(args[++i]));
                case "--clients" -> config.clientsPerNode(Integer.parseInt(args[++i]));
                case "--payload" -> config.payloadBytes(Integer.parseInt(args[++i]));
                case "--latency-us" -> config.linkLatencyNs(Long.parseLong(args[++i]) * 1000);
                case "--jitter-us" -> config.linkJitterNs(Long.parseLong(args[++i]) * 1000);
                case "--multi-paxos" -> config.delegation(false);
                case "--reordering-links" -> config.reorderingLinks(true);
                case "--no-codec" -> config.codec(false);
                case "--settle-ms" -> config.settleLimitNs(Long.parseLong(args[++i]) * 1_000_000);
                case "--strict-apply" -> config.strictApply(true);
                case "--drop" -> config.dropProbability(Double.parseDouble(args[++i]));
                case "--duplicate" -> config.duplicateProbability(Double.parseDouble(args[++i]));
                case "--reorder" -> config.reorderProbability(Double.parseDouble(args[++i]));
                case "--determinism-every" -> determinismEvery = Integer.parseInt(args[++i]);
                case "--trace" -> config.trace(System.out, 0, Long.MAX_VALUE);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        final Summary summary = run(config, firstSeed, seeds, determinismEvery, System.out,
            seeds == 1 ? result -> System.out.println(result.summaryLine()) : null);
        System.out.println(summary.toJson(config));
        if (summary.violations() > 0)
        {
            System.exit(1);
        }
    }
}
