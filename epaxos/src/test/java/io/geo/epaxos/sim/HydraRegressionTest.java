package io.geo.epaxos.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Seeds that once broke the Hydra composition, kept as regression tests (each failed before its fix):
 * <ul>
 *   <li>seeds 7 and 8, 3 x 3, 50% regional commands, standard faults, 300 commands: a client whose node crashed
 *   with a global write in flight went on with a regional write, which its region applied at once; the global write,
 *   committed later, was skipped as superseded by the client's exactly-once table in that region only, and the
 *   regions' states diverged. Fix: regional commands are deduplicated in a session of their own
 *   ({@code HydraNode.regionalSession}).</li>
 *   <li>seed 60466, 5 x 3, 50% conflict, 20% regional, heavy faults, 200 commands: when the senders' region targets
 *   ({@code RegionTargets}) resent every message a silent node had been sent since it was last heard from, each move
 *   (and every partition, which silences a whole region) resent whole backlogs, which the next node appended to its
 *   region log: the logs flooded (thousands of appends waiting), leaders stalled and changed views over and over,
 *   and the region never settled (liveness). Fix: only Commits are resent (requests are retransmitted by their
 *   proposer, replies come again with the retransmission).</li>
 * </ul>
 */
class HydraRegressionTest
{
    @Test
    void shouldKeepGlobalAndRegionalWritesOfAClientInSessionsOfTheirOwn()
    {
        final SimConfig config = new SimConfig().replicas(3).nodesPerRegion(3).regionalPercent(50)
            .faults(Faults.STANDARD).commands(300).profile(SimTestSupport.profile("epaxos-5"));
        for (final long seed : new long[] {7, 8})
        {
            final SimResult result = SimRunner.runOne(config.copy().seed(seed));
            assertEquals(java.util.List.of(), result.violations(), "seed " + seed);
        }
    }

    @Test
    void shouldNotFloodRegionLogsWithResentMessagesWhenTargetsGoSilent()
    {
        final SimConfig config = new SimConfig().replicas(5).nodesPerRegion(3).regionalPercent(20).conflictPercent(50)
            .faults(Faults.HEAVY).commands(200).profile(SimTestSupport.profile("epaxos-5"));
        final SimResult result = SimRunner.runOne(config.copy().seed(60466));
        assertEquals(java.util.List.of(), result.violations(), "seed 60466");
    }

    @Test
    void shouldAnswerACommandAppendedAgainAfterASnapshotOnlyByAnExecution()
    {
        final SimConfig config = new SimConfig().nodesPerRegion(3).conflictPercent(50).faults(Faults.HEAVY)
            .commands(200).regionSnapshotEverySlots(64).profile(SimTestSupport.profile("epaxos-5"));
        final SimResult three = SimRunner.runOne(config.copy().replicas(3).seed(100037));
        assertEquals(java.util.List.of(), three.violations(), "seed 100037");
        final SimResult five = SimRunner.runOne(config.copy().replicas(5).regionalPercent(20).seed(300028));
        assertEquals(java.util.List.of(), five.violations(), "seed 300028");
    }
}
