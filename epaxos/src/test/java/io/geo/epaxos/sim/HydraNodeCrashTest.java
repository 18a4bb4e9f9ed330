package io.geo.epaxos.sim;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A node crash inside a region under load, in the Hydra simulator: the region log leader of region 0 is killed while
 * clients run, and restarted a second later. The other nodes of the region hold the same replica and carry on (the
 * new log leader sends what the dead node's entries produced), so no other region recovers anything of region 0; the
 * region's commands wait for a new region log leader (the latency blip, printed). What region 0 may recover are other
 * regions' instances whose Commit was sent to the dead node before their transports noticed it was gone (a Commit is
 * not retransmitted; a recovery fetches it).
 */
class HydraNodeCrashTest
{
    @Test
    void shouldRideOutARegionLeaderCrashWithoutCrossRegionRecovery()
    {
        final long crashAtNs = TimeUnit.SECONDS.toNanos(3);
        final SimConfig config = new SimConfig().replicas(3).nodesPerRegion(3).faults(Faults.NONE).commands(1500)
            .conflictPercent(2).seed(11).profile(SimTestSupport.profile("epaxos-5"))
            .crashRegionLeader(crashAtNs, TimeUnit.SECONDS.toNanos(1));
        final HydraSimulation simulation = new HydraSimulation(config);
        final SimResult result = simulation.run();

        assertEquals(List.of(), result.violations());
        assertNotNull(simulation.crashedLeader(), "a region leader was crashed");
        final long[] recoveries = simulation.recoveriesByRegion();
        assertEquals(0, recoveries[1] + recoveries[2], "no other region recovered anything: " +
            java.util.Arrays.toString(recoveries));

        final List<long[]> samples = simulation.latencySamples(0);
        long before = 0;
        long beforeCount = 0;
        long worstAround = 0;
        long afterCount = 0;
        for (final long[] sample : samples)
        {
            if (sample[0] < crashAtNs - TimeUnit.MILLISECONDS.toNanos(200))
            {
                before += sample[1];
                beforeCount++;
            }
            else if (sample[0] < crashAtNs + TimeUnit.MILLISECONDS.toNanos(500))
            {
                worstAround = Math.max(worstAround, sample[1]);
            }
            else
            {
                afterCount++;
            }
        }
        assertEquals(true, beforeCount > 50 && afterCount > 50, "load before and after the crash");
        System.out.printf("region leader %s crashed at %d ms: region 0 mean latency before %.1f ms, worst for " +
            "commands issued from 200 ms before to 500 ms after %.1f ms, %d commands after; recoveries per region " +
            "%s%n", simulation.crashedLeader(), TimeUnit.NANOSECONDS.toMillis(crashAtNs), before / 1e6 / beforeCount,
            worstAround / 1e6, afterCount, java.util.Arrays.toString(recoveries));
    }
}
