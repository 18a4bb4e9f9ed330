package io.geo.client.sql;

import java.util.List;

/**
 * {@code INSERT INTO <keyspace> [(key, value)] VALUES (<key>, <value>)}: write the value only if the key is absent.
 * Update count 1; a key that exists is an integrity constraint violation (SQLState 23505).
 *
 * @param keyspace       the keyspace, in lower case.
 * @param key            the key to write.
 * @param value          the value to store.
 * @param parameterCount the number of {@code ?} parameters.
 */
public record Insert(String keyspace, Expr key, Expr value, int parameterCount) implements Statement
{
    public Insert
    {
        AstChecks.keyspace(keyspace);
        AstChecks.parameters(parameterCount, List.of(key, value));
    }

    /** Always false: an INSERT gives an update count. */
    @Override
    public boolean isQuery()
    {
        return false;
    }
}
