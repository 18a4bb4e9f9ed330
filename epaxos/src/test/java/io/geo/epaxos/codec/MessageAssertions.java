package io.geo.epaxos.codec;

import io.geo.epaxos.messages.Message;
import org.agrona.DirectBuffer;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Field-by-field equality of messages. Records compare arrays by identity, so deps and watermarks are compared with
 * Arrays.equals; commands compare deeply by their own equals (ops, keys, values, expected values, null vs empty).
 */
final class MessageAssertions
{
    private MessageAssertions()
    {
    }

    static void assertMessageEquals(final Message expected, final Message actual)
    {
        assertMessageEquals(expected, actual, "");
    }

    static void assertMessageEquals(final Message expected, final Message actual, final String context)
    {
        assertEquals(expected.getClass(), actual.getClass(), context);
        for (final RecordComponent component : expected.getClass().getRecordComponents())
        {
            final Object expectedValue = value(component, expected);
            final Object actualValue = value(component, actual);
            if (!componentEquals(expectedValue, actualValue))
            {
                fail(context + " " + expected.getClass().getSimpleName() + "." + component.getName() +
                    ": expected " + describe(expectedValue) + " but was " + describe(actualValue));
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

    private static boolean componentEquals(final Object expected, final Object actual)
    {
        if (expected instanceof long[] && actual instanceof long[])
        {
            return Arrays.equals((long[])expected, (long[])actual);
        }
        return Objects.equals(expected, actual);
    }

    private static String describe(final Object value)
    {
        if (value instanceof long[])
        {
            final long[] array = (long[])value;
            return array.length > 20 ? "long[" + array.length + "]" : Arrays.toString(array);
        }
        final String text = String.valueOf(value);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static Object value(final RecordComponent component, final Message message)
    {
        try
        {
            return component.getAccessor().invoke(message);
        }
        catch (final IllegalAccessException | InvocationTargetException ex)
        {
            throw new AssertionError("cannot read " + component, ex);
        }
    }
}
