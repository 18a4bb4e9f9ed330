package io.geo.client;

import java.util.Arrays;
import java.util.Objects;

/**
 * One operation of a client request, as the driver sends it: a type, the keyspace and key it touches, and its
 * arguments ({@code value} for PUT and CAS, {@code expected} for CAS where null means "must be absent", {@code delta}
 * for INCR). Immutable; the arrays are owned by the op once constructed.
 */
public final class ClientOp
{
    /** Operation types; the codes are the wire codes and equal the replicated op codes of the server. */
    public enum Type
    {
        GET(0), PUT(1), DELETE(2), CAS(3), INCR(4);

        private final int code;

        Type(final int code)
        {
            this.code = code;
        }

        public int code()
        {
            return code;
        }

        public boolean isWrite()
        {
            return this != GET;
        }

        /** The type for a wire code, or null when the code is unknown. */
        public static Type fromCode(final int code)
        {
            for (final Type type : values())
            {
                if (type.code == code)
                {
                    return type;
                }
            }
            return null;
        }
    }

    private final Type type;
    private final String keyspace;
    private final byte[] key;
    private final byte[] value;
    private final byte[] expected;
    private final long delta;

    private ClientOp(
        final Type type, final String keyspace, final byte[] key, final byte[] value, final byte[] expected,
        final long delta)
    {
        this.type = Objects.requireNonNull(type, "type");
        this.keyspace = Objects.requireNonNull(keyspace, "keyspace");
        this.key = Objects.requireNonNull(key, "key");
        this.value = value;
        this.expected = expected;
        this.delta = delta;
    }

    /** The general form (decoders); takes ownership of the arrays. */
    public static ClientOp of(
        final Type type, final String keyspace, final byte[] key, final byte[] value, final byte[] expected,
        final long delta)
    {
        return new ClientOp(type, keyspace, key, value, expected, delta);
    }

    public static ClientOp get(final String keyspace, final byte[] key)
    {
        return new ClientOp(Type.GET, keyspace, key, null, null, 0);
    }

    public static ClientOp put(final String keyspace, final byte[] key, final byte[] value)
    {
        return new ClientOp(Type.PUT, keyspace, key, Objects.requireNonNull(value, "value"), null, 0);
    }

    public static ClientOp delete(final String keyspace, final byte[] key)
    {
        return new ClientOp(Type.DELETE, keyspace, key, null, null, 0);
    }

    /** Compare-and-set: write {@code value} if the current value equals {@code expected} (null: key absent). */
    public static ClientOp cas(final String keyspace, final byte[] key, final byte[] expected, final byte[] value)
    {
        return new ClientOp(Type.CAS, keyspace, key, Objects.requireNonNull(value, "value"), expected, 0);
    }

    public static ClientOp incr(final String keyspace, final byte[] key, final long delta)
    {
        return new ClientOp(Type.INCR, keyspace, key, null, null, delta);
    }

    public Type type()
    {
        return type;
    }

    public String keyspace()
    {
        return keyspace;
    }

    public byte[] key()
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

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof ClientOp))
        {
            return false;
        }
        final ClientOp op = (ClientOp)o;
        return type == op.type && keyspace.equals(op.keyspace) && Arrays.equals(key, op.key) &&
            Arrays.equals(value, op.value) && Arrays.equals(expected, op.expected) && delta == op.delta;
    }

    @Override
    public int hashCode()
    {
        return (type.hashCode() * 31 + keyspace.hashCode()) * 31 + Arrays.hashCode(key);
    }

    @Override
    public String toString()
    {
        return type + " " + keyspace + "/" + new String(key, java.nio.charset.StandardCharsets.UTF_8);
    }
}
