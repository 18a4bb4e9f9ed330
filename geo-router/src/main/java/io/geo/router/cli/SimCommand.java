package io.geo.router.cli;

import io.geo.epaxos.regionlog.RegionLogFaults;
import io.geo.epaxos.regionlog.RegionLogSimConfig;
import io.geo.epaxos.regionlog.RegionLogSimRunner;
import io.geo.epaxos.sim.Faults;
import io.geo.epaxos.sim.Optimum;
import io.geo.epaxos.sim.SimConfig;
import io.geo.epaxos.sim.SimResult;
import io.geo.epaxos.sim.SimRunner;
import io.geo.wan.WanProfile;
import io.geo.wan.WanProfileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code geo sim}: runs the deterministic simulator over many seeds with every verifier on. */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description = {
        "Run the deterministic EPaxos simulator (with --nodes-per-region 3|5: Hydra region groups; with --mode " +
            "regionlog: the region log simulator) with every verifier on.",
        "Seeded network faults, crashes and partitions on an emulated WAN, closed-loop clients in every region; " +
            "verifiers: linearizability per key, execution order, replica state, no lost acknowledged write, " +
            "liveness once faults stop, determinism. Exits 1 if any seed breaks a verifier, 2 on bad usage."})
final class SimCommand implements Callable<Integer>
{
    @Option(names = "--mode", paramLabel = "epaxos|regionlog", defaultValue = "epaxos",
        description = "What to simulate: EPaxos across regions, or one region's delegated-leader log on LAN links " +
            "(default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "3",
        description = "regionlog: nodes in the region group, 1, 3 or 5 (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--multi-paxos", description = "regionlog: no delegation, the leader proposes every entry (the " +
        "baseline).")
    boolean multiPaxos;

    @Option(names = "--payload", paramLabel = "BYTES", defaultValue = "0",
        description = "regionlog: padding bytes per appended entry, 0..1048576 (default: ${DEFAULT-VALUE}).")
    int payload;

    @Option(names = "--snapshot-every", paramLabel = "SLOTS",
        description = "Every node snapshots and truncates its log each SLOTS applied slots, 0 never. regionlog: " +
            "default drawn per seed from 8..256, or never; with --nodes-per-region 3|5 (a region's replica and state " +
            "in the snapshot): default " + DEFAULT_REGION_SNAPSHOT_EVERY + ".")
    Integer snapshotEvery;

    static final int DEFAULT_REGION_SNAPSHOT_EVERY = 64;

    @Option(names = "--batch", paramLabel = "N",
        description = "With --nodes-per-region 3|5: the most client commands one region log entry (one EPaxos " +
            "instance) carries; a node's commands wait for the next batch while one entry of its own is in flight; " +
            "1: no batching (default: " + DEFAULT_BATCH + ").")
    Integer batch;

    static final int DEFAULT_BATCH = 64;

    @Option(names = "--leader", paramLabel = "NODE",
        description = "regionlog with --wan: the node (region) that campaigns first and so leads, 0..nodes-1.")
    Integer leader;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "1",
        description = "regionlog: simulated seconds of load per seed (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--seeds", paramLabel = "N", description = "Number of seeds to run (default: ${DEFAULT-VALUE}).",
        defaultValue = "20")
    int seeds;

    @Option(names = "--seed", paramLabel = "S", description = "Run exactly this seed (replays a failure).")
    Long seed;

    @Option(names = "--first-seed", paramLabel = "S", defaultValue = "1",
        description = "First seed of a multi-seed run (default: ${DEFAULT-VALUE}).")
    long firstSeed;

    @Option(names = "--regions", paramLabel = "N", defaultValue = "3",
        description = "Replicas, one per region: 3, 5 or 7 (default: ${DEFAULT-VALUE}).")
    int regions;

    @Option(names = "--nodes-per-region", paramLabel = "N", defaultValue = "1",
        description = "Nodes per region: 1 (one EPaxos replica per region), or 3 or 5 (the Hydra composition: a " +
            "region log group per region carries the region's replica) (default: ${DEFAULT-VALUE}).")
    int nodesPerRegion;

    @Option(names = "--regional", paramLabel = "PCT", defaultValue = "0",
        description = "With --nodes-per-region 3|5: percent of commands on the client's regional keyspace, ordered " +
            "by its region log alone (default: ${DEFAULT-VALUE}).")
    int regional;

    @Option(names = "--commands", paramLabel = "N", defaultValue = "500",
        description = "Client commands per seed (default: ${DEFAULT-VALUE}).")
    int commands;

    @Option(names = "--conflict", paramLabel = "PCT", defaultValue = "10",
        description = "Percent of commands on the shared hot key (default: ${DEFAULT-VALUE}).")
    int conflict;

    @Option(names = "--reads", paramLabel = "PCT", defaultValue = "30",
        description = "Percent of read-only commands (default: ${DEFAULT-VALUE}).")
    int reads;

    @Option(names = "--keys", paramLabel = "conflict|zipf", defaultValue = "conflict",
        description = "Key choice: hot key with --conflict probability else private keys, or Zipfian over 1000 " +
            "shared keys (default: ${DEFAULT-VALUE}).")
    String keys;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "3",
        description = "Closed-loop clients per region (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--faults", paramLabel = "none|standard|heavy", defaultValue = "standard",
        description = "Fault intensity (default: ${DEFAULT-VALUE}).")
    String faults;

    @Option(names = "--wan", paramLabel = "PROFILE", defaultValue = "",
        description = "WAN profile name in config/wan or a file (default: epaxos-5, seven-regions for 7).")
    String wan;

    @Option(names = "--config-dir", paramLabel = "DIR",
        description = "Configuration directory (default: the project's config/).")
    Path configDir;

    @Option(names = "--history", paramLabel = "FILE",
        description = "Write the client history of the seed as JSON lines (needs --seed).")
    Path history;

    @Option(names = "--no-linearizability", description = "Skip recording the client history and the " +
        "linearizability check (for very long runs, e.g. a million commands; other verifiers stay on).")
    boolean noLinearizability;

    @Option(names = "--json", description = "Print a JSON summary object as the last line.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if ("regionlog".equalsIgnoreCase(mode))
        {
            return runRegionLog(out);
        }
        if (!"epaxos".equalsIgnoreCase(mode))
        {
            System.err.println("geo sim: --mode must be epaxos or regionlog; got '" + mode + "'");
            return 2;
        }
        for (final String regionLogOnly : new String[] {"--nodes", "--seconds", "--multi-paxos", "--payload",
            "--leader"})
        {
            if (spec.commandLine().getParseResult().hasMatchedOption(regionLogOnly))
            {
                System.err.println("geo sim: " + regionLogOnly + " is for --mode regionlog (EPaxos uses --regions " +
                    "and --commands)");
                return 2;
            }
        }
        final SimConfig config;
        try
        {
            config = buildConfig();
        }
        catch (final UsageException | IllegalArgumentException ex)
        {
            System.err.println("geo sim: " + ex.getMessage());
            return 2;
        }

        if (seed != null)
        {
            return runOne(config, out);
        }
        out.printf(Locale.ROOT, "simulating %d seeds from %d: %d regions%s on %s, %d commands each, %d%% conflict, " +
            "faults %s%n", seeds, firstSeed, regions, nodesPerRegion == 1 ? "" : " x " + nodesPerRegion +
            " nodes (Hydra)", config.profile().name(), commands, conflict,
            config.faults().name().toLowerCase(Locale.ROOT));
        final SimRunner.Summary summary = SimRunner.run(config, firstSeed, seeds, 10, out);
        printSummary(out, config, summary);
        if (json)
        {
            out.println(summary.toJson(config));
        }
        return summary.violations() == 0 ? 0 : 1;
    }

    private int runOne(final SimConfig config, final PrintStream out) throws IOException
    {
        final SimResult[] result = new SimResult[1];
        final SimRunner.Summary summary = SimRunner.run(config, seed, 1, 1, out, r -> result[0] = r);
        out.println(result[0].summaryLine());
        for (final String violation : result[0].violations())
        {
            out.println("VIOLATION: " + violation);
        }
        if (history != null)
        {
            try (BufferedWriter writer = Files.newBufferedWriter(history, StandardCharsets.UTF_8))
            {
                result[0].history().writeJsonLines(writer);
            }
            out.println("history: " + result[0].history().size() + " events written to " + history);
        }
        printSummary(out, config, summary);
        if (json)
        {
            out.println(summary.toJson(config));
        }
        return summary.violations() == 0 ? 0 : 1;
    }

    private SimConfig buildConfig()
    {
        if (seed != null && spec.commandLine().getParseResult().hasMatchedOption("--seeds"))
        {
            throw new UsageException("give --seed S or --seeds N, not both");
        }
        if (history != null && noLinearizability)
        {
            throw new UsageException("--history needs the history that --no-linearizability skips");
        }
        if (history != null && seed == null)
        {
            throw new UsageException("--history writes one seed's history: add --seed S");
        }
        if (seeds < 1 || seeds > 10_000_000)
        {
            throw new UsageException("--seeds must be 1..10000000; got " + seeds);
        }
        if (regions != 3 && regions != 5 && regions != 7)
        {
            throw new UsageException("--regions must be 3, 5 or 7; got " + regions);
        }
        if (nodesPerRegion != 1 && nodesPerRegion != 3 && nodesPerRegion != 5)
        {
            throw new UsageException("--nodes-per-region must be 1, 3 or 5; got " + nodesPerRegion);
        }
        if (regional < 0 || regional > 100)
        {
            throw new UsageException("--regional must be 0..100; got " + regional);
        }
        if (snapshotEvery != null && (snapshotEvery < 0 || nodesPerRegion == 1))
        {
            throw new UsageException(snapshotEvery < 0 ? "--snapshot-every must be >= 0; got " + snapshotEvery :
                "--snapshot-every needs region groups: add --nodes-per-region 3 or 5");
        }
        if (regional > 0 && nodesPerRegion == 1)
        {
            throw new UsageException("--regional needs region groups: add --nodes-per-region 3 or 5");
        }
        if (batch != null && (batch < 1 || batch > io.geo.epaxos.primitives.Command.MAX_BATCH_MEMBERS))
        {
            throw new UsageException("--batch must be 1.." + io.geo.epaxos.primitives.Command.MAX_BATCH_MEMBERS +
                "; got " + batch);
        }
        if (batch != null && nodesPerRegion == 1)
        {
            throw new UsageException("--batch needs region groups: add --nodes-per-region 3 or 5");
        }
        final SimConfig.KeyChoice keyChoice;
        switch (keys.toLowerCase(Locale.ROOT))
        {
            case "conflict" -> keyChoice = SimConfig.KeyChoice.CONFLICT;
            case "zipf" -> keyChoice = SimConfig.KeyChoice.ZIPF;
            default -> throw new UsageException("--keys must be conflict or zipf; got '" + keys + "'");
        }
        final String profileName = wan.isEmpty() ? (regions > 5 ? "seven-regions" : "epaxos-5") : wan;
        final WanProfile profile;
        try
        {
            profile = WanProfile.resolve(profileName, configDirectory());
        }
        catch (final WanProfileException ex)
        {
            throw new UsageException(ex.getMessage());
        }
        return new SimConfig()
            .replicas(regions)
            .nodesPerRegion(nodesPerRegion)
            .regionalPercent(regional)
            .regionSnapshotEverySlots(snapshotEvery == null ? DEFAULT_REGION_SNAPSHOT_EVERY : snapshotEvery)
            .batching(batch == null ? DEFAULT_BATCH : batch, 1)
            .commands(commands)
            .conflictPercent(conflict)
            .readPercent(reads)
            .keyChoice(keyChoice)
            .clientsPerRegion(clients)
            .faults(Faults.parse(faults))
            .profile(profile)
            .recordHistory(!noLinearizability)
            .checkLinearizability(!noLinearizability)
            .validate();
    }

    private int runRegionLog(final PrintStream out)
    {
        for (final String epaxosOnly : new String[] {"--regions", "--nodes-per-region", "--regional", "--commands",
            "--conflict", "--reads", "--keys", "--history", "--no-linearizability", "--batch"})
        {
            if (spec.commandLine().getParseResult().hasMatchedOption(epaxosOnly))
            {
                System.err.println("geo sim: " + epaxosOnly + " does not apply to --mode regionlog");
                return 2;
            }
        }
        final RegionLogSimConfig config;
        try
        {
            if (seed != null && spec.commandLine().getParseResult().hasMatchedOption("--seeds"))
            {
                throw new UsageException("give --seed S or --seeds N, not both");
            }
            if (seeds < 1 || seeds > 10_000_000)
            {
                throw new UsageException("--seeds must be 1..10000000; got " + seeds);
            }
            if (nodes != 1 && nodes != 3 && nodes != 5)
            {
                throw new UsageException("--nodes must be 1, 3 or 5; got " + nodes);
            }
            if (!(seconds > 0 && seconds <= 3600))
            {
                throw new UsageException("--seconds must be more than 0 and at most 3600; got " + seconds);
            }
            if (payload < 0 || payload > 1024 * 1024)
            {
                throw new UsageException("--payload must be 0..1048576; got " + payload);
            }
            if (snapshotEvery != null && (snapshotEvery < 0 || snapshotEvery > 1_000_000))
            {
                throw new UsageException("--snapshot-every must be 0..1000000; got " + snapshotEvery);
            }
            if (leader != null && wan.isEmpty())
            {
                throw new UsageException("--leader places the leader in a region of --wan PROFILE: add --wan");
            }
            if (leader != null && (leader < 0 || leader >= nodes))
            {
                throw new UsageException("--leader must be 0.." + (nodes - 1) + "; got " + leader);
            }
            config = new RegionLogSimConfig().nodes(nodes).seconds(seconds).clientsPerNode(clients)
                .faults(RegionLogFaults.parse(faults)).delegation(!multiPaxos).payloadBytes(payload)
                .snapshotEvery(snapshotEvery == null ? -1 : snapshotEvery)
                .preferredLeader(leader == null ? -1 : leader);
            if (!wan.isEmpty())
            {
                try
                {
                    config.wan(WanProfile.resolve(wan, configDirectory()));
                }
                catch (final WanProfileException ex)
                {
                    throw new UsageException(ex.getMessage());
                }
            }
            config.copy().validate();
        }
        catch (final UsageException | IllegalArgumentException ex)
        {
            System.err.println("geo sim: " + ex.getMessage());
            return 2;
        }
        final long first = seed != null ? seed : firstSeed;
        final int count = seed != null ? 1 : seeds;
        out.printf(Locale.ROOT, "simulating %d region log seed%s from %d: %d nodes on %s (%s), %.1f s of " +
            "load each, faults %s%n", count, count == 1 ? "" : "s", first, nodes,
            wan.isEmpty() ? "LAN links" : "the WAN profile " + wan + ", one node per region",
            multiPaxos ? "Multi-Paxos" : "delegated", seconds, faults.toLowerCase(Locale.ROOT));
        final RegionLogSimRunner.Summary summary = RegionLogSimRunner.run(config, first, count, 10, out,
            count == 1 ? result -> out.println(result.summaryLine()) : null);
        out.printf(Locale.ROOT, "%d seeds, %d appends (acknowledged %d, unknown %d), %d slots (%d no-ops), %d view " +
            "changes, %d crashes, %d partitions, append-to-ack p50 %.2f ms, p99 %.2f ms, leader share of bytes " +
            "%.3f, violations %d, wall time %.1f s%n", summary.seeds, summary.appends, summary.acked, summary.unknown,
            summary.slots, summary.noops, summary.viewChanges, summary.crashes, summary.partitions,
            summary.latencyMs(50), summary.latencyMs(99), summary.leaderShare(), summary.violations(),
            summary.wallNs / 1e9);
        if (!wan.isEmpty())
        {
            final java.util.List<String> names = config.copy().validate().wanRegions();
            out.printf(Locale.ROOT, "%-16s %11s %11s%n", "node (region)", "p50 ms", "p99 ms");
            for (int i = 0; i < nodes; i++)
            {
                out.printf(Locale.ROOT, "%-16s %11.1f %11.1f%n", i + " " + names.get(i),
                    summary.nodeLatencyMs(i, 50), summary.nodeLatencyMs(i, 99));
            }
        }
        if (!summary.failingSeeds.isEmpty())
        {
            out.println("failing seeds (replay with --mode regionlog --seed S): " + summary.failingSeeds);
            for (final String violation : summary.firstViolations)
            {
                out.println("VIOLATION: " + violation);
            }
        }
        if (json)
        {
            out.println(summary.toJson(config));
        }
        return summary.violations() == 0 ? 0 : 1;
    }

    private Path configDirectory()
    {
        return ConfigDirectory.resolve(configDir);
    }

    private static void printSummary(final PrintStream out, final SimConfig config, final SimRunner.Summary summary)
    {
        out.printf(Locale.ROOT, "%d seeds, %d commands (ok %d, failed %d, unknown %d), fast path %d, slow path %d " +
            "(conflict rate %.1f%%), recoveries %d, crashes %d, peak live instances %d, violations %d, " +
            "wall time %.1f s%n(latencies in ms: commit = invoke to commit at the leader; reply = invoke to reply " +
            "after execution)%n",
            summary.seeds, summary.commands, summary.ok, summary.failed, summary.unknown, summary.fastPath,
            summary.slowPath, 100 * summary.conflictRate(), summary.recoveries, summary.crashes,
            summary.peakLiveInstances, summary.violations(), summary.wallNs / 1e9);
        out.printf(Locale.ROOT, "%-16s %11s %11s %11s %11s %13s %13s%n", "region", "commit p50", "commit p99",
            "reply p50", "reply p99", "optimum fast", "optimum slow");
        for (int r = 0; r < summary.regions.size(); r++)
        {
            out.printf(Locale.ROOT, "%-16s %11s %11s %11s %11s %13.1f %13.1f%n", summary.regions.get(r),
                ms(summary.commitPercentileMs(r, 50)), ms(summary.commitPercentileMs(r, 99)),
                ms(summary.percentileMs(r, 50)), ms(summary.percentileMs(r, 99)),
                Optimum.fastPathMs(config.profile(), config.replicas(), r),
                Optimum.slowPathMs(config.profile(), config.replicas(), r));
        }
        boolean regional = false;
        for (int r = 0; r < summary.regions.size(); r++)
        {
            regional |= !summary.regionalLatenciesNs[r].isEmpty();
        }
        if (regional)
        {
            out.printf(Locale.ROOT, "regional commands (ordered by the region log alone), invoke to reply in ms:%n");
            for (int r = 0; r < summary.regions.size(); r++)
            {
                out.printf(Locale.ROOT, "%-16s p50 %7.2f   p99 %7.2f   (%d commands)%n", summary.regions.get(r),
                    summary.regionalPercentileMs(r, 50), summary.regionalPercentileMs(r, 99),
                    summary.regionalLatenciesNs[r].size());
            }
        }
        if (summary.batches > 0)
        {
            out.printf(Locale.ROOT, "batches: %d instances and regional entries carried %d commands (%.1f each)%n",
                summary.batches, summary.batchedCommands, (double)summary.batchedCommands / summary.batches);
        }
        if (!summary.failingSeeds.isEmpty())
        {
            out.println("failing seeds (replay with --seed S): " + summary.failingSeeds);
        }
    }

    /** A latency for the table: one decimal, or "-" when the region had no such command (NaN). */
    private static String ms(final double value)
    {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }
}
