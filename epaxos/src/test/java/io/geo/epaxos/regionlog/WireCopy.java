package io.geo.epaxos.regionlog;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Deep-copies a message (records of longs, ints, lists, entries and byte arrays, walked by reflection so message
 * types added later are covered too) so that sender and receiver never share a mutable array: the simulated disk's
 * copies, and the wire when the codec is off. Measures a message as the traffic figures count it (payload bytes
 * plus a fixed {@value #HEADER_BYTES}) and hashes its content for the trace hash. Stateless and thread-safe.
 */
final class WireCopy
{
    /** The per-message overhead counted by the traffic measurements (a header's worth). */
    static final int HEADER_BYTES = 32;

    private record Shape(Method[] accessors, Constructor<?> constructor)
    {
    }

    private static final ClassValue<Shape> SHAPES = new ClassValue<>()
    {
        @Override
        protected Shape computeValue(final Class<?> type)
        {
            final RecordComponent[] components = type.getRecordComponents();
            final Method[] accessors = new Method[components.length];
            final Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++)
            {
                accessors[i] = components[i].getAccessor();
                accessors[i].setAccessible(true);
                types[i] = components[i].getType();
            }
            try
            {
                final Constructor<?> constructor = type.getDeclaredConstructor(types);
                constructor.setAccessible(true);
                return new Shape(accessors, constructor);
            }
            catch (final NoSuchMethodException ex)
            {
                throw new IllegalStateException("record without canonical constructor: " + type, ex);
            }
        }
    };

    private WireCopy()
    {
    }

    static LogMessage copy(final LogMessage message)
    {
        return (LogMessage)copyValue(message, message);
    }

    /** A no-op decodes as {@link LogEntry#NOOP}; any other entry gets a fresh payload array. */
    static LogEntry copy(final LogEntry entry)
    {
        return entry.isNoop() ? LogEntry.NOOP :
            LogEntry.of(entry.origin(), entry.sequence(), entry.payload().clone());
    }

    /** Bytes the traffic measurements count for a message: {@value #HEADER_BYTES} plus every payload byte. */
    static long size(final LogMessage message)
    {
        return HEADER_BYTES + payloadBytes(message);
    }

    /** A content hash, stable across runs (no identity hashes). */
    static long hash(final LogMessage message)
    {
        return hashValue(message);
    }

    private static Object copyValue(final Object value, final LogMessage message)
    {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String ||
            value instanceof Enum<?> || value instanceof Character)
        {
            return value;
        }
        if (value instanceof LogEntry entry)
        {
            return copy(entry);
        }
        if (value instanceof byte[] bytes)
        {
            return bytes.clone();
        }
        if (value instanceof long[] longs)
        {
            return longs.clone();
        }
        if (value instanceof int[] ints)
        {
            return ints.clone();
        }
        if (value instanceof List<?> list)
        {
            final ArrayList<Object> copy = new ArrayList<>(list.size());
            for (final Object element : list)
            {
                copy.add(copyValue(element, message));
            }
            return Collections.unmodifiableList(copy);
        }
        if (value instanceof Record record)
        {
            final Shape shape = SHAPES.get(record.getClass());
            final Object[] args = new Object[shape.accessors.length];
            try
            {
                for (int i = 0; i < args.length; i++)
                {
                    args[i] = copyValue(shape.accessors[i].invoke(record), message);
                }
                return shape.constructor.newInstance(args);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException("cannot copy " + record.getClass().getSimpleName(), ex);
            }
        }
        throw new IllegalStateException("WireCopy does not know " + value.getClass().getName() + " in " +
            message.getClass().getSimpleName() + ": teach it (or the codec) this type");
    }

    private static long payloadBytes(final Object value)
    {
        if (value instanceof LogEntry entry)
        {
            return entry.payload().length;
        }
        if (value instanceof byte[] bytes)
        {
            return bytes.length;
        }
        if (value instanceof List<?> list)
        {
            long sum = 0;
            for (final Object element : list)
            {
                sum += payloadBytes(element);
            }
            return sum;
        }
        if (value instanceof Record record)
        {
            final Shape shape = SHAPES.get(record.getClass());
            long sum = 0;
            try
            {
                for (final Method accessor : shape.accessors)
                {
                    sum += payloadBytes(accessor.invoke(record));
                }
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException("cannot measure " + record.getClass().getSimpleName(), ex);
            }
            return sum;
        }
        return 0;
    }

    private static long hashValue(final Object value)
    {
        if (value == null)
        {
            return 7;
        }
        if (value instanceof Number number)
        {
            return number.longValue();
        }
        if (value instanceof Boolean b)
        {
            return b ? 1231 : 1237;
        }
        if (value instanceof String || value instanceof Enum<?> || value instanceof Character)
        {
            return value.toString().hashCode();
        }
        if (value instanceof LogEntry entry)
        {
            return (entry.origin() * 31L + entry.sequence()) * 31 + Arrays.hashCode(entry.payload());
        }
        if (value instanceof byte[] bytes)
        {
            return Arrays.hashCode(bytes);
        }
        if (value instanceof long[] longs)
        {
            return Arrays.hashCode(longs);
        }
        if (value instanceof int[] ints)
        {
            return Arrays.hashCode(ints);
        }
        if (value instanceof List<?> list)
        {
            long h = 1;
            for (final Object element : list)
            {
                h = h * 31 + hashValue(element);
            }
            return h;
        }
        if (value instanceof Record record)
        {
            long h = record.getClass().getSimpleName().hashCode();
            try
            {
                for (final Method accessor : SHAPES.get(record.getClass()).accessors)
                {
                    h = h * 31 + hashValue(accessor.invoke(record));
                }
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException("cannot hash " + record.getClass().getSimpleName(), ex);
            }
            return h;
        }
        return value.getClass().getName().hashCode();
    }
}
