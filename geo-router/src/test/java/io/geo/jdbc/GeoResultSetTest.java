package io.geo.jdbc;

import io.geo.client.sql.Column;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Getters, conversions and cursor state of an in-memory result, built directly (no statement, no node). */
class GeoResultSetTest
{
    @Test
    void shouldReadColumnsByIndexAndCaseInsensitiveLabel() throws Exception
    {
        final ResultSet rs = keyValue(row("k1", "hello"), row("k2", "wörld"));

        assertTrue(rs.next());
        assertEquals("k1", rs.getString(1));
        assertEquals("hello", rs.getString("value"));
        assertEquals("hello", rs.getString("VALUE"));
        assertEquals("k1", rs.getObject("Key"));
        assertFalse(rs.wasNull());
        assertTrue(rs.next());
        assertEquals("wörld", rs.getString(2));
        assertArrayEquals("wörld".getBytes(StandardCharsets.UTF_8), rs.getBytes("value"));
        assertFalse(rs.next());
        assertFalse(rs.next());
    }

    @Test
    void shouldConvertDecimalTextToIntegers() throws Exception
    {
        final ResultSet rs = values("-42");
        assertTrue(rs.next());

        assertEquals(-42L, rs.getLong(1));
        assertEquals(-42, rs.getInt("value"));
        assertEquals((short)-42, rs.getShort(1));
        assertEquals((byte)-42, rs.getByte(1));
        assertEquals(new BigDecimal("-42"), rs.getBigDecimal(1));
        assertEquals(Long.valueOf(-42), rs.getObject(1, Long.class));
        assertEquals(Integer.valueOf(-42), rs.getObject("value", Integer.class));
        assertEquals(BigInteger.valueOf(-42), rs.getObject(1, BigInteger.class));
        assertEquals("-42", rs.getObject(1, String.class));
        assertArrayEquals(new byte[]{ '-', '4', '2' }, rs.getObject(1, byte[].class));
    }

    @Test
    void shouldFailWith22018WhenTheValueIsNotANumber() throws Exception
    {
        final ResultSet rs = values("12abc");
        assertTrue(rs.next());

        final SQLDataException ex = assertThrows(SQLDataException.class, () -> rs.getLong(1));
        assertEquals("22018", ex.getSQLState());
        assertTrue(ex.getMessage().contains("'12abc'"), ex.getMessage());
        assertEquals("22018", assertThrows(SQLDataException.class, () -> rs.getInt("value")).getSQLState());
        assertEquals("22018", assertThrows(SQLDataException.class, () -> rs.getBigDecimal(1)).getSQLState());
        assertEquals("12abc", rs.getString(1)); // a failed conversion does not move the cursor
    }

    @Test
    void shouldFailWith22003WhenTheValueIsOutOfRange() throws Exception
    {
        final ResultSet rs = values("2147483648", "99999999999999999999", "128");
        assertTrue(rs.next());
        assertEquals(2147483648L, rs.getLong(1));
        final SQLDataException ex = assertThrows(SQLDataException.class, () -> rs.getInt(1));
        assertEquals("22003", ex.getSQLState());
        assertTrue(ex.getMessage().contains("out of the range of an int"), ex.getMessage());

        assertTrue(rs.next());
        assertEquals("22003", assertThrows(SQLDataException.class, () -> rs.getLong(1)).getSQLState());
        assertEquals(new BigDecimal("99999999999999999999"), rs.getBigDecimal(1));

        assertTrue(rs.next());
        assertEquals(128, rs.getShort(1));
        assertEquals("22003", assertThrows(SQLDataException.class, () -> rs.getByte(1)).getSQLState());
    }

    @Test
    void shouldRejectReadsWithoutACurrentRowWith24000() throws Exception
    {
        final ResultSet rs = values("v");

        assertEquals("24000", assertThrows(SQLException.class, () -> rs.getString(1)).getSQLState());
        assertTrue(rs.next());
        assertEquals("v", rs.getString(1));
        assertFalse(rs.next());
        final SQLException after = assertThrows(SQLException.class, () -> rs.getString(1));
        assertEquals("24000", after.getSQLState());
        assertTrue(after.getMessage().startsWith("no current row"), after.getMessage());
    }

    @Test
    void shouldRejectUnknownColumnsNamingTheKnownOnes() throws Exception
    {
        final ResultSet rs = values("v");
        assertTrue(rs.next());

        final SQLException label = assertThrows(SQLException.class, () -> rs.getString("key"));
        assertEquals("42703", label.getSQLState());
        assertEquals("no column 'key' in this result (columns: value)", label.getMessage());
        assertEquals("07009", assertThrows(SQLException.class, () -> rs.getString(2)).getSQLState());
        assertEquals("07009", assertThrows(SQLException.class, () -> rs.getString(0)).getSQLState());
        assertEquals(1, rs.findColumn("VALUE"));
    }

    @Test
    void shouldRejectUnsupportedTargetTypesNamingThem() throws Exception
    {
        final ResultSet rs = values("v");
        assertTrue(rs.next());

        final SQLDataException ex = assertThrows(SQLDataException.class, () -> rs.getObject(1, LocalDate.class));
        assertEquals("22023", ex.getSQLState());
        assertTrue(ex.getMessage().contains("java.time.LocalDate"), ex.getMessage());
        assertThrows(SQLFeatureNotSupportedException.class, () -> rs.getDouble(1));
        assertThrows(SQLFeatureNotSupportedException.class, () -> rs.getTimestamp("value"));
    }

    @Test
    void shouldCopyBytesOnRead() throws Exception
    {
        final ResultSet rs = values("abc");
        assertTrue(rs.next());

        rs.getBytes(1)[0] = 'X';

        assertEquals("abc", rs.getString(1));
    }

    @Test
    void shouldTrackTheCursorPosition() throws Exception
    {
        final ResultSet rs = values("a", "b");

        assertTrue(rs.isBeforeFirst());
        assertEquals(0, rs.getRow());
        assertTrue(rs.next());
        assertTrue(rs.isFirst());
        assertFalse(rs.isLast());
        assertEquals(1, rs.getRow());
        assertTrue(rs.next());
        assertTrue(rs.isLast());
        assertEquals(2, rs.getRow());
        assertFalse(rs.next());
        assertTrue(rs.isAfterLast());
        assertFalse(rs.isBeforeFirst());
        assertEquals(0, rs.getRow());
    }

    @Test
    void shouldReportNoPositionForAnEmptyResult() throws Exception
    {
        final ResultSet rs = values();

        assertFalse(rs.isBeforeFirst());
        assertFalse(rs.isLast());
        assertFalse(rs.next());
        assertFalse(rs.isAfterLast());
        assertFalse(rs.isFirst());
        assertFalse(rs.isLast());
    }

    @Test
    void shouldBeForwardOnlyAndReadOnly() throws Exception
    {
        final ResultSet rs = values("a");
        assertTrue(rs.next());

        assertEquals(ResultSet.TYPE_FORWARD_ONLY, rs.getType());
        assertEquals(ResultSet.CONCUR_READ_ONLY, rs.getConcurrency());
        final SQLFeatureNotSupportedException previous =
            assertThrows(SQLFeatureNotSupportedException.class, rs::previous);
        assertTrue(previous.getMessage().contains("ResultSet.previous"), previous.getMessage());
        assertThrows(SQLFeatureNotSupportedException.class, () -> rs.absolute(1));
        final SQLFeatureNotSupportedException update =
            assertThrows(SQLFeatureNotSupportedException.class, () -> rs.updateString(1, "x"));
        assertTrue(update.getMessage().contains("read-only"), update.getMessage());
        assertThrows(SQLFeatureNotSupportedException.class, () -> rs.setFetchDirection(ResultSet.FETCH_REVERSE));
        rs.setFetchDirection(ResultSet.FETCH_FORWARD);
        rs.setFetchSize(100);
        assertEquals(100, rs.getFetchSize());
    }

    @Test
    void shouldDescribeItsColumns() throws Exception
    {
        final ResultSetMetaData metaData = keyValue(row("k", "v")).getMetaData();

        assertEquals(2, metaData.getColumnCount());
        assertEquals("key", metaData.getColumnName(1));
        assertEquals("value", metaData.getColumnLabel(2));
        assertEquals(Types.VARCHAR, metaData.getColumnType(2));
        assertEquals("VARCHAR", metaData.getColumnTypeName(1));
        assertEquals("kv", metaData.getTableName(1));
        assertEquals(ResultSetMetaData.columnNoNulls, metaData.isNullable(1));
        assertEquals(64, metaData.getColumnDisplaySize(1));
        assertEquals(256, metaData.getColumnDisplaySize(2));
        assertEquals(String.class.getName(), metaData.getColumnClassName(2));
        assertEquals("07009", assertThrows(SQLException.class, () -> metaData.getColumnName(3)).getSQLState());
    }

    @Test
    void shouldFailEveryCallAfterCloseAndCloseIdempotently() throws Exception
    {
        final ResultSet rs = values("a");
        assertTrue(rs.next());

        rs.close();
        rs.close();

        assertTrue(rs.isClosed());
        assertEquals("HY010", assertThrows(SQLException.class, () -> rs.getString(1)).getSQLState());
        assertThrows(SQLException.class, rs::next);
    }

    private static ResultSet keyValue(final byte[][]... rows)
    {
        return new GeoResultSet(null, List.of(rows),
            new GeoResultSetMetaData("kv", List.of(Column.KEY, Column.VALUE), 64, 256));
    }

    private static ResultSet values(final String... values)
    {
        final byte[][][] rows = new byte[values.length][][];
        for (int i = 0; i < values.length; i++)
        {
            rows[i] = new byte[][]{ values[i].getBytes(StandardCharsets.UTF_8) };
        }
        return new GeoResultSet(null, List.of(rows), new GeoResultSetMetaData("kv", List.of(Column.VALUE), 64, 256));
    }

    private static byte[][] row(final String key, final String value)
    {
        return new byte[][]{ key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8) };
    }
}
