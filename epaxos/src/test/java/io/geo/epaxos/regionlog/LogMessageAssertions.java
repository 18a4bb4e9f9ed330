package io.geo.epaxos.regionlog;

import org.agrona.DirectBuffer;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Equality of region log messages. The records hold lists of {@link LogEntry}, whose equals compares payloads by
 * content, so record equality is deep; on top of it, every decoded no-op must be the {@link LogEntry#NOOP} singleton.
 */
final class LogMessageAssertions
{
    private LogMessageAssertions()
    {
    }

    static void assertLogMessageEquals(final LogMessage expected, final LogMessage actual, final String context)
    {
        assertEquals(expected.getClass(), actual.getClass(), context);
        if (!expected.equals(actual))
        {
            fail(context + ": expected " + describe(expected) + " but was " + describe(actual) +
                firstDifference(entries(expected), entries(actual)));
        }
        for (final LogEntry entry : entries(actual))
        {
            if (entry.isNoop())
            {
                assertSame(LogEntry.NOOP, entry, context + ": a decoded no-op is LogEntry.NOOP");
            }
        }
    }

    static void assertSameBytes(
        final DirectBuffer expected,
        final int expectedOffset,
        final DirectBuffer actual,
        final int actualOffset,
        final int length,
        final String context)
    {
        for (int i = 0; i < length; i++)
        {
            if (expected.getByte(expectedOffset + i) != actual.getByte(actualOffset + i))
            {
                fail(context + ": bytes differ at " + i + " of " + length);
            }
        }
    }

    /** The entries a message carries, accepted slots' entries included, in order. */
    static List<LogEntry> entries(final LogMessage message)
    {
        if (message instanceof LogMessage.Accept m)
        {
            return m.entries();
        }
        if (message instanceof LogMessage.CatchUpReply m)
        {
            return m.entries();
        }
        if (message instanceof LogMessage.Forward m)
        {
            return m.entries();
        }
        if (message instanceof LogMessage.Promise m)
        {
            return m.accepted().stream().map(LogMessage.AcceptedSlot::entry).toList();
        }
        return List.of();
    }

    private static String firstDifference(final List<LogEntry> expected, final List<LogEntry> actual)
    {
        if (expected.size() != actual.size())
        {
            return "; " + expected.size() + " entries expected, " + actual.size() + " decoded";
        }
        for (int i = 0; i < expected.size(); i++)
        {
            if (!expected.get(i).equals(actual.get(i)))
            {
                return "; entry " + i + ": expected " + expected.get(i) + " but was " + actual.get(i);
            }
        }
        return "";
    }

    private static String describe(final LogMessage message)
    {
        final String text = String.valueOf(message);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
