package io.geo.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.Calendar;

/**
 * A statement parsed once, when prepared, and executed with positional parameters. A parameter is bytes: a String
 * binds its UTF-8 encoding, an integer its decimal text, a {@code byte[]} itself (copied). NULL is not a value (a
 * key is removed with DELETE). Parameters stay bound across executions until {@link #clearParameters()}.
 * <p>
 * Not thread-safe except {@link #close()} and {@link #isClosed()}.
 */
final class GeoPreparedStatement extends GeoStatement implements PreparedStatement
{
    private final String sql;
    private final io.geo.client.sql.Statement parsed;
    private final byte[][] parameters;

    GeoPreparedStatement(final GeoConnection connection, final String sql, final io.geo.client.sql.Statement parsed)
    {
        super(connection);
        this.sql = sql;
        this.parsed = parsed;
        this.parameters = new byte[parsed.parameterCount()][];
    }

    /**
     * @throws SQLException 07001 when a parameter is not set; 07000 when the statement returns no rows.
     */
    @Override
    public ResultSet executeQuery() throws SQLException
    {
        execute(parsed, parameters, Expect.ROWS);
        return getResultSet();
    }

    /**
     * @throws SQLException 07001 when a parameter is not set; 07000 when the statement returns rows.
     */
    @Override
    public int executeUpdate() throws SQLException
    {
        execute(parsed, parameters, Expect.COUNT);
        return getUpdateCount();
    }

    @Override
    public long executeLargeUpdate() throws SQLException
    {
        execute(parsed, parameters, Expect.COUNT);
        return getLargeUpdateCount();
    }

    @Override
    public boolean execute() throws SQLException
    {
        return execute(parsed, parameters, Expect.ANY);
    }

    /**
     * Adds the statement with its current parameters to the batch (see {@link #executeBatch()}).
     *
     * @throws SQLException 07001 when a parameter is not set; 0A000 for a statement that returns rows; 54000 when
     * the batch is full.
     */
    @Override
    public void addBatch() throws SQLException
    {
        checkOpen();
        addToBatch(parsed, parameters);
    }

    @Override
    public void clearParameters() throws SQLException
    {
        checkOpen();
        Arrays.fill(parameters, null);
    }

    /** The columns of the rows the statement returns, or null when it returns none. */
    @Override
    public ResultSetMetaData getMetaData() throws SQLException
    {
        checkOpen();
        return metaData(parsed);
    }

    /** One IN parameter per {@code ?}: VARCHAR, except BIGINT for the delta of an increment. */
    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException
    {
        checkOpen();
        return new GeoParameterMetaData(StatementTranslator.parameterTypes(parsed));
    }

    @Override
    public void setString(final int parameterIndex, final String x) throws SQLException
    {
        bind(parameterIndex, x == null ? null : x.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void setNString(final int parameterIndex, final String value) throws SQLException
    {
        setString(parameterIndex, value);
    }

    /** Binds a copy of {@code x}. */
    @Override
    public void setBytes(final int parameterIndex, final byte[] x) throws SQLException
    {
        bind(parameterIndex, x == null ? null : x.clone());
    }

    @Override
    public void setByte(final int parameterIndex, final byte x) throws SQLException
    {
        setLong(parameterIndex, x);
    }

    @Override
    public void setShort(final int parameterIndex, final short x) throws SQLException
    {
        setLong(parameterIndex, x);
    }

    @Override
    public void setInt(final int parameterIndex, final int x) throws SQLException
    {
        setLong(parameterIndex, x);
    }

    @Override
    public void setLong(final int parameterIndex, final long x) throws SQLException
    {
        bind(parameterIndex, decimal(Long.toString(x)));
    }

    /**
     * Binds the decimal text of an integral number ({@code 12.0} binds {@code 12}).
     *
     * @throws SQLDataException 22023 when {@code x} has a fraction.
     */
    @Override
    public void setBigDecimal(final int parameterIndex, final BigDecimal x) throws SQLException
    {
        bind(parameterIndex, x == null ? null : toBytes(x));
    }

    /**
     * Binds a String, byte[], Long, Integer, Short, Byte, BigInteger or integral BigDecimal as the typed setters do.
     *
     * @throws SQLDataException 22023 for any other type, naming it; 22004 for null.
     */
    @Override
    public void setObject(final int parameterIndex, final Object x) throws SQLException
    {
        bind(parameterIndex, x == null ? null : toBytes(x));
    }

    /** As {@link #setObject(int, Object)}: the target type does not change how a value is encoded. */
    @Override
    public void setObject(final int parameterIndex, final Object x, final int targetSqlType) throws SQLException
    {
        setObject(parameterIndex, x);
    }

    /** As {@link #setObject(int, Object)}: the target type does not change how a value is encoded. */
    @Override
    public void setObject(final int parameterIndex, final Object x, final int targetSqlType, final int scaleOrLength)
        throws SQLException
    {
        setObject(parameterIndex, x);
    }

    /** As {@link #setObject(int, Object)}: the target type does not change how a value is encoded. */
    @Override
    public void setObject(final int parameterIndex, final Object x, final SQLType targetSqlType) throws SQLException
    {
        setObject(parameterIndex, x);
    }

    /** As {@link #setObject(int, Object)}: the target type does not change how a value is encoded. */
    @Override
    public void setObject(
        final int parameterIndex, final Object x, final SQLType targetSqlType, final int scaleOrLength)
        throws SQLException
    {
        setObject(parameterIndex, x);
    }

    /**
     * @throws SQLDataException 22004 always: NULL is not a value (remove a key with DELETE).
     */
    @Override
    public void setNull(final int parameterIndex, final int sqlType) throws SQLException
    {
        bind(parameterIndex, null);
    }

    /**
     * @throws SQLDataException 22004 always: NULL is not a value (remove a key with DELETE).
     */
    @Override
    public void setNull(final int parameterIndex, final int sqlType, final String typeName) throws SQLException
    {
        bind(parameterIndex, null);
    }

    @Override
    public ResultSet executeQuery(final String sql) throws SQLException
    {
        throw withText("executeQuery");
    }

    @Override
    public int executeUpdate(final String sql) throws SQLException
    {
        throw withText("executeUpdate");
    }

    @Override
    public long executeLargeUpdate(final String sql) throws SQLException
    {
        throw withText("executeLargeUpdate");
    }

    @Override
    public boolean execute(final String sql) throws SQLException
    {
        throw withText("execute");
    }

    @Override
    public void addBatch(final String sql) throws SQLException
    {
        throw withText("addBatch");
    }

    @Override
    public String toString()
    {
        return "GeoPreparedStatement[" + sql + "]";
    }

    /**
     * The bytes a parameter object binds.
     *
     * @throws SQLDataException 22023 for an unsupported type or a BigDecimal with a fraction.
     */
    static byte[] toBytes(final Object x) throws SQLDataException
    {
        if (x instanceof String text)
        {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (x instanceof byte[] bytes)
        {
            return bytes.clone();
        }
        if (x instanceof Long || x instanceof Integer || x instanceof Short || x instanceof Byte ||
            x instanceof BigInteger)
        {
            return decimal(x.toString());
        }
        if (x instanceof BigDecimal number)
        {
            try
            {
                return decimal(number.toBigIntegerExact().toString());
            }
            catch (final ArithmeticException ex)
            {
                throw new SQLDataException("BigDecimal " + StatementTranslator.abbreviate(number.toString()) +
                    " is not integral: numbers bind as decimal integer text (bind other numbers with setString)",
                    "22023");
            }
        }
        throw new SQLDataException("cannot bind a " + x.getClass().getName() + ": parameters are String, byte[], " +
            "Long, Integer, Short, Byte, BigInteger or integral BigDecimal", "22023");
    }

    private static byte[] decimal(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Binds parameter {@code parameterIndex}.
     *
     * @throws SQLException 07009 when the index is out of range; 22004 for null.
     */
    private void bind(final int parameterIndex, final byte[] value) throws SQLException
    {
        checkOpen();
        if (parameterIndex < 1 || parameterIndex > parameters.length)
        {
            throw new SQLException("parameter index " + parameterIndex + " out of range " +
                (parameters.length == 0 ? "(the statement has no parameters)" : "1.." + parameters.length), "07009");
        }
        if (value == null)
        {
            throw new SQLDataException("parameter " + parameterIndex + ": NULL is not a value (use DELETE to remove " +
                "a key)", "22004");
        }
        parameters[parameterIndex - 1] = value;
    }

    private static SQLException withText(final String method)
    {
        return new SQLException(method + "(String) cannot be called on a PreparedStatement: use " + method + "()",
            "HY000");
    }

    private static SQLFeatureNotSupportedException unsupportedType(final String method)
    {
        return new SQLFeatureNotSupportedException("PreparedStatement." + method + " is not supported: parameters " +
            "are bytes (use setString, setBytes, setLong, setInt, setBigDecimal or setObject)", "0A000");
    }

    // Parameter types a key or value never holds.

    @Override
    public void setArray(final int parameterIndex, final Array x) throws SQLException
    {
        throw unsupportedType("setArray");
    }

    @Override
    public void setAsciiStream(final int parameterIndex, final InputStream stream, final int length) throws SQLException
    {
        throw unsupportedType("setAsciiStream");
    }

    @Override
    public void setAsciiStream(final int parameterIndex, final InputStream stream, final long length)
        throws SQLException
    {
        throw unsupportedType("setAsciiStream");
    }

    @Override
    public void setAsciiStream(final int parameterIndex, final InputStream stream) throws SQLException
    {
        throw unsupportedType("setAsciiStream");
    }

    @Override
    public void setBinaryStream(final int parameterIndex, final InputStream stream, final int length)
        throws SQLException
    {
        throw unsupportedType("setBinaryStream");
    }

    @Override
    public void setBinaryStream(final int parameterIndex, final InputStream stream, final long length)
        throws SQLException
    {
        throw unsupportedType("setBinaryStream");
    }

    @Override
    public void setBinaryStream(final int parameterIndex, final InputStream stream) throws SQLException
    {
        throw unsupportedType("setBinaryStream");
    }

    @Override
    public void setBlob(final int parameterIndex, final Blob x) throws SQLException
    {
        throw unsupportedType("setBlob");
    }

    @Override
    public void setBlob(final int parameterIndex, final InputStream stream, final long length) throws SQLException
    {
        throw unsupportedType("setBlob");
    }

    @Override
    public void setBlob(final int parameterIndex, final InputStream stream) throws SQLException
    {
        throw unsupportedType("setBlob");
    }

    @Override
    public void setBoolean(final int parameterIndex, final boolean x) throws SQLException
    {
        throw unsupportedType("setBoolean");
    }

    @Override
    public void setCharacterStream(final int parameterIndex, final Reader reader, final int length) throws SQLException
    {
        throw unsupportedType("setCharacterStream");
    }

    @Override
    public void setCharacterStream(final int parameterIndex, final Reader reader, final long length) throws SQLException
    {
        throw unsupportedType("setCharacterStream");
    }

    @Override
    public void setCharacterStream(final int parameterIndex, final Reader reader) throws SQLException
    {
        throw unsupportedType("setCharacterStream");
    }

    @Override
    public void setClob(final int parameterIndex, final Clob x) throws SQLException
    {
        throw unsupportedType("setClob");
    }

    @Override
    public void setClob(final int parameterIndex, final Reader reader, final long length) throws SQLException
    {
        throw unsupportedType("setClob");
    }

    @Override
    public void setClob(final int parameterIndex, final Reader reader) throws SQLException
    {
        throw unsupportedType("setClob");
    }

    @Override
    public void setDate(final int parameterIndex, final Date x, final Calendar calendar) throws SQLException
    {
        throw unsupportedType("setDate");
    }

    @Override
    public void setDate(final int parameterIndex, final Date x) throws SQLException
    {
        throw unsupportedType("setDate");
    }

    @Override
    public void setDouble(final int parameterIndex, final double x) throws SQLException
    {
        throw unsupportedType("setDouble");
    }

    @Override
    public void setFloat(final int parameterIndex, final float x) throws SQLException
    {
        throw unsupportedType("setFloat");
    }

    @Override
    public void setNCharacterStream(final int parameterIndex, final Reader reader, final long length)
        throws SQLException
    {
        throw unsupportedType("setNCharacterStream");
    }

    @Override
    public void setNCharacterStream(final int parameterIndex, final Reader reader) throws SQLException
    {
        throw unsupportedType("setNCharacterStream");
    }

    @Override
    public void setNClob(final int parameterIndex, final NClob x) throws SQLException
    {
        throw unsupportedType("setNClob");
    }

    @Override
    public void setNClob(final int parameterIndex, final Reader reader, final long length) throws SQLException
    {
        throw unsupportedType("setNClob");
    }

    @Override
    public void setNClob(final int parameterIndex, final Reader reader) throws SQLException
    {
        throw unsupportedType("setNClob");
    }

    @Override
    public void setRef(final int parameterIndex, final Ref x) throws SQLException
    {
        throw unsupportedType("setRef");
    }

    @Override
    public void setRowId(final int parameterIndex, final RowId x) throws SQLException
    {
        throw unsupportedType("setRowId");
    }

    @Override
    public void setSQLXML(final int parameterIndex, final SQLXML x) throws SQLException
    {
        throw unsupportedType("setSQLXML");
    }

    @Override
    public void setTimestamp(final int parameterIndex, final Timestamp x, final Calendar calendar) throws SQLException
    {
        throw unsupportedType("setTimestamp");
    }

    @Override
    public void setTimestamp(final int parameterIndex, final Timestamp x) throws SQLException
    {
        throw unsupportedType("setTimestamp");
    }

    @Override
    public void setTime(final int parameterIndex, final Time x, final Calendar calendar) throws SQLException
    {
        throw unsupportedType("setTime");
    }

    @Override
    public void setTime(final int parameterIndex, final Time x) throws SQLException
    {
        throw unsupportedType("setTime");
    }

    @Override
    public void setURL(final int parameterIndex, final URL x) throws SQLException
    {
        throw unsupportedType("setURL");
    }

    @Override
    @Deprecated
    public void setUnicodeStream(final int parameterIndex, final InputStream stream, final int length)
        throws SQLException
    {
        throw unsupportedType("setUnicodeStream");
    }
}
