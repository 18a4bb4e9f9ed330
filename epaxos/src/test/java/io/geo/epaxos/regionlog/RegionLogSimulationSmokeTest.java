package io.geo.epaxos.regionlog;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs without faults, where every append must be applied and acknowledged; and the replay of one seed:
 * {@code -Dseed=S -Dnodes=N -Dfaults=standard} replays a burn-test seed, {@code -Dtrace=fromMs:toMs} prints its
 * events (deliveries, applies, crashes, partitions) in that window of simulated time; {@code -Dduplicate=P} and
 * {@code -DreorderingLinks=true} change the network as the runner's options do.
 */
class RegionLogSimulationSmokeTest
{
    @Test
    void shouldApplyEveryAppendWithoutFaults()
    {
        for (final int nodes : new int[] { 1, 3, 5 })
        {
            final RegionLogSimResult result = new RegionLogSimulation(new RegionLogSimConfig()
                .seed(1)
                .nodes(nodes)
                .faults(RegionLogFaults.NONE)).run();
            System.out.println(result.summaryLine());
            assertTrue(result.passed(), () -> String.join("\n", result.violations()));
            assertTrue(result.appends() > 100, () -> "too few appends: " + result.summaryLine());
            assertEquals(0, result.refused(), result::summaryLine);
            assertEquals(0, result.unknown(), result::summaryLine);
            assertEquals(result.appends(), result.acked(), "every append is applied and acknowledged");
            assertEquals(0, result.viewChanges(), "no view change without faults");
        }
    }

    @Test
    void shouldReplayOneSeed()
    {
        final RegionLogSimConfig config = new RegionLogSimConfig()
            .seed(Long.getLong("seed", 1))
            .nodes(Integer.getInteger("nodes", 3))
            .faults(RegionLogFaults.parse(System.getProperty("faults", "standard")))
            .reorderingLinks(Boolean.getBoolean("reorderingLinks"));
        if (System.getProperty("duplicate") != null)
        {
            config.duplicateProbability(Double.parseDouble(System.getProperty("duplicate")));
        }
        final String trace = System.getProperty("trace");
        if (trace != null)
        {
            final String[] window = trace.split(":");
            config.trace(System.out, Long.parseLong(window[0]) * 1_000_000, Long.parseLong(window[1]) * 1_000_000);
        }
        final RegionLogSimResult result = new RegionLogSimulation(config).run();
        System.out.println(result.summaryLine());
        result.violations().forEach(System.out::println);
        assertTrue(result.passed(), () -> String.join("\n", result.violations()));
    }
}
