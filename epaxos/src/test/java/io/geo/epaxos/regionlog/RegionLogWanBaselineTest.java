package io.geo.epaxos.regionlog;

import io.geo.epaxos.sim.SimTestSupport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The region log run across regions (one node per region of a WAN profile), in Multi-Paxos mode with the leader in a
 * chosen region: the leader-based baseline the Hydra composition is compared with (docs/hydra.md).
 */
class RegionLogWanBaselineTest
{
    @Test
    void shouldServeTheLeadersRegionFastestAndTheOthersThroughIt()
    {
        final RegionLogSimConfig config = new RegionLogSimConfig().nodes(5).delegation(false)
            .wan(SimTestSupport.profile("epaxos-5")).preferredLeader(1).faults(RegionLogFaults.NONE).seconds(3)
            .seed(5);
        final RegionLogSimResult result = new RegionLogSimulation(config).run();
        assertEquals(java.util.List.of(), result.violations());
        final double leaderP50 = RegionLogSimResult.percentileMs(result.latenciesByNodeNs()[1], 50);
        for (int node = 0; node < 5; node++)
        {
            final double p50 = RegionLogSimResult.percentileMs(result.latenciesByNodeNs()[node], 50);
            assertTrue(node == 1 || p50 > leaderP50, "node " + node + " p50 " + p50 + " vs leader's " + leaderP50);
            // simulated time: at least the WAN round trip to a majority, far above a LAN round
            assertTrue(p50 > 50, "node " + node + " p50 " + p50 + " ms crosses the WAN");
        }
    }
}
