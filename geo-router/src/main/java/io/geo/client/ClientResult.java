package io.geo.client;

import java.util.Arrays;

/**
 * The outcome of one op: {@code ok} (GET: found; CAS: swapped; INCR: applied; DELETE: the key existed; PUT: always)
 * and a value (GET: the value read; CAS: the current value when it did not swap; INCR: the new value, or the current
 * value when it failed). Immutable.
 */
public final class ClientResult
{
    private final boolean ok;
    private final byte[] value;

    public ClientResult(final boolean ok, final byte[] value)
    {
        this.ok = ok;
        this.value = value;
    }

    public boolean ok()
    {
        return ok;
    }

    /** The value, or null. */
    public byte[] value()
    {
        return value;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof ClientResult && ok == ((ClientResult)o).ok && Arrays.equals(value, ((ClientResult)o).value);
    }

    @Override
    public int hashCode()
    {
        return Boolean.hashCode(ok) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString()
    {
        return (ok ? "ok" : "fail") +
            (value == null ? "" : "(" + new String(value, java.nio.charset.StandardCharsets.UTF_8) + ")");
    }
}
