package io.geo.epaxos.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code EpaxosReplica.snapshot()} and {@code restore}: a replica restored from a snapshot must behave exactly as the
 * one that took it. Each seed runs twice with a snapshot of every live node's replica every few ticks: once going on
 * with the original replica, once with a copy restored from the snapshot. Under faults (crashes, partitions, loss,
 * recoveries in flight) the two runs must produce the same trace, message for message, and pass every verifier.
 * A field the snapshot forgets, or restores differently, changes what some replica sends sooner or later.
 */
class ReplicaSnapshotRoundTripTest
{
    private static final int SEEDS = Integer.getInteger("geo.snapshot.seeds", 12);

    @Test
    void aRestoredReplicaBehavesExactlyAsTheOriginal()
    {
        long snapshots = 0;
        long bytes = 0;
        for (int i = 0; i < SEEDS; i++)
        {
            final long seed = 7_000 + i;
            final int replicas = i % 3 == 2 ? 5 : 3;
            final Faults faults = Faults.parse(i % 2 == 0 ? "standard" : "heavy");
            final SimConfig base = new SimConfig().seed(seed).replicas(replicas).commands(150)
                .conflictPercent(i % 4 == 0 ? 100 : 25).faults(faults)
                .profile(SimTestSupport.profile("epaxos-5"));
            final SimResult untouched = new Simulation(base.copy()).run();
            final Simulation kept = new Simulation(base.copy().snapshots(3 + i % 5, false));
            final SimResult original = kept.run();
            final Simulation swapped = new Simulation(base.copy().snapshots(3 + i % 5, true));
            final SimResult restored = swapped.run();
            assertTrue(original.passed(), () -> "seed " + seed + ": " + String.join("\n", original.violations()));
            assertTrue(restored.passed(), () -> "seed " + seed + " restored: " +
                String.join("\n", restored.violations()));
            assertEquals(original.traceHash(), restored.traceHash(), "seed " + seed + " (" + replicas + " replicas, " +
                faults + "): the run on restored replicas diverged from the original's");
            assertEquals(untouched.traceHash(), original.traceHash(), "seed " + seed + ": taking snapshots changed the run");
            assertEquals(kept.replicaSnapshots(), swapped.replicaSnapshots());
            snapshots += swapped.replicaSnapshots();
            bytes += swapped.replicaSnapshotBytes();
        }
        System.out.printf("replica snapshots: %d restored, %.1f KiB on average%n", snapshots,
            bytes / 1024.0 / Math.max(1, snapshots));
        assertTrue(snapshots > 100 * SEEDS, "snapshots taken: " + snapshots);
    }
}
