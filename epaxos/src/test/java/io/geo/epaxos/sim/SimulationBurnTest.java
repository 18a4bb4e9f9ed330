package io.geo.epaxos.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fault seeds through the simulator with every verifier on. CI runs {@code geo.sim.seeds} seeds (1000, set in the
 * parent pom), split over N = 3 and N = 5 and both fault levels, plus a tenth more with N = 7;
 * {@code -Dgeo.sim.seeds=N} runs more. Failing seeds are printed with the command that replays them.
 */
class SimulationBurnTest
{
    private static final int SEEDS = Integer.getInteger("geo.sim.seeds", 1000);
    private static final long FIRST_SEED = Long.getLong("geo.sim.firstSeed", 1);

    @Test
    void shouldStaySafeAndLiveUnderStandardFaultsWithThreeRegions()
    {
        burn(3, Faults.STANDARD, 25, SEEDS * 3 / 10, FIRST_SEED);
    }

    @Test
    void shouldStaySafeAndLiveUnderHeavyFaultsWithThreeRegions()
    {
        burn(3, Faults.HEAVY, 50, SEEDS * 2 / 10, FIRST_SEED + 100_000);
    }

    @Test
    void shouldStaySafeAndLiveUnderStandardFaultsWithFiveRegions()
    {
        burn(5, Faults.STANDARD, 25, SEEDS * 3 / 10, FIRST_SEED + 200_000);
    }

    @Test
    void shouldStaySafeAndLiveUnderHeavyFaultsWithFiveRegions()
    {
        burn(5, Faults.HEAVY, 50, SEEDS * 2 / 10, FIRST_SEED + 300_000);
    }

    @Test
    void shouldStaySafeAndLiveUnderHeavyFaultsWithSevenRegions()
    {
        burn(7, Faults.HEAVY, 25, SEEDS / 10, FIRST_SEED + 400_000, "seven-regions");
    }

    private static void burn(final int replicas, final Faults faults, final int conflict, final int seeds,
        final long firstSeed)
    {
        burn(replicas, faults, conflict, seeds, firstSeed, "epaxos-5");
    }

    private static void burn(final int replicas, final Faults faults, final int conflict, final int seeds,
        final long firstSeed, final String profile)
    {
        final SimConfig config = new SimConfig()
            .replicas(replicas)
            .faults(faults)
            .conflictPercent(conflict)
            .commands(Integer.getInteger("geo.sim.commands", 200))
            .profile(SimTestSupport.profile(profile));
        final SimRunner.Summary summary = SimRunner.run(config, firstSeed, Math.max(1, seeds), 10, System.out);
        System.out.println("N=" + replicas + " " + faults + ": " + summary.toJson(config));
        assertEquals(0, summary.violations(), () -> "failing seeds " + summary.failingSeeds + "\n" +
            String.join("\n", summary.firstViolations));
    }
}
