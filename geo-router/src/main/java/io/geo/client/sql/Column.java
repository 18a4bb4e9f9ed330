package io.geo.client.sql;

/** The two columns every keyspace has. */
public enum Column
{
    /** The key of a row: unique in its keyspace, never null. */
    KEY("key"),

    /** The value stored under the key, never null. */
    VALUE("value");

    private final String columnName;

    Column(final String columnName)
    {
        this.columnName = columnName;
    }

    /** The column's name as written in statements and reported in result set metadata: {@code key} or {@code value}. */
    public String columnName()
    {
        return columnName;
    }
}
