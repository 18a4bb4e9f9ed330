package io.geo.epaxos.regionlog;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Seeds that once broke the region log, kept as regression tests (each failed before its fix):
 * <ul>
 *   <li>seed 16, N=3 standard: a duplicated Grant made a delegate take the same range twice and propose a second
 *   entry (no-ops) in slots of the same view; two nodes applied different entries at slot 97. Fix: a node takes
 *   grants of a view only above the ones it already has.</li>
 *   <li>seed 2, N=3 standard: the same duplicate grant put an entry into a slot already chosen; the acceptors acked,
 *   the owner never learned the slot went to another entry and the entry was never applied. Fix: the owner resolves
 *   its entry against the entry actually chosen, and acceptors refuse to vote for a conflicting entry.</li>
 *   <li>seed 100027, N=3 heavy: after a view change the new leader granted a slot that held an entry of ours from an
 *   older view; proposing another entry there overwrote our record of the first, which was then lost. Fix: an entry
 *   stays in its slot (proposed again there) until the slot is decided.</li>
 *   <li>seeds 1417 (reordering links), 76, 160 (N=3 heavy), without duplication: the same loss, through no-op fills
 *   and recoveries.</li>
 *   <li>seed 1146, N=3 standard: a new leader proposed an entry of its own that was waiting on a slot instead of the
 *   entry recovered there (breaking Paxos' highest-view rule); the recovered entry's owner never saw it decided
 *   and its client waited forever. Fix: recovered slots carry the recovered entry; only slots where nothing was
 *   accepted take a waiting entry of ours.</li>
 *   <li>seeds 15, 16, 18, 19, 21, N=3 standard with snapshots (interval and retained slots drawn per seed): a node
 *   installed a peer's snapshot over entries of its own that were already chosen but not yet applied there; it
 *   told its host only about entries whose slot was still undecided, so those clients waited forever. Fix: every
 *   entry of ours that the snapshot holds is reported ({@code LogSnapshots.appliedInSnapshot}).</li>
 *   <li>N=1 heavy with a strict host (applied state durable at once): the node applied an entry before its own
 *   record of it was synced; a crash then lost the entry from the log while the state held it. Fix: entries are
 *   applied only once durable ({@code onSynced}).</li>
 *   <li>seeds 1000281 and 1003197, N=3 standard (snapshots drawn per seed): a delegate still holding a range of an old
 *   view learned that slots of it were chosen in a newer view (it applied them, took a snapshot and truncated
 *   them), then proposed its next entry in one of those slots: they looked free once truncated. Nacked, the entry
 *   waited on a slot that would never be decided again, and its client forever. Fix: a node never proposes in a
 *   slot it knows chosen or truncated.</li>
 * </ul>
 */
class RegionLogRegressionTest
{
    private static void assertClean(final RegionLogSimConfig config, final long seed, final int runs)
    {
        final RegionLogSimRunner.Summary summary = RegionLogSimRunner.run(config, seed, runs, 0, null);
        assertEquals(0, summary.violations(), () -> "seeds from " + seed + ": " + summary.failingSeeds + "\n" +
            String.join("\n", summary.firstViolations));
    }

    @Test
    void shouldNotProposeTwiceInOneSlotAfterADuplicatedGrant()
    {
        assertClean(new RegionLogSimConfig().snapshotEvery(0).nodes(3).faults(RegionLogFaults.STANDARD), 16, 1);
        assertClean(new RegionLogSimConfig().snapshotEvery(0).nodes(3).faults(RegionLogFaults.STANDARD), 2, 1);
    }

    @Test
    void shouldKeepAnEntryInItsSlotUntilTheSlotIsDecided()
    {
        assertClean(new RegionLogSimConfig().snapshotEvery(0).nodes(3).faults(RegionLogFaults.HEAVY), 100_027, 1);
        assertClean(new RegionLogSimConfig().snapshotEvery(0).nodes(3).faults(RegionLogFaults.STANDARD)
            .duplicateProbability(0).reorderingLinks(true), 1417, 1);
        assertClean(new RegionLogSimConfig().snapshotEvery(0).nodes(3).faults(RegionLogFaults.HEAVY)
            .duplicateProbability(0), 76, 1);
        assertClean(new RegionLogSimConfig().snapshotEvery(0).nodes(3).faults(RegionLogFaults.HEAVY)
            .duplicateProbability(0), 160, 1);
    }

    @Test
    void shouldProposeTheRecoveredEntryNotAWaitingOneOfOurs()
    {
        assertClean(new RegionLogSimConfig().snapshotEvery(0).nodes(3).faults(RegionLogFaults.STANDARD), 1146, 1);
    }

    @Test
    void shouldReportEveryEntryOfOursThatAnInstalledSnapshotHolds()
    {
        for (final long seed : new long[] {15, 16, 18, 19, 21})
        {
            assertClean(new RegionLogSimConfig().nodes(3).faults(RegionLogFaults.STANDARD), seed, 1);
        }
    }

    @Test
    void shouldNotProposeInASlotKnownChosenOrTruncated()
    {
        assertClean(new RegionLogSimConfig().nodes(3).faults(RegionLogFaults.STANDARD), 1_000_281, 1);
        assertClean(new RegionLogSimConfig().nodes(3).faults(RegionLogFaults.STANDARD), 1_003_197, 1);
    }

    @Test
    void shouldApplyOnlyDurableEntriesInAGroupOfOne()
    {
        assertClean(new RegionLogSimConfig().snapshotEvery(0).nodes(1).faults(RegionLogFaults.HEAVY)
            .strictApply(true), 1, 100);
    }
}
