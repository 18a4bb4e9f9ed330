package io.geo.router.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A keyspace: a named table of keys and values that commands address ({@code SELECT value FROM accounts ...}).
 * Its scope says who orders its commands: {@link Scope#GLOBAL} keyspaces are replicated to every region and ordered
 * by EPaxos across regions; a {@link Scope#REGIONAL} keyspace lives in one region ({@link #region()}) and is ordered
 * by that region's log alone. Keys of different keyspaces never collide: the replicated key is the keyspace name, a
 * {@code '/'} and the key's bytes ({@link #replicatedKey}).
 *
 * @param name   the keyspace's name, matching {@link #NAME}.
 * @param scope  who orders its commands.
 * @param region the canonical name (never an alias) of the region owning a regional keyspace; null for a global one.
 */
public record Keyspace(String name, Scope scope, String region)
{
    /** Keyspace names: lower-case identifiers, as the command language normalises them. */
    public static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
    /** The keyspace every cluster has when its config declares none. */
    public static final String DEFAULT_NAME = "kv";

    /** Who orders a keyspace's commands. */
    public enum Scope
    {
        /** Replicated to all regions, ordered by EPaxos across regions. */
        GLOBAL,
        /** Held by one region only, ordered by that region's log (no EPaxos instance, no message between regions). */
        REGIONAL
    }

    /**
     * @throws NullPointerException     if {@code name} or {@code scope} is null.
     * @throws IllegalArgumentException if a regional keyspace has no region or a global one has one.
     */
    public Keyspace
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        if ((Scope.REGIONAL == scope) != (null != region))
        {
            throw new IllegalArgumentException("keyspace " + name + ": scope " + scope + " with region " + region +
                ": a regional keyspace needs its region, a global one has none");
        }
    }

    /**
     * A keyspace without a region: only {@link Scope#GLOBAL} is accepted (kept for callers written before regional
     * keyspaces; prefer {@link #global(String)}).
     *
     * @throws IllegalArgumentException if {@code scope} is {@link Scope#REGIONAL}: use {@link #regional}.
     */
    public Keyspace(final String name, final Scope scope)
    {
        this(name, scope, null);
    }

    /** A global keyspace: replicated to every region, ordered by EPaxos. */
    public static Keyspace global(final String name)
    {
        return new Keyspace(name, Scope.GLOBAL, null);
    }

    /**
     * A regional keyspace: held by region {@code region} only, ordered by its region log.
     *
     * @param region the region's canonical name in the cluster's WAN profile (not an alias).
     */
    public static Keyspace regional(final String name, final String region)
    {
        return new Keyspace(name, Scope.REGIONAL, Objects.requireNonNull(region, "region"));
    }

    /** True for a {@link Scope#REGIONAL} keyspace. */
    public boolean isRegional()
    {
        return Scope.REGIONAL == scope;
    }

    /** The canonical name of the region that holds a regional keyspace; null for a global one. */
    @Override
    public String region()
    {
        return region;
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
