package io.geo.epaxos.regionlog;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulator itself: same seed, same run; faults are really injected; host model details. */
class RegionLogSimulationDeterminismTest
{
    @Test
    void shouldGiveTheSameTraceHashForTheSameSeed()
    {
        for (final int nodes : new int[] { 1, 3, 5 })
        {
            final RegionLogSimConfig config = new RegionLogSimConfig().nodes(nodes).seed(7)
                .faults(RegionLogFaults.HEAVY).checkLinearizability(false);
            final RegionLogSimResult first = new RegionLogSimulation(config).run();
            final RegionLogSimResult second = new RegionLogSimulation(config).run();
            assertEquals(first.traceHash(), second.traceHash(), "trace hash of seed 7 with " + nodes + " nodes");
            assertEquals(first.events(), second.events());
            assertEquals(first.violations(), second.violations());
            final RegionLogSimResult other = new RegionLogSimulation(config.copy().seed(8)).run();
            assertNotEquals(first.traceHash(), other.traceHash(), "seeds 7 and 8 with " + nodes + " nodes");
        }
    }

    @Test
    void shouldInjectCrashesPartitionsAndLostWrites()
    {
        final RegionLogSimRunner.Summary summary = RegionLogSimRunner.run(
            new RegionLogSimConfig().nodes(3).faults(RegionLogFaults.HEAVY).checkLinearizability(false), 1, 10, 0,
            null);
        assertTrue(summary.crashes > 10, () -> "crashes " + summary.crashes);
        assertTrue(summary.partitions > 10, () -> "partitions " + summary.partitions);
        assertTrue(summary.lostWrites > 0, () -> "no crash ever lost an unsynced write");
        assertTrue(summary.unknown > 0, () -> "no crash ever lost a client operation");
    }

    @Test
    void shouldCountOnlyNetworkBytesOfMessages()
    {
        final RegionLogSimResult result = new RegionLogSimulation(new RegionLogSimConfig().nodes(1)
            .faults(RegionLogFaults.NONE)).run();
        assertTrue(result.passed(), () -> String.join("\n", result.violations()));
        assertEquals(0, result.totalBytes(), "a single node sends nothing over the network");
        assertEquals(result.appends(), result.acked());
    }

    @Test
    void shouldRejectBadConfigurationNamingTheSetting()
    {
        final IllegalArgumentException ex = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> new RegionLogSimConfig().nodes(4).validate());
        assertEquals("nodes=4 is invalid: expected 1, 3 or 5", ex.getMessage());
    }
}
