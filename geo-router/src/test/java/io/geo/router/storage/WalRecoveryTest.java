package io.geo.router.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.geo.router.storage.WriteAheadLogTest.Collected;
import static io.geo.router.storage.WriteAheadLogTest.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recovery: torn tails are cut, damage to synced history fails loudly. */
@Timeout(120)
class WalRecoveryTest
{
    private static final long SEED = 1234;
    private static final int MAX_PAYLOAD = 80;

    @TempDir
    Path dir;

    /** Writes records 1..sum(batches), syncing after each batch. */
    private static void writeBatches(final WalConfig config, final int... batches) throws IOException
    {
        try (WriteAheadLog log = WriteAheadLog.open(config, (s, p) ->
        {
        }))
        {
            for (final int batch : batches)
            {
                for (int i = 0; i < batch; i++)
                {
                    final long sequence = log.nextSequence();
                    log.append(ByteBuffer.wrap(TestPayloads.payload(SEED, sequence, MAX_PAYLOAD)));
                }
                log.sync();
            }
        }
    }

    /** Start offsets of the records of a clean segment file, plus its length at the end. */
    private static List<Long> recordOffsets(final Path file) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        final List<Long> offsets = new ArrayList<>();
        int position = 0;
        while (position < bytes.capacity())
        {
            offsets.add((long)position);
            position += WriteAheadLog.HEADER_LENGTH + bytes.getInt(position);
        }
        offsets.add((long)position);
        return offsets;
    }

    private static Collected open(final WalConfig config) throws IOException
    {
        final Collected collected = new Collected();
        WriteAheadLog.open(config, collected).close();
        return collected;
    }

    private static void assertRecords(final Collected collected, final long count)
    {
        assertEquals(count, collected.payloads.size(), "records recovered");
        for (int i = 0; i < count; i++)
        {
            assertEquals(i + 1, collected.sequences.get(i));
            assertArrayEquals(TestPayloads.payload(SEED, i + 1, MAX_PAYLOAD), collected.payloads.get(i),
                "record " + (i + 1));
        }
    }

    private static void flip(final Path file, final long offset) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        bytes[(int)offset] ^= 0x5A;
        Files.write(file, bytes);
    }

    private static void putInt(final Path file, final long offset, final int value) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int)offset, value);
        Files.write(file, bytes);
    }

    private static void appendOneAndCheck(final WalConfig config, final long expectedSequence) throws IOException
    {
        try (WriteAheadLog log = WriteAheadLog.open(config, (s, p) ->
        {
        }))
        {
            assertEquals(expectedSequence, log.append(ByteBuffer.wrap(
                TestPayloads.payload(SEED, expectedSequence, MAX_PAYLOAD))));
            assertEquals(1, log.sync());
        }
        assertRecords(open(config), expectedSequence);
    }

    @Test
    void shouldCutTheLastRecordTornAtEveryByteOffsetAndAcceptAppendsAfterwards() throws IOException
    {
        final Path pristine = dir.resolve("pristine");
        writeBatches(new WalConfig().directory(pristine), 5, 10, 1);
        final Path segment = segmentFiles(pristine).get(0);
        final byte[] bytes = Files.readAllBytes(segment);
        final List<Long> offsets = recordOffsets(segment);
        final int lastStart = offsets.get(offsets.size() - 2).intValue();
        assertEquals(bytes.length, offsets.get(offsets.size() - 1).intValue());

        for (int cut = lastStart; cut < bytes.length; cut++)
        {
            final Path copy = dir.resolve("cut-" + cut);
            Files.createDirectories(copy);
            Files.write(copy.resolve(segment.getFileName()), Arrays.copyOf(bytes, cut));
            // Durability.NONE keeps the loop fast; recovery cuts and fsyncs the same way in both modes.
            final WalConfig config = new WalConfig().directory(copy).durability(Durability.NONE);
            final Collected collected = new Collected();
            try (WriteAheadLog log = WriteAheadLog.open(config, collected))
            {
                assertEquals(cut - lastStart, log.truncatedBytes(), "cut at " + cut);
                assertEquals(16, log.nextSequence());
            }
            assertRecords(collected, 15);
            assertEquals(lastStart, Files.size(copy.resolve(segment.getFileName())), "truncated at the torn record");
            appendOneAndCheck(config, 16);
        }
    }

    @Test
    void shouldCutTheLastRecordWhenItsHeaderOrPayloadIsDamaged() throws IOException
    {
        final Path pristine = dir.resolve("pristine");
        writeBatches(new WalConfig().directory(pristine), 5, 10, 1);
        final Path segment = segmentFiles(pristine).get(0);
        final List<Long> offsets = recordOffsets(segment);
        final long lastStart = offsets.get(offsets.size() - 2);
        final long end = offsets.get(offsets.size() - 1);
        final long[] damagedBytes = {
            lastStart + WriteAheadLog.CRC_OFFSET, lastStart + WriteAheadLog.CRC_OFFSET + 3,
            lastStart + WriteAheadLog.SEQUENCE_OFFSET, lastStart + WriteAheadLog.DURABLE_SEQUENCE_OFFSET + 1,
            lastStart + WriteAheadLog.HEADER_LENGTH, end - 1, lastStart + WriteAheadLog.LENGTH_OFFSET};
        int variant = 0;
        for (final long damaged : damagedBytes)
        {
            final Path copy = copyOf(pristine, "flip-" + variant++);
            flip(copy.resolve(segment.getFileName()), damaged);
            checkCutAt(copy, segment, lastStart, 15);
        }
        for (final int badLength : new int[]{0, -1, Integer.MAX_VALUE, WalConfig.MAX_RECORD_DEFAULT + 1})
        {
            final Path copy = copyOf(pristine, "length-" + variant++);
            putInt(copy.resolve(segment.getFileName()), lastStart + WriteAheadLog.LENGTH_OFFSET, badLength);
            checkCutAt(copy, segment, lastStart, 15);
        }
    }

    @Test
    void shouldCutZeroOrGarbageBytesAfterTheLastRecord() throws IOException
    {
        final Path pristine = dir.resolve("pristine");
        writeBatches(new WalConfig().directory(pristine), 5, 10);
        final Path segment = segmentFiles(pristine).get(0);
        final long end = Files.size(segment);
        final byte[] zeros = new byte[4096];
        final byte[] garbage = TestPayloads.payload(99, 1, 5000);
        final byte[] shortGarbage = {1, 2, 3};
        int variant = 0;
        for (final byte[] tail : new byte[][]{zeros, garbage, shortGarbage})
        {
            final Path copy = copyOf(pristine, "tail-" + variant++);
            Files.write(copy.resolve(segment.getFileName()), tail, java.nio.file.StandardOpenOption.APPEND);
            checkCutAt(copy, segment, end, 15);
        }
    }

    @Test
    void shouldTreatDamageInsideTheLastWrittenGroupAsATornTail() throws IOException
    {
        // A crash part way through writing a group can persist its pages out of order: a later record of the
        // group intact, an earlier one not. None of the group was synced (its records say so), so it is cut.
        writeBatches(new WalConfig().directory(dir), 5, 6);
        final Path segment = segmentFiles(dir).get(0);
        final List<Long> offsets = recordOffsets(segment);
        final long secondOfLastGroup = offsets.get(6);
        flip(segment, secondOfLastGroup + WriteAheadLog.HEADER_LENGTH);
        checkCutAt(dir, segment, secondOfLastGroup, 6);
    }

    @Test
    void shouldFailLoudlyNamingFileAndOffsetWhenSyncedRecordsFollowADamagedRecord() throws IOException
    {
        writeBatches(new WalConfig().directory(dir), 5, 5, 5);
        final Path segment = segmentFiles(dir).get(0);
        final long damagedOffset = recordOffsets(segment).get(3);
        flip(segment, damagedOffset + WriteAheadLog.HEADER_LENGTH + 1);
        final byte[] before = Files.readAllBytes(segment);

        final WalCorruptionException e = assertThrows(WalCorruptionException.class,
            () -> WriteAheadLog.open(new WalConfig().directory(dir), (s, p) ->
            {
            }));
        assertTrue(e.getMessage().contains(segment.toString()) && e.getMessage().contains("offset " + damagedOffset),
            e.getMessage());
        assertTrue(e.getMessage().contains("CRC32C mismatch") && e.getMessage().contains("record sequence 4"),
            e.getMessage());
        assertEquals(segment, e.file());
        assertEquals(damagedOffset, e.offset());
        assertArrayEquals(before, Files.readAllBytes(segment), "recovery must not touch a damaged log");
    }

    @Test
    void shouldFailLoudlyWhenADamagedLengthHidesTheRecordsAfterIt() throws IOException
    {
        writeBatches(new WalConfig().directory(dir), 5, 5, 5);
        final Path segment = segmentFiles(dir).get(0);
        final long damagedOffset = recordOffsets(segment).get(2);
        putInt(segment, damagedOffset, 1 << 30);
        final WalCorruptionException e = assertThrows(WalCorruptionException.class,
            () -> WriteAheadLog.open(new WalConfig().directory(dir), (s, p) ->
            {
            }));
        assertEquals(damagedOffset, e.offset());
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void shouldFailLoudlyWhenAnOlderSegmentIsDamaged() throws IOException
    {
        final WalConfig config = new WalConfig().directory(dir).segmentSizeBytes(WalConfig.SEGMENT_SIZE_MIN);
        writeBatches(config, 40, 40, 40, 40, 40);
        final List<Path> files = segmentFiles(dir);
        assertTrue(files.size() >= 3, "segments: " + files);
        final long damagedOffset = recordOffsets(files.get(0)).get(5);
        flip(files.get(0), damagedOffset + WriteAheadLog.HEADER_LENGTH);
        final WalCorruptionException e = assertThrows(WalCorruptionException.class,
            () -> WriteAheadLog.open(config, (s, p) ->
            {
            }));
        assertEquals(files.get(0), e.file());
        assertEquals(damagedOffset, e.offset());
    }

    @Test
    void shouldFailLoudlyOnAMissingSegment() throws IOException
    {
        final WalConfig config = new WalConfig().directory(dir).segmentSizeBytes(WalConfig.SEGMENT_SIZE_MIN);
        writeBatches(config, 100, 100, 100);
        final List<Path> files = segmentFiles(dir);
        assertTrue(files.size() >= 3, "segments: " + files);
        Files.delete(files.get(1));
        final WalCorruptionException e = assertThrows(WalCorruptionException.class,
            () -> WriteAheadLog.open(config, (s, p) ->
            {
            }));
        assertEquals(files.get(2), e.file());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void shouldCutATornSegmentEndAndDeleteTheUnsyncedSegmentAfterIt() throws IOException
    {
        // One group spans a rotation: a crash may leave the first segment torn and the new one written.
        final WalConfig config = new WalConfig().directory(dir).segmentSizeBytes(WalConfig.SEGMENT_SIZE_MIN);
        writeBatches(config, 3, 200);
        final List<Path> files = segmentFiles(dir);
        assertTrue(files.size() >= 2, "segments: " + files);
        final List<Long> offsets = recordOffsets(files.get(0));
        final long lastStart = offsets.get(offsets.size() - 2);
        try (var channel = java.nio.channels.FileChannel.open(files.get(0), java.nio.file.StandardOpenOption.WRITE))
        {
            channel.truncate(lastStart + 10);
        }
        final Collected collected = new Collected();
        try (WriteAheadLog log = WriteAheadLog.open(config, collected))
        {
            assertEquals(1, log.segmentCount());
        }
        assertRecords(collected, offsets.size() - 2);
        assertEquals(List.of(files.get(0)), segmentFiles(dir));
        appendOneAndCheck(config, offsets.size() - 1);
    }

    @Test
    void shouldCutWhenANewSegmentSurvivedButTheUnsyncedEndOfThePreviousOneDidNot() throws IOException
    {
        // A power failure during a group that spanned a rotation: the new file's name persisted, the old file's
        // last records did not (its length ends cleanly on a record boundary). Nothing of that group was synced.
        final WalConfig config = new WalConfig().directory(dir).segmentSizeBytes(WalConfig.SEGMENT_SIZE_MIN);
        writeBatches(config, 3, 200);
        final List<Path> files = segmentFiles(dir);
        assertTrue(files.size() >= 2, "segments: " + files);
        final List<Long> offsets = recordOffsets(files.get(0));
        final int keptRecords = offsets.size() - 4;
        try (var channel = java.nio.channels.FileChannel.open(files.get(0), java.nio.file.StandardOpenOption.WRITE))
        {
            channel.truncate(offsets.get(keptRecords));
        }
        assertRecords(open(config), keptRecords);
        assertEquals(List.of(files.get(0)), segmentFiles(dir));
        appendOneAndCheck(config, keptRecords + 1);
    }

    @Test
    void shouldNameFileAndOffsetWhenTheReaderRejectsAPayload() throws IOException
    {
        writeBatches(new WalConfig().directory(dir), 3);
        final Path segment = segmentFiles(dir).get(0);
        final long secondOffset = recordOffsets(segment).get(1);
        final WalCorruptionException e = assertThrows(WalCorruptionException.class,
            () -> WriteAheadLog.open(new WalConfig().directory(dir), (sequence, payload) ->
            {
                if (sequence == 2)
                {
                    throw new WalCorruptionException("bad payload");
                }
            }));
        assertEquals(segment, e.file());
        assertEquals(secondOffset, e.offset());
        assertNotNull(e.getCause());
    }

    private Path copyOf(final Path source, final String name) throws IOException
    {
        final Path copy = dir.resolve(name);
        Files.createDirectories(copy);
        for (final Path file : segmentFiles(source))
        {
            Files.copy(file, copy.resolve(file.getFileName()));
        }
        return copy;
    }

    private static void checkCutAt(final Path logDir, final Path segment, final long cutOffset, final long records)
        throws IOException
    {
        final WalConfig config = new WalConfig().directory(logDir).durability(Durability.NONE);
        assertRecords(open(config), records);
        assertEquals(cutOffset, Files.size(logDir.resolve(segment.getFileName())));
        appendOneAndCheck(config, records + 1);
    }
}
