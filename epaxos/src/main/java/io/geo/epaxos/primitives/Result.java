package io.geo.epaxos.primitives;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The outcome of one executed op: {@code ok} (GET found, CAS swapped, INCR applied; PUT and DELETE always ok) and a
 * value (GET: the value read or null; CAS: the current value when it did not swap; INCR: the new value).
 */
public final class Result
{
    public static final Result OK = new Result(true, null);
    public static final Result NOT_FOUND = new Result(false, null);
    /**
     * The result of every op of a write whose client has moved on (a request number below the last one applied for
     * that client): not applied, and its real outcome is not known here. Recognised by identity
     * ({@link #isSuperseded()}); {@link #of} never returns it.
     */
    public static final Result SUPERSEDED = new Result(false, null);

    private final boolean ok;
    private final byte[] value;

    private Result(final boolean ok, final byte[] value)
    {
        this.ok = ok;
        this.value = value;
    }

    public static Result of(final boolean ok, final byte[] value)
    {
        return value == null ? (ok ? OK : NOT_FOUND) : new Result(ok, value);
    }

    /** True for {@link #SUPERSEDED}: the command was not applied because its client had moved on. */
    public boolean isSuperseded()
    {
        return this == SUPERSEDED;
    }

    public boolean ok()
    {
        return ok;
    }

    public byte[] value()
    {
        return value;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Result && ok == ((Result)o).ok && Arrays.equals(value, ((Result)o).value);
    }

    @Override
    public int hashCode()
    {
        return Boolean.hashCode(ok) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString()
    {
        return (ok ? "ok" : "fail") + (value == null ? "" : "(" + new String(value, StandardCharsets.UTF_8) + ")");
    }
}
