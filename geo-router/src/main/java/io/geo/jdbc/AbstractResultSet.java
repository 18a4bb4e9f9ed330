package io.geo.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * The long tail of {@link ResultSet} that a forward-only, read-only result of byte strings does not support:
 * scrolling, updating, and conversions to types a key or value never holds (dates, LOBs, floating point...). Each
 * throws {@link SQLFeatureNotSupportedException} naming the method; none changes the state of the result set.
 * {@link GeoResultSet} holds everything that works.
 */
abstract sealed class AbstractResultSet implements ResultSet permits GeoResultSet
{
    static SQLFeatureNotSupportedException forwardOnly(final String method)
    {
        return new SQLFeatureNotSupportedException("ResultSet." + method + " is not supported: geo results are " +
            "forward-only (use next())", "0A000");
    }

    static SQLFeatureNotSupportedException readOnly(final String method)
    {
        return new SQLFeatureNotSupportedException("ResultSet." + method + " is not supported: geo results are " +
            "read-only (write with UPSERT, INSERT, UPDATE or DELETE)", "0A000");
    }

    static SQLFeatureNotSupportedException unsupportedType(final String method)
    {
        return new SQLFeatureNotSupportedException("ResultSet." + method + " is not supported: keys and values are " +
            "bytes (use getString, getBytes, getLong, getInt, getBigDecimal or getObject)", "0A000");
    }

    // Scrolling and row editing: the rows are read once, forwards.

    @Override
    public boolean absolute(final int row) throws SQLException
    {
        throw forwardOnly("absolute");
    }

    @Override
    public boolean first() throws SQLException
    {
        throw forwardOnly("first");
    }

    @Override
    public boolean last() throws SQLException
    {
        throw forwardOnly("last");
    }

    @Override
    public boolean previous() throws SQLException
    {
        throw forwardOnly("previous");
    }

    @Override
    public boolean relative(final int rows) throws SQLException
    {
        throw forwardOnly("relative");
    }

    @Override
    public boolean rowDeleted() throws SQLException
    {
        throw forwardOnly("rowDeleted");
    }

    @Override
    public boolean rowInserted() throws SQLException
    {
        throw forwardOnly("rowInserted");
    }

    @Override
    public boolean rowUpdated() throws SQLException
    {
        throw forwardOnly("rowUpdated");
    }

    @Override
    public void afterLast() throws SQLException
    {
        throw forwardOnly("afterLast");
    }

    @Override
    public void beforeFirst() throws SQLException
    {
        throw forwardOnly("beforeFirst");
    }

    @Override
    public void cancelRowUpdates() throws SQLException
    {
        throw forwardOnly("cancelRowUpdates");
    }

    @Override
    public void deleteRow() throws SQLException
    {
        throw forwardOnly("deleteRow");
    }

    @Override
    public void insertRow() throws SQLException
    {
        throw forwardOnly("insertRow");
    }

    @Override
    public void moveToCurrentRow() throws SQLException
    {
        throw forwardOnly("moveToCurrentRow");
    }

    @Override
    public void moveToInsertRow() throws SQLException
    {
        throw forwardOnly("moveToInsertRow");
    }

    @Override
    public void refreshRow() throws SQLException
    {
        throw forwardOnly("refreshRow");
    }

    @Override
    public void updateRow() throws SQLException
    {
        throw forwardOnly("updateRow");
    }

    // Conversions to types a key or value never holds.

    @Override
    public Array getArray(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getArray");
    }

    @Override
    public Array getArray(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getArray");
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(final String columnLabel, final int scale) throws SQLException
    {
        throw unsupportedType("getBigDecimal");
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(final int columnIndex, final int scale) throws SQLException
    {
        throw unsupportedType("getBigDecimal");
    }

    @Override
    public Blob getBlob(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getBlob");
    }

    @Override
    public Blob getBlob(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getBlob");
    }

    @Override
    public Clob getClob(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getClob");
    }

    @Override
    public Clob getClob(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getClob");
    }

    @Override
    public Date getDate(final String columnLabel, final Calendar calendar) throws SQLException
    {
        throw unsupportedType("getDate");
    }

    @Override
    public Date getDate(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getDate");
    }

    @Override
    public Date getDate(final int columnIndex, final Calendar calendar) throws SQLException
    {
        throw unsupportedType("getDate");
    }

    @Override
    public Date getDate(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getDate");
    }

    @Override
    public InputStream getAsciiStream(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getAsciiStream");
    }

    @Override
    public InputStream getAsciiStream(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getAsciiStream");
    }

    @Override
    public InputStream getBinaryStream(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getBinaryStream");
    }

    @Override
    public InputStream getBinaryStream(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getBinaryStream");
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getUnicodeStream");
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getUnicodeStream");
    }

    @Override
    public NClob getNClob(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getNClob");
    }

    @Override
    public NClob getNClob(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getNClob");
    }

    @Override
    public Reader getCharacterStream(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getCharacterStream");
    }

    @Override
    public Reader getCharacterStream(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getCharacterStream");
    }

    @Override
    public Reader getNCharacterStream(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getNCharacterStream");
    }

    @Override
    public Reader getNCharacterStream(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getNCharacterStream");
    }

    @Override
    public Ref getRef(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getRef");
    }

    @Override
    public Ref getRef(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getRef");
    }

    @Override
    public RowId getRowId(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getRowId");
    }

    @Override
    public RowId getRowId(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getRowId");
    }

    @Override
    public SQLXML getSQLXML(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getSQLXML");
    }

    @Override
    public SQLXML getSQLXML(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getSQLXML");
    }

    @Override
    public String getCursorName() throws SQLException
    {
        throw unsupportedType("getCursorName");
    }

    @Override
    public Timestamp getTimestamp(final String columnLabel, final Calendar calendar) throws SQLException
    {
        throw unsupportedType("getTimestamp");
    }

    @Override
    public Timestamp getTimestamp(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getTimestamp");
    }

    @Override
    public Timestamp getTimestamp(final int columnIndex, final Calendar calendar) throws SQLException
    {
        throw unsupportedType("getTimestamp");
    }

    @Override
    public Timestamp getTimestamp(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getTimestamp");
    }

    @Override
    public Time getTime(final String columnLabel, final Calendar calendar) throws SQLException
    {
        throw unsupportedType("getTime");
    }

    @Override
    public Time getTime(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getTime");
    }

    @Override
    public Time getTime(final int columnIndex, final Calendar calendar) throws SQLException
    {
        throw unsupportedType("getTime");
    }

    @Override
    public Time getTime(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getTime");
    }

    @Override
    public URL getURL(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getURL");
    }

    @Override
    public URL getURL(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getURL");
    }

    @Override
    public boolean getBoolean(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getBoolean");
    }

    @Override
    public boolean getBoolean(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getBoolean");
    }

    @Override
    public double getDouble(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getDouble");
    }

    @Override
    public double getDouble(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getDouble");
    }

    @Override
    public float getFloat(final String columnLabel) throws SQLException
    {
        throw unsupportedType("getFloat");
    }

    @Override
    public float getFloat(final int columnIndex) throws SQLException
    {
        throw unsupportedType("getFloat");
    }

    // Updaters: results are read-only.

    @Override
    public void updateArray(final String columnLabel, final Array x) throws SQLException
    {
        throw readOnly("updateArray");
    }

    @Override
    public void updateArray(final int columnIndex, final Array x) throws SQLException
    {
        throw readOnly("updateArray");
    }

    @Override
    public void updateAsciiStream(final String columnLabel, final InputStream x, final int length) throws SQLException
    {
        throw readOnly("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(final String columnLabel, final InputStream x, final long length) throws SQLException
    {
        throw readOnly("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(final String columnLabel, final InputStream x) throws SQLException
    {
        throw readOnly("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(final int columnIndex, final InputStream x, final int length) throws SQLException
    {
        throw readOnly("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(final int columnIndex, final InputStream x, final long length) throws SQLException
    {
        throw readOnly("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(final int columnIndex, final InputStream x) throws SQLException
    {
        throw readOnly("updateAsciiStream");
    }

    @Override
    public void updateBigDecimal(final String columnLabel, final BigDecimal x) throws SQLException
    {
        throw readOnly("updateBigDecimal");
    }

    @Override
    public void updateBigDecimal(final int columnIndex, final BigDecimal x) throws SQLException
    {
        throw readOnly("updateBigDecimal");
    }

    @Override
    public void updateBinaryStream(final String columnLabel, final InputStream x, final int length) throws SQLException
    {
        throw readOnly("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(final String columnLabel, final InputStream x, final long length) throws SQLException
    {
        throw readOnly("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(final String columnLabel, final InputStream x) throws SQLException
    {
        throw readOnly("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(final int columnIndex, final InputStream x, final int length) throws SQLException
    {
        throw readOnly("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(final int columnIndex, final InputStream x, final long length) throws SQLException
    {
        throw readOnly("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(final int columnIndex, final InputStream x) throws SQLException
    {
        throw readOnly("updateBinaryStream");
    }

    @Override
    public void updateBlob(final String columnLabel, final Blob x) throws SQLException
    {
        throw readOnly("updateBlob");
    }

    @Override
    public void updateBlob(final String columnLabel, final InputStream x, final long length) throws SQLException
    {
        throw readOnly("updateBlob");
    }

    @Override
    public void updateBlob(final String columnLabel, final InputStream x) throws SQLException
    {
        throw readOnly("updateBlob");
    }

    @Override
    public void updateBlob(final int columnIndex, final Blob x) throws SQLException
    {
        throw readOnly("updateBlob");
    }

    @Override
    public void updateBlob(final int columnIndex, final InputStream x, final long length) throws SQLException
    {
        throw readOnly("updateBlob");
    }

    @Override
    public void updateBlob(final int columnIndex, final InputStream x) throws SQLException
    {
        throw readOnly("updateBlob");
    }

    @Override
    public void updateBoolean(final String columnLabel, final boolean x) throws SQLException
    {
        throw readOnly("updateBoolean");
    }

    @Override
    public void updateBoolean(final int columnIndex, final boolean x) throws SQLException
    {
        throw readOnly("updateBoolean");
    }

    @Override
    public void updateBytes(final String columnLabel, final byte[] x) throws SQLException
    {
        throw readOnly("updateBytes");
    }

    @Override
    public void updateBytes(final int columnIndex, final byte[] x) throws SQLException
    {
        throw readOnly("updateBytes");
    }

    @Override
    public void updateByte(final String columnLabel, final byte x) throws SQLException
    {
        throw readOnly("updateByte");
    }

    @Override
    public void updateByte(final int columnIndex, final byte x) throws SQLException
    {
        throw readOnly("updateByte");
    }

    @Override
    public void updateCharacterStream(final String columnLabel, final Reader x, final int length) throws SQLException
    {
        throw readOnly("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(final String columnLabel, final Reader x, final long length) throws SQLException
    {
        throw readOnly("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(final String columnLabel, final Reader x) throws SQLException
    {
        throw readOnly("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(final int columnIndex, final Reader x, final int length) throws SQLException
    {
        throw readOnly("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(final int columnIndex, final Reader x, final long length) throws SQLException
    {
        throw readOnly("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(final int columnIndex, final Reader x) throws SQLException
    {
        throw readOnly("updateCharacterStream");
    }

    @Override
    public void updateClob(final String columnLabel, final Clob x) throws SQLException
    {
        throw readOnly("updateClob");
    }

    @Override
    public void updateClob(final String columnLabel, final Reader x, final long length) throws SQLException
    {
        throw readOnly("updateClob");
    }

    @Override
    public void updateClob(final String columnLabel, final Reader x) throws SQLException
    {
        throw readOnly("updateClob");
    }

    @Override
    public void updateClob(final int columnIndex, final Clob x) throws SQLException
    {
        throw readOnly("updateClob");
    }

    @Override
    public void updateClob(final int columnIndex, final Reader x, final long length) throws SQLException
    {
        throw readOnly("updateClob");
    }

    @Override
    public void updateClob(final int columnIndex, final Reader x) throws SQLException
    {
        throw readOnly("updateClob");
    }

    @Override
    public void updateDate(final String columnLabel, final Date x) throws SQLException
    {
        throw readOnly("updateDate");
    }

    @Override
    public void updateDate(final int columnIndex, final Date x) throws SQLException
    {
        throw readOnly("updateDate");
    }

    @Override
    public void updateDouble(final String columnLabel, final double x) throws SQLException
    {
        throw readOnly("updateDouble");
    }

    @Override
    public void updateDouble(final int columnIndex, final double x) throws SQLException
    {
        throw readOnly("updateDouble");
    }

    @Override
    public void updateFloat(final String columnLabel, final float x) throws SQLException
    {
        throw readOnly("updateFloat");
    }

    @Override
    public void updateFloat(final int columnIndex, final float x) throws SQLException
    {
        throw readOnly("updateFloat");
    }

    @Override
    public void updateInt(final String columnLabel, final int x) throws SQLException
    {
        throw readOnly("updateInt");
    }

    @Override
    public void updateInt(final int columnIndex, final int x) throws SQLException
    {
        throw readOnly("updateInt");
    }

    @Override
    public void updateLong(final String columnLabel, final long x) throws SQLException
    {
        throw readOnly("updateLong");
    }

    @Override
    public void updateLong(final int columnIndex, final long x) throws SQLException
    {
        throw readOnly("updateLong");
    }

    @Override
    public void updateNCharacterStream(final String columnLabel, final Reader x, final long length) throws SQLException
    {
        throw readOnly("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(final String columnLabel, final Reader x) throws SQLException
    {
        throw readOnly("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(final int columnIndex, final Reader x, final long length) throws SQLException
    {
        throw readOnly("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(final int columnIndex, final Reader x) throws SQLException
    {
        throw readOnly("updateNCharacterStream");
    }

    @Override
    public void updateNClob(final String columnLabel, final NClob x) throws SQLException
    {
        throw readOnly("updateNClob");
    }

    @Override
    public void updateNClob(final String columnLabel, final Reader x, final long length) throws SQLException
    {
        throw readOnly("updateNClob");
    }

    @Override
    public void updateNClob(final String columnLabel, final Reader x) throws SQLException
    {
        throw readOnly("updateNClob");
    }

    @Override
    public void updateNClob(final int columnIndex, final NClob x) throws SQLException
    {
        throw readOnly("updateNClob");
    }

    @Override
    public void updateNClob(final int columnIndex, final Reader x, final long length) throws SQLException
    {
        throw readOnly("updateNClob");
    }

    @Override
    public void updateNClob(final int columnIndex, final Reader x) throws SQLException
    {
        throw readOnly("updateNClob");
    }

    @Override
    public void updateNString(final String columnLabel, final String x) throws SQLException
    {
        throw readOnly("updateNString");
    }

    @Override
    public void updateNString(final int columnIndex, final String x) throws SQLException
    {
        throw readOnly("updateNString");
    }

    @Override
    public void updateNull(final String columnLabel) throws SQLException
    {
        throw readOnly("updateNull");
    }

    @Override
    public void updateNull(final int columnIndex) throws SQLException
    {
        throw readOnly("updateNull");
    }

    @Override
    public void updateObject(final String columnLabel, final Object x, final int scaleOrLength) throws SQLException
    {
        throw readOnly("updateObject");
    }

    @Override
    public void updateObject(final String columnLabel, final Object x) throws SQLException
    {
        throw readOnly("updateObject");
    }

    @Override
    public void updateObject(final int columnIndex, final Object x, final int scaleOrLength) throws SQLException
    {
        throw readOnly("updateObject");
    }

    @Override
    public void updateObject(final int columnIndex, final Object x) throws SQLException
    {
        throw readOnly("updateObject");
    }

    @Override
    public void updateRef(final String columnLabel, final Ref x) throws SQLException
    {
        throw readOnly("updateRef");
    }

    @Override
    public void updateRef(final int columnIndex, final Ref x) throws SQLException
    {
        throw readOnly("updateRef");
    }

    @Override
    public void updateRowId(final String columnLabel, final RowId x) throws SQLException
    {
        throw readOnly("updateRowId");
    }

    @Override
    public void updateRowId(final int columnIndex, final RowId x) throws SQLException
    {
        throw readOnly("updateRowId");
    }

    @Override
    public void updateSQLXML(final String columnLabel, final SQLXML x) throws SQLException
    {
        throw readOnly("updateSQLXML");
    }

    @Override
    public void updateSQLXML(final int columnIndex, final SQLXML x) throws SQLException
    {
        throw readOnly("updateSQLXML");
    }

    @Override
    public void updateShort(final String columnLabel, final short x) throws SQLException
    {
        throw readOnly("updateShort");
    }

    @Override
    public void updateShort(final int columnIndex, final short x) throws SQLException
    {
        throw readOnly("updateShort");
    }

    @Override
    public void updateString(final String columnLabel, final String x) throws SQLException
    {
        throw readOnly("updateString");
    }

    @Override
    public void updateString(final int columnIndex, final String x) throws SQLException
    {
        throw readOnly("updateString");
    }

    @Override
    public void updateTimestamp(final String columnLabel, final Timestamp x) throws SQLException
    {
        throw readOnly("updateTimestamp");
    }

    @Override
    public void updateTimestamp(final int columnIndex, final Timestamp x) throws SQLException
    {
        throw readOnly("updateTimestamp");
    }

    @Override
    public void updateTime(final String columnLabel, final Time x) throws SQLException
    {
        throw readOnly("updateTime");
    }

    @Override
    public void updateTime(final int columnIndex, final Time x) throws SQLException
    {
        throw readOnly("updateTime");
    }

    @Override
    public void updateObject(
        final String columnLabel, final Object x, final SQLType targetSqlType, final int scaleOrLength)
        throws SQLException
    {
        throw readOnly("updateObject");
    }

    @Override
    public void updateObject(final String columnLabel, final Object x, final SQLType targetSqlType) throws SQLException
    {
        throw readOnly("updateObject");
    }

    @Override
    public void updateObject(
        final int columnIndex, final Object x, final SQLType targetSqlType, final int scaleOrLength)
        throws SQLException
    {
        throw readOnly("updateObject");
    }

    @Override
    public void updateObject(final int columnIndex, final Object x, final SQLType targetSqlType) throws SQLException
    {
        throw readOnly("updateObject");
    }
}
