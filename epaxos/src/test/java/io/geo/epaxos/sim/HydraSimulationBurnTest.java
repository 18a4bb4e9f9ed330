package io.geo.epaxos.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault seeds through the Hydra simulator (region log groups under EPaxos) with every verifier on. CI runs
 * {@code geo.hydra.seeds} seeds (200, set in the parent pom) over 3 x 3 and 5 x 3 topologies, standard and heavy
 * faults, some with regional commands, plus a tenth more on 3 x 5 and a fifth with enough clients that commands
 * travel in batches; {@code -Dgeo.hydra.seeds=N} runs more. Failing
 * seeds are printed with the
 * command that replays them.
 */
class HydraSimulationBurnTest
{
    private static final int SEEDS = Integer.getInteger("geo.hydra.seeds", 200);
    private static final long FIRST_SEED = Long.getLong("geo.hydra.firstSeed", 1);

    @Test
    void shouldStaySafeAndLiveUnderStandardFaultsWithThreeRegionsOfThree()
    {
        burn(3, 3, Faults.STANDARD, 25, 0, SEEDS * 2 / 10, FIRST_SEED);
    }

    @Test
    void shouldStaySafeAndLiveWithRegionalCommandsInThreeRegionsOfThree()
    {
        burn(3, 3, Faults.STANDARD, 25, 40, SEEDS * 2 / 10, FIRST_SEED + 500_000);
    }

    @Test
    void shouldStaySafeAndLiveUnderHeavyFaultsWithThreeRegionsOfThree()
    {
        burn(3, 3, Faults.HEAVY, 50, 0, SEEDS * 2 / 10, FIRST_SEED + 100_000);
    }

    @Test
    void shouldStaySafeAndLiveUnderStandardFaultsWithFiveRegionsOfThree()
    {
        burn(5, 3, Faults.STANDARD, 25, 0, SEEDS * 2 / 10, FIRST_SEED + 200_000);
    }

    @Test
    void shouldStaySafeAndLiveUnderHeavyFaultsWithFiveRegionsOfThree()
    {
        burn(5, 3, Faults.HEAVY, 50, 20, SEEDS * 2 / 10, FIRST_SEED + 300_000);
    }

    @Test
    void shouldStaySafeAndLiveWithThreeRegionsOfFive()
    {
        burn(3, 5, Faults.HEAVY, 25, 20, SEEDS / 10, FIRST_SEED + 400_000);
    }

    @Test
    void shouldStaySafeAndLiveWithBatchesUnderHeavyFaults()
    {
        // 12 clients per region: a node often has commands waiting for its entry in flight, so about a quarter of
        // the commands travel in batches (EPaxos instances and regional entries of several commands)
        final SimRunner.Summary summary = burn(3, 3, Faults.HEAVY, 50, 20, SEEDS * 2 / 10, FIRST_SEED + 600_000, 12,
            400);
        assertTrue(summary.batchedCommands > summary.commands / 10, "batched " + summary.batchedCommands + " of " +
            summary.commands);
    }

    private static SimRunner.Summary burn(final int regions, final int nodesPerRegion, final Faults faults,
        final int conflict, final int regional, final int seeds, final long firstSeed)
    {
        return burn(regions, nodesPerRegion, faults, conflict, regional, seeds, firstSeed, 3,
            Integer.getInteger("geo.hydra.commands", 200));
    }

    private static SimRunner.Summary burn(final int regions, final int nodesPerRegion, final Faults faults,
        final int conflict, final int regional, final int seeds, final long firstSeed, final int clients,
        final int commands)
    {
        final SimConfig config = new SimConfig()
            .replicas(regions)
            .nodesPerRegion(nodesPerRegion)
            .faults(faults)
            .conflictPercent(conflict)
            .regionalPercent(regional)
            .clientsPerRegion(clients)
            .commands(commands)
            .profile(SimTestSupport.profile("epaxos-5"));
        final SimRunner.Summary summary = SimRunner.run(config, firstSeed, Math.max(1, seeds), 10, System.out);
        System.out.println(regions + "x" + nodesPerRegion + " " + faults + " regional " + regional + "%: " +
            summary.toJson(config));
        assertEquals(0, summary.violations(), () -> "failing seeds " + summary.failingSeeds + "\n" +
            String.join("\n", summary.firstViolations));
        return summary;
    }
}
