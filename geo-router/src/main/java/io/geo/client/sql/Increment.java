package io.geo.client.sql;

import java.util.List;

/**
 * {@code UPDATE <keyspace> SET value = value + <delta> WHERE key = <key> [RETURNING value]} (or
 * {@code value - <delta>}, {@link #negate()} true): add to a value holding a decimal long; an absent key counts as 0.
 *
 * @param keyspace       the keyspace, in lower case.
 * @param key            the key to change.
 * @param delta          a parameter (to be bound to a long) or an integer literal, whose text is then the canonical
 *                       decimal text of a long.
 * @param negate         true for {@code value - <delta>}: subtract the delta.
 * @param returning      true with {@code RETURNING value}: the statement is a query giving the new value.
 * @param parameterCount the number of {@code ?} parameters.
 */
public record Increment(
    String keyspace, Expr key, Expr delta, boolean negate, boolean returning, int parameterCount) implements Statement
{
    public Increment
    {
        AstChecks.keyspace(keyspace);
        AstChecks.parameters(parameterCount, List.of(key, delta));
        if (delta instanceof Expr.Literal literal && !CommandParser.isCanonicalLong(literal.text()))
        {
            throw new IllegalArgumentException("delta must be a parameter or an integer literal: " + delta);
        }
    }

    /** True when the statement has {@code RETURNING value}. */
    @Override
    public boolean isQuery()
    {
        return returning;
    }
}
