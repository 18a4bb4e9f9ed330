package io.geo.jdbc;

import io.geo.client.sql.Column;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rows of one query, in memory: forward-only, read-only, never null values. Columns are {@code key} and/or
 * {@code value} (labels are case-insensitive); a value is bytes, read as UTF-8 text ({@code getString}), raw
 * ({@code getBytes}), or decimal text ({@code getLong}, {@code getInt}, ... which fail with SQLState 22018 when the
 * text is not a number and 22003 when it is out of range). Reading before {@link #next()} or after the last row fails
 * with SQLState 24000. Not thread-safe, like the statement that made it.
 */
final class GeoResultSet extends AbstractResultSet
{
    private final GeoStatement statement;
    private final List<byte[][]> rows;
    private final GeoResultSetMetaData metaData;
    private int row = -1;
    private int fetchSize;
    private boolean closed;

    /**
     * @param statement the statement that made the result (returned by {@link #getStatement()}), or null.
     * @param rows      {@code rows.get(i)[c]} is column {@code c} of row {@code i}, in the metadata's column order.
     */
    GeoResultSet(final GeoStatement statement, final List<byte[][]> rows, final GeoResultSetMetaData metaData)
    {
        this.statement = statement;
        this.rows = new ArrayList<>(rows);
        this.metaData = metaData;
    }

    @Override
    public boolean next() throws SQLException
    {
        checkOpen();
        if (row < rows.size())
        {
            row++;
        }
        return row < rows.size();
    }

    /** Idempotent; closes the statement too when it was set to {@code closeOnCompletion}. */
    @Override
    public void close() throws SQLException
    {
        if (!closed)
        {
            closed = true;
            rows.clear();
            if (statement != null)
            {
                statement.resultSetClosed(this);
            }
        }
    }

    /** Always false after a read: keys and values are never null. */
    @Override
    public boolean wasNull() throws SQLException
    {
        checkOpen();
        return false;
    }

    @Override
    public String getString(final int columnIndex) throws SQLException
    {
        return new String(value(columnIndex), StandardCharsets.UTF_8);
    }

    /** A copy of the bytes. */
    @Override
    public byte[] getBytes(final int columnIndex) throws SQLException
    {
        return value(columnIndex).clone();
    }

    @Override
    public byte getByte(final int columnIndex) throws SQLException
    {
        return (byte)integer(columnIndex, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
    }

    @Override
    public short getShort(final int columnIndex) throws SQLException
    {
        return (short)integer(columnIndex, Short.MIN_VALUE, Short.MAX_VALUE, "short");
    }

    @Override
    public int getInt(final int columnIndex) throws SQLException
    {
        return (int)integer(columnIndex, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
    }

    @Override
    public long getLong(final int columnIndex) throws SQLException
    {
        return integer(columnIndex, Long.MIN_VALUE, Long.MAX_VALUE, "long");
    }

    @Override
    public BigDecimal getBigDecimal(final int columnIndex) throws SQLException
    {
        final String text = getString(columnIndex);
        try
        {
            return new BigDecimal(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new SQLDataException("value '" + StatementTranslator.abbreviate(text) + "' of column " +
                label(columnIndex) + " is not a decimal number", "22018");
        }
    }

    /** The value as a String (UTF-8). */
    @Override
    public Object getObject(final int columnIndex) throws SQLException
    {
        return getString(columnIndex);
    }

    /**
     * The value as {@code String}, {@code byte[]}, {@code Long}, {@code Integer}, {@code Short}, {@code Byte},
     * {@code BigInteger} or {@code BigDecimal}.
     *
     * @throws SQLDataException 22023 for any other type.
     */
    @Override
    public <T> T getObject(final int columnIndex, final Class<T> type) throws SQLException
    {
        final Object value;
        if (type == String.class || type == Object.class)
        {
            value = getString(columnIndex);
        }
        else if (type == byte[].class)
        {
            value = getBytes(columnIndex);
        }
        else if (type == Long.class)
        {
            value = getLong(columnIndex);
        }
        else if (type == Integer.class)
        {
            value = getInt(columnIndex);
        }
        else if (type == Short.class)
        {
            value = getShort(columnIndex);
        }
        else if (type == Byte.class)
        {
            value = getByte(columnIndex);
        }
        else if (type == BigDecimal.class)
        {
            value = getBigDecimal(columnIndex);
        }
        else if (type == BigInteger.class)
        {
            value = BigInteger.valueOf(getLong(columnIndex));
        }
        else
        {
            value(columnIndex);
            throw new SQLDataException("cannot read a geo value as " + (type == null ? "null" : type.getName()) +
                " (supported: String, byte[], Long, Integer, Short, Byte, BigInteger, BigDecimal)", "22023");
        }
        return type.cast(value);
    }

    /** Without a type map (null or empty) the value as a String; type maps are not supported. */
    @Override
    public Object getObject(final int columnIndex, final Map<String, Class<?>> map) throws SQLException
    {
        if (map != null && !map.isEmpty())
        {
            throw new SQLFeatureNotSupportedException("type maps are not supported", "0A000");
        }
        return getObject(columnIndex);
    }

    @Override
    public String getNString(final int columnIndex) throws SQLException
    {
        return getString(columnIndex);
    }

    @Override
    public String getString(final String columnLabel) throws SQLException
    {
        return getString(findColumn(columnLabel));
    }

    @Override
    public byte[] getBytes(final String columnLabel) throws SQLException
    {
        return getBytes(findColumn(columnLabel));
    }

    @Override
    public byte getByte(final String columnLabel) throws SQLException
    {
        return getByte(findColumn(columnLabel));
    }

    @Override
    public short getShort(final String columnLabel) throws SQLException
    {
        return getShort(findColumn(columnLabel));
    }

    @Override
    public int getInt(final String columnLabel) throws SQLException
    {
        return getInt(findColumn(columnLabel));
    }

    @Override
    public long getLong(final String columnLabel) throws SQLException
    {
        return getLong(findColumn(columnLabel));
    }

    @Override
    public BigDecimal getBigDecimal(final String columnLabel) throws SQLException
    {
        return getBigDecimal(findColumn(columnLabel));
    }

    @Override
    public Object getObject(final String columnLabel) throws SQLException
    {
        return getObject(findColumn(columnLabel));
    }

    @Override
    public <T> T getObject(final String columnLabel, final Class<T> type) throws SQLException
    {
        return getObject(findColumn(columnLabel), type);
    }

    @Override
    public Object getObject(final String columnLabel, final Map<String, Class<?>> map) throws SQLException
    {
        return getObject(findColumn(columnLabel), map);
    }

    @Override
    public String getNString(final String columnLabel) throws SQLException
    {
        return getString(findColumn(columnLabel));
    }

    /**
     * The index of the column labelled {@code key} or {@code value} (case-insensitive).
     *
     * @throws SQLException 42703 when the result has no such column.
     */
    @Override
    public int findColumn(final String columnLabel) throws SQLException
    {
        checkOpen();
        final List<Column> columns = metaData.columns();
        final List<String> names = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++)
        {
            final String name = GeoResultSetMetaData.name(columns.get(i));
            if (name.equalsIgnoreCase(columnLabel))
            {
                return i + 1;
            }
            names.add(name);
        }
        throw new SQLException("no column '" + columnLabel + "' in this result (columns: " + String.join(", ", names) +
            ")", "42703");
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException
    {
        checkOpen();
        return metaData;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException
    {
        checkOpen();
        return null;
    }

    @Override
    public void clearWarnings() throws SQLException
    {
        checkOpen();
    }

    @Override
    public Statement getStatement() throws SQLException
    {
        checkOpen();
        return statement;
    }

    @Override
    public boolean isBeforeFirst() throws SQLException
    {
        checkOpen();
        return row < 0 && !rows.isEmpty();
    }

    @Override
    public boolean isAfterLast() throws SQLException
    {
        checkOpen();
        return row >= rows.size() && !rows.isEmpty();
    }

    @Override
    public boolean isFirst() throws SQLException
    {
        checkOpen();
        return row == 0 && !rows.isEmpty();
    }

    @Override
    public boolean isLast() throws SQLException
    {
        checkOpen();
        return row >= 0 && row == rows.size() - 1;
    }

    /** The 1-based number of the current row, or 0 when there is none. */
    @Override
    public int getRow() throws SQLException
    {
        checkOpen();
        return row >= 0 && row < rows.size() ? row + 1 : 0;
    }

    @Override
    public void setFetchDirection(final int direction) throws SQLException
    {
        checkOpen();
        if (direction != FETCH_FORWARD)
        {
            throw forwardOnly("setFetchDirection(" + direction + ")");
        }
    }

    @Override
    public int getFetchDirection() throws SQLException
    {
        checkOpen();
        return FETCH_FORWARD;
    }

    /** Stored only: every row is already in memory. */
    @Override
    public void setFetchSize(final int rows) throws SQLException
    {
        checkOpen();
        if (rows < 0)
        {
            throw new SQLException("fetch size " + rows + " is negative", "22023");
        }
        fetchSize = rows;
    }

    @Override
    public int getFetchSize() throws SQLException
    {
        checkOpen();
        return fetchSize;
    }

    @Override
    public int getType() throws SQLException
    {
        checkOpen();
        return TYPE_FORWARD_ONLY;
    }

    @Override
    public int getConcurrency() throws SQLException
    {
        checkOpen();
        return CONCUR_READ_ONLY;
    }

    /** Rows are in memory and there are no transactions: they outlive anything a commit could mean. */
    @Override
    public int getHoldability() throws SQLException
    {
        checkOpen();
        return HOLD_CURSORS_OVER_COMMIT;
    }

    @Override
    public boolean isClosed()
    {
        return closed;
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

    private void checkOpen() throws SQLException
    {
        if (closed)
        {
            throw new SQLException("result set is closed", "HY010");
        }
    }

    private byte[] value(final int columnIndex) throws SQLException
    {
        checkOpen();
        if (row < 0 || row >= rows.size())
        {
            throw new SQLException("no current row (" + (row < 0 ? "call next() first" : "after the last row") + ")",
                "24000");
        }
        final byte[][] values = rows.get(row);
        if (columnIndex < 1 || columnIndex > values.length)
        {
            throw new SQLException("column index " + columnIndex + " out of range 1.." + values.length, "07009");
        }
        return values[columnIndex - 1];
    }

    private long integer(final int columnIndex, final long min, final long max, final String type)
        throws SQLException
    {
        final String text = getString(columnIndex);
        final BigInteger value = StatementTranslator.parseInteger(text, "value of column " + label(columnIndex));
        if (value.bitLength() > 63 || value.longValue() < min || value.longValue() > max)
        {
            throw new SQLDataException("value " + StatementTranslator.abbreviate(text) + " of column " +
                label(columnIndex) + " is out of the range of " + (type.equals("int") ? "an " : "a ") + type, "22003");
        }
        return value.longValue();
    }

    private String label(final int columnIndex)
    {
        return GeoResultSetMetaData.name(metaData.columns().get(columnIndex - 1));
    }
}
