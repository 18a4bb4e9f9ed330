package io.geo.epaxos.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One event of a client history: a process invoking an operation, or that operation completing as {@code ok},
 * {@code fail} or {@code info}. Immutable; the JSON-lines form is described in docs/history-format.md.
 * <p>
 * Single-key operations carry {@link #key()}, {@link #value()} and {@link #expected()}; a {@link Function#BATCH}
 * carries {@link #ops()} instead and has a null key. Values are strings (the UTF-8 text of the stored bytes); for
 * {@link Function#INCR} the value is the decimal text of a long (made canonical: "+07" becomes "7"): the delta on
 * invoke, the new value on ok.
 * <p>
 * What the fields mean per function and event type:
 * <ul>
 *     <li>read: ok carries the value read, null when the key was absent.</li>
 *     <li>write: value is the value written (invoke; completions may repeat it).</li>
 *     <li>delete: no value.</li>
 *     <li>cas: value is the new value, expected the old one (null = the key must be absent); ok means it swapped,
 *     fail that it did not.</li>
 *     <li>incr: invoke value is the delta, ok value the new value.</li>
 *     <li>batch: invoke ops carry the arguments, ok ops the same ops with their results (see {@link BatchOp}).</li>
 * </ul>
 * The factories validate the shape (key present for single ops, ops present for batch invoke and ok, numeric
 * incr values) and throw {@link IllegalArgumentException} or {@link NullPointerException} otherwise.
 */
public final class HistoryEvent
{
    /** What happened to the operation. */
    public enum Type
    {
        /** The process issued the operation; the event carries its arguments. */
        INVOKE("invoke"),
        /** The operation took effect exactly once, between its invoke and this event; carries its results. */
        OK("ok"),
        /** The operation certainly took no effect. */
        FAIL("fail"),
        /** Outcome unknown: the operation may or may not take effect, at any time after its invoke. */
        INFO("info");

        private static final Type[] VALUES = values();

        private final String jsonName;

        Type(final String jsonName)
        {
            this.jsonName = jsonName;
        }

        /** The name used in the JSON-lines format, e.g. {@code "invoke"}. */
        public String jsonName()
        {
            return jsonName;
        }

        /** True for OK, FAIL and INFO: the events that end a process's outstanding operation. */
        public boolean isCompletion()
        {
            return this != INVOKE;
        }

        /**
         * @param jsonName the name used in the JSON-lines format.
         * @return the matching type.
         * @throws IllegalArgumentException if no type has that name.
         */
        public static Type fromJsonName(final String jsonName)
        {
            for (final Type type : VALUES)
            {
                if (type.jsonName.equals(jsonName))
                {
                    return type;
                }
            }
            throw new IllegalArgumentException("unknown event type: " + jsonName);
        }
    }

    /** The operation a process performs (the {@code "f"} field). */
    public enum Function
    {
        /** Read a key's value; null when absent. */
        READ("read"),
        /** Set a key to a value. */
        WRITE("write"),
        /** Make a key absent. */
        DELETE("delete"),
        /** Set a key to a new value iff its current value equals the expected one (null expected = absent). */
        CAS("cas"),
        /** Add a delta to a key holding a decimal long (absent counts as 0) and return the new value. */
        INCR("incr"),
        /** Several single-key operations executed atomically, in order. */
        BATCH("batch");

        private static final Function[] VALUES = values();

        private final String jsonName;

        Function(final String jsonName)
        {
            this.jsonName = jsonName;
        }

        /** The name used in the JSON-lines format, e.g. {@code "cas"}. */
        public String jsonName()
        {
            return jsonName;
        }

        /**
         * @param jsonName the name used in the JSON-lines format.
         * @return the matching function.
         * @throws IllegalArgumentException if no function has that name.
         */
        public static Function fromJsonName(final String jsonName)
        {
            for (final Function function : VALUES)
            {
                if (function.jsonName.equals(jsonName))
                {
                    return function;
                }
            }
            throw new IllegalArgumentException("unknown function: " + jsonName);
        }
    }

    private final long process;
    private final Type type;
    private final Function f;
    private final String key;
    private final String value;
    private final String expected;
    private final long timeNs;
    private final List<BatchOp> ops;

    private HistoryEvent(
        final long process,
        final Type type,
        final Function f,
        final String key,
        final String value,
        final String expected,
        final List<BatchOp> ops,
        final long timeNs)
    {
        this.process = process;
        this.type = Objects.requireNonNull(type, "type");
        this.f = Objects.requireNonNull(f, "f");
        this.key = key;
        this.value = value;
        this.expected = expected;
        this.ops = ops;
        this.timeNs = timeNs;
    }

    /**
     * General factory for a single-key event.
     *
     * @param process  the client process; it has at most one outstanding operation.
     * @param type     invoke or a completion.
     * @param f        any function but {@link Function#BATCH}.
     * @param key      the key, not null.
     * @param value    see the class comment; required on invoke of write, cas and incr.
     * @param expected the cas expected value, null meaning absent; null for other functions.
     * @param timeNs   simulated time of the event.
     * @return the event.
     * @throws IllegalArgumentException if the shape is invalid for {@code f} and {@code type}.
     */
    public static HistoryEvent of(
        final long process,
        final Type type,
        final Function f,
        final String key,
        final String value,
        final String expected,
        final long timeNs)
    {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(f, "f");
        if (f == Function.BATCH)
        {
            throw new IllegalArgumentException("a batch event carries ops, not a key: use HistoryEvent.batch(...)");
        }
        if (key == null)
        {
            throw new IllegalArgumentException(f.jsonName() + " " + type.jsonName() + " event without a key");
        }
        if (type == Type.INVOKE && value == null && (f == Function.WRITE || f == Function.CAS || f == Function.INCR))
        {
            throw new IllegalArgumentException(f.jsonName() + " invoke without a value");
        }
        final String canonicalValue = f == Function.INCR ? canonicalLongOrNull(value, "incr value") : value;
        return new HistoryEvent(process, type, f, key, canonicalValue, expected, Collections.emptyList(), timeNs);
    }

    /**
     * Factory for a batch event.
     *
     * @param process the client process.
     * @param type    invoke or a completion.
     * @param ops     the ops in execution order; required and non-empty for invoke and ok (ok ops carry results),
     *                may be empty for fail and info.
     * @param timeNs  simulated time of the event.
     * @return the event; the list is copied.
     * @throws IllegalArgumentException if ops are missing where required.
     */
    public static HistoryEvent batch(final long process, final Type type, final List<BatchOp> ops, final long timeNs)
    {
        Objects.requireNonNull(type, "type");
        final List<BatchOp> copy = ops == null ? Collections.emptyList() :
            Collections.unmodifiableList(new ArrayList<>(ops));
        for (final BatchOp op : copy)
        {
            Objects.requireNonNull(op, "batch op");
        }
        if (copy.isEmpty() && (type == Type.INVOKE || type == Type.OK))
        {
            throw new IllegalArgumentException("batch " + type.jsonName() + " without ops");
        }
        return new HistoryEvent(process, type, Function.BATCH, null, null, null, copy, timeNs);
    }

    /** Invoke of a single-key op; see {@link #of}. */
    public static HistoryEvent invoke(
        final long process, final Function f, final String key, final String value, final String expected,
        final long timeNs)
    {
        return of(process, Type.INVOKE, f, key, value, expected, timeNs);
    }

    /** Ok completion of a single-key op carrying its result; see {@link #of}. */
    public static HistoryEvent ok(
        final long process, final Function f, final String key, final String value, final String expected,
        final long timeNs)
    {
        return of(process, Type.OK, f, key, value, expected, timeNs);
    }

    /** Fail completion of a single-key op: it certainly took no effect. */
    public static HistoryEvent fail(final long process, final Function f, final String key, final long timeNs)
    {
        return of(process, Type.FAIL, f, key, null, null, timeNs);
    }

    /** Info completion of a single-key op: it may or may not take effect. */
    public static HistoryEvent info(final long process, final Function f, final String key, final long timeNs)
    {
        return of(process, Type.INFO, f, key, null, null, timeNs);
    }

    public static HistoryEvent invokeRead(final long process, final String key, final long timeNs)
    {
        return of(process, Type.INVOKE, Function.READ, key, null, null, timeNs);
    }

    /** @param value the value read, null when the key was absent. */
    public static HistoryEvent okRead(final long process, final String key, final String value, final long timeNs)
    {
        return of(process, Type.OK, Function.READ, key, value, null, timeNs);
    }

    public static HistoryEvent invokeWrite(final long process, final String key, final String value, final long timeNs)
    {
        return of(process, Type.INVOKE, Function.WRITE, key, value, null, timeNs);
    }

    public static HistoryEvent okWrite(final long process, final String key, final String value, final long timeNs)
    {
        return of(process, Type.OK, Function.WRITE, key, value, null, timeNs);
    }

    public static HistoryEvent invokeDelete(final long process, final String key, final long timeNs)
    {
        return of(process, Type.INVOKE, Function.DELETE, key, null, null, timeNs);
    }

    public static HistoryEvent okDelete(final long process, final String key, final long timeNs)
    {
        return of(process, Type.OK, Function.DELETE, key, null, null, timeNs);
    }

    /** @param expected the value to compare with, null meaning the key must be absent. */
    public static HistoryEvent invokeCas(
        final long process, final String key, final String expected, final String value, final long timeNs)
    {
        return of(process, Type.INVOKE, Function.CAS, key, value, expected, timeNs);
    }

    /** A cas that swapped. A cas that did not swap completes with {@link #fail}. */
    public static HistoryEvent okCas(
        final long process, final String key, final String expected, final String value, final long timeNs)
    {
        return of(process, Type.OK, Function.CAS, key, value, expected, timeNs);
    }

    public static HistoryEvent invokeIncr(final long process, final String key, final long delta, final long timeNs)
    {
        return of(process, Type.INVOKE, Function.INCR, key, Long.toString(delta), null, timeNs);
    }

    /** @param newValue the value after the increment, as returned to the client. */
    public static HistoryEvent okIncr(final long process, final String key, final long newValue, final long timeNs)
    {
        return of(process, Type.OK, Function.INCR, key, Long.toString(newValue), null, timeNs);
    }

    public static HistoryEvent invokeBatch(final long process, final List<BatchOp> ops, final long timeNs)
    {
        return batch(process, Type.INVOKE, ops, timeNs);
    }

    /** @param opsWithResults the invoked ops in the same order, carrying their results. */
    public static HistoryEvent okBatch(final long process, final List<BatchOp> opsWithResults, final long timeNs)
    {
        return batch(process, Type.OK, opsWithResults, timeNs);
    }

    public static HistoryEvent failBatch(final long process, final long timeNs)
    {
        return batch(process, Type.FAIL, null, timeNs);
    }

    public static HistoryEvent infoBatch(final long process, final long timeNs)
    {
        return batch(process, Type.INFO, null, timeNs);
    }

    /**
     * @return {@code value} as canonical decimal text ("+07" becomes "7"), so it can be written as a JSON number;
     * null stays null.
     * @throws IllegalArgumentException if it is not a decimal long.
     */
    static String canonicalLongOrNull(final String value, final String what)
    {
        if (value == null)
        {
            return null;
        }
        try
        {
            return Long.toString(Long.parseLong(value));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(what + " is not a decimal long: \"" + value + "\"", ex);
        }
    }

    public long process()
    {
        return process;
    }

    public Type type()
    {
        return type;
    }

    public Function f()
    {
        return f;
    }

    /** The key of a single-key op; null for a batch. */
    public String key()
    {
        return key;
    }

    /** See the class comment; null when absent or not applicable. */
    public String value()
    {
        return value;
    }

    /** The cas expected value (null = absent); null for other functions. */
    public String expected()
    {
        return expected;
    }

    public long timeNs()
    {
        return timeNs;
    }

    /** The ops of a batch in execution order (unmodifiable); empty for single-key events. */
    public List<BatchOp> ops()
    {
        return ops;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof HistoryEvent))
        {
            return false;
        }
        final HistoryEvent that = (HistoryEvent)o;
        return process == that.process && timeNs == that.timeNs && type == that.type && f == that.f &&
            Objects.equals(key, that.key) && Objects.equals(value, that.value) &&
            Objects.equals(expected, that.expected) && ops.equals(that.ops);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(process, type, f, key, value, expected, ops, timeNs);
    }

    /** The event's JSON line, without the line terminator. */
    @Override
    public String toString()
    {
        return HistoryJson.appendEvent(new StringBuilder(), this).toString();
    }
}
