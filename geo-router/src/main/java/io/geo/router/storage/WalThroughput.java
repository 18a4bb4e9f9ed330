package io.geo.router.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measures the write-ahead log on this machine's disk: a single thread appends small records and syncs, with 1 and
 * with N records per sync, under {@link Durability#SYNC} and {@link Durability#NONE}. Results go to docs/storage.md.
 *
 * <pre>
 * java -cp geo-router/target/geo.jar io.geo.router.storage.WalThroughput \
 *     [--dir DIR] [--seconds 5] [--warmup-seconds 1] [--record-bytes 100] [--batch 64]
 * </pre>
 * Each run uses a fresh subdirectory of DIR (default: a new temporary directory), deleted afterwards.
 */
public final class WalThroughput
{
    private static final int MAX_SAMPLES = 1 << 20;

    private WalThroughput()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        Path dir = null;
        double seconds = 5;
        double warmupSeconds = 1;
        int recordBytes = 100;
        int batch = 64;
        for (int i = 0; i < args.length; i++)
        {
            final String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--dir" -> dir = Path.of(require(args[i], value));
                case "--seconds" -> seconds = Double.parseDouble(require(args[i], value));
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(require(args[i], value));
                case "--record-bytes" -> recordBytes = Integer.parseInt(require(args[i], value));
                case "--batch" -> batch = Integer.parseInt(require(args[i], value));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; usage: WalThroughput" +
                    " [--dir DIR] [--seconds S] [--warmup-seconds S] [--record-bytes N] [--batch N]");
            }
            i++;
        }
        if (dir == null)
        {
            dir = Files.createTempDirectory("wal-throughput");
        }
        Files.createDirectories(dir);
        System.out.printf(Locale.ROOT, "# dir %s, %d-byte records, %.1f s per run after %.1f s warm-up%n",
            dir.toAbsolutePath(), recordBytes, seconds, warmupSeconds);
        System.out.printf(Locale.ROOT, "%-6s %8s %12s %12s %10s %10s %10s%n",
            "mode", "batch", "syncs/s", "records/s", "MB/s", "p50 us", "p99 us");
        for (final Durability durability : Durability.values())
        {
            for (final int recordsPerSync : new int[]{1, batch})
            {
                run(dir, durability, recordsPerSync, recordBytes, warmupSeconds, seconds);
            }
        }
    }

    private static void run(final Path parent, final Durability durability, final int recordsPerSync,
        final int recordBytes, final double warmupSeconds, final double seconds) throws IOException
    {
        final Path dir = Files.createTempDirectory(parent, "run-");
        final WalConfig config = new WalConfig().directory(dir).durability(durability);
        final ByteBuffer payload = ByteBuffer.allocateDirect(recordBytes);
        for (int i = 0; i < recordBytes; i++)
        {
            payload.put(i, (byte)i);
        }
        final long[] syncNs = new long[MAX_SAMPLES];
        try (WriteAheadLog log = WriteAheadLog.open(config, (sequence, record) ->
        {
        }))
        {
            loop(log, payload, recordsPerSync, (long)(warmupSeconds * 1e9), null);
            final long startRecords = log.syncedRecords();
            final long startSyncs = log.syncs();
            final long startNs = System.nanoTime();
            final int samples = loop(log, payload, recordsPerSync, (long)(seconds * 1e9), syncNs);
            final double elapsedS = (System.nanoTime() - startNs) / 1e9;
            final long records = log.syncedRecords() - startRecords;
            final long syncs = log.syncs() - startSyncs;
            Arrays.sort(syncNs, 0, samples);
            System.out.printf(Locale.ROOT, "%-6s %8d %12.0f %12.0f %10.2f %10.1f %10.1f%n",
                durability.name().toLowerCase(Locale.ROOT), recordsPerSync, syncs / elapsedS, records / elapsedS,
                records * (double)(recordBytes + WriteAheadLog.HEADER_LENGTH) / elapsedS / 1e6,
                syncNs[samples / 2] / 1e3, syncNs[(int)Math.min(samples - 1, samples * 0.99)] / 1e3);
        }
        finally
        {
            deleteRecursively(dir);
        }
    }

    /** Appends and syncs until {@code durationNs} passed; records each sync's latency when {@code samples} is set. */
    private static int loop(final WriteAheadLog log, final ByteBuffer payload, final int recordsPerSync,
        final long durationNs, final long[] samples) throws IOException
    {
        final long endNs = System.nanoTime() + durationNs;
        int count = 0;
        long nowNs;
        do
        {
            final long startNs = System.nanoTime();
            for (int i = 0; i < recordsPerSync; i++)
            {
                log.append(payload);
            }
            log.sync();
            nowNs = System.nanoTime();
            if (samples != null && count < samples.length)
            {
                samples[count++] = nowNs - startNs;
            }
        }
        while (nowNs < endNs);
        return count;
    }

    private static String require(final String option, final String value)
    {
        if (value == null)
        {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static void deleteRecursively(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.delete(path);
            }
        }
    }
}
