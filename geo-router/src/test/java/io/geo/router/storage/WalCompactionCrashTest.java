package io.geo.router.storage;

import io.geo.router.storage.WalDurableStore.CompactionStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.geo.router.storage.WalDurableStoreTest.assertMatchesModel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A crash injected at every step of a compaction loses nothing that was synced. */
@Timeout(120)
class WalCompactionCrashTest
{
    private static final long SEED = 31;

    @TempDir
    Path dir;

    private static final class InjectedCrash extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        InjectedCrash(final CompactionStep step, final int index)
        {
            super("injected crash at " + step + " " + index);
        }
    }

    /** Compaction only when the test asks; small segments and buffer, so a snapshot spans segments and writes. */
    private static WalConfig config(final Path dir)
    {
        return WalDurableStoreTest.smallConfig(dir).compactionMinLogBytes(Long.MAX_VALUE);
    }

    /** Writes the same synced history for every scenario. */
    private static WalDurableStore buildHistory(final WalConfig config, final ModelStore model) throws IOException
    {
        final WalDurableStore store = WalDurableStore.open(config);
        final RandomStoreOps ops = new RandomStoreOps(SEED, 80);
        final SplittableRandom control = new SplittableRandom(SEED);
        for (int step = 0; step < 2500; step++)
        {
            final var op = ops.next();
            op.accept(store);
            op.accept(model);
            if (control.nextInt(8) == 0)
            {
                store.sync();
            }
        }
        store.sync();
        return store;
    }

    @Test
    void shouldRecoverTheSyncedStateAfterACrashAtEveryCompactionStep() throws IOException
    {
        // Count the steps of an undisturbed compaction of this history first.
        final int[] snapshotRecords = {0};
        final int[] deletedSegments = {0};
        try (WalDurableStore probe = buildHistory(config(dir.resolve("probe")), new ModelStore()))
        {
            probe.compactionListener((step, index) ->
            {
                if (step == CompactionStep.SNAPSHOT_RECORD_APPENDED)
                {
                    snapshotRecords[0]++;
                }
                else if (step == CompactionStep.SEGMENT_DELETED)
                {
                    deletedSegments[0]++;
                }
            });
            probe.compact();
            assertEquals(1, probe.compactions());
        }
        assertTrue(snapshotRecords[0] > 100, "snapshot records: " + snapshotRecords[0]);
        assertTrue(deletedSegments[0] > 5, "deleted segments: " + deletedSegments[0]);

        final List<Object[]> crashPoints = new ArrayList<>();
        crashPoints.add(new Object[]{CompactionStep.ROLLED, 0});
        for (final int index : new int[]{0, 1, snapshotRecords[0] / 3, snapshotRecords[0] / 2, snapshotRecords[0] - 1})
        {
            crashPoints.add(new Object[]{CompactionStep.SNAPSHOT_RECORD_APPENDED, index});
        }
        crashPoints.add(new Object[]{CompactionStep.SNAPSHOT_SYNCED, 0});
        for (int index = 0; index < deletedSegments[0]; index++)
        {
            crashPoints.add(new Object[]{CompactionStep.SEGMENT_DELETED, index});
        }
        crashPoints.add(new Object[]{CompactionStep.COMPLETED, 0});

        for (final Object[] crashPoint : crashPoints)
        {
            final CompactionStep crashStep = (CompactionStep)crashPoint[0];
            final int crashIndex = (Integer)crashPoint[1];
            final String context = "crash at " + crashStep + " " + crashIndex;
            final WalConfig config = config(dir.resolve(crashStep + "-" + crashIndex));
            final ModelStore model = new ModelStore();
            final WalDurableStore store = buildHistory(config, model);
            store.compactionListener((step, index) ->
            {
                if (step == crashStep && index == crashIndex)
                {
                    throw new InjectedCrash(step, index);
                }
            });
            assertThrows(InjectedCrash.class, store::compact, context);
            store.abandon();

            try (WalDurableStore recovered = WalDurableStore.open(config))
            {
                assertMatchesModel(recovered, model, context);
                // The store goes on: new writes, a full compaction, and a restart keep everything.
                final RandomStoreOps more = new RandomStoreOps(SEED + 1, 80);
                for (int i = 0; i < 200; i++)
                {
                    final var op = more.next();
                    op.accept(recovered);
                    op.accept(model);
                }
                recovered.sync();
                recovered.compact();
                final long snapshotSegments = recovered.liveBytes() / config.segmentSizeBytes() + 2;
                assertTrue(recovered.log().segmentCount() <= snapshotSegments,
                    context + ": only the snapshot's segments after a full compaction");
            }
            try (WalDurableStore reopened = WalDurableStore.open(config))
            {
                assertMatchesModel(reopened, model, context + ", then compaction and restart");
            }
        }
    }
}
