package io.geo.router.storage;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Child process of {@link WalKillTest}: writes and syncs in a loop until it is killed, printing {@code synced <n>}
 * after each sync returned (and, in store mode, {@code compaction <step> <index>} during compactions).
 *
 * <pre>
 * wal   DIR SEED   appends records with payload TestPayloads.payload(SEED, sequence, MAX_PAYLOAD) in groups of
 *                  1..64, continuing a log left by an earlier child; n = the last synced sequence
 * store DIR SEED   applies RandomStoreOps(SEED, ...) to a WalDurableStore in groups of 1..MAX_GROUP, syncing after
 *                  each group (compacting when due); n = operations applied
 * </pre>
 * Gives up after {@link #MAX_RUNTIME_S} seconds, in case nobody kills it.
 */
final class WalCrashChild
{
    static final int MAX_PAYLOAD = 200;
    static final int MAX_GROUP = 16;
    static final int STORE_IDS_PER_REPLICA = 60;
    static final long MAX_RUNTIME_S = 90;

    private WalCrashChild()
    {
    }

    static WalConfig walConfig(final Path dir)
    {
        // A small buffer makes some groups reach the file in several writes; small segments rotate often.
        return new WalConfig().directory(dir).segmentSizeBytes(64 * 1024).maxRecordBytes(1024).writeBufferBytes(4096);
    }

    static WalConfig storeConfig(final Path dir)
    {
        return WalDurableStoreTest.smallConfig(dir);
    }

    public static void main(final String[] args) throws Exception
    {
        final String mode = args[0];
        final Path dir = Path.of(args[1]);
        final long seed = Long.parseLong(args[2]);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_RUNTIME_S);
        final PrintStream out =
            new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        if ("wal".equals(mode))
        {
            try (WriteAheadLog log = WriteAheadLog.open(walConfig(dir), (sequence, payload) ->
            {
            }))
            {
                out.println("ready " + log.nextSequence());
                out.flush();
                final SplittableRandom random = new SplittableRandom(seed ^ log.nextSequence());
                while (System.nanoTime() < deadlineNs)
                {
                    final int group = 1 + random.nextInt(64);
                    for (int i = 0; i < group; i++)
                    {
                        log.append(ByteBuffer.wrap(TestPayloads.payload(seed, log.nextSequence(), MAX_PAYLOAD)));
                    }
                    log.sync();
                    out.println("synced " + log.lastSyncedSequence());
                    out.flush();
                }
            }
        }
        else if ("store".equals(mode))
        {
            try (WalDurableStore store = WalDurableStore.open(storeConfig(dir)))
            {
                store.compactionListener((step, index) ->
                {
                    if (step != WalDurableStore.CompactionStep.SNAPSHOT_RECORD_APPENDED)
                    {
                        out.println("compaction " + step + " " + index);
                        out.flush();
                    }
                });
                out.println("ready 0");
                out.flush();
                final RandomStoreOps ops = new RandomStoreOps(seed, STORE_IDS_PER_REPLICA);
                final SplittableRandom random = new SplittableRandom(seed + 1);
                long applied = 0;
                while (System.nanoTime() < deadlineNs)
                {
                    final int group = 1 + random.nextInt(MAX_GROUP);
                    for (int i = 0; i < group; i++)
                    {
                        ops.applyNext(store);
                        applied++;
                    }
                    store.sync();
                    out.println("synced " + applied);
                    out.flush();
                }
            }
        }
        else
        {
            throw new IllegalArgumentException("mode must be wal or store: " + mode);
        }
        System.exit(3);
    }
}
