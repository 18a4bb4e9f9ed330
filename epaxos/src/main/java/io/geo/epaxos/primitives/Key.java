package io.geo.epaxos.primitives;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** An immutable byte-string key, ordered by unsigned lexicographic comparison of its bytes. */
public final class Key implements Comparable<Key>
{
    private final byte[] bytes;
    private final int hash;

    private Key(final byte[] bytes)
    {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Copies {@code bytes}. */
    public static Key of(final byte[] bytes)
    {
        return new Key(bytes.clone());
    }

    public static Key of(final String utf8)
    {
        return new Key(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** Takes ownership of {@code bytes}: the caller must not change them afterwards. */
    public static Key wrap(final byte[] bytes)
    {
        return new Key(bytes);
    }

    /** The key's bytes; callers must not modify them. */
    public byte[] bytes()
    {
        return bytes;
    }

    public int length()
    {
        return bytes.length;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Key && hash == ((Key)o).hash && Arrays.equals(bytes, ((Key)o).bytes);
    }

    @Override
    public int hashCode()
    {
        return hash;
    }

    @Override
    public int compareTo(final Key other)
    {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public String toString()
    {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
