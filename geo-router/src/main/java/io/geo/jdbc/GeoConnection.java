package io.geo.jdbc;

import io.geo.client.ClientOp;
import io.geo.client.ClientResult;
import io.geo.client.sql.CommandParser;
import io.geo.client.sql.CommandSyntaxException;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.ClientInfoStatus;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * A JDBC connection to a geo cluster: one client session (see {@link GeoSession}: exactly-once writes, failover
 * between nodes). Always in auto-commit mode: every statement is one atomic command, and
 * {@link Statement#executeBatch()} sends all the statements of a batch as one atomic command; there are no
 * multi-statement transactions.
 * <p>
 * Reads follow the connection's consistency ({@link #setConsistency(String)}, the client info property
 * {@value #CONSISTENCY_CLIENT_INFO}, or the {@code consistency} setting of the URL): {@code linearizable} orders a
 * read with every conflicting write in all regions; {@code stale-local} answers it from the connected node's
 * applied state. Writes are always agreed.
 * <p>
 * The deadline of a statement is its query timeout, else the {@code requestTimeout} setting, capped by the network
 * timeout when one is set.
 * <p>
 * Not thread-safe except {@link #close()}, {@link #abort(Executor)}, {@link #isClosed()} and {@link #isValid(int)}:
 * use one connection per thread (a pool hands them out so).
 */
public final class GeoConnection implements Connection
{
    /** The client info property that reads and sets the consistency of reads. */
    public static final String CONSISTENCY_CLIENT_INFO = "geo.consistency";

    private static final int MAX_CLIENT_INFO_ENTRIES = 64;

    private final GeoSession session;
    private final Set<GeoStatement> statements = new LinkedHashSet<>(); // guarded by itself
    private final Properties clientInfo = new Properties();
    private volatile DriverConfig.Consistency consistency;
    private volatile boolean closed;
    private boolean readOnly;
    private int transactionIsolation = -1; // -1: derived from the consistency
    private int holdability = ResultSet.HOLD_CURSORS_OVER_COMMIT;
    private int networkTimeoutMs;

    GeoConnection(final GeoSession session)
    {
        this.session = session;
        this.consistency = session.config().consistency;
    }

    /**
     * Sets the consistency of this connection's reads; applies to statements executed afterwards.
     *
     * @param consistency {@code linearizable} or {@code stale-local} (case-insensitive).
     * @throws SQLException 22023 for any other text; 08003 when the connection is closed.
     */
    public void setConsistency(final String consistency) throws SQLException
    {
        checkOpen();
        this.consistency = parseConsistency(consistency);
    }

    /** The consistency of this connection's reads: {@code linearizable} or {@code stale-local}. */
    public String getConsistency()
    {
        return consistency.text();
    }

    /** The client id of the session (identifies this connection's writes for exactly-once). */
    public long getClientId()
    {
        return session.clientId();
    }

    /** The node currently connected, e.g. "node 2 (ap-northeast-1) at 127.0.0.1:29412", or "no node". */
    public String getNodeDescription()
    {
        return session.describeNode();
    }

    @Override
    public Statement createStatement() throws SQLException
    {
        checkOpen();
        return register(new GeoStatement(this));
    }

    @Override
    public Statement createStatement(final int resultSetType, final int resultSetConcurrency) throws SQLException
    {
        checkResultSetKind(resultSetType, resultSetConcurrency);
        return createStatement();
    }

    @Override
    public Statement createStatement(
        final int resultSetType, final int resultSetConcurrency, final int resultSetHoldability) throws SQLException
    {
        checkResultSetKind(resultSetType, resultSetConcurrency);
        checkHoldability(resultSetHoldability);
        return createStatement();
    }

    /**
     * Parses {@code sql} now, so a syntax error surfaces here.
     *
     * @throws SQLSyntaxErrorException 42601 naming the token and position at fault.
     */
    @Override
    public PreparedStatement prepareStatement(final String sql) throws SQLException
    {
        checkOpen();
        return register(new GeoPreparedStatement(this, sql, parse(sql)));
    }

    @Override
    public PreparedStatement prepareStatement(final String sql, final int autoGeneratedKeys) throws SQLException
    {
        GeoStatement.checkNoGeneratedKeys(autoGeneratedKeys);
        return prepareStatement(sql);
    }

    @Override
    public PreparedStatement prepareStatement(final String sql, final int resultSetType, final int resultSetConcurrency)
        throws SQLException
    {
        checkResultSetKind(resultSetType, resultSetConcurrency);
        return prepareStatement(sql);
    }

    @Override
    public PreparedStatement prepareStatement(
        final String sql, final int resultSetType, final int resultSetConcurrency, final int resultSetHoldability)
        throws SQLException
    {
        checkResultSetKind(resultSetType, resultSetConcurrency);
        checkHoldability(resultSetHoldability);
        return prepareStatement(sql);
    }

    @Override
    public PreparedStatement prepareStatement(final String sql, final int[] columnIndexes) throws SQLException
    {
        throw GeoStatement.noGeneratedKeys();
    }

    @Override
    public PreparedStatement prepareStatement(final String sql, final String[] columnNames) throws SQLException
    {
        throw GeoStatement.noGeneratedKeys();
    }

    @Override
    public String nativeSQL(final String sql) throws SQLException
    {
        checkOpen();
        return sql;
    }

    /**
     * Accepts {@code true} only: every statement commits on its own, and a batch commits as one atomic command.
     *
     * @throws SQLFeatureNotSupportedException for {@code false}.
     */
    @Override
    public void setAutoCommit(final boolean autoCommit) throws SQLException
    {
        checkOpen();
        if (!autoCommit)
        {
            throw new SQLFeatureNotSupportedException("transactions: use addBatch/executeBatch, which commits as " +
                "one atomic command", "0A000");
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException
    {
        checkOpen();
        return true;
    }

    /**
     * Does nothing: in auto-commit mode (always) every statement has already committed. JDBC asks for an exception
     * here; a no-op is kinder to pools and frameworks that commit or roll back defensively.
     */
    @Override
    public void commit() throws SQLException
    {
        checkOpen();
    }

    /** Does nothing, like {@link #commit()}: there is never anything to roll back. */
    @Override
    public void rollback() throws SQLException
    {
        checkOpen();
    }

    /** Idempotent. Closes the statements of this connection, then the session. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            release();
        }
    }

    @Override
    public boolean isClosed()
    {
        return closed;
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException
    {
        checkOpen();
        return GeoDatabaseMetaData.create(this);
    }

    /**
     * A flag for frameworks; it does not stop writes (a read-only pool may still be handed write statements by
     * mistake: they execute).
     */
    @Override
    public void setReadOnly(final boolean readOnly) throws SQLException
    {
        checkOpen();
        this.readOnly = readOnly;
    }

    @Override
    public boolean isReadOnly() throws SQLException
    {
        checkOpen();
        return readOnly;
    }

    /** Ignored: geo has no catalogs. */
    @Override
    public void setCatalog(final String catalog) throws SQLException
    {
        checkOpen();
    }

    @Override
    public String getCatalog() throws SQLException
    {
        checkOpen();
        return null;
    }

    /**
     * Accepts any of the four JDBC levels and reports it back; the level does not change how statements execute
     * (see {@link #getTransactionIsolation()}).
     */
    @Override
    public void setTransactionIsolation(final int level) throws SQLException
    {
        checkOpen();
        if (level != TRANSACTION_READ_UNCOMMITTED && level != TRANSACTION_READ_COMMITTED &&
            level != TRANSACTION_REPEATABLE_READ && level != TRANSACTION_SERIALIZABLE)
        {
            throw new SQLException("transaction isolation " + level + " is not a JDBC level", "22023");
        }
        transactionIsolation = level;
    }

    /**
     * The level set last; until one is set, {@code TRANSACTION_SERIALIZABLE} for linearizable reads (every command is
     * linearizable) and {@code TRANSACTION_READ_COMMITTED} for stale-local reads (a read sees committed writes, maybe
     * not the latest).
     */
    @Override
    public int getTransactionIsolation() throws SQLException
    {
        checkOpen();
        if (transactionIsolation >= 0)
        {
            return transactionIsolation;
        }
        return consistency == DriverConfig.Consistency.LINEARIZABLE ? TRANSACTION_SERIALIZABLE :
            TRANSACTION_READ_COMMITTED;
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

    /** An empty map: there are no user-defined types. */
    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException
    {
        checkOpen();
        return new HashMap<>();
    }

    @Override
    public void setTypeMap(final Map<String, Class<?>> map) throws SQLException
    {
        checkOpen();
        if (map != null && !map.isEmpty())
        {
            throw new SQLFeatureNotSupportedException("type maps are not supported (geo has no user-defined types)",
                "0A000");
        }
    }

    /** Either holdability is accepted; results are in memory, so they are held whatever is set. */
    @Override
    public void setHoldability(final int holdability) throws SQLException
    {
        checkOpen();
        checkHoldability(holdability);
        this.holdability = holdability;
    }

    @Override
    public int getHoldability() throws SQLException
    {
        checkOpen();
        return holdability;
    }

    /**
     * @param timeout seconds; 0 means the connection's request timeout.
     * @return false when closed or when no node answers a ping in time.
     */
    @Override
    public boolean isValid(final int timeout) throws SQLException
    {
        if (timeout < 0)
        {
            throw new SQLException("isValid timeout " + timeout + " is negative", "22023");
        }
        if (closed)
        {
            return false;
        }
        return session.isValid(timeout == 0 ? session.config().requestTimeoutMs : timeout * 1000L);
    }

    /**
     * Stores a client info property. {@value #CONSISTENCY_CLIENT_INFO} sets the consistency of reads; a null value
     * removes a property.
     *
     * @throws SQLClientInfoException when closed, for a bad consistency, or beyond 64 properties.
     */
    @Override
    public void setClientInfo(final String name, final String value) throws SQLClientInfoException
    {
        if (closed)
        {
            throw clientInfoFailure(name, "connection is closed", "08003", ClientInfoStatus.REASON_UNKNOWN);
        }
        if (CONSISTENCY_CLIENT_INFO.equals(name))
        {
            try
            {
                consistency = parseConsistency(value);
            }
            catch (final SQLException ex)
            {
                throw clientInfoFailure(name, ex.getMessage(), ex.getSQLState(), ClientInfoStatus.REASON_VALUE_INVALID);
            }
            return;
        }
        synchronized (clientInfo)
        {
            if (value == null)
            {
                clientInfo.remove(name);
                return;
            }
            if (!clientInfo.containsKey(name) && clientInfo.size() >= MAX_CLIENT_INFO_ENTRIES)
            {
                throw clientInfoFailure(name, "too many client info properties (limit " + MAX_CLIENT_INFO_ENTRIES +
                    ")", "54000", ClientInfoStatus.REASON_VALUE_TRUNCATED);
            }
            clientInfo.setProperty(name, value);
        }
    }

    /** Sets each property of {@code properties} as {@link #setClientInfo(String, String)} does. */
    @Override
    public void setClientInfo(final Properties properties) throws SQLClientInfoException
    {
        for (final String name : properties.stringPropertyNames())
        {
            setClientInfo(name, properties.getProperty(name));
        }
    }

    @Override
    public String getClientInfo(final String name) throws SQLException
    {
        checkOpen();
        if (CONSISTENCY_CLIENT_INFO.equals(name))
        {
            return getConsistency();
        }
        synchronized (clientInfo)
        {
            return clientInfo.getProperty(name);
        }
    }

    /** A copy of the client info, {@value #CONSISTENCY_CLIENT_INFO} included. */
    @Override
    public Properties getClientInfo() throws SQLException
    {
        checkOpen();
        final Properties copy = new Properties();
        synchronized (clientInfo)
        {
            copy.putAll(clientInfo);
        }
        copy.setProperty(CONSISTENCY_CLIENT_INFO, getConsistency());
        return copy;
    }

    /** Ignored: geo has no schemas (keyspaces are named in each statement). */
    @Override
    public void setSchema(final String schema) throws SQLException
    {
        checkOpen();
    }

    @Override
    public String getSchema() throws SQLException
    {
        checkOpen();
        return null;
    }

    /**
     * Marks the connection closed at once, then closes its statements and session on {@code executor} (a statement
     * executing in another thread finishes or fails first).
     */
    @Override
    public void abort(final Executor executor) throws SQLException
    {
        if (executor == null)
        {
            throw new SQLException("abort needs an executor", "22023");
        }
        if (!closed)
        {
            closed = true;
            executor.execute(this::release);
        }
    }

    /**
     * Caps the deadline of every statement at {@code milliseconds} (0: no cap). The executor is not used: deadlines
     * are enforced by the thread that waits.
     */
    @Override
    public void setNetworkTimeout(final Executor executor, final int milliseconds) throws SQLException
    {
        checkOpen();
        if (milliseconds < 0)
        {
            throw new SQLException("network timeout " + milliseconds + " ms is negative", "22023");
        }
        networkTimeoutMs = milliseconds;
    }

    @Override
    public int getNetworkTimeout() throws SQLException
    {
        checkOpen();
        return networkTimeoutMs;
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

    @Override
    public CallableStatement prepareCall(final String sql) throws SQLException
    {
        throw unsupported("prepareCall", "geo has no stored procedures");
    }

    @Override
    public CallableStatement prepareCall(final String sql, final int resultSetType, final int resultSetConcurrency)
        throws SQLException
    {
        throw unsupported("prepareCall", "geo has no stored procedures");
    }

    @Override
    public CallableStatement prepareCall(
        final String sql, final int resultSetType, final int resultSetConcurrency, final int resultSetHoldability)
        throws SQLException
    {
        throw unsupported("prepareCall", "geo has no stored procedures");
    }

    @Override
    public Savepoint setSavepoint() throws SQLException
    {
        throw unsupported("setSavepoint", "there are no transactions (use a batch for atomic writes)");
    }

    @Override
    public Savepoint setSavepoint(final String name) throws SQLException
    {
        throw unsupported("setSavepoint", "there are no transactions (use a batch for atomic writes)");
    }

    @Override
    public void rollback(final Savepoint savepoint) throws SQLException
    {
        throw unsupported("rollback(Savepoint)", "there are no transactions (use a batch for atomic writes)");
    }

    @Override
    public void releaseSavepoint(final Savepoint savepoint) throws SQLException
    {
        throw unsupported("releaseSavepoint", "there are no transactions (use a batch for atomic writes)");
    }

    @Override
    public Clob createClob() throws SQLException
    {
        throw unsupported("createClob", "values are bytes (use setString or setBytes)");
    }

    @Override
    public Blob createBlob() throws SQLException
    {
        throw unsupported("createBlob", "values are bytes (use setString or setBytes)");
    }

    @Override
    public NClob createNClob() throws SQLException
    {
        throw unsupported("createNClob", "values are bytes (use setString or setBytes)");
    }

    @Override
    public SQLXML createSQLXML() throws SQLException
    {
        throw unsupported("createSQLXML", "values are bytes (use setString or setBytes)");
    }

    @Override
    public Array createArrayOf(final String typeName, final Object[] elements) throws SQLException
    {
        throw unsupported("createArrayOf", "values are bytes (use setString or setBytes)");
    }

    @Override
    public Struct createStruct(final String typeName, final Object[] attributes) throws SQLException
    {
        throw unsupported("createStruct", "values are bytes (use setString or setBytes)");
    }

    @Override
    public String toString()
    {
        return "GeoConnection[" + session.config().url + ", " + (closed ? "closed" : session.describeNode()) + "]";
    }

    GeoSession session()
    {
        return session;
    }

    /** The limits of the connected cluster (from the HELLO of the node currently connected). */
    StatementTranslator.Limits limits()
    {
        return StatementTranslator.Limits.of(session.hello());
    }

    /**
     * Executes one command after checking it against the cluster's limits; an empty command returns no results
     * without a round trip.
     *
     * @param readOnly true when the command has no writes: it then reads stale with the stale-local consistency.
     */
    List<ClientResult> execute(final List<ClientOp> ops, final boolean readOnly, final long timeoutMs)
        throws SQLException
    {
        checkOpen();
        StatementTranslator.checkLimits(ops, limits());
        if (ops.isEmpty())
        {
            return List.of();
        }
        final boolean staleRead = readOnly && consistency == DriverConfig.Consistency.STALE_LOCAL;
        return session.execute(ops, staleRead, timeoutMs);
    }

    /**
     * The deadline of a statement: its query timeout, else the request timeout; capped by the network timeout and
     * by the longest deadline a node accepts (600 s).
     */
    long timeoutMs(final int queryTimeoutSeconds)
    {
        final long timeoutMs = Math.min(DriverConfig.MAX_TIMEOUT_MS, queryTimeoutSeconds > 0 ?
            queryTimeoutSeconds * 1000L : session.config().requestTimeoutMs);
        final int capMs = networkTimeoutMs;
        return capMs > 0 ? Math.min(timeoutMs, capMs) : timeoutMs;
    }

    void checkOpen() throws SQLException
    {
        if (closed)
        {
            throw new SQLNonTransientConnectionException("connection is closed", "08003");
        }
    }

    void statementClosed(final GeoStatement statement)
    {
        synchronized (statements)
        {
            statements.remove(statement);
        }
    }

    /**
     * Parses one command.
     *
     * @throws SQLSyntaxErrorException 42601 with the parser's message (token and position).
     */
    static io.geo.client.sql.Statement parse(final String sql) throws SQLException
    {
        if (sql == null)
        {
            throw new SQLSyntaxErrorException("SQL text is null", "42601");
        }
        try
        {
            return CommandParser.parse(sql);
        }
        catch (final CommandSyntaxException ex)
        {
            throw new SQLSyntaxErrorException(ex.getMessage(), "42601", ex);
        }
    }

    static DriverConfig.Consistency parseConsistency(final String text) throws SQLException
    {
        if (text != null)
        {
            for (final DriverConfig.Consistency candidate : DriverConfig.Consistency.values())
            {
                if (candidate.text().equalsIgnoreCase(text.trim()))
                {
                    return candidate;
                }
            }
        }
        throw new SQLException("consistency '" + text + "' is invalid: expected linearizable or stale-local", "22023");
    }

    private <S extends GeoStatement> S register(final S statement)
    {
        synchronized (statements)
        {
            statements.add(statement);
        }
        return statement;
    }

    private void release()
    {
        final List<GeoStatement> open;
        synchronized (statements)
        {
            open = new ArrayList<>(statements);
            statements.clear();
        }
        for (final GeoStatement statement : open)
        {
            statement.closeQuietly();
        }
        session.close();
    }

    private static void checkResultSetKind(final int resultSetType, final int resultSetConcurrency)
        throws SQLException
    {
        if (resultSetType != ResultSet.TYPE_FORWARD_ONLY || resultSetConcurrency != ResultSet.CONCUR_READ_ONLY)
        {
            throw new SQLFeatureNotSupportedException("geo results are TYPE_FORWARD_ONLY and CONCUR_READ_ONLY " +
                "(asked for type " + resultSetType + ", concurrency " + resultSetConcurrency + ")", "0A000");
        }
    }

    private static void checkHoldability(final int holdability) throws SQLException
    {
        if (holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT && holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT)
        {
            throw new SQLException("holdability " + holdability + " is not a JDBC holdability", "22023");
        }
    }

    private static SQLFeatureNotSupportedException unsupported(final String method, final String reason)
    {
        return new SQLFeatureNotSupportedException("Connection." + method + " is not supported: " + reason, "0A000");
    }

    private static SQLClientInfoException clientInfoFailure(
        final String name, final String message, final String sqlState, final ClientInfoStatus status)
    {
        final Map<String, ClientInfoStatus> failed = new HashMap<>();
        failed.put(name, status);
        return new SQLClientInfoException(message, sqlState, failed);
    }
}
