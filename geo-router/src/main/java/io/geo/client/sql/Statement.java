package io.geo.client.sql;

/**
 * One parsed statement of the command language (docs/command-language.md), as {@link CommandParser#parse(String)}
 * returns it. Every implementation is an immutable record; two parses of the same text give equal statements.
 */
public sealed interface Statement permits Select, Upsert, Insert, CompareAndSet, Increment, Delete
{
    /** The keyspace the statement addresses: an identifier in lower case. */
    String keyspace();

    /**
     * How many {@code ?} parameters the statement has. Its {@link Expr.Parameter}s are numbered exactly 1 to this
     * count, each once.
     */
    int parameterCount();

    /**
     * Whether the statement produces a result set: true for a {@link Select} and for an {@link Increment} with
     * {@code RETURNING value}; the others produce an update count.
     */
    boolean isQuery();
}
