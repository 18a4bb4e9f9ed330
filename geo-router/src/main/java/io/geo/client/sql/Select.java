package io.geo.client.sql;

import java.util.List;

/**
 * {@code SELECT <columns> FROM <keyspace> WHERE key = <expr>} or {@code ... WHERE key IN (<expr>, ...)}: read one or
 * several keys atomically. The result has a row for each key present, in the order of {@link #keys()}; absent keys
 * give no row.
 *
 * @param keyspace       the keyspace, in lower case.
 * @param columns        the result set's columns in order: one or two distinct columns ({@code *} is key, value).
 * @param keys           the keys to read, 1 to {@link CommandParser#MAX_IN_KEYS}, in the order written; may repeat.
 * @param parameterCount the number of {@code ?} parameters.
 */
public record Select(String keyspace, List<Column> columns, List<Expr> keys, int parameterCount) implements Statement
{
    public Select
    {
        AstChecks.keyspace(keyspace);
        columns = List.copyOf(columns);
        keys = List.copyOf(keys);
        if (columns.isEmpty() || columns.size() > 2 || (columns.size() == 2 && columns.get(0) == columns.get(1)))
        {
            throw new IllegalArgumentException("columns must be one or two distinct columns: " + columns);
        }
        if (keys.isEmpty() || keys.size() > CommandParser.MAX_IN_KEYS)
        {
            throw new IllegalArgumentException("keys must number 1 to " + CommandParser.MAX_IN_KEYS + ": " +
                keys.size());
        }
        AstChecks.parameters(parameterCount, keys);
    }

    /** Always true: a SELECT gives a result set. */
    @Override
    public boolean isQuery()
    {
        return true;
    }
}
