package io.geo.epaxos.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Region snapshots in the Hydra simulator: nodes snapshot their region (replica, state machine, replicated fields)
 * every few slots and truncate their region log behind it; restarted nodes start from their last snapshot, and nodes
 * that fell behind a truncation install a peer's. Every verifier runs as usual, and the simulator checks besides that
 * every node of a region captured the same execution by the same slot and that a node installing a snapshot had
 * executed a prefix of it (its life then carries the snapshot's execution order, so the order, lost-write and state
 * checks cover what came through snapshots).
 */
class HydraSnapshotTest
{
    private static final int SEEDS = Integer.getInteger("geo.hydra.snapshotSeeds", 24);

    @Test
    void shouldStaySafeAndLiveWithFrequentRegionSnapshots()
    {
        long kept = 0;
        long installed = 0;
        long maxBytes = 0;
        for (int i = 0; i < SEEDS; i++)
        {
            final long seed = 90_000 + i;
            final SimConfig config = new SimConfig().seed(seed).replicas(i % 3 == 2 ? 5 : 3).nodesPerRegion(3)
                .faults(Faults.parse(i % 2 == 0 ? "heavy" : "standard")).conflictPercent(i % 4 == 0 ? 100 : 25)
                .regionalPercent(i % 3 == 0 ? 20 : 0).commands(200).regionSnapshotEverySlots(8 + i % 3 * 8)
                .profile(SimTestSupport.profile("epaxos-5"));
            final HydraSimulation simulation = new HydraSimulation(config);
            final SimResult result = simulation.run();
            assertTrue(result.passed(), () -> "seed " + seed + ": " + String.join("\n", result.violations()));
            kept += simulation.regionSnapshotsKept();
            installed += simulation.regionSnapshotsInstalled();
            maxBytes = Math.max(maxBytes, simulation.maxRegionSnapshotBytes());
        }
        System.out.printf("region snapshots: %d kept, %d installed from a peer, largest %.1f KiB, %d seeds%n", kept,
            installed, maxBytes / 1024.0, SEEDS);
        assertTrue(kept > 100L * SEEDS, "snapshots kept: " + kept);
        assertTrue(installed > 0, "no node installed a peer's snapshot: the transfer path went untested");
    }
}
