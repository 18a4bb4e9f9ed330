package io.geo.jdbc;

import io.geo.client.sql.Column;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Locale;

/**
 * The columns of a geo result: {@code key} and/or {@code value}, both VARCHAR (UTF-8 text, or any bytes through
 * {@code getBytes}), never null, from the table (keyspace) the statement named. Immutable and thread-safe.
 */
final class GeoResultSetMetaData implements ResultSetMetaData
{
    private final String keyspace;
    private final List<Column> columns;
    private final int maxKeyBytes;
    private final int maxValueBytes;

    /**
     * @param maxKeyBytes   display size of the key column (the cluster's key limit).
     * @param maxValueBytes display size of the value column (the cluster's value limit).
     */
    GeoResultSetMetaData(
        final String keyspace, final List<Column> columns, final int maxKeyBytes, final int maxValueBytes)
    {
        this.keyspace = keyspace;
        this.columns = List.copyOf(columns);
        this.maxKeyBytes = maxKeyBytes;
        this.maxValueBytes = maxValueBytes;
    }

    /** The name of a column as SQL text and JDBC labels spell it: "key" or "value". */
    static String name(final Column column)
    {
        return column.name().toLowerCase(Locale.ROOT);
    }

    List<Column> columns()
    {
        return columns;
    }

    @Override
    public int getColumnCount()
    {
        return columns.size();
    }

    @Override
    public boolean isAutoIncrement(final int column) throws SQLException
    {
        column(column);
        return false;
    }

    @Override
    public boolean isCaseSensitive(final int column) throws SQLException
    {
        column(column);
        return true;
    }

    /** Only the key can be searched (WHERE key = ...). */
    @Override
    public boolean isSearchable(final int column) throws SQLException
    {
        return column(column) == Column.KEY;
    }

    @Override
    public boolean isCurrency(final int column) throws SQLException
    {
        column(column);
        return false;
    }

    @Override
    public int isNullable(final int column) throws SQLException
    {
        column(column);
        return columnNoNulls;
    }

    @Override
    public boolean isSigned(final int column) throws SQLException
    {
        column(column);
        return false;
    }

    @Override
    public int getColumnDisplaySize(final int column) throws SQLException
    {
        return column(column) == Column.KEY ? maxKeyBytes : maxValueBytes;
    }

    @Override
    public String getColumnLabel(final int column) throws SQLException
    {
        return name(column(column));
    }

    @Override
    public String getColumnName(final int column) throws SQLException
    {
        return name(column(column));
    }

    @Override
    public String getSchemaName(final int column) throws SQLException
    {
        column(column);
        return "";
    }

    @Override
    public int getPrecision(final int column) throws SQLException
    {
        return getColumnDisplaySize(column);
    }

    @Override
    public int getScale(final int column) throws SQLException
    {
        column(column);
        return 0;
    }

    @Override
    public String getTableName(final int column) throws SQLException
    {
        column(column);
        return keyspace;
    }

    @Override
    public String getCatalogName(final int column) throws SQLException
    {
        column(column);
        return "";
    }

    @Override
    public int getColumnType(final int column) throws SQLException
    {
        column(column);
        return Types.VARCHAR;
    }

    @Override
    public String getColumnTypeName(final int column) throws SQLException
    {
        column(column);
        return "VARCHAR";
    }

    @Override
    public boolean isReadOnly(final int column) throws SQLException
    {
        column(column);
        return true;
    }

    @Override
    public boolean isWritable(final int column) throws SQLException
    {
        column(column);
        return false;
    }

    @Override
    public boolean isDefinitelyWritable(final int column) throws SQLException
    {
        column(column);
        return false;
    }

    @Override
    public String getColumnClassName(final int column) throws SQLException
    {
        column(column);
        return String.class.getName();
    }

    @Override
    public <T> T unwrap(final Class<T> iface) throws SQLException
    {
        if (iface.isInstance(this))
        {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName(), "HY000");
    }

    @Override
    public boolean isWrapperFor(final Class<?> iface)
    {
        return iface.isInstance(this);
    }

    private Column column(final int column) throws SQLException
    {
        if (column < 1 || column > columns.size())
        {
            throw new SQLException("column index " + column + " out of range 1.." + columns.size(), "07009");
        }
        return columns.get(column - 1);
    }
}
