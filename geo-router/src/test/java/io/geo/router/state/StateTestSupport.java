package io.geo.router.state;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Result;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Small configurations and comparisons shared by the state machine tests. */
final class StateTestSupport
{
    static final int MAX_OPS = 8;
    static final int MAX_VALUE_BYTES = 96;

    private StateTestSupport()
    {
    }

    /** Small files: a few thousand keys, short values, short commands. */
    static ChronicleStateMachineConfig smallConfig(final Path directory)
    {
        return new ChronicleStateMachineConfig()
            .directory(directory)
            .entries(4096)
            .averageKeyBytes(8)
            .averageValueBytes(24)
            .sessions(256)
            .averageSessionRecordBytes(48)
            .maxKeyBytes(64)
            .maxValueBytes(MAX_VALUE_BYTES)
            .maxOpsPerCommand(MAX_OPS)
            .maxCommandBytes(4096);
    }

    static void assertResults(final Result[] expected, final Result[] actual, final String context)
    {
        if (!Arrays.equals(expected, actual))
        {
            fail(context + ": expected " + Arrays.toString(expected) + " but got " + Arrays.toString(actual));
        }
    }

    static void assertSameData(final Map<Key, byte[]> expected, final Map<Key, byte[]> actual, final String context)
    {
        assertEquals(expected.keySet(), actual.keySet(), context + ": keys");
        for (final Map.Entry<Key, byte[]> e : expected.entrySet())
        {
            assertArrayEquals(e.getValue(), actual.get(e.getKey()), context + ": value of " + e.getKey());
        }
    }

    static String describe(final long seed, final int index, final Command command)
    {
        return "seed " + seed + " (replay: -Dseed=" + seed + "), command #" + index + " " + command;
    }

    /** The seeds to run: {@code -Dseed=N} replays one, else {@code count} seeds from 1. */
    static long[] seeds(final int count)
    {
        final Long one = Long.getLong("seed");
        if (one != null)
        {
            return new long[] {one};
        }
        final long[] seeds = new long[count];
        for (int i = 0; i < count; i++)
        {
            seeds[i] = i + 1;
        }
        return seeds;
    }

    static void copyDirectory(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from))
        {
            final Iterator<Path> it = files.iterator();
            while (it.hasNext())
            {
                final Path file = it.next();
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
