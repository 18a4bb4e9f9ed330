package io.geo.jdbc;

import io.geo.client.ClientOp;
import io.geo.client.sql.CommandSyntaxException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Types;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter binding: what each setter sends, and every binding error, against an in-process {@link FakeNode}. */
class GeoPreparedStatementTest
{
    private FakeNode node;
    private Connection connection;

    @BeforeEach
    void connect() throws Exception
    {
        node = FakeNode.standard();
        connection = new GeoDriver().connect(node.url(), new Properties());
    }

    @AfterEach
    void close() throws Exception
    {
        connection.close();
        node.close();
    }

    @Test
    void shouldBindStringsAsUtf8AndIntegersAsDecimalText() throws Exception
    {
        try (PreparedStatement upsert = connection.prepareStatement("UPSERT INTO kv (key, value) VALUES (?, ?)"))
        {
            upsert.setString(1, "ключ");
            upsert.setLong(2, -9_000_000_000L);
            assertEquals(1, upsert.executeUpdate());
            upsert.setInt(1, 7);
            upsert.setShort(2, (short)-3);
            assertEquals(1, upsert.executeUpdate());
            upsert.setByte(1, (byte)8);
            upsert.setBigDecimal(2, new BigDecimal("12.000"));
            assertEquals(1, upsert.executeUpdate());
            upsert.setObject(1, BigInteger.TEN.pow(30));
            upsert.setObject(2, new byte[]{ 1, 2 });
            assertEquals(1, upsert.executeUpdate());
        }

        assertEquals(List.of(
            ClientOp.put("kv", utf8("ключ"), utf8("-9000000000")),
            ClientOp.put("kv", utf8("7"), utf8("-3")),
            ClientOp.put("kv", utf8("8"), utf8("12")),
            ClientOp.put("kv", utf8("1" + "0".repeat(30)), new byte[]{ 1, 2 })), sentOps());
    }

    @Test
    void shouldKeepParametersAcrossExecutionsAndCopyBytes() throws Exception
    {
        final byte[] value = utf8("v1");
        try (PreparedStatement upsert = connection.prepareStatement("UPSERT INTO kv (key, value) VALUES (?, ?)"))
        {
            upsert.setString(1, "k");
            upsert.setBytes(2, value);
            value[1] = '2'; // the statement bound a copy
            upsert.executeUpdate();
            upsert.executeUpdate();
        }

        assertEquals(2, node.requests().size());
        assertEquals(node.requests().get(0).ops(), node.requests().get(1).ops());
        assertEquals("v1", node.get("kv", "k"));
    }

    @Test
    void shouldNameAMissingParameterWith07001AndSendNothing() throws Exception
    {
        try (PreparedStatement upsert = connection.prepareStatement("UPSERT INTO kv (key, value) VALUES (?, ?)"))
        {
            upsert.setString(1, "k");

            final SQLException ex = assertThrows(SQLException.class, upsert::executeUpdate);
            assertEquals("07001", ex.getSQLState());
            assertEquals("parameter 2 is not set", ex.getMessage());

            upsert.setString(2, "v");
            upsert.clearParameters();
            upsert.setString(2, "v");
            assertEquals("parameter 1 is not set",
                assertThrows(SQLException.class, upsert::executeUpdate).getMessage());
            assertEquals("07001", assertThrows(SQLException.class, upsert::addBatch).getSQLState());
        }
        assertTrue(node.requests().isEmpty());
    }

    @Test
    void shouldRejectIndexesOutOfRangeWith07009() throws Exception
    {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM kv WHERE key = ?"))
        {
            final SQLException high = assertThrows(SQLException.class, () -> delete.setString(2, "x"));
            assertEquals("07009", high.getSQLState());
            assertEquals("parameter index 2 out of range 1..1", high.getMessage());
            assertEquals("07009", assertThrows(SQLException.class, () -> delete.setLong(0, 1)).getSQLState());
        }
        try (PreparedStatement none = connection.prepareStatement("DELETE FROM kv WHERE key = 'k'"))
        {
            assertEquals("parameter index 1 out of range (the statement has no parameters)",
                assertThrows(SQLException.class, () -> none.setString(1, "x")).getMessage());
        }
    }

    @Test
    void shouldRejectNullWith22004SuggestingDelete() throws Exception
    {
        try (PreparedStatement upsert = connection.prepareStatement("UPSERT INTO kv (key, value) VALUES (?, ?)"))
        {
            final SQLDataException ex = assertThrows(SQLDataException.class, () -> upsert.setNull(2, Types.VARCHAR));
            assertEquals("22004", ex.getSQLState());
            assertTrue(ex.getMessage().contains("NULL is not a value (use DELETE"), ex.getMessage());
            assertEquals("22004", assertThrows(SQLDataException.class, () -> upsert.setString(1, null)).getSQLState());
            assertEquals("22004", assertThrows(SQLDataException.class, () -> upsert.setObject(1, null)).getSQLState());
            assertEquals("22004", assertThrows(SQLDataException.class, () -> upsert.setBytes(1, null)).getSQLState());
        }
    }

    @Test
    void shouldRejectUnsupportedObjectTypesNamingThem() throws Exception
    {
        try (PreparedStatement upsert = connection.prepareStatement("UPSERT INTO kv (key, value) VALUES (?, ?)"))
        {
            final SQLDataException ex = assertThrows(SQLDataException.class, () -> upsert.setObject(2, 1.5d));
            assertEquals("22023", ex.getSQLState());
            assertTrue(ex.getMessage().contains("java.lang.Double"), ex.getMessage());
            assertTrue(assertThrows(SQLDataException.class, () -> upsert.setObject(2, Boolean.TRUE)).getMessage()
                .contains("java.lang.Boolean"));
            final SQLDataException fraction =
                assertThrows(SQLDataException.class, () -> upsert.setBigDecimal(2, new BigDecimal("1.5")));
            assertEquals("22023", fraction.getSQLState());
            assertTrue(fraction.getMessage().contains("1.5 is not integral"), fraction.getMessage());
            assertThrows(SQLFeatureNotSupportedException.class, () -> upsert.setBoolean(2, true));
            assertThrows(SQLFeatureNotSupportedException.class, () -> upsert.setDouble(2, 1.0));
        }
    }

    @Test
    void shouldRejectSqlTextOnAPreparedStatement() throws Exception
    {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM kv WHERE key = 'k'"))
        {
            assertThrows(SQLException.class, () -> delete.executeUpdate("DELETE FROM kv WHERE key = 'j'"));
            assertThrows(SQLException.class, () -> delete.addBatch("DELETE FROM kv WHERE key = 'j'"));
        }
        assertTrue(node.requests().isEmpty());
    }

    @Test
    void shouldReportSyntaxErrorsWhenPreparedWith42601() throws Exception
    {
        final SQLSyntaxErrorException ex = assertThrows(SQLSyntaxErrorException.class,
            () -> connection.prepareStatement("SELECT value FORM kv WHERE key = ?"));

        assertEquals("42601", ex.getSQLState());
        final CommandSyntaxException cause = assertInstanceOf(CommandSyntaxException.class, ex.getCause());
        assertEquals("FORM", cause.token());
        assertTrue(ex.getMessage().contains("FORM"), ex.getMessage());
        assertTrue(ex.getMessage().contains(Integer.toString(cause.position())), ex.getMessage());
    }

    @Test
    void shouldDescribeParametersAndResultColumns() throws Exception
    {
        try (PreparedStatement increment =
            connection.prepareStatement("UPDATE kv SET value = value + ? WHERE key = ? RETURNING value"))
        {
            final ParameterMetaData parameters = increment.getParameterMetaData();
            assertEquals(2, parameters.getParameterCount());
            assertEquals(Types.BIGINT, parameters.getParameterType(1));
            assertEquals(Types.VARCHAR, parameters.getParameterType(2));
            assertEquals(JDBCType.VARCHAR.getName(), parameters.getParameterTypeName(2));
            assertEquals(ParameterMetaData.parameterModeIn, parameters.getParameterMode(1));
            assertEquals("07009", assertThrows(SQLException.class, () -> parameters.getParameterType(3)).getSQLState());
            assertEquals(1, increment.getMetaData().getColumnCount());
            assertEquals("value", increment.getMetaData().getColumnName(1));
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM kv WHERE key = ?"))
        {
            assertEquals(2, select.getMetaData().getColumnCount());
            assertEquals("kv", select.getMetaData().getTableName(1));
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM kv WHERE key = ?"))
        {
            assertNull(delete.getMetaData());
        }
    }

    @Test
    void shouldIncrementWithALongDeltaAndReturnTheNewValue() throws Exception
    {
        node.put("kv", "c", "40");
        try (PreparedStatement increment =
            connection.prepareStatement("UPDATE kv SET value = value - ? WHERE key = ? RETURNING value"))
        {
            increment.setLong(1, -2);
            increment.setString(2, "c");
            try (ResultSet rs = increment.executeQuery())
            {
                assertTrue(rs.next());
                assertEquals(42, rs.getLong("value"));
                assertFalse(rs.next());
            }
            increment.setString(1, "two");
            assertEquals("22018", assertThrows(SQLDataException.class, increment::executeQuery).getSQLState());
        }
        assertEquals(1, node.requests().size());
    }

    private List<ClientOp> sentOps()
    {
        return node.requests().stream().flatMap(request -> request.ops().stream()).toList();
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
