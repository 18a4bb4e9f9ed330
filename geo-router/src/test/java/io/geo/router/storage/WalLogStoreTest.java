package io.geo.router.storage;

import io.geo.epaxos.regionlog.LogEntry;
import io.geo.epaxos.regionlog.LogMessage;
import io.geo.epaxos.regionlog.LogStore;
import io.geo.router.storage.WalDurableStore.CompactionStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link WalLogStore} against a model with the simulator's semantics ({@code RegionLogSimStore}: staged writes that
 * become durable at sync), across reopens, crashes, torn tails, compactions and crashes inside them, and a kill -9.
 */
@Timeout(120)
class WalLogStoreTest
{
    private static final long SEED = 20261123L;

    @TempDir
    Path dir;

    /** Small segments and buffers (as the replica store's tests), so rotation and compaction happen often. */
    static WalConfig smallConfig(final Path dir)
    {
        return WalDurableStoreTest.smallConfig(dir);
    }

    // ------------------------------------------------------------------------------------------------ the model

    /**
     * The simulator's region log store (epaxos' {@code RegionLogSimStore}, whose test classes this module cannot see)
     * without its snapshot: writes are staged and become durable in order at {@link #sync()}; {@link #load()} reads
     * the durable part.
     */
    static final class LogModel implements LogStore
    {
        private record Promise(long view)
        {
        }

        private record CommitIndex(long commitIndex)
        {
        }

        private record Incarnation(long incarnation)
        {
        }

        private record Truncation(long throughSlot)
        {
        }

        private long durablePromisedView;
        private long durableCommitIndex;
        private long durableIncarnation;
        private long durableTruncatedThrough;
        private final TreeMap<Long, LogMessage.AcceptedSlot> durableAccepted = new TreeMap<>();
        private final ArrayList<Object> staged = new ArrayList<>();

        @Override
        public void savePromise(final long view)
        {
            staged.add(new Promise(view));
        }

        @Override
        public void saveAccepted(final long slot, final long view, final LogEntry entry)
        {
            if (slot < 1 || entry == null)
            {
                throw new IllegalArgumentException("saveAccepted: slot >= 1 and an entry expected: " + slot + ", " +
                    entry);
            }
            staged.add(new LogMessage.AcceptedSlot(slot, view, copy(entry)));
        }

        @Override
        public void saveCommitIndex(final long commitIndex)
        {
            staged.add(new CommitIndex(commitIndex));
        }

        @Override
        public void saveIncarnation(final long incarnation)
        {
            staged.add(new Incarnation(incarnation));
        }

        @Override
        public void truncate(final long throughSlot)
        {
            staged.add(new Truncation(throughSlot));
        }

        @Override
        public State load()
        {
            final List<LogMessage.AcceptedSlot> accepted = new ArrayList<>(durableAccepted.size());
            for (final LogMessage.AcceptedSlot slot : durableAccepted.values())
            {
                accepted.add(new LogMessage.AcceptedSlot(slot.slot(), slot.view(), copy(slot.entry())));
            }
            return new State(durablePromisedView, durableCommitIndex, durableIncarnation, durableTruncatedThrough,
                accepted);
        }

        void sync()
        {
            for (final Object write : staged)
            {
                apply(write);
            }
            staged.clear();
        }

        int stagedCount()
        {
            return staged.size();
        }

        /** A model whose durable state is this one's plus the first {@code count} staged writes; nothing staged. */
        LogModel durablePlus(final int count)
        {
            final LogModel copy = new LogModel();
            copy.durablePromisedView = durablePromisedView;
            copy.durableCommitIndex = durableCommitIndex;
            copy.durableIncarnation = durableIncarnation;
            copy.durableTruncatedThrough = durableTruncatedThrough;
            copy.durableAccepted.putAll(durableAccepted);
            for (int i = 0; i < count; i++)
            {
                copy.apply(staged.get(i));
            }
            return copy;
        }

        /**
         * The smallest k such that {@code actual} is the durable state plus the first k staged writes, or -1: what a
         * store may hold after a crash.
         */
        int matchingPrefix(final State actual)
        {
            final LogModel base = durablePlus(0);
            for (int k = 0; ; k++)
            {
                if (base.load().equals(actual))
                {
                    return k;
                }
                if (k == staged.size())
                {
                    return -1;
                }
                base.apply(staged.get(k));
            }
        }

        private void apply(final Object write)
        {
            if (write instanceof Promise p)
            {
                durablePromisedView = p.view();
            }
            else if (write instanceof CommitIndex c)
            {
                durableCommitIndex = c.commitIndex();
            }
            else if (write instanceof Incarnation i)
            {
                durableIncarnation = i.incarnation();
            }
            else if (write instanceof Truncation t)
            {
                durableTruncatedThrough = Math.max(durableTruncatedThrough, t.throughSlot());
                durableAccepted.headMap(t.throughSlot(), true).clear();
            }
            else
            {
                final LogMessage.AcceptedSlot slot = (LogMessage.AcceptedSlot)write;
                if (slot.slot() > durableTruncatedThrough)
                {
                    durableAccepted.put(slot.slot(), slot);
                }
            }
        }

        private static LogEntry copy(final LogEntry entry)
        {
            return entry.isNoop() ? LogEntry.NOOP :
                LogEntry.of(entry.origin(), entry.sequence(), entry.payload().clone());
        }
    }

    /**
     * A seeded stream of store calls: acceptances (some re-accepting a slot, some at or below the truncation point,
     * some under the chosen marker view, some no-ops, a few large), promises, commit indexes (now and then lower than
     * before), incarnations and, when {@code truncates}, truncations (now and then not above the last one). The
     * stream depends only on the seed, so a child process and the test that checks it replay it alike.
     */
    static final class RandomLogOps
    {
        static final int WINDOW = 48;

        private final SplittableRandom random;
        private final boolean truncates;
        private long view;
        private long truncated;
        private long commitIndex;
        private long incarnation;
        private long sequence;

        RandomLogOps(final long seed, final boolean truncates)
        {
            this.random = new SplittableRandom(seed);
            this.truncates = truncates;
        }

        Consumer<LogStore> next()
        {
            final int dice = random.nextInt(100);
            if (dice < 60)
            {
                final long slot = Math.max(1, truncated - 3 + random.nextInt(WINDOW));
                final long acceptedView = random.nextInt(6) == 0 ? Long.MAX_VALUE : view + random.nextInt(2);
                final LogEntry entry = randomEntry();
                return store -> store.saveAccepted(slot, acceptedView, entry);
            }
            if (dice < 72)
            {
                view += random.nextInt(3);
                final long promised = view;
                return store -> store.savePromise(promised);
            }
            if (dice < 86)
            {
                commitIndex = random.nextInt(10) == 0 ? random.nextLong(commitIndex + 1) :
                    commitIndex + random.nextInt(4);
                final long value = commitIndex;
                return store -> store.saveCommitIndex(value);
            }
            if (dice < 89 || !truncates)
            {
                final long value = ++incarnation;
                return store -> store.saveIncarnation(value);
            }
            final long through = random.nextInt(6) == 0 ? Math.max(0, truncated - random.nextInt(3)) :
                truncated + 1 + random.nextInt(WINDOW / 3);
            truncated = Math.max(truncated, through);
            return store -> store.truncate(through);
        }

        private LogEntry randomEntry()
        {
            if (random.nextInt(10) == 0)
            {
                return LogEntry.NOOP;
            }
            final byte[] payload = new byte[random.nextInt(40) == 0 ? 1000 + random.nextInt(2000) : random.nextInt(60)];
            random.nextBytes(payload);
            return LogEntry.of(random.nextInt(5), ++sequence, payload);
        }
    }

    private static void assertSameState(final LogModel model, final WalLogStore store, final String context)
    {
        assertEquals(model.load(), store.load(), context);
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void shouldLoadTheEmptyStateFromANewStore() throws IOException
    {
        try (WalLogStore store = WalLogStore.open(smallConfig(dir)))
        {
            assertEquals(new LogStore.State(0, 0, 0, 0, List.of()), store.load());
            assertFalse(store.hasUnsynced());
        }
    }

    @Test
    void shouldMatchTheModelAcrossRandomCallsReopensCrashesAndCompactions() throws IOException
    {
        for (final long seed : new long[]{1, 2, 3})
        {
            final WalConfig config = smallConfig(dir.resolve("seed-" + seed));
            final SplittableRandom control = new SplittableRandom(seed * 1000);
            final RandomLogOps ops = new RandomLogOps(seed, true);
            LogModel model = new LogModel();
            WalLogStore store = WalLogStore.open(config);
            long compactions = 0;
            int crashesWithLoss = 0;
            for (int step = 0; step < 5000; step++)
            {
                final String context = "seed " + seed + " step " + step;
                final Consumer<LogStore> op = ops.next();
                op.accept(store);
                op.accept(model);
                if (control.nextInt(8) == 0)
                {
                    store.sync();
                    model.sync();
                    assertFalse(store.hasUnsynced(), context);
                    assertSameState(model, store, context + " after sync");
                }
                final int dice = control.nextInt(250);
                if (dice == 0)
                {
                    compactions += store.compactions();
                    store.close();
                    model.sync();
                    store = WalLogStore.open(config);
                    assertSameState(model, store, context + " after reopen");
                }
                else if (dice == 1)
                {
                    // Crash: the synced calls are all there; of the rest, what a full buffer or a rotation had
                    // already written (a prefix) may be there too.
                    compactions += store.compactions();
                    store.abandon();
                    store = WalLogStore.open(config);
                    final int kept = model.matchingPrefix(store.load());
                    assertTrue(kept >= 0, context + ": after a crash the store is not the synced state plus a " +
                        "prefix of the " + model.stagedCount() + " unsynced calls");
                    crashesWithLoss += kept < model.stagedCount() ? 1 : 0;
                    model = model.durablePlus(kept);
                }
            }
            store.sync();
            model.sync();
            compactions += store.compactions();
            store.close();
            try (WalLogStore reopened = WalLogStore.open(config))
            {
                assertSameState(model, reopened, "seed " + seed + " at the end");
                assertTrue(reopened.log().totalBytes() <= Math.max(2 * config.segmentSizeBytes(),
                    config.compactionRatio() * reopened.liveBytes() + config.segmentSizeBytes()),
                    "compaction bounds the log: " + reopened.log().totalBytes() + " bytes for " +
                        reopened.liveBytes() + " live");
            }
            assertTrue(compactions > 3, "seed " + seed + ": compactions " + compactions);
            assertTrue(crashesWithLoss > 0, "seed " + seed + ": some crash lost unsynced calls");
        }
    }

    @Test
    void shouldRecoverTheSyncedCallsPlusAPrefixWhenTheLastSegmentIsCutAnywhere() throws IOException
    {
        final WalConfig source = new WalConfig().directory(dir.resolve("source")).segmentSizeBytes(8L << 20);
        final SplittableRandom control = new SplittableRandom(SEED);
        final RandomLogOps ops = new RandomLogOps(SEED, true);
        final LogModel model = new LogModel();
        final long syncedLength;
        final long fullLength;
        final Path segment;
        try (WalLogStore store = WalLogStore.open(source))
        {
            for (int step = 0; step < 600; step++)
            {
                final Consumer<LogStore> op = ops.next();
                op.accept(store);
                op.accept(model);
                if (control.nextInt(6) == 0)
                {
                    store.sync();
                    model.sync();
                }
            }
            store.sync();
            model.sync();
            assertEquals(1, store.log().segmentCount(), "one segment");
            segment = source.directory().resolve(WriteAheadLog.segmentFileName(1));
            syncedLength = Files.size(segment);
            // The last group reaches the file, as the writes of a process that crashed before its fsync returned
            // may: the model keeps it staged. Its records claim only the earlier records as durable, so recovery
            // treats a cut anywhere in it as a torn tail.
            for (int i = 0; i < 60; i++)
            {
                final Consumer<LogStore> op = ops.next();
                op.accept(store);
                op.accept(model);
            }
            store.sync();
            fullLength = Files.size(segment);
        }
        final LogStore.State full = model.durablePlus(model.stagedCount()).load();

        final TreeSet<Long> offsets = new TreeSet<>();
        for (long offset = 0; offset <= 40; offset++)
        {
            offsets.add(Math.min(fullLength, syncedLength + offset));
            offsets.add(Math.max(syncedLength, fullLength - offset));
        }
        while (offsets.size() < 150)
        {
            offsets.add(syncedLength + control.nextLong(fullLength - syncedLength + 1));
        }
        final Set<Integer> prefixes = new HashSet<>();
        for (final long offset : offsets)
        {
            final String context = "cut at " + offset + " of " + fullLength + " (synced through " + syncedLength + ")";
            final Path cutDir = dir.resolve("cut-" + offset);
            Files.createDirectories(cutDir);
            final Path cutSegment = cutDir.resolve(segment.getFileName());
            Files.copy(segment, cutSegment);
            try (FileChannel channel = FileChannel.open(cutSegment, StandardOpenOption.WRITE))
            {
                channel.truncate(offset);
            }
            final WalConfig config = new WalConfig().directory(cutDir).segmentSizeBytes(8L << 20);
            final LogStore.State expected;
            try (WalLogStore store = WalLogStore.open(config))
            {
                final LogStore.State recovered = store.load();
                final int kept = model.matchingPrefix(recovered);
                assertTrue(kept >= 0, context + ": not the synced state plus a prefix of the last group");
                prefixes.add(kept);
                if (offset == fullLength)
                {
                    assertEquals(full, recovered, context + ": nothing cut, everything there");
                }
                // The recovered store goes on.
                store.saveCommitIndex(1_000_000 + offset);
                store.saveAccepted(1_000_000, 9, LogEntry.of(1, 1, new byte[]{(byte)offset}));
                store.sync();
                expected = store.load();
            }
            try (WalLogStore store = WalLogStore.open(config))
            {
                assertEquals(expected, store.load(), context + ": writes after recovery survive a reopen");
            }
        }
        assertTrue(prefixes.size() > 20, "cuts land in many records: " + prefixes.size() + " distinct prefixes");
    }

    @Test
    void shouldDropTruncatedSlotsIgnoreLaterAcceptsAtOrBelowThePointAndReportIt() throws IOException
    {
        final WalConfig config = smallConfig(dir);
        final LogModel model = new LogModel();
        try (WalLogStore store = WalLogStore.open(config))
        {
            for (int slot = 1; slot <= 10; slot++)
            {
                final LogEntry entry = LogEntry.of(0, slot, new byte[]{(byte)slot});
                store.saveAccepted(slot, 1, entry);
                model.saveAccepted(slot, 1, entry);
            }
            store.truncate(5);
            model.truncate(5);
            final LogEntry late = LogEntry.of(2, 1, new byte[]{42});
            for (final long slot : new long[]{3, 5, 6})
            {
                store.saveAccepted(slot, 2, late);
                model.saveAccepted(slot, 2, late);
            }
            store.sync();
            model.sync();
            assertSameState(model, store, "after truncate(5)");
            final LogStore.State state = store.load();
            assertEquals(5, state.truncatedThrough());
            assertEquals(List.of(6L, 7L, 8L, 9L, 10L), state.accepted().stream().map(LogMessage.AcceptedSlot::slot)
                .toList());
            assertEquals(new LogMessage.AcceptedSlot(6, 2, late), state.accepted().get(0), "slot 6 accepted again");

            // Nothing to write for calls that change nothing.
            store.truncate(4);
            store.truncate(5);
            store.saveAccepted(2, 3, late);
            model.truncate(4);
            model.truncate(5);
            model.saveAccepted(2, 3, late);
            assertFalse(store.hasUnsynced(), "no record for a truncation not above the point or a slot below it");
            store.savePromise(3);
            model.savePromise(3);
            assertTrue(store.hasUnsynced());
            assertThrows(IllegalArgumentException.class, () -> store.saveAccepted(0, 1, late));
            assertThrows(IllegalArgumentException.class, () -> store.saveAccepted(7, 1, null));
            model.sync();
        }
        try (WalLogStore store = WalLogStore.open(config))
        {
            assertSameState(model, store, "reopened");
            store.truncate(100);
            store.saveAccepted(100, 4, LogEntry.NOOP);
            store.saveAccepted(101, 4, LogEntry.NOOP);
            model.truncate(100);
            model.saveAccepted(100, 4, LogEntry.NOOP);
            model.saveAccepted(101, 4, LogEntry.NOOP);
            model.sync();
        }
        try (WalLogStore store = WalLogStore.open(config))
        {
            assertSameState(model, store, "reopened after truncate(100)");
            assertEquals(new LogStore.State(3, 0, 0, 100, List.of(new LogMessage.AcceptedSlot(101, 4, LogEntry.NOOP))),
                store.load());
        }
    }

    @Test
    void shouldKeepNoopsAndCopyEntriesOnSaveAndOnLoad() throws IOException
    {
        final WalConfig config = smallConfig(dir);
        final byte[] payload = {1, 2, 3};
        try (WalLogStore store = WalLogStore.open(config))
        {
            store.saveAccepted(1, 3, LogEntry.NOOP);
            store.saveAccepted(2, Long.MAX_VALUE, LogEntry.of(0, 1, payload));
            store.saveAccepted(3, 3, LogEntry.of(4, 9, new byte[0]));
            payload[0] = 99;
            final LogStore.State first = store.load();
            assertArrayEquals(new byte[]{1, 2, 3}, first.accepted().get(1).entry().payload(), "copied on save");
            first.accepted().get(1).entry().payload()[1] = 77;
            assertArrayEquals(new byte[]{1, 2, 3}, store.load().accepted().get(1).entry().payload(), "copied on load");
        }
        try (WalLogStore store = WalLogStore.open(config))
        {
            final List<LogMessage.AcceptedSlot> accepted = store.load().accepted();
            assertSame(LogEntry.NOOP, accepted.get(0).entry(), "the no-op comes back as LogEntry.NOOP");
            assertEquals(new LogMessage.AcceptedSlot(2, Long.MAX_VALUE, LogEntry.of(0, 1, new byte[]{1, 2, 3})),
                accepted.get(1));
            assertEquals(new LogMessage.AcceptedSlot(3, 3, LogEntry.of(4, 9, new byte[0])), accepted.get(2));
        }
    }

    @Test
    void shouldNeverCompactWithoutTruncation() throws IOException
    {
        final WalConfig config = smallConfig(dir).conclude();
        final RandomLogOps ops = new RandomLogOps(SEED, false);
        final LogModel model = new LogModel();
        try (WalLogStore store = WalLogStore.open(config))
        {
            for (int step = 0; step < 4000; step++)
            {
                final Consumer<LogStore> op = ops.next();
                op.accept(store);
                op.accept(model);
                if (step % 8 == 0)
                {
                    store.sync();
                }
            }
            store.sync();
            model.sync();
            assertEquals(0, store.compactions());
            assertFalse(store.shouldCompact());
            assertTrue(store.log().totalBytes() > config.compactionRatio() * store.liveBytes() &&
                store.log().totalBytes() > config.compactionMinLogBytes(), "a truncated store would compact now");
            assertTrue(store.log().segmentCount() > 5, "segments: " + store.log().segmentCount());
            assertEquals(0, store.log().segmentsDeleted());
        }
        try (WalLogStore store = WalLogStore.open(config))
        {
            assertSameState(model, store, "reopened");
        }
    }

    @Test
    void shouldCompactATruncatedLogDownToItsLiveSlots() throws IOException
    {
        final WalConfig config = smallConfig(dir).conclude();
        final SplittableRandom random = new SplittableRandom(SEED);
        final LogModel model = new LogModel();
        try (WalLogStore store = WalLogStore.open(config))
        {
            long nextSlot = 1;
            for (int round = 0; round < 300; round++)
            {
                for (int i = 0; i < 20; i++)
                {
                    final long slot = nextSlot++;
                    final LogEntry entry =
                        LogEntry.of(round % 3, slot, RandomStoreOps.bytes(random, random.nextInt(80)));
                    store.saveAccepted(slot, round, entry);
                    model.saveAccepted(slot, round, entry);
                    store.saveAccepted(slot, Long.MAX_VALUE, entry);
                    model.saveAccepted(slot, Long.MAX_VALUE, entry);
                    store.saveCommitIndex(slot);
                    model.saveCommitIndex(slot);
                }
                store.truncate(nextSlot - 40);
                model.truncate(nextSlot - 40);
                store.sync();
                model.sync();
                assertTrue(store.log().totalBytes() <= Math.max(config.compactionMinLogBytes(),
                    config.compactionRatio() * store.liveBytes()) + store.liveBytes(),
                    "round " + round + ": " + store.log().totalBytes() + " bytes");
            }
            assertTrue(store.compactions() > 10, "compactions: " + store.compactions());
            assertTrue(store.log().segmentsDeleted() > 10, "segments deleted: " + store.log().segmentsDeleted());
            assertEquals(39, store.liveSlots());
        }
        try (WalLogStore store = WalLogStore.open(config))
        {
            assertSameState(model, store, "after compactions");
        }
    }

    // ------------------------------------------------------------------------------------------------ compaction crash

    private static final class InjectedCrash extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        InjectedCrash(final CompactionStep step, final int index)
        {
            super("injected crash at " + step + " " + index);
        }
    }

    /** Writes the same synced history for every scenario; compaction only when the test asks. */
    private static WalLogStore buildHistory(final WalConfig config, final LogModel model) throws IOException
    {
        final WalLogStore store = WalLogStore.open(config);
        final RandomLogOps ops = new RandomLogOps(SEED, true);
        final SplittableRandom control = new SplittableRandom(SEED);
        for (int step = 0; step < 2500; step++)
        {
            final Consumer<LogStore> op = ops.next();
            op.accept(store);
            op.accept(model);
            if (control.nextInt(8) == 0)
            {
                store.sync();
            }
        }
        store.sync();
        model.sync();
        return store;
    }

    @Test
    void shouldRecoverTheSyncedStateAfterACrashAtEveryCompactionStep() throws IOException
    {
        final int[] snapshotRecords = {0};
        final int[] deletedSegments = {0};
        try (WalLogStore probe = buildHistory(smallConfig(dir.resolve("probe")).compactionMinLogBytes(Long.MAX_VALUE),
            new LogModel()))
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
            assertFalse(probe.shouldCompact(), "compaction only when asked");
            probe.compact();
            assertEquals(1, probe.compactions());
        }
        assertTrue(snapshotRecords[0] > 20, "snapshot records: " + snapshotRecords[0]);
        assertTrue(deletedSegments[0] > 5, "deleted segments: " + deletedSegments[0]);

        final List<Object[]> crashPoints = new ArrayList<>();
        crashPoints.add(new Object[]{CompactionStep.ROLLED, 0});
        for (final int index : new int[]{0, 1, 2, 3, 4, snapshotRecords[0] / 2, snapshotRecords[0] - 1})
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
            final WalConfig config = smallConfig(dir.resolve(crashStep + "-" + crashIndex))
                .compactionMinLogBytes(Long.MAX_VALUE);
            final LogModel model = new LogModel();
            final WalLogStore store = buildHistory(config, model);
            store.compactionListener((step, index) ->
            {
                if (step == crashStep && index == crashIndex)
                {
                    throw new InjectedCrash(step, index);
                }
            });
            assertThrows(InjectedCrash.class, store::compact, context);
            store.abandon();

            try (WalLogStore recovered = WalLogStore.open(config))
            {
                assertSameState(model, recovered, context);
                // The store goes on: new calls, a full compaction, and a restart keep everything.
                final RandomLogOps more = new RandomLogOps(SEED + 1, true);
                for (int i = 0; i < 200; i++)
                {
                    final Consumer<LogStore> op = more.next();
                    op.accept(recovered);
                    op.accept(model);
                }
                recovered.sync();
                model.sync();
                recovered.compact();
                assertSameState(model, recovered, context + ", then compaction");
                final long snapshotSegments = recovered.liveBytes() / config.segmentSizeBytes() + 2;
                assertTrue(recovered.log().segmentCount() <= snapshotSegments,
                    context + ": only the snapshot's segments after a full compaction");
            }
            try (WalLogStore reopened = WalLogStore.open(config))
            {
                assertSameState(model, reopened, context + ", then compaction and restart");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ corruption

    /** A store with a few synced records, then {@code raw} appended as one more (well-checksummed) record. */
    private WalCorruptionException openWithRawRecord(final String name, final ByteBuffer raw) throws IOException
    {
        final WalConfig config = smallConfig(dir.resolve(name));
        try (WalLogStore store = WalLogStore.open(config))
        {
            for (int slot = 1; slot <= 4; slot++)
            {
                store.saveAccepted(slot, 1, LogEntry.of(0, slot, new byte[]{(byte)slot}));
            }
            store.truncate(2);
        }
        final long sequence;
        try (WriteAheadLog log = WriteAheadLog.open(config, (s, p) ->
        {
        }))
        {
            sequence = log.append(raw);
        }
        final Path segment = config.directory().resolve(WriteAheadLog.segmentFileName(1));
        final byte[] before = Files.readAllBytes(segment);
        final WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> WalLogStore.open(config));
        assertTrue(e.getMessage().contains(segment.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("record sequence " + sequence), e.getMessage());
        assertEquals(segment, e.file());
        assertArrayEquals(before, Files.readAllBytes(segment), "the log is left untouched");
        return e;
    }

    private static ByteBuffer raw(final Consumer<ByteBuffer> encoder)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        encoder.accept(buffer);
        return buffer.flip();
    }

    @Test
    void shouldRejectAMalformedOrImpossibleRecordNamingTheSegmentAndSequence() throws IOException
    {
        final WalCorruptionException unknown = openWithRawRecord("unknown", raw(b -> b.put((byte)9).putLong(1)));
        assertTrue(unknown.getMessage().contains("unknown record kind 9"), unknown.getMessage());

        final WalCorruptionException length = openWithRawRecord("length", raw(b -> b.put(LogRecordCodec.ACCEPTED)
            .putLong(7).putLong(1).putInt(0).putLong(1).putInt(Integer.MAX_VALUE).put((byte)1)));
        assertTrue(length.getMessage().contains("payload length " + Integer.MAX_VALUE + " of slot 7 does not fit"),
            length.getMessage());

        final WalCorruptionException lower = openWithRawRecord("lower", raw(b -> LogRecordCodec.encodeTruncate(1, b)));
        assertTrue(lower.getMessage().contains("TRUNCATE through slot 1 after a truncation through 2"),
            lower.getMessage());

        final WalCorruptionException below = openWithRawRecord("below",
            raw(b -> LogRecordCodec.encodeAccepted(2, 5, LogEntry.NOOP, b)));
        assertTrue(below.getMessage().contains("ACCEPTED in slot 2, at or below the truncation through 2"),
            below.getMessage());
    }

    @Test
    void shouldRejectATooLargeEntryNamingTheLimitAndRefuseCallsAfterClose() throws IOException
    {
        final WalConfig config = new WalConfig().directory(dir).maxRecordBytes(1024);
        final WalLogStore store = WalLogStore.open(config);
        final int largest = 1024 - LogRecordCodec.ACCEPTED_FIXED_LENGTH;
        store.saveAccepted(1, 1, LogEntry.of(0, 1, new byte[largest]));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> store.saveAccepted(2, 1, LogEntry.of(0, 2, new byte[largest + 1])));
        assertTrue(e.getMessage().contains(WalConfig.MAX_RECORD_PROPERTY), e.getMessage());
        assertEquals(1, store.liveSlots(), "nothing stored for the rejected entry");
        store.close();
        assertThrows(IllegalStateException.class, () -> store.savePromise(1));
        try (WalLogStore reopened = WalLogStore.open(config))
        {
            assertEquals(1, reopened.load().accepted().size());
            assertEquals(largest, reopened.load().accepted().get(0).entry().payload().length);
        }
    }

    @Test
    void shouldWorkWithoutFsyncWhenDurabilityIsNone() throws IOException
    {
        final RandomLogOps ops = new RandomLogOps(SEED, true);
        final LogModel model = new LogModel();
        final WalLogStore store = WalLogStore.open(dir, Durability.NONE);
        assertEquals(Durability.NONE, store.log().durability());
        for (int step = 0; step < 1000; step++)
        {
            final Consumer<LogStore> op = ops.next();
            op.accept(store);
            op.accept(model);
            if (step % 10 == 0)
            {
                store.sync();
                model.sync();
            }
        }
        store.sync();
        model.sync();
        assertEquals(0, store.log().forces(), "no fsync");
        // A killed process: the written records are in the kernel's page cache, so they survive.
        store.abandon();
        try (WalLogStore reopened = WalLogStore.open(dir, Durability.NONE))
        {
            assertSameState(model, reopened, "after a crash without fsync");
        }
        try (WalLogStore reopened = WalLogStore.open(dir, Durability.SYNC))
        {
            assertSameState(model, reopened, "opened with fsync");
        }
    }

    // ------------------------------------------------------------------------------------------------ kill -9

    /** Group size limit of {@link KillChild}. */
    static final int MAX_GROUP = 16;

    /**
     * Child process: applies {@code RandomLogOps(seed, true)} to a store in groups of 1..{@link #MAX_GROUP}, syncing
     * after each and printing {@code synced <calls applied>}, until killed (or after 60 s).
     */
    static final class KillChild
    {
        private KillChild()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            final Path logDir = Path.of(args[0]);
            final long seed = Long.parseLong(args[1]);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            final PrintStream out =
                new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
            try (WalLogStore store = WalLogStore.open(smallConfig(logDir)))
            {
                final RandomLogOps ops = new RandomLogOps(seed, true);
                final SplittableRandom random = new SplittableRandom(seed + 1);
                long applied = 0;
                while (System.nanoTime() < deadlineNs)
                {
                    final int group = 1 + random.nextInt(MAX_GROUP);
                    for (int i = 0; i < group; i++)
                    {
                        ops.next().accept(store);
                        applied++;
                    }
                    store.sync();
                    out.println("synced " + applied + " compactions " + store.compactions());
                    out.flush();
                }
            }
            System.exit(3);
        }
    }

    @Test
    void shouldKeepTheSyncedStateWhenTheWriterIsKilled() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        final long seed = random.nextLong();
        final int killAfterSyncs = 100 + random.nextInt(200);
        final Path logDir = dir.resolve("killed");
        final Path stdout = dir.resolve("child.stdout");
        final Path stderr = dir.resolve("child.stderr");
        final String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        final Process child = new ProcessBuilder(List.of(java, "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + dir,
            "-cp", System.getProperty("java.class.path"), KillChild.class.getName(), logDir.toString(),
            Long.toString(seed)))
            .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        final String lastLine;
        try
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (syncedLines(stdout).size() < killAfterSyncs && child.isAlive() && System.nanoTime() < deadlineNs)
            {
                Thread.sleep(1);
            }
            if (!child.isAlive())
            {
                fail("the child died on its own (exit " + child.exitValue() + "): " + Files.readString(stderr));
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child died");
            assertEquals(137, child.exitValue(), "killed by SIGKILL; stderr: " + Files.readString(stderr));
            final List<String> lines = syncedLines(stdout);
            assertTrue(lines.size() >= killAfterSyncs, "the child synced " + lines.size() + " times");
            lastLine = lines.get(lines.size() - 1);
        }
        finally
        {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        final String[] words = lastLine.split(" ");
        final long lastSynced = Long.parseLong(words[1]);
        System.out.println("WalLogStoreTest: child killed after " + lastLine);

        // The state is that after the calls reported synced plus a prefix of the next group.
        final RandomLogOps ops = new RandomLogOps(seed, true);
        LogModel model = new LogModel();
        for (long i = 0; i < lastSynced; i++)
        {
            ops.next().accept(model);
        }
        model.sync();
        for (int i = 0; i < MAX_GROUP; i++)
        {
            ops.next().accept(model);
        }
        try (WalLogStore store = WalLogStore.open(smallConfig(logDir)))
        {
            final int kept = model.matchingPrefix(store.load());
            assertTrue(kept >= 0, "the recovered store is not the state after the " + lastSynced +
                " calls reported synced plus a prefix of the next group");
            model = model.durablePlus(kept);
            // The store goes on after recovery.
            for (int i = 0; i < 50; i++)
            {
                final Consumer<LogStore> op = ops.next();
                op.accept(store);
                op.accept(model);
            }
            store.sync();
            model.sync();
        }
        try (WalLogStore store = WalLogStore.open(smallConfig(logDir)))
        {
            assertSameState(model, store, "after calls following recovery");
        }
        assertTrue(Long.parseLong(words[3]) > 0, "the child compacted: " + lastLine);
    }

    private static List<String> syncedLines(final Path stdout) throws IOException
    {
        if (!Files.exists(stdout))
        {
            return List.of();
        }
        final String text = Files.readString(stdout, StandardCharsets.UTF_8);
        final int end = text.lastIndexOf('\n');
        if (end < 0)
        {
            return List.of();
        }
        try (Stream<String> lines = text.substring(0, end).lines())
        {
            return lines.filter(line -> line.startsWith("synced ")).toList();
        }
    }
}
