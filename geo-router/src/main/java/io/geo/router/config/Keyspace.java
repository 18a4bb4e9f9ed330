package io.geo.router.config;

import java.util.regex.Pattern;

/**
 * A keyspace: a named table of keys and values that commands address ({@code SELECT value FROM accounts ...}).
 * Its scope says who orders its commands: {@link Scope#GLOBAL} keyspaces are replicated to every region and ordered
 * by EPaxos across regions. Keys of different keyspaces never collide: the replicated key is the keyspace name, a
 * {@code '/'} and the key's bytes ({@link #replicatedKey}).
 */
public record Keyspace(String name, Scope scope)
{
    /** Keyspace names: lower-case identifiers, as the command language normalises them. */
    public static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
    /** The keyspace every cluster has when its config declares none. */
    public static final String DEFAULT_NAME = "kv";

    /** Who orders a keyspace's commands. */
    public enum Scope
    {
        /** Replicated to all regions, ordered by EPaxos across regions. */
        GLOBAL
    }

    /** The key the replicas store for {@code key} of this keyspace: {@code name '/' key}. */
    public byte[] replicatedKey(final byte[] key)
    {
        final byte[] prefix = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final byte[] bytes = new byte[prefix.length + 1 + key.length];
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        bytes[prefix.length] = '/';
        System.arraycopy(key, 0, bytes, prefix.length + 1, key.length);
        return bytes;
    }

    /** Bytes the keyspace prefix adds to every key. */
    public int prefixBytes()
    {
        return name.length() + 1;
    }
}
