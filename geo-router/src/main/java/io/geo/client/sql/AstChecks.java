package io.geo.client.sql;

import java.util.List;
import java.util.Objects;

/**
 * Checks the statement records run on construction, so that no record can exist with a parameter count that does
 * not match its parameters: whatever code builds them, parameters are numbered exactly 1..count, each once.
 */
final class AstChecks
{
    private AstChecks()
    {
    }

    static String keyspace(final String keyspace)
    {
        Objects.requireNonNull(keyspace, "keyspace");
        if (keyspace.isEmpty())
        {
            throw new IllegalArgumentException("keyspace must not be empty");
        }

        return keyspace;
    }

    static void parameters(final int parameterCount, final List<Expr> exprs)
    {
        if (parameterCount < 0 || parameterCount > CommandParser.MAX_PARAMETERS)
        {
            throw new IllegalArgumentException("parameterCount must be within [0, " + CommandParser.MAX_PARAMETERS +
                "]: " + parameterCount);
        }

        final boolean[] seen = new boolean[parameterCount + 1];
        int found = 0;
        for (final Expr expr : exprs)
        {
            Objects.requireNonNull(expr, "expr");
            if (expr instanceof Expr.Parameter parameter)
            {
                final int index = parameter.index();
                if (index > parameterCount || seen[index])
                {
                    throw new IllegalArgumentException("parameter " + index + " is out of range or repeated for " +
                        "parameterCount " + parameterCount);
                }
                seen[index] = true;
                found++;
            }
        }

        if (found != parameterCount)
        {
            throw new IllegalArgumentException("parameterCount is " + parameterCount + " but the statement has " +
                found + " parameters");
        }
    }
}
