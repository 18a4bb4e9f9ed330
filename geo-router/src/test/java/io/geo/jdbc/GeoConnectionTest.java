package io.geo.jdbc;

import io.geo.client.WireMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection and statement behaviour against an in-process {@link FakeNode} (keyspaces kv and other, 16 ops, 64-byte
 * keys, 256-byte values): what is sent, in how many commands, and how answers become counts, rows and exceptions.
 */
class GeoConnectionTest
{
    private FakeNode node;
    private Connection connection;

    @BeforeEach
    void connect() throws Exception
    {
        node = FakeNode.standard();
        connection = open(new Properties());
    }

    @AfterEach
    void close() throws Exception
    {
        connection.close();
        node.close();
    }

    @Test
    void shouldWriteAndReadBackThroughPlainStatements() throws Exception
    {
        try (Statement statement = connection.createStatement())
        {
            assertEquals(1, statement.executeUpdate("UPSERT INTO kv (key, value) VALUES ('a', '1')"));
            assertEquals(1, statement.executeUpdate("INSERT INTO kv (key, value) VALUES ('b', '2')"));
            assertFalse(statement.execute("UPSERT INTO kv (key, value) VALUES ('c', '3')"));
            assertEquals(1, statement.getUpdateCount());
            assertNull(statement.getResultSet());

            assertTrue(statement.execute("SELECT key, value FROM kv WHERE key IN ('c', 'x', 'a')"));
            assertEquals(-1, statement.getUpdateCount());
            final ResultSet rs = statement.getResultSet();
            assertSame(statement, rs.getStatement());
            assertEquals(List.of("c=3", "a=1"), rows(rs));
            assertFalse(statement.getMoreResults());
            assertTrue(rs.isClosed());
            assertEquals(-1, statement.getUpdateCount());

            assertEquals(1, statement.executeUpdate("UPDATE kv SET value = '20' WHERE key = 'b' AND value = '2'"));
            assertEquals(0, statement.executeUpdate("UPDATE kv SET value = '30' WHERE key = 'b' AND value = '2'"));
            assertEquals(1, statement.executeUpdate("DELETE FROM kv WHERE key = 'a'"));
            assertEquals(0, statement.executeUpdate("DELETE FROM kv WHERE key = 'a'"));
        }
        assertEquals("20", node.get("kv", "b"));
        assertNull(node.get("kv", "a"));
    }

    @Test
    void shouldFailAnInsertOfAnExistingKeyWith23505() throws Exception
    {
        node.put("kv", "k", "old");
        try (Statement statement = connection.createStatement())
        {
            final SQLIntegrityConstraintViolationException ex = assertThrows(
                SQLIntegrityConstraintViolationException.class,
                () -> statement.executeUpdate("INSERT INTO kv (key, value) VALUES ('k', 'new')"));
            assertEquals("23505", ex.getSQLState());
            assertEquals("key 'k' already exists in keyspace kv", ex.getMessage());
        }
        assertEquals("old", node.get("kv", "k"));
    }

    @Test
    void shouldRefuseTheWrongExecuteMethodBeforeSending() throws Exception
    {
        try (Statement statement = connection.createStatement())
        {
            final SQLException query = assertThrows(SQLException.class,
                () -> statement.executeQuery("UPSERT INTO kv (key, value) VALUES ('a', '1')"));
            assertTrue(query.getMessage().startsWith("executeQuery is for"), query.getMessage());
            final SQLException update = assertThrows(SQLException.class,
                () -> statement.executeUpdate("SELECT value FROM kv WHERE key = 'a'"));
            assertTrue(update.getMessage().startsWith("executeUpdate is for"), update.getMessage());
            assertEquals("07000", update.getSQLState());
            assertThrows(SQLException.class,
                () -> statement.executeUpdate("UPDATE kv SET value = value + 1 WHERE key = 'n' RETURNING value"));
        }
        assertTrue(node.requests().isEmpty());
    }

    @Test
    void shouldCheckKeyspacesAndLimitsBeforeSending() throws Exception
    {
        try (Statement statement = connection.createStatement())
        {
            final SQLSyntaxErrorException keyspace = assertThrows(SQLSyntaxErrorException.class,
                () -> statement.executeUpdate("DELETE FROM nope WHERE key = 'k'"));
            assertEquals("42P01", keyspace.getSQLState());
            assertEquals("unknown keyspace 'nope' (known: kv, other)", keyspace.getMessage());

            final SQLDataException value = assertThrows(SQLDataException.class, () -> statement.executeUpdate(
                "UPSERT INTO kv (key, value) VALUES ('k', '" + "v".repeat(257) + "')"));
            assertEquals("22001", value.getSQLState());
            assertTrue(value.getMessage().contains("257 bytes"), value.getMessage());
            assertTrue(value.getMessage().contains("256 bytes (maxValueBytes)"), value.getMessage());
        }
        assertTrue(node.requests().isEmpty());
    }

    @Test
    void shouldSendABatchAsOneCommandAndCountEachStatement() throws Exception
    {
        node.put("kv", "swap", "old");
        try (Statement statement = connection.createStatement();
            PreparedStatement upsert = connection.prepareStatement("UPSERT INTO kv (key, value) VALUES (?, ?)"))
        {
            statement.addBatch("UPDATE kv SET value = 'new' WHERE key = 'swap' AND value = 'old'");
            statement.addBatch("UPDATE kv SET value = 'new' WHERE key = 'swap' AND value = 'nope'");
            statement.addBatch("DELETE FROM other WHERE key = 'absent'");
            statement.addBatch("UPDATE kv SET value = value + 5 WHERE key = 'counter'");
            assertArrayEquals(new int[]{ 1, 0, 0, 1 }, statement.executeBatch());
            assertEquals(1, node.requests().size());
            assertEquals(4, node.requests().get(0).ops().size());
            assertFalse(node.requests().get(0).staleRead());

            for (int i = 0; i < 3; i++)
            {
                upsert.setString(1, "k" + i);
                upsert.setInt(2, i);
                upsert.addBatch();
            }
            assertArrayEquals(new int[]{ 1, 1, 1 }, upsert.executeBatch());
            assertEquals(2, node.requests().size());
            assertArrayEquals(new int[0], upsert.executeBatch()); // the batch was reset
            assertArrayEquals(new int[0], statement.executeBatch());
        }
        assertEquals(2, node.requests().size());
        assertEquals("new", node.get("kv", "swap"));
        assertEquals("5", node.get("kv", "counter"));
        assertEquals("2", node.get("kv", "k2"));
    }

    @Test
    void shouldMarkFailedStatementsOfABatchAndThrowAfterCountingAll() throws Exception
    {
        node.put("kv", "taken", "x");
        node.put("kv", "text", "abc");
        try (Statement statement = connection.createStatement())
        {
            statement.addBatch("UPSERT INTO kv (key, value) VALUES ('a', '1')");
            statement.addBatch("INSERT INTO kv (key, value) VALUES ('taken', 'y')");
            statement.addBatch("UPDATE kv SET value = value + 1 WHERE key = 'text'");
            statement.addBatch("INSERT INTO kv (key, value) VALUES ('fresh', 'z')");

            final BatchUpdateException ex = assertThrows(BatchUpdateException.class, statement::executeBatch);

            assertArrayEquals(new int[]{ 1, Statement.EXECUTE_FAILED, Statement.EXECUTE_FAILED, 1 },
                ex.getUpdateCounts());
            assertEquals("23505", ex.getSQLState());
            assertTrue(ex.getMessage().contains("statement 2 of the batch failed: key 'taken' already exists"),
                ex.getMessage());
            assertTrue(ex.getMessage().contains("2 statements failed"), ex.getMessage());
            assertTrue(ex.getCause() instanceof SQLIntegrityConstraintViolationException);
        }
        assertEquals(1, node.requests().size());
        assertEquals("1", node.get("kv", "a"));
        assertEquals("z", node.get("kv", "fresh"));
        assertEquals("x", node.get("kv", "taken"));
    }

    @Test
    void shouldReportAnIncrementOverflowInABatchWith22003() throws Exception
    {
        node.put("kv", "max", Long.toString(Long.MAX_VALUE));
        try (PreparedStatement increment =
            connection.prepareStatement("UPDATE kv SET value = value + ? WHERE key = ?"))
        {
            increment.setLong(1, 1);
            increment.setString(2, "max");
            increment.addBatch();

            final BatchUpdateException ex = assertThrows(BatchUpdateException.class, increment::executeBatch);

            assertEquals("22003", ex.getSQLState());
            assertArrayEquals(new int[]{ Statement.EXECUTE_FAILED }, ex.getUpdateCounts());
        }
    }

    @Test
    void shouldRefuseRowReturningStatementsInABatch() throws Exception
    {
        try (Statement statement = connection.createStatement())
        {
            final SQLException select = assertThrows(SQLFeatureNotSupportedException.class,
                () -> statement.addBatch("SELECT value FROM kv WHERE key = 'a'"));
            assertEquals("SELECT cannot be batched: a batch returns update counts only", select.getMessage());
            assertThrows(SQLFeatureNotSupportedException.class,
                () -> statement.addBatch("UPDATE kv SET value = value + 1 WHERE key = 'n' RETURNING value"));
            assertArrayEquals(new int[0], statement.executeBatch());
        }
        assertTrue(node.requests().isEmpty());
    }

    @Test
    void shouldRefuseABatchLargerThanOneCommandWith54000() throws Exception
    {
        try (Statement statement = connection.createStatement())
        {
            for (int i = 0; i < 16; i++)
            {
                statement.addBatch("DELETE FROM kv WHERE key = 'k" + i + "'");
            }
            final SQLException ex = assertThrows(SQLException.class,
                () -> statement.addBatch("DELETE FROM kv WHERE key = 'k16'"));
            assertEquals("54000", ex.getSQLState());
            assertEquals("too many statements in one batch: 17 (limit 16, maxOps)", ex.getMessage());
            assertEquals(16, statement.executeBatch().length);
        }
        assertEquals(1, node.requests().size());
    }

    @Test
    void shouldReadStaleOnlyForReadsWithStaleLocalConsistency() throws Exception
    {
        final GeoConnection geo = connection.unwrap(GeoConnection.class);
        assertEquals("linearizable", geo.getConsistency());
        try (Statement statement = connection.createStatement())
        {
            statement.executeQuery("SELECT value FROM kv WHERE key = 'a'").close();
            geo.setConsistency("STALE-LOCAL");
            assertEquals("stale-local", connection.getClientInfo(GeoConnection.CONSISTENCY_CLIENT_INFO));
            statement.executeQuery("SELECT value FROM kv WHERE key = 'a'").close();
            statement.executeUpdate("UPSERT INTO kv (key, value) VALUES ('a', '1')");
            statement.executeQuery("UPDATE kv SET value = value + 1 WHERE key = 'n' RETURNING value").close();
            connection.setClientInfo(GeoConnection.CONSISTENCY_CLIENT_INFO, "linearizable");
            statement.executeQuery("SELECT value FROM kv WHERE key = 'a'").close();
        }
        final List<Boolean> stale = new ArrayList<>();
        for (final WireMessage.Request request : node.requests())
        {
            stale.add(request.staleRead());
        }
        assertEquals(List.of(false, true, false, false, false), stale);
    }

    @Test
    void shouldTakeTheConsistencyFromTheUrlAndRejectUnknownOnes() throws Exception
    {
        final Properties info = new Properties();
        info.setProperty("consistency", "stale-local");
        try (Connection stale = open(info))
        {
            final GeoConnection geo = stale.unwrap(GeoConnection.class);
            assertEquals("stale-local", geo.getConsistency());
            assertEquals(Connection.TRANSACTION_READ_COMMITTED, stale.getTransactionIsolation());
            final SQLException ex = assertThrows(SQLException.class, () -> geo.setConsistency("eventual"));
            assertEquals("22023", ex.getSQLState());
            assertTrue(ex.getMessage().contains("'eventual'"), ex.getMessage());
            assertThrows(SQLClientInfoException.class,
                () -> stale.setClientInfo(GeoConnection.CONSISTENCY_CLIENT_INFO, "eventual"));
            assertEquals("stale-local", geo.getConsistency());
            assertTrue(geo.getClientId() > 0);
            assertTrue(geo.getNodeDescription().contains(FakeNode.REGION), geo.getNodeDescription());
        }
    }

    @Test
    void shouldHonourMaxRows() throws Exception
    {
        node.put("kv", "a", "1");
        node.put("kv", "b", "2");
        node.put("kv", "c", "3");
        try (Statement statement = connection.createStatement())
        {
            statement.setMaxRows(2);
            assertEquals(List.of("c=3", "a=1"),
                rows(statement.executeQuery("SELECT * FROM kv WHERE key IN ('c', 'a', 'b')")));
        }
    }

    @Test
    void shouldTimeOutWithinTheQueryTimeoutCappedByTheNetworkTimeout() throws Exception
    {
        node.silent(true);
        connection.setNetworkTimeout(Runnable::run, 300);
        try (Statement statement = connection.createStatement())
        {
            statement.setQueryTimeout(20);
            final long startNs = System.nanoTime();
            final SQLTimeoutException ex = assertThrows(SQLTimeoutException.class,
                () -> statement.executeQuery("SELECT value FROM kv WHERE key = 'a'"));
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

            assertEquals("HYT00", ex.getSQLState());
            assertTrue(elapsedMs >= 250 && elapsedMs < 3_000, "took " + elapsedMs + " ms for a 300 ms cap");
        }
    }

    @Test
    void shouldBeAutoCommitOnlyWithHarmlessCommitAndRollback() throws Exception
    {
        assertTrue(connection.getAutoCommit());
        connection.setAutoCommit(true);
        final SQLFeatureNotSupportedException ex =
            assertThrows(SQLFeatureNotSupportedException.class, () -> connection.setAutoCommit(false));
        assertTrue(ex.getMessage().contains("executeBatch"), ex.getMessage());
        connection.commit();
        connection.rollback();
        assertThrows(SQLFeatureNotSupportedException.class, connection::setSavepoint);
        assertEquals(Connection.TRANSACTION_SERIALIZABLE, connection.getTransactionIsolation());
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        assertEquals(Connection.TRANSACTION_READ_COMMITTED, connection.getTransactionIsolation());
        assertThrows(SQLException.class, () -> connection.setTransactionIsolation(42));
    }

    @Test
    void shouldKeepConnectionSettings() throws Exception
    {
        connection.setReadOnly(true);
        assertTrue(connection.isReadOnly());
        connection.setCatalog("ignored");
        assertNull(connection.getCatalog());
        connection.setSchema("ignored");
        assertNull(connection.getSchema());
        connection.setClientInfo("ApplicationName", "orders");
        assertEquals("orders", connection.getClientInfo("ApplicationName"));
        assertEquals("orders", connection.getClientInfo().getProperty("ApplicationName"));
        assertEquals("linearizable", connection.getClientInfo().getProperty(GeoConnection.CONSISTENCY_CLIENT_INFO));
        assertEquals("SELECT 1", connection.nativeSQL("SELECT 1"));
        assertNull(connection.getWarnings());
        assertEquals(0, connection.getNetworkTimeout());
        assertTrue(connection.isValid(2));
        assertTrue(connection.isWrapperFor(GeoConnection.class));
        assertThrows(SQLException.class, () -> connection.unwrap(String.class));
        assertThrows(SQLFeatureNotSupportedException.class, () -> connection.prepareCall("x"));
        assertThrows(SQLFeatureNotSupportedException.class,
            () -> connection.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY));
    }

    @Test
    void shouldAnswerMetadataAndNameWhatItDoesNotSupport() throws Exception
    {
        final DatabaseMetaData metaData = connection.getMetaData();

        assertEquals("geo", metaData.getDatabaseProductName());
        assertEquals("cluster " + FakeNode.CLUSTER + ", node region " + FakeNode.REGION,
            metaData.getDatabaseProductVersion());
        assertEquals(GeoDriver.NAME, metaData.getDriverName());
        assertEquals("0.1", metaData.getDriverVersion());
        assertEquals(node.url(), metaData.getURL());
        assertEquals("", metaData.getUserName());
        assertSame(connection, metaData.getConnection());
        assertFalse(metaData.supportsTransactions());
        assertTrue(metaData.supportsBatchUpdates());
        assertEquals(4, metaData.getJDBCMajorVersion());
        assertEquals(2, metaData.getJDBCMinorVersion());
        assertEquals(" ", metaData.getIdentifierQuoteString());
        assertTrue(metaData.isWrapperFor(DatabaseMetaData.class));
        assertSame(metaData, metaData.unwrap(DatabaseMetaData.class));
        assertEquals(metaData, metaData);
        final SQLFeatureNotSupportedException tables = assertThrows(SQLFeatureNotSupportedException.class,
            () -> metaData.getTables(null, null, "%", null));
        assertTrue(tables.getMessage().contains("kv, other"), tables.getMessage());
        final SQLFeatureNotSupportedException other =
            assertThrows(SQLFeatureNotSupportedException.class, metaData::getMaxConnections);
        assertTrue(other.getMessage().contains("getMaxConnections"), other.getMessage());
    }

    @Test
    void shouldCloseItsStatementsAndResultSetsOnClose() throws Exception
    {
        node.put("kv", "a", "1");
        final Statement statement = connection.createStatement();
        final ResultSet rs = statement.executeQuery("SELECT value FROM kv WHERE key = 'a'");
        final PreparedStatement prepared = connection.prepareStatement("DELETE FROM kv WHERE key = ?");

        connection.close();
        connection.close();

        assertTrue(connection.isClosed());
        assertTrue(statement.isClosed());
        assertTrue(prepared.isClosed());
        assertTrue(rs.isClosed());
        assertFalse(connection.isValid(1));
        assertEquals("08003", assertThrows(SQLException.class, connection::createStatement).getSQLState());
        assertThrows(SQLException.class, () -> statement.executeQuery("SELECT value FROM kv WHERE key = 'a'"));
    }

    @Test
    void shouldCloseTheStatementOnCompletionOfItsResultSet() throws Exception
    {
        final Statement statement = connection.createStatement();
        statement.closeOnCompletion();
        final ResultSet rs = statement.executeQuery("SELECT value FROM kv WHERE key = 'a'");
        assertFalse(statement.isClosed());

        rs.close();

        assertTrue(statement.isClosed());
        assertEquals("HY010", assertThrows(SQLException.class, statement::getResultSet).getSQLState());
    }

    @Test
    void shouldCloseOnAbortThroughTheExecutor() throws Exception
    {
        final List<Runnable> tasks = new ArrayList<>();
        final Statement statement = connection.createStatement();

        connection.abort(tasks::add);

        assertTrue(connection.isClosed());
        assertEquals(1, tasks.size());
        tasks.get(0).run();
        assertTrue(statement.isClosed());
    }

    private Connection open(final Properties info) throws SQLException
    {
        return new GeoDriver().connect(node.url(), info);
    }

    private static List<String> rows(final ResultSet rs) throws SQLException
    {
        final List<String> rows = new ArrayList<>();
        while (rs.next())
        {
            rows.add(rs.getString("key") + "=" + rs.getString("value"));
        }
        return rows;
    }
}
