package io.geo.client.sql;

import java.util.List;

/**
 * {@code UPDATE <keyspace> SET value = <newValue> WHERE key = <key> AND value = <expected>} (the two conditions in
 * either order): store the new value only if the key currently holds the expected value. Update count 1 if it did,
 * 0 if not (an absent key never matches).
 *
 * @param keyspace       the keyspace, in lower case.
 * @param key            the key to change.
 * @param newValue       the value to store.
 * @param expected       the value the key must hold now.
 * @param parameterCount the number of {@code ?} parameters.
 */
public record CompareAndSet(String keyspace, Expr key, Expr newValue, Expr expected, int parameterCount)
    implements Statement
{
    public CompareAndSet
    {
        AstChecks.keyspace(keyspace);
        AstChecks.parameters(parameterCount, List.of(key, newValue, expected));
    }

    /** Always false: a compare-and-set gives an update count. */
    @Override
    public boolean isQuery()
    {
        return false;
    }
}
