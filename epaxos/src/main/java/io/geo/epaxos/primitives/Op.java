package io.geo.epaxos.primitives;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One operation on one key. {@code value} is the value to write (PUT, CAS new value), {@code expected} the value CAS
 * compares with (null = the key must be absent), {@code delta} the INCR amount. Immutable; byte arrays are owned.
 */
public final class Op
{
    private final OpType type;
    private final Key key;
    private final byte[] value;
    private final byte[] expected;
    private final long delta;

    private Op(final OpType type, final Key key, final byte[] value, final byte[] expected, final long delta)
    {
        this.type = Objects.requireNonNull(type, "type");
        this.key = Objects.requireNonNull(key, "key");
        this.value = value;
        this.expected = expected;
        this.delta = delta;
    }

    /** General constructor, used by decoders; takes ownership of the arrays. */
    public static Op of(final OpType type, final Key key, final byte[] value, final byte[] expected, final long delta)
    {
        return new Op(type, key, value, expected, delta);
    }

    public static Op get(final Key key)
    {
        return new Op(OpType.GET, key, null, null, 0);
    }

    public static Op put(final Key key, final byte[] value)
    {
        return new Op(OpType.PUT, key, Objects.requireNonNull(value, "value"), null, 0);
    }

    public static Op delete(final Key key)
    {
        return new Op(OpType.DELETE, key, null, null, 0);
    }

    public static Op cas(final Key key, final byte[] expected, final byte[] value)
    {
        return new Op(OpType.CAS, key, Objects.requireNonNull(value, "value"), expected, 0);
    }

    public static Op incr(final Key key, final long delta)
    {
        return new Op(OpType.INCR, key, null, null, delta);
    }

    public OpType type()
    {
        return type;
    }

    public Key key()
    {
        return key;
    }

    public byte[] value()
    {
        return value;
    }

    public byte[] expected()
    {
        return expected;
    }

    public long delta()
    {
        return delta;
    }

    /**
     * Bytes this op adds to a message, for size limits: at least what the wire codec and the write-ahead log spend
     * on it (23 and at most 22 bytes besides the key and values).
     */
    public int encodedSize()
    {
        return 24 + key.length() + (value == null ? 0 : value.length) + (expected == null ? 0 : expected.length);
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof Op))
        {
            return false;
        }
        final Op op = (Op)o;
        return type == op.type && key.equals(op.key) && delta == op.delta &&
            Arrays.equals(value, op.value) && Arrays.equals(expected, op.expected);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(type, key, delta) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder().append(type).append(' ').append(key);
        if (expected != null || type == OpType.CAS)
        {
            sb.append(" expect=").append(expected == null ? "absent" : new String(expected, StandardCharsets.UTF_8));
        }
        if (value != null)
        {
            sb.append(" value=").append(new String(value, StandardCharsets.UTF_8));
        }
        if (type == OpType.INCR)
        {
            sb.append(" delta=").append(delta);
        }
        return sb.toString();
    }
}
