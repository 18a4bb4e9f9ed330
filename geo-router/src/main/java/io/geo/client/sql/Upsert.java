package io.geo.client.sql;

import java.util.List;

/**
 * {@code UPSERT INTO <keyspace> [(key, value)] VALUES (<key>, <value>)}: write the value whatever the key held.
 * Update count 1.
 *
 * @param keyspace       the keyspace, in lower case.
 * @param key            the key to write.
 * @param value          the value to store.
 * @param parameterCount the number of {@code ?} parameters.
 */
public record Upsert(String keyspace, Expr key, Expr value, int parameterCount) implements Statement
{
    public Upsert
    {
        AstChecks.keyspace(keyspace);
        AstChecks.parameters(parameterCount, List.of(key, value));
    }

    /** Always false: an UPSERT gives an update count. */
    @Override
    public boolean isQuery()
    {
        return false;
    }
}
