package io.geo.router.storage;

import io.geo.epaxos.api.DurableStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real crashes: a child JVM writes and syncs until this test kills it with SIGKILL ({@link Process#destroyForcibly()})
 * after a seeded random number of syncs; then everything the child reported synced must be back, intact, and the log
 * must take new writes. Kill times are seeded; where they land relative to the child's work is up to the scheduler.
 */
class WalKillTest
{
    private static final long SEED = 20261122L;
    /** The child is killed after this long even if the test is stuck; the test then fails on its output. */
    private static final long CHILD_WATCHDOG_S = 60;

    @TempDir
    Path dir;

    /** What the parent saw of one child's life. */
    private record ChildRun(long lastSynced, int syncs, boolean diedInCompaction)
    {
    }

    /** Kills the child after {@code killAfterSyncs} syncs, or at the first line starting with {@code killOn}. */
    private ChildRun runAndKill(final String mode, final Path logDir, final long seed, final int killAfterSyncs,
        final String killOn, final String name) throws Exception
    {
        final Path stderr = dir.resolve(name + ".stderr");
        final String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        final List<String> command = List.of(java, "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Djava.io.tmpdir=" + dir,
            "-cp", System.getProperty("java.class.path"),
            WalCrashChild.class.getName(), mode, logDir.toString(), Long.toString(seed));
        // stdout goes to a file, not a pipe: Process.destroyForcibly() closes the pipe, and the lines the child
        // printed just before it died must still be read.
        final Path stdout = dir.resolve(name + ".stdout");
        final Process child = new ProcessBuilder(command).redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile()).start();
        final CompletableFuture<Void> watchdog = CompletableFuture.runAsync(child::destroyForcibly,
            CompletableFuture.delayedExecutor(CHILD_WATCHDOG_S, TimeUnit.SECONDS));
        try (InputStream output = Files.newInputStream(stdout))
        {
            long lastSynced = -1;
            int syncs = 0;
            boolean killed = false;
            boolean inCompaction = false;
            final StringBuilder pending = new StringBuilder();
            final byte[] chunk = new byte[8192];
            boolean exited = false;
            while (true)
            {
                final int read = output.read(chunk);
                if (read > 0)
                {
                    pending.append(new String(chunk, 0, read, StandardCharsets.UTF_8));
                    int newline;
                    while ((newline = pending.indexOf("\n")) >= 0)
                    {
                        final String line = pending.substring(0, newline);
                        pending.delete(0, newline + 1);
                        if (line.startsWith("synced "))
                        {
                            lastSynced = Long.parseLong(line.substring("synced ".length()));
                            syncs++;
                            inCompaction = false;
                        }
                        else if (line.startsWith("compaction "))
                        {
                            inCompaction = !line.startsWith("compaction COMPLETED");
                        }
                        if (!killed && (syncs >= killAfterSyncs || (killOn != null && line.startsWith(killOn))))
                        {
                            child.destroyForcibly();
                            killed = true;
                        }
                    }
                    continue;
                }
                if (exited)
                {
                    break; // the child is dead and everything it wrote has been read
                }
                if (!child.isAlive())
                {
                    exited = true; // read once more to the end: the child wrote nothing after dying
                    continue;
                }
                Thread.sleep(1);
            }
            child.waitFor(30, TimeUnit.SECONDS);
            if (!killed || watchdog.isDone())
            {
                fail(name + ": the child ended on its own or hung (exit " + child.exitValue() + ", " + syncs +
                    " syncs); stderr:\n" + Files.readString(stderr));
            }
            assertEquals(137, child.exitValue(), name + ": killed by SIGKILL");
            assertTrue(syncs > 0 || killOn != null, name + ": the child synced before it died");
            System.out.println("WalKillTest: " + name + " killed after " + syncs + " syncs, last synced " + lastSynced +
                (inCompaction ? ", inside a compaction" : ""));
            return new ChildRun(lastSynced, syncs, inCompaction);
        }
        finally
        {
            watchdog.cancel(false);
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(240)
    void shouldKeepEverySyncedRecordWhenTheWriterIsKilled() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        final Path logDir = dir.resolve("wal");
        final long seed = random.nextLong();
        for (int kill = 0; kill < 4; kill++)
        {
            final String name = "wal-kill-" + kill;
            final ChildRun run = runAndKill("wal", logDir, seed, 3 + random.nextInt(150), null, name);
            final WriteAheadLogTest.Collected collected = new WriteAheadLogTest.Collected();
            try (WriteAheadLog log = WriteAheadLog.open(WalCrashChild.walConfig(logDir), collected))
            {
                final int recovered = collected.payloads.size();
                assertTrue(recovered >= run.lastSynced(),
                    name + ": " + recovered + " records recovered, child reported " + run.lastSynced() + " synced");
                for (int i = 0; i < recovered; i++)
                {
                    assertEquals(i + 1, collected.sequences.get(i), name);
                    assertArrayEquals(TestPayloads.payload(seed, i + 1, WalCrashChild.MAX_PAYLOAD),
                        collected.payloads.get(i), name + ": record " + (i + 1));
                }
                final long next = log.nextSequence();
                assertEquals(recovered + 1, next);
                assertEquals(next, log.append(ByteBuffer.wrap(
                    TestPayloads.payload(seed, next, WalCrashChild.MAX_PAYLOAD))));
                assertEquals(1, log.sync(), name + ": the log takes new appends");
            }
        }
    }

    @Test
    @Timeout(240)
    void shouldKeepTheSyncedStateWhenTheStoreIsKilledIncludingDuringCompaction() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(SEED + 1);
        final String[] killOn = {null, "compaction ROLLED", "compaction SNAPSHOT_SYNCED", "compaction SEGMENT_DELETED"};
        int diedInCompaction = 0;
        for (int kill = 0; kill < killOn.length; kill++)
        {
            final String name = "store-kill-" + kill;
            final Path logDir = dir.resolve(name);
            final long seed = random.nextLong();
            final ChildRun run = runAndKill("store", logDir, seed,
                killOn[kill] == null ? 3 + random.nextInt(150) : Integer.MAX_VALUE, killOn[kill], name);
            diedInCompaction += run.diedInCompaction() ? 1 : 0;

            // The synced state is the first lastSynced operations plus a prefix of the next group.
            final RandomStoreOps ops = new RandomStoreOps(seed, WalCrashChild.STORE_IDS_PER_REPLICA);
            final ModelStore model = new ModelStore();
            for (long i = 0; i < Math.max(0, run.lastSynced()); i++)
            {
                ops.applyNext(model);
            }
            final List<Consumer<DurableStore>> nextGroup = new ArrayList<>();
            for (int i = 0; i < WalCrashChild.MAX_GROUP; i++)
            {
                nextGroup.add(ops.next());
            }
            try (WalDurableStore store = WalDurableStore.open(WalCrashChild.storeConfig(logDir)))
            {
                final int kept = RandomStoreOps.matchingPrefix(store, model, nextGroup);
                assertTrue(kept >= 0, name + ": the recovered store is not the state after the " + run.lastSynced() +
                    " operations reported synced plus a prefix of the next group");
                for (int i = kept; i < nextGroup.size(); i++)
                {
                    nextGroup.get(i).accept(store);
                    nextGroup.get(i).accept(model);
                }
                store.sync();
            }
            try (WalDurableStore store = WalDurableStore.open(WalCrashChild.storeConfig(logDir)))
            {
                WalDurableStoreTest.assertMatchesModel(store, model, name + ": after writes following recovery");
            }
        }
        // Informational: where the kills landed is up to the scheduler.
        System.out.println("WalKillTest: " + diedInCompaction + " of " + killOn.length +
            " store children died inside a compaction");
    }
}
