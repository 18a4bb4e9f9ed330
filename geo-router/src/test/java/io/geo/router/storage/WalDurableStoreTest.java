package io.geo.router.storage;

import io.geo.epaxos.api.DurableStore;
import io.geo.epaxos.api.InstanceRecord;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static io.geo.router.storage.StorageAssertions.assertSameRecords;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class WalDurableStoreTest
{
    @TempDir
    Path dir;

    /** Small segments and buffers, so that rotation, early buffer writes and compaction happen often. */
    static WalConfig smallConfig(final Path dir)
    {
        return new WalConfig().directory(dir).segmentSizeBytes(16 * 1024).maxRecordBytes(12 * 1024)
            .writeBufferBytes(16 * 1024);
    }

    static void assertMatchesModel(final WalDurableStore store, final ModelStore model, final String context)
    {
        assertSameRecords(model.loadInstances(), store.loadInstances(), context);
        assertArrayEquals(model.loadGcWatermarks(RandomStoreOps.REPLICAS),
            store.loadGcWatermarks(RandomStoreOps.REPLICAS), context + ": watermarks");
    }

    @Test
    void shouldReplayRandomOperationsLikeTheModelAcrossReopensCrashesAndCompactions() throws IOException
    {
        for (final long seed : new long[]{1, 2, 3})
        {
            final WalConfig config = smallConfig(dir.resolve("seed-" + seed));
            final SplittableRandom control = new SplittableRandom(seed * 1000);
            final RandomStoreOps ops = new RandomStoreOps(seed, 60);
            ModelStore model = new ModelStore();
            ModelStore synced = new ModelStore();
            final List<Consumer<DurableStore>> unsynced = new ArrayList<>();
            WalDurableStore store = WalDurableStore.open(config);
            long compactions = 0;
            for (int step = 0; step < 6000; step++)
            {
                final Consumer<DurableStore> op = ops.next();
                op.accept(store);
                op.accept(model);
                unsynced.add(op);
                if (control.nextInt(8) == 0)
                {
                    store.sync();
                    synced = model.copy();
                    unsynced.clear();
                }
                final int dice = control.nextInt(400);
                final String context = "seed " + seed + " step " + step;
                if (dice == 0)
                {
                    compactions += store.compactions();
                    store.close();
                    store = WalDurableStore.open(config);
                    assertMatchesModel(store, model, context + " after reopen");
                    synced = model.copy();
                    unsynced.clear();
                }
                else if (dice == 1)
                {
                    // Crash: what was synced is all there; of the rest, what a full buffer or a rotation had
                    // already written (a prefix) may be there too.
                    compactions += store.compactions();
                    store.abandon();
                    store = WalDurableStore.open(config);
                    final ModelStore recovered = synced.copy();
                    final int kept = RandomStoreOps.matchingPrefix(store, recovered, unsynced);
                    assertTrue(kept >= 0, context + ": after a crash the store is not the synced state plus a " +
                        "prefix of the " + unsynced.size() + " unsynced operations");
                    model = recovered;
                    synced = model.copy();
                    unsynced.clear();
                }
            }
            store.sync();
            compactions += store.compactions();
            store.close();
            try (WalDurableStore reopened = WalDurableStore.open(config))
            {
                assertMatchesModel(reopened, model, "seed " + seed + " at the end");
                assertTrue(reopened.log().totalBytes() <= Math.max(2 * config.segmentSizeBytes(),
                    config.compactionRatio() * reopened.liveBytes() + config.segmentSizeBytes()),
                    "compaction bounds the log: " + reopened.log().totalBytes() + " bytes for " +
                        reopened.liveBytes() + " live");
            }
            assertTrue(compactions > 3, "seed " + seed + ": compactions " + compactions);
        }
    }

    @Test
    void shouldKeepNullCommandAndNoopApartAcrossReopen() throws IOException
    {
        final WalConfig config = new WalConfig().directory(dir);
        final long promise = InstanceId.of(0, 1);
        final long noop = InstanceId.of(0, 2);
        try (WalDurableStore store = WalDurableStore.open(config))
        {
            store.saveInstance(new InstanceRecord(promise, Status.NONE, 7, 0, null, 0, Deps.EMPTY, false));
            store.saveInstance(new InstanceRecord(noop, Status.COMMITTED, 7, 7, Command.NOOP, 4, Deps.EMPTY, true));
            assertEquals(2, store.sync());
        }
        try (WalDurableStore store = WalDurableStore.open(config))
        {
            final List<InstanceRecord> records = store.loadInstances();
            assertEquals(2, records.size());
            assertNull(records.get(0).command());
            assertSame(Command.NOOP, records.get(1).command());
        }
    }

    @Test
    void shouldReturnZeroWatermarksUntilSavedAndRefuseAnotherReplicaCount() throws IOException
    {
        final WalConfig config = new WalConfig().directory(dir);
        try (WalDurableStore store = WalDurableStore.open(config))
        {
            assertArrayEquals(new long[5], store.loadGcWatermarks(5));
            final long[] watermarks = {1, 2, 3, 4, 5};
            store.saveGcWatermarks(watermarks);
            watermarks[0] = 99;
            assertArrayEquals(new long[]{1, 2, 3, 4, 5}, store.loadGcWatermarks(5), "the store keeps a copy");
        }
        try (WalDurableStore store = WalDurableStore.open(config))
        {
            assertArrayEquals(new long[]{1, 2, 3, 4, 5}, store.loadGcWatermarks(5));
            assertThrows(IllegalStateException.class, () -> store.loadGcWatermarks(3));
        }
    }

    @Test
    void shouldStoreTheLargestRecordAndRejectALargerOneNamingTheLimit() throws IOException
    {
        final long[] deps = new long[MessageCodec.MAX_DEPS];
        for (int i = 0; i < deps.length; i++)
        {
            deps[i] = InstanceId.of(1, 1 + i);
        }
        final byte[] value = new byte[MessageCodec.MAX_VALUE_BYTES];
        final InstanceRecord largest = new InstanceRecord(InstanceId.of(0, 1), Status.ACCEPTED, 3, 3,
            Command.of(1, 1, Op.put(Key.of("k"), value), Op.put(Key.of("j"), value)), 5, deps, false);
        final WalConfig config = new WalConfig().directory(dir);
        try (WalDurableStore store = WalDurableStore.open(config))
        {
            store.saveInstance(largest);
            final InstanceRecord tooLarge = new InstanceRecord(InstanceId.of(0, 2), Status.ACCEPTED, 3, 3,
                Command.of(1, 1, Op.put(Key.of("k"), value), Op.put(Key.of("j"), value), Op.put(Key.of("i"), value)),
                5, deps, false);
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.saveInstance(tooLarge));
            assertTrue(e.getMessage().contains(WalConfig.MAX_RECORD_PROPERTY), e.getMessage());
        }
        try (WalDurableStore store = WalDurableStore.open(config))
        {
            assertSameRecords(List.of(largest), store.loadInstances(), "largest record");
        }
    }

    @Test
    void shouldCompactAHeavilyOverwrittenLogDownToItsLiveRecords() throws IOException
    {
        final WalConfig config = smallConfig(dir);
        final SplittableRandom random = new SplittableRandom(77);
        final ModelStore model = new ModelStore();
        try (WalDurableStore store = WalDurableStore.open(config))
        {
            for (int round = 0; round < 300; round++)
            {
                for (int i = 0; i < 20; i++)
                {
                    final InstanceRecord record = RandomStoreOps.randomRecord(random, InstanceId.of(1, 1 + i));
                    store.saveInstance(record);
                    model.saveInstance(record);
                }
                store.sync();
                assertTrue(store.log().totalBytes() <= Math.max(config.compactionMinLogBytes(),
                    config.compactionRatio() * store.liveBytes()) + store.liveBytes(),
                    "round " + round + ": " + store.log().totalBytes() + " bytes");
            }
            assertTrue(store.compactions() > 10, "compactions: " + store.compactions());
            assertTrue(store.log().segmentsDeleted() > 10, "segments deleted: " + store.log().segmentsDeleted());
            assertEquals(20, store.liveInstances());
        }
        try (WalDurableStore store = WalDurableStore.open(config))
        {
            assertMatchesModel(store, model, "after compactions");
        }
    }
}
