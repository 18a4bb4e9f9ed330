package io.geo.router.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class WriteAheadLogTest
{
    @TempDir
    Path dir;

    /** Records handed over by recovery. */
    static final class Collected implements WriteAheadLog.RecordHandler
    {
        final List<Long> sequences = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();

        @Override
        public void onRecord(final long sequence, final ByteBuffer payload)
        {
            final byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            sequences.add(sequence);
            payloads.add(bytes);
        }
    }

    static WalConfig config(final Path dir)
    {
        return new WalConfig().directory(dir);
    }

    static Collected reopen(final WalConfig config) throws IOException
    {
        final Collected collected = new Collected();
        WriteAheadLog.open(config, collected).close();
        return collected;
    }

    static List<Path> segmentFiles(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.getFileName().toString().matches("wal-\\d{16}\\.log")).sorted().toList();
        }
    }

    @Test
    void shouldRoundTripRecordsOfEverySizeUpToTheLimit() throws IOException
    {
        final WalConfig config = config(dir).maxRecordBytes(64 * 1024).writeBufferBytes(128 * 1024);
        final List<byte[]> written = new ArrayList<>();
        try (WriteAheadLog log = WriteAheadLog.open(config, (s, p) ->
        {
        }))
        {
            for (final int length : new int[]{1, 2, 7, 100, 4096, 64 * 1024 - 1, 64 * 1024})
            {
                final byte[] payload = TestPayloads.payload(1, length, length);
                final byte[] exact = java.util.Arrays.copyOf(payload, length);
                written.add(exact);
                assertEquals(written.size(), log.append(ByteBuffer.wrap(exact)));
            }
            final byte[] framed = {9, 8, 7, 6, 5};
            written.add(new byte[]{8, 7, 6});
            log.append(framed, 1, 3);
            assertEquals(written.size(), log.sync());
        }
        final Collected collected = reopen(config);
        assertEquals(written.size(), collected.payloads.size());
        for (int i = 0; i < written.size(); i++)
        {
            assertEquals(i + 1, collected.sequences.get(i));
            assertArrayEquals(written.get(i), collected.payloads.get(i), "record " + (i + 1));
        }
    }

    @Test
    void shouldRotateSegmentsAndReplayEveryRecordAcrossThem() throws IOException
    {
        final long seed = 42;
        final WalConfig config = config(dir).segmentSizeBytes(WalConfig.SEGMENT_SIZE_MIN).maxRecordBytes(1024)
            .writeBufferBytes(2048);
        final SplittableRandom random = new SplittableRandom(seed);
        final int records = 3000;
        try (WriteAheadLog log = WriteAheadLog.open(config, (s, p) ->
        {
        }))
        {
            long unsynced = 0;
            for (long sequence = 1; sequence <= records; sequence++)
            {
                assertEquals(sequence, log.append(ByteBuffer.wrap(TestPayloads.payload(seed, sequence, 300))));
                unsynced++;
                if (random.nextInt(10) == 0)
                {
                    assertEquals(unsynced, log.sync());
                    unsynced = 0;
                }
            }
            log.sync();
            assertTrue(log.segmentCount() > 50, "segments: " + log.segmentCount());
            assertEquals(records, log.syncedRecords());
            assertEquals(records, log.appends());
            assertTrue(log.writes() > log.syncs(), "full buffers and rotations write early");
        }
        final List<Path> files = segmentFiles(dir);
        for (final Path file : files)
        {
            assertTrue(Files.size(file) <= WalConfig.SEGMENT_SIZE_MIN, file + " is larger than a segment");
        }
        final Collected collected = reopen(config);
        assertEquals(records, collected.payloads.size());
        for (int i = 0; i < records; i++)
        {
            assertEquals(i + 1, collected.sequences.get(i));
            assertArrayEquals(TestPayloads.payload(seed, i + 1, 300), collected.payloads.get(i));
        }
        // File names carry the first sequence of their segment; segments follow each other without gaps.
        long expectedFirst = 1;
        for (final Path file : files)
        {
            assertEquals(WriteAheadLog.segmentFileName(expectedFirst), file.getFileName().toString());
            expectedFirst += countRecords(file);
        }
        assertEquals(records + 1, expectedFirst);
    }

    private static long countRecords(final Path file) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long count = 0;
        int position = 0;
        while (position < bytes.capacity())
        {
            position += WriteAheadLog.HEADER_LENGTH + bytes.getInt(position);
            count++;
        }
        return count;
    }

    @Test
    void shouldRecoverExactlyWhatWasSyncedWhenTheProcessDiesWithRecordsInTheBuffer() throws IOException
    {
        final WalConfig config = config(dir);
        final WriteAheadLog log = WriteAheadLog.open(config, (s, p) ->
        {
        });
        for (long sequence = 1; sequence <= 100; sequence++)
        {
            log.append(ByteBuffer.wrap(TestPayloads.payload(7, sequence, 64)));
            if (sequence % 10 == 0)
            {
                assertEquals(10, log.sync());
            }
        }
        for (long sequence = 101; sequence <= 105; sequence++)
        {
            log.append(ByteBuffer.wrap(TestPayloads.payload(7, sequence, 64)));
        }
        assertEquals(10, log.syncs());
        assertEquals(10, log.maxSyncRecords());
        log.abandon();

        final Collected collected = new Collected();
        try (WriteAheadLog reopened = WriteAheadLog.open(config, collected))
        {
            assertEquals(100, collected.payloads.size());
            assertEquals(101, reopened.nextSequence());
            assertEquals(0, reopened.truncatedBytes());
            assertEquals(101, reopened.append(ByteBuffer.wrap(TestPayloads.payload(7, 101, 64))));
        }
        for (int i = 0; i < 100; i++)
        {
            assertArrayEquals(TestPayloads.payload(7, i + 1, 64), collected.payloads.get(i));
        }
        assertEquals(101, reopen(config).payloads.size(), "close syncs");
    }

    @Test
    void shouldKeepWrittenRecordsWithoutFsyncWhenDurabilityIsNone() throws IOException
    {
        final WalConfig config = config(dir).durability(Durability.NONE);
        final WriteAheadLog log = WriteAheadLog.open(config, (s, p) ->
        {
        });
        for (long sequence = 1; sequence <= 50; sequence++)
        {
            log.append(ByteBuffer.wrap(TestPayloads.payload(3, sequence, 64)));
        }
        assertEquals(50, log.sync());
        assertEquals(0, log.forces(), "no fsync with Durability.NONE");
        log.abandon();
        assertEquals(50, reopen(config).payloads.size(), "the kernel kept what was written");
    }

    @Test
    void shouldReturnZeroFromSyncWithoutAppendsAndDoNoSystemCall() throws IOException
    {
        try (WriteAheadLog log = WriteAheadLog.open(config(dir), (s, p) ->
        {
        }))
        {
            assertEquals(0, log.sync());
            assertEquals(0, log.writes());
            assertEquals(0, log.forces());
            log.append(new byte[]{1}, 0, 1);
            assertEquals(0, log.writes(), "an append is buffered");
            assertEquals(1, log.sync());
            assertEquals(1, log.writes());
            assertEquals(1, log.forces());
            assertEquals(0, log.sync());
            assertEquals(1, log.forces());
        }
    }

    @Test
    void shouldRejectRecordsOutsideTheSizeLimitsWithAClearMessage() throws IOException
    {
        try (WriteAheadLog log = WriteAheadLog.open(config(dir).maxRecordBytes(1000).writeBufferBytes(4096), (s, p) ->
        {
        }))
        {
            final IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
                () -> log.append(ByteBuffer.allocate(1001)));
            assertTrue(tooLarge.getMessage().contains("1001 bytes") &&
                tooLarge.getMessage().contains(WalConfig.MAX_RECORD_PROPERTY), tooLarge.getMessage());
            assertThrows(IllegalArgumentException.class, () -> log.append(ByteBuffer.allocate(0)));
            assertEquals(1, log.append(ByteBuffer.allocate(1000)), "the log is still usable");
        }
    }

    @Test
    void shouldNameThePropertyAndValueOfABadSetting()
    {
        final IllegalArgumentException segment = assertThrows(IllegalArgumentException.class,
            () -> config(dir).segmentSizeBytes(100).conclude());
        assertTrue(segment.getMessage().startsWith(WalConfig.SEGMENT_SIZE_PROPERTY + "=100"), segment.getMessage());
        final IllegalArgumentException buffer = assertThrows(IllegalArgumentException.class,
            () -> config(dir).maxRecordBytes(1 << 20).writeBufferBytes(1 << 20).conclude());
        assertTrue(buffer.getMessage().startsWith(WalConfig.WRITE_BUFFER_PROPERTY), buffer.getMessage());
        final IllegalArgumentException ratio = assertThrows(IllegalArgumentException.class,
            () -> config(dir).compactionRatio(1).conclude());
        assertTrue(ratio.getMessage().startsWith(WalConfig.COMPACTION_RATIO_PROPERTY + "=1"), ratio.getMessage());
        final IllegalArgumentException directory = assertThrows(IllegalArgumentException.class,
            () -> new WalConfig().directory(null).conclude());
        assertTrue(directory.getMessage().startsWith(WalConfig.DIRECTORY_PROPERTY), directory.getMessage());
        assertEquals(Durability.NONE, Durability.parse("None"));
        assertThrows(IllegalArgumentException.class, () -> Durability.parse("fast"));
    }

    @Test
    void shouldStartAFreshSegmentOnRollAndDeleteOnlySyncedOlderSegments() throws IOException
    {
        final WalConfig config = config(dir);
        try (WriteAheadLog log = WriteAheadLog.open(config, (s, p) ->
        {
        }))
        {
            assertEquals(1, log.rollSegment(), "rolling an empty segment does nothing");
            assertEquals(1, log.segmentCount());
            log.append(new byte[]{1}, 0, 1);
            log.append(new byte[]{2}, 0, 1);
            assertEquals(3, log.rollSegment());
            assertEquals(2, log.segmentCount());
            log.append(new byte[]{3}, 0, 1);
            assertThrows(IllegalStateException.class, () -> log.deleteSegmentsBefore(4), "record 3 is not synced");
            assertEquals(3, log.sync());
            assertFalse(log.deleteOldestSegmentBefore(2), "segment 1 still holds record 2");
            assertEquals(1, log.deleteSegmentsBefore(3));
            assertEquals(0, log.deleteSegmentsBefore(4), "the current segment stays");
            assertEquals(3, log.firstSequence());
        }
        assertEquals(List.of(dir.resolve(WriteAheadLog.segmentFileName(3))), segmentFiles(dir));
        final Collected collected = reopen(config);
        assertEquals(List.of(3L), collected.sequences);
    }

    @Test
    void shouldGiveARecordLargerThanASegmentASegmentOfItsOwn() throws IOException
    {
        final WalConfig config = config(dir).segmentSizeBytes(WalConfig.SEGMENT_SIZE_MIN).maxRecordBytes(10_000)
            .writeBufferBytes(16 * 1024);
        try (WriteAheadLog log = WriteAheadLog.open(config, (s, p) ->
        {
        }))
        {
            log.append(ByteBuffer.allocate(100));
            log.append(ByteBuffer.allocate(10_000));
            log.append(ByteBuffer.allocate(100));
            log.sync();
            assertEquals(3, log.segmentCount());
        }
        assertEquals(List.of(dir.resolve(WriteAheadLog.segmentFileName(1)),
            dir.resolve(WriteAheadLog.segmentFileName(2)), dir.resolve(WriteAheadLog.segmentFileName(3))),
            segmentFiles(dir));
        assertEquals(3, reopen(config).payloads.size());
    }

    @Test
    void shouldRefuseASecondOpenOfTheSameDirectory() throws IOException
    {
        try (WriteAheadLog log = WriteAheadLog.open(config(dir), (s, p) ->
        {
        }))
        {
            final IOException e = assertThrows(IOException.class, () -> WriteAheadLog.open(config(dir), (s, p) ->
            {
            }));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertEquals(1, log.append(new byte[]{1}, 0, 1));
        }
        reopen(config(dir));
    }

    @Test
    void shouldRefuseUseAfterClose() throws IOException
    {
        final WriteAheadLog log = WriteAheadLog.open(config(dir), (s, p) ->
        {
        });
        log.close();
        log.close();
        assertThrows(IllegalStateException.class, () -> log.append(new byte[]{1}, 0, 1));
    }
}
