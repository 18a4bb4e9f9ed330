package io.geo.client.sql;

import java.util.List;

/**
 * {@code DELETE FROM <keyspace> WHERE key = <key>}: remove a key. Update count 1 if it existed, 0 if not.
 *
 * @param keyspace       the keyspace, in lower case.
 * @param key            the key to remove.
 * @param parameterCount the number of {@code ?} parameters.
 */
public record Delete(String keyspace, Expr key, int parameterCount) implements Statement
{
    public Delete
    {
        AstChecks.keyspace(keyspace);
        AstChecks.parameters(parameterCount, List.of(key));
    }

    /** Always false: a DELETE gives an update count. */
    @Override
    public boolean isQuery()
    {
        return false;
    }
}
