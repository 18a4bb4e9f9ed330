package io.geo.epaxos.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fault seeds through the Hydra simulator (region log groups under EPaxos) with every verifier on. CI runs
 * {@code geo.hydra.seeds} seeds (200, set in the parent pom) over 3 x 3 and 5 x 3 topologies, standard and heavy
 * faults, some with regional commands, plus a tenth more on 3 x 5; {@code -Dgeo.hydra.seeds=N} runs more. Failing
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

    private static void burn(final int regions, final int nodesPerRegion, final Faults faults, final int conflict,
        final int regional, final int seeds, final long firstSeed)
    {
        final SimConfig config = new SimConfig()
            .replicas(regions)
            .nodesPerRegion(nodesPerRegion)
            .faults(faults)
            .conflictPercent(conflict)
            .regionalPercent(regional)
            .commands(Integer.getInteger("geo.hydra.commands", 200))
            .profile(SimTestSupport.profile("epaxos-5"));
        final SimRunner.Summary summary = SimRunner.run(config, firstSeed, Math.max(1, seeds), 10, System.out);
        System.out.println(regions + "x" + nodesPerRegion + " " + faults + " regional " + regional + "%: " +
            summary.toJson(config));
        assertEquals(0, summary.violations(), () -> "failing seeds " + summary.failingSeeds + "\n" +
            String.join("\n", summary.firstViolations));
    }
}
