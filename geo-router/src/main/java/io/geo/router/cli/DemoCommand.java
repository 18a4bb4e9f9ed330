package io.geo.router.cli;

import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.router.demo.DemoOptions;
import io.geo.router.demo.DemoStats;
import io.geo.router.demo.EmbeddedCluster;
import io.geo.router.demo.MemoryLogStore;
import io.geo.router.demo.Stores;
import io.geo.router.host.SyncableLogStore;
import io.geo.router.host.SyncableStore;
import io.geo.router.host.WalSyncableLogStore;
import io.geo.router.storage.Durability;
import io.geo.wan.WanProfile;
import io.geo.wan.WanProfileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code geo demo}: an embedded multi-region cluster in one JVM over the emulated WAN, with a workload. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Run an embedded multi-region cluster in one JVM over the emulated WAN and report commit latency per region.",
        "One EPaxos replica per region (the production code), SBE-encoded messages carried by the real-time WAN",
        "emulator, group commit every duty cycle, closed-loop clients in every region. Stops by itself."})
final class DemoCommand implements Callable<Integer>
{
    @Option(names = "--seconds", paramLabel = "N", defaultValue = "10",
        description = "How long clients issue commands (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--wan", paramLabel = "PROFILE", defaultValue = "three-regions",
        description = "WAN profile name in config/wan or a file (default: ${DEFAULT-VALUE}).")
    String wan;

    @Option(names = "--conflict", paramLabel = "PCT", defaultValue = "10",
        description = "Percent of commands on the shared hot key (default: ${DEFAULT-VALUE}).")
    int conflict;

    @Option(names = "--reads", paramLabel = "PCT", defaultValue = "20",
        description = "Percent of reads (default: ${DEFAULT-VALUE}).")
    int reads;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "4",
        description = "Closed-loop clients per region (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--nodes-per-region", paramLabel = "N", defaultValue = "1",
        description = "Nodes in each region: 1 (each region one EPaxos replica) or 3 or 5 (a region group sharing " +
            "a region log, docs/hydra.md) (default: ${DEFAULT-VALUE}).")
    int nodesPerRegion;

    @Option(names = "--batch", paramLabel = "N",
        description = "The most client commands one EPaxos instance (and region log entry) carries, 1: no batching " +
            "(default: the cluster config's, ${DEFAULT-VALUE}).", defaultValue = "64")
    int batch;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
        description = "Seed of the workload and the WAN jitter (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--durability", paramLabel = "sync|none|memory", defaultValue = "sync",
        description = "Where replicas persist: a write-ahead log fsync'd every duty cycle and Chronicle Map state " +
            "(sync), the same without fsync (none), or nothing (memory) (default: ${DEFAULT-VALUE}).")
    String durability;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Directory for the write-ahead logs (default: a temporary directory, deleted afterwards).")
    Path dataDir;

    @Option(names = "--config-dir", paramLabel = "DIR",
        description = "Configuration directory (default: the project's config/).")
    Path configDir;

    @Override
    public Integer call()
    {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        final DemoOptions options;
        final WanProfile profile;
        try
        {
            options = new DemoOptions(seconds, conflict, reads, clients, seed, nodesPerRegion, batch).validate();
            profile = WanProfile.resolve(wan, configDirectory());
            if (profile.regionCount() < 3 || profile.regionCount() % 2 == 0)
            {
                throw new IllegalArgumentException("WAN profile '" + profile.name() + "' has " +
                    profile.regionCount() + " regions; the demo needs an odd number, at least 3");
            }
        }
        catch (final IllegalArgumentException | WanProfileException ex)
        {
            System.err.println("geo demo: " + ex.getMessage());
            return 2;
        }

        out.printf(Locale.ROOT, "geo demo: %d regions%s on WAN profile %s (%s), %d clients per region, %d%% " +
            "conflict, %d%% reads, %d s%n", profile.regionCount(), nodesPerRegion == 1 ? "" : " x " + nodesPerRegion +
            " nodes (region groups)", profile.name(), String.join(", ", profile.regions()), clients, conflict, reads,
            seconds);
        final IntFunction<SyncableStore> stores;
        final IntFunction<SyncableLogStore> logStores;
        final Path walRoot;
        try
        {
            switch (durability.toLowerCase(Locale.ROOT))
            {
                case "memory" ->
                {
                    walRoot = null;
                    stores = Stores::memory;
                    logStores = node -> new MemoryLogStore();
                }
                case "sync", "none" ->
                {
                    final Durability mode = durability.equalsIgnoreCase("sync") ? Durability.SYNC : Durability.NONE;
                    walRoot = dataDir != null ? Files.createDirectories(dataDir) :
                        Files.createTempDirectory("geo-demo-");
                    stores = region -> Stores.wal(walRoot.resolve("region-" + region), mode);
                    logStores = node -> new WalSyncableLogStore(walRoot.resolve("node-" + node).resolve("regionlog"),
                        mode);
                }
                default -> throw new IllegalArgumentException(
                    "--durability must be sync, none or memory; got '" + durability + "'");
            }
        }
        catch (final IllegalArgumentException | IOException ex)
        {
            System.err.println("geo demo: " + ex.getMessage());
            return 2;
        }
        out.println("replicas persist: " + (walRoot == null ? "nothing (memory)" :
            "write-ahead log" + (durability.equalsIgnoreCase("sync") ? " with fsync group commit" : " without fsync") +
            " and Chronicle Map state in " + walRoot));
        final EmbeddedCluster cluster = new EmbeddedCluster(options, profile, stores, logStores, node ->
            walRoot == null ? Stores.keyValue() : Stores.chronicle(walRoot.resolve(
            (nodesPerRegion == 1 ? "region-" : "node-") + node).resolve("state")));
        final DemoStats stats;
        try
        {
            stats = cluster.run(out);
        }
        finally
        {
            cluster.close();
            if (walRoot != null && dataDir == null)
            {
                deleteRecursively(walRoot);
            }
        }
        print(out, profile, stats);
        out.println(stats.statesIdentical() ? "replicas converged: every region executed the same commands and " +
            "holds the same data" : "REPLICAS DIFFER OR DID NOT CONVERGE (converged=" + stats.converged() + ")");
        return stats.codecErrors() == 0 && stats.statesIdentical() ? 0 : 1;
    }

    private static void deleteRecursively(final Path root)
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ex)
        {
            System.err.println("geo demo: could not delete " + root + ": " + ex.getMessage());
        }
    }

    private static void print(final PrintStream out, final WanProfile profile, final DemoStats stats)
    {
        final double seconds = stats.elapsedNs() / 1e9;
        final long instances = stats.fastPath() + stats.slowPath();
        out.printf(Locale.ROOT, "%n%,d commands in %.1f s (%,.0f/s), %,d rejected; %,d instances (%.2f commands " +
            "each): fast path %,d, slow path %,d: conflict rate %.1f%%; recoveries %d; %,d messages, %,d KiB on the " +
            "WAN; %,d group commits%n",
            stats.completed(), seconds, stats.completed() / seconds, stats.rejected(), instances,
            instances == 0 ? 0.0 : (double)stats.completed() / instances, stats.fastPath(),
            stats.slowPath(), 100 * stats.conflictRate(), stats.recoveries(), stats.messagesSent(),
            stats.bytesSent() / 1024, stats.syncs());
        out.printf(Locale.ROOT, "%-16s %9s %11s %11s %11s %11s %14s%n", "region", "commands", "commit p50",
            "commit p99", "reply p50", "reply p99", "optimum (fast)");
        for (int r = 0; r < stats.regions().size(); r++)
        {
            out.printf(Locale.ROOT, "%-16s %9d %8.1f ms %8.1f ms %8.1f ms %8.1f ms %11.1f ms%n",
                stats.regions().get(r), stats.completed(r), stats.commitPercentileMs(r, 50),
                stats.commitPercentileMs(r, 99), stats.replyPercentileMs(r, 50), stats.replyPercentileMs(r, 99),
                fastOptimumMs(profile, r));
        }
        out.println("(commit: client invoke to commit at its region's replica; reply: to the client's answer after " +
            "execution; optimum: RTT to the nearest fast quorum)");
    }

    private static double fastOptimumMs(final WanProfile profile, final int region)
    {
        return profile.nearestRttMs(region, ReplicaConfig.fastQuorum(profile.regionCount()) - 1);
    }

    private Path configDirectory()
    {
        return ConfigDirectory.resolve(configDir);
    }
}
