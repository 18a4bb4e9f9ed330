package io.geo.epaxos.regionlog;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault seeds through the region log simulator with every verifier on. CI runs {@code geo.regionlog.seeds} seeds
 * (300 by default): 40% N = 3 standard faults, 20% N = 3 heavy, 20% N = 5 standard, 10% N = 5 heavy, 10% N = 1
 * heavy; every tenth seed runs twice to compare trace hashes. {@code -Dgeo.regionlog.seeds=N} runs more,
 * {@code -Dgeo.regionlog.firstSeed=N} moves the window. A failing seed is printed with its violations; replay it with
 * {@code RegionLogSimulationSmokeTest -Dseed=S -Dnodes=N -Dfaults=F [-Dtrace=fromMs:toMs]}.
 */
class RegionLogSimulationBurnTest
{
    private static final int SEEDS = Integer.getInteger("geo.regionlog.seeds", 300);
    private static final long FIRST_SEED = Long.getLong("geo.regionlog.firstSeed", 1);

    @Test
    void shouldStaySafeAndLiveUnderStandardFaultsWithThreeNodes()
    {
        burn(3, RegionLogFaults.STANDARD, SEEDS * 4 / 10, FIRST_SEED);
    }

    @Test
    void shouldStaySafeAndLiveUnderHeavyFaultsWithThreeNodes()
    {
        burn(3, RegionLogFaults.HEAVY, SEEDS * 2 / 10, FIRST_SEED + 100_000);
    }

    @Test
    void shouldStaySafeAndLiveUnderStandardFaultsWithFiveNodes()
    {
        burn(5, RegionLogFaults.STANDARD, SEEDS * 2 / 10, FIRST_SEED + 200_000);
    }

    @Test
    void shouldStaySafeAndLiveUnderHeavyFaultsWithFiveNodes()
    {
        burn(5, RegionLogFaults.HEAVY, SEEDS / 10, FIRST_SEED + 300_000);
    }

    @Test
    void shouldStaySafeAndLiveUnderHeavyFaultsWithOneNode()
    {
        burn(1, RegionLogFaults.HEAVY, SEEDS / 10, FIRST_SEED + 400_000);
    }

    @Test
    void shouldStaySafeAndLiveInMultiPaxosMode()
    {
        burn(new RegionLogSimConfig().nodes(3).faults(RegionLogFaults.STANDARD).delegation(false), SEEDS / 10,
            FIRST_SEED + 500_000);
    }

    /**
     * Messages bounded as the sidecar's transport bounds them (16 KiB here) with 2 KiB payloads: a Promise, a catch-up
     * or a recovered batch longer than one message fails the seed (the sidecar's transport would refuse it forever).
     */
    @Test
    void shouldFitEveryMessageInTheTransportsLargestMessage()
    {
        final RegionLogSimRunner.Summary summary = burn(new RegionLogSimConfig().nodes(3)
            .faults(RegionLogFaults.HEAVY).payloadBytes(2048).clientsPerNode(8).appendsPerSecond(2000)
            .maxMessageBytes(16 * 1024), SEEDS / 10, FIRST_SEED + 600_000);
        assertTrue(summary.promisePages > 0, "no election reply needed a second page: the test lost its point");
    }

    private static void burn(final int nodes, final RegionLogFaults faults, final int seeds, final long firstSeed)
    {
        burn(new RegionLogSimConfig().nodes(nodes).faults(faults), seeds, firstSeed);
    }

    private static RegionLogSimRunner.Summary burn(
        final RegionLogSimConfig config, final int seeds, final long firstSeed)
    {
        final int nodes = config.nodes();
        final RegionLogFaults faults = config.faults();
        final RegionLogSimRunner.Summary summary = RegionLogSimRunner.run(config, firstSeed, Math.max(1, seeds), 10,
            System.out);
        System.out.println("region log N=" + nodes + " " + faults + (config.delegation() ? "" : " multi-paxos") + ": " +
            summary.toJson(config));
        assertEquals(0, summary.violations(), () -> "failing seeds " + summary.failingSeeds + "\n" +
            String.join("\n", summary.firstViolations));
        return summary;
    }
}
