package io.geo.epaxos.sim;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regional keyspaces in the Hydra simulator: commands on them are ordered by their region's log alone, so none of
 * them sends a message to another region and each costs one region log round (simulated time: LAN links and fsync).
 */
class HydraRegionalTest
{
    @Test
    void shouldCommitRegionalCommandsInOneLogRoundWithoutWanMessages()
    {
        final SimConfig config = new SimConfig().replicas(3).nodesPerRegion(3).regionalPercent(100)
            .faults(Faults.NONE).commands(600).seed(3).profile(SimTestSupport.profile("epaxos-5"));
        final HydraSimulation simulation = new HydraSimulation(config);
        final SimResult result = simulation.run();

        assertEquals(java.util.List.of(), result.violations());
        assertEquals(600, result.ok());
        assertEquals(0, result.fastPath() + result.slowPath(), "no EPaxos instance");
        final Map<String, Long> wan = simulation.wanMessagesByType();
        assertTrue(Set.of("ExecutedWatermarks").containsAll(wan.keySet()),
            "only the replicas' periodic garbage-collection watermarks crossed regions: " + wan);
        for (int r = 0; r < 3; r++)
        {
            final long[] latencies = result.regionalLatenciesNs()[r];
            assertTrue(latencies.length > 100, "region " + r + " ran regional commands");
            // a region log round: LAN hops of 100 +- 50 us and 300 us fsyncs, far below any WAN round trip (60 ms)
            final double p99Ms = SimResult.percentileMs(latencies, 99);
            assertTrue(p99Ms < 5, "region " + r + " regional p99 " + p99Ms + " ms");
        }
    }
}
