package io.geo.epaxos.check;

import java.util.Objects;

/**
 * One single-key op inside a {@link HistoryEvent.Function#BATCH} event. Immutable.
 * <p>
 * In a batch invoke the op carries its arguments, as a single-key invoke does. In a batch ok it carries the same
 * arguments plus its result: a read's value (null = absent), an incr's new value, and for cas {@link #ok()} saying
 * whether it swapped. For incr, {@link #ok()} false says it was not applied (the current value was not a number);
 * null means not recorded. A null value on an incr result means the new value was not recorded.
 */
public final class BatchOp
{
    private final HistoryEvent.Function f;
    private final String key;
    private final String value;
    private final String expected;
    private final Boolean ok;

    private BatchOp(
        final HistoryEvent.Function f, final String key, final String value, final String expected, final Boolean ok)
    {
        this.f = f;
        this.key = key;
        this.value = value;
        this.expected = expected;
        this.ok = ok;
    }

    /**
     * General factory.
     *
     * @param f        any function but batch.
     * @param key      the key, not null.
     * @param value    as for single-key events; for incr the decimal text of a long (delta or new value, made
     *                 canonical) or null.
     * @param expected the cas expected value, null meaning absent.
     * @param ok       for cas results whether it swapped, for incr results whether it applied; null when not a
     *                 result or not recorded.
     * @return the op.
     * @throws IllegalArgumentException if {@code f} is batch or an incr value is not a long.
     */
    public static BatchOp of(
        final HistoryEvent.Function f, final String key, final String value, final String expected, final Boolean ok)
    {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(key, "key");
        if (f == HistoryEvent.Function.BATCH)
        {
            throw new IllegalArgumentException("a batch cannot contain a batch");
        }
        final String canonicalValue =
            f == HistoryEvent.Function.INCR ? HistoryEvent.canonicalLongOrNull(value, "incr value") : value;
        return new BatchOp(f, key, canonicalValue, expected, ok);
    }

    public static BatchOp read(final String key)
    {
        return of(HistoryEvent.Function.READ, key, null, null, null);
    }

    public static BatchOp write(final String key, final String value)
    {
        return of(HistoryEvent.Function.WRITE, key, Objects.requireNonNull(value, "value"), null, null);
    }

    public static BatchOp delete(final String key)
    {
        return of(HistoryEvent.Function.DELETE, key, null, null, null);
    }

    /** @param expected the value to compare with, null meaning the key must be absent. */
    public static BatchOp cas(final String key, final String expected, final String value)
    {
        return of(HistoryEvent.Function.CAS, key, Objects.requireNonNull(value, "value"), expected, null);
    }

    public static BatchOp incr(final String key, final long delta)
    {
        return of(HistoryEvent.Function.INCR, key, Long.toString(delta), null, null);
    }

    /** Result of a read inside an ok batch; {@code value} null means absent. */
    public static BatchOp readResult(final String key, final String value)
    {
        return of(HistoryEvent.Function.READ, key, value, null, null);
    }

    /** Result of a cas inside an ok batch. */
    public static BatchOp casResult(final String key, final String expected, final String value, final boolean swapped)
    {
        return of(HistoryEvent.Function.CAS, key, Objects.requireNonNull(value, "value"), expected, swapped);
    }

    /** Result of an incr inside an ok batch that applied; a recorded new value implies it applied. */
    public static BatchOp incrResult(final String key, final long newValue)
    {
        return of(HistoryEvent.Function.INCR, key, Long.toString(newValue), null, null);
    }

    public HistoryEvent.Function f()
    {
        return f;
    }

    public String key()
    {
        return key;
    }

    public String value()
    {
        return value;
    }

    public String expected()
    {
        return expected;
    }

    /** Whether a cas swapped (or an incr applied) in an ok batch; null when not a result or not recorded. */
    public Boolean ok()
    {
        return ok;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof BatchOp))
        {
            return false;
        }
        final BatchOp that = (BatchOp)o;
        return f == that.f && key.equals(that.key) && Objects.equals(value, that.value) &&
            Objects.equals(expected, that.expected) && Objects.equals(ok, that.ok);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(f, key, value, expected, ok);
    }

    @Override
    public String toString()
    {
        return HistoryJson.appendBatchOp(new StringBuilder(), this).toString();
    }
}
