package io.geo.jdbc;

import io.geo.client.ClientOp;
import io.geo.client.ClientResult;
import io.geo.client.ClientStatus;
import io.geo.client.WireCodec;
import io.geo.client.WireMessage;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client session with the cluster: a random 63-bit client id, a request counter, and a connection to one node
 * that fails over to another when the node is unreachable or silent. Exactly-once: a write keeps its (client id,
 * request number) across every retry, on any node, so the cluster's dedup table applies it once and answers retries
 * with the recorded results. Thread-safe: one request at a time (callers queue on a lock).
 * <p>
 * Failover order: the URL's hosts in order, then nodes of the connection's region learned from the cluster, then
 * (with {@code crossRegionFailover}) nodes of other regions; with {@code discoverNodes=false} only the URL's hosts. A request is retried until its deadline: on
 * connection failures, on a node silent for {@code attemptTimeout}, and on answers that say the command took no
 * effect and may succeed later (overloaded, aborted by recovery, node shutting down).
 */
final class GeoSession implements AutoCloseable
{
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long RETRY_BACKOFF_MIN_MS = 5;
    private static final long RETRY_BACKOFF_MAX_MS = 500;

    private final DriverConfig config;
    private final long clientId;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<DriverConfig.HostPort> learned = new LinkedHashSet<>();
    private final Map<DriverConfig.HostPort, String> regions = new HashMap<>();
    private DriverConfig.HostPort current;
    private volatile NodeConnection connection;
    private WireMessage.HelloOk hello;
    private long nextRequestNumber = 1;
    private long nextCorrelation = 1;
    private volatile boolean closed;

    private GeoSession(final DriverConfig config)
    {
        this.config = config;
        // a positive multiple of SESSIONS_PER_CONNECTION: the node gives each connection a block of session ids
        final long block = (RANDOM.nextLong() & Long.MAX_VALUE) / WireCodec.SESSIONS_PER_CONNECTION;
        this.clientId = Math.max(1, block) * WireCodec.SESSIONS_PER_CONNECTION;
    }

    /** Connects to the first reachable node (in failover order) within the connect timeout of each. */
    static GeoSession open(final DriverConfig config) throws SQLException
    {
        final GeoSession session = new GeoSession(config);
        session.lock.lock();
        try
        {
            final long deadlineNs = System.nanoTime() +
                TimeUnit.MILLISECONDS.toNanos((long)config.connectTimeoutMs * Math.max(1, config.hosts.size()));
            session.connect(deadlineNs, null);
        }
        finally
        {
            session.lock.unlock();
        }
        return session;
    }

    long clientId()
    {
        return clientId;
    }

    /** The HELLO answer of the node currently connected (limits, keyspaces, region). */
    WireMessage.HelloOk hello()
    {
        return hello;
    }

    DriverConfig config()
    {
        return config;
    }

    /** The node currently connected, for messages: "node 2 (ap-northeast-1) at 127.0.0.1:29412". */
    String describeNode()
    {
        final NodeConnection c = connection;
        return c == null ? "no node" : "node " + c.hello().nodeId() + " (" + c.hello().region() + ") at " + c.address();
    }

    /**
     * Executes one command (the ops apply atomically) and returns one result per op.
     *
     * @param staleRead answer reads from the node's applied state (only for commands without writes).
     * @param timeoutMs the deadline of the whole call, retries included.
     * @throws SQLTimeoutException when the deadline passes; a write's outcome is then unknown (applied at most once).
     * @throws SQLException with a SQLState for every other failure; the command then took no effect.
     */
    List<ClientResult> execute(final List<ClientOp> ops, final boolean staleRead, final long timeoutMs)
        throws SQLException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        lockUntil(deadlineNs, timeoutMs);
        try
        {
            checkOpen();
            final long requestNumber = nextRequestNumber++;
            long backoffMs = RETRY_BACKOFF_MIN_MS;
            SQLException lastTransient = null;
            // set once an attempt ended without a definite answer after the request was written: the command may
            // then apply (at most once), so no later failure may be reported as "took no effect"
            boolean uncertain = false;
            while (true)
            {
                if (Thread.currentThread().isInterrupted())
                {
                    throw definite(uncertain, timeoutMs, ops,
                        new SQLNonTransientConnectionException("interrupted", "HY008", lastTransient));
                }
                if (System.nanoTime() >= deadlineNs)
                {
                    throw timeout(timeoutMs, ops, lastTransient);
                }
                if (connection == null || connection.isBroken())
                {
                    try
                    {
                        connect(deadlineNs, lastTransient);
                    }
                    catch (final SQLTransientConnectionException ex)
                    {
                        // the deadline passed without a node: if some node may have the request, its outcome is
                        // unknown (a timeout); if none ever got it, nothing happened and no node was reachable
                        throw definite(uncertain, timeoutMs, ops, ex);
                    }
                    catch (final SQLException ex)
                    {
                        throw definite(uncertain, timeoutMs, ops, ex);
                    }
                }
                final long remainingNs = deadlineNs - System.nanoTime();
                final long attemptNs = Math.min(remainingNs, TimeUnit.MILLISECONDS.toNanos(config.attemptTimeoutMs));
                final long correlation = nextCorrelation++;
                final int remainingMs = (int)Math.min(Integer.MAX_VALUE,
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNs)));
                final WireMessage.Request request = new WireMessage.Request(correlation, clientId, requestNumber,
                    remainingMs, staleRead, ops);
                final NodeConnection current = connection;
                final WireMessage reply;
                try
                {
                    reply = current.call(request, correlation, System.nanoTime() + attemptNs);
                }
                catch (final NodeConnection.FrameTooLargeException ex)
                {
                    throw definite(uncertain, timeoutMs, ops, new SQLException("the statement is too large to " +
                        "send: " + ex.getMessage(), "54000"));
                }
                catch (final SocketTimeoutException ex)
                {
                    uncertain = true;
                    lastTransient = new SQLTransientConnectionException(describeNode() + " did not answer within " +
                        TimeUnit.NANOSECONDS.toMillis(attemptNs) + " ms", "08006", ex);
                    connection = null;
                    continue;
                }
                catch (final IOException ex)
                {
                    uncertain = true;
                    lastTransient = new SQLTransientConnectionException("lost the connection to " + describeNode() +
                        ": " + ex.getMessage(), "08006", ex);
                    connection = null;
                    continue;
                }
                if (reply instanceof WireMessage.Error error)
                {
                    current.close();
                    connection = null;
                    if (error.status() == ClientStatus.UNAVAILABLE)
                    {
                        lastTransient = new SQLTransientConnectionException(error.message(), "08006");
                        continue;
                    }
                    throw definite(uncertain, timeoutMs, ops,
                        new SQLNonTransientConnectionException(error.message(), "08P01"));
                }
                if (!(reply instanceof WireMessage.Response response))
                {
                    current.close();
                    connection = null;
                    throw definite(true, timeoutMs, ops, new SQLNonTransientConnectionException(
                        "unexpected frame from " + describeNode() + ": " + reply.getClass().getSimpleName(), "08P01"));
                }
                switch (response.status())
                {
                    case OK:
                        if (response.results().size() != ops.size())
                        {
                            throw definite(true, timeoutMs, ops, new SQLNonTransientConnectionException(
                                "node answered " + response.results().size() + " results for " + ops.size() + " ops",
                                "08P01"));
                        }
                        return response.results();
                    case OVERLOADED:
                        lastTransient = new SQLTransientException(response.message(), "53000");
                        break;
                    case ABORTED:
                        lastTransient = new SQLTransactionRollbackException(response.message(), "40001");
                        break;
                    case UNAVAILABLE:
                        lastTransient = new SQLTransientConnectionException(response.message(), "08006");
                        current.close();
                        connection = null;
                        continue;
                    case TIMEOUT:
                        // the node gave up (its own cap, or a superseded copy): outcome unknown; if our deadline is
                        // still ahead, ask again with the same request number
                        uncertain = true;
                        lastTransient = new SQLTimeoutException(response.message(), "HYT00");
                        break;
                    case UNKNOWN_KEYSPACE:
                        throw definite(uncertain, timeoutMs, ops,
                            new SQLSyntaxErrorException(response.message(), "42P01"));
                    case MIXED_SCOPE:
                        throw definite(uncertain, timeoutMs, ops,
                            new SQLSyntaxErrorException(response.message(), "42000"));
                    case INVALID:
                        throw definite(uncertain, timeoutMs, ops, new SQLDataException(response.message(), "22023"));
                    case AUTH_FAILED:
                        throw definite(uncertain, timeoutMs, ops,
                            new SQLInvalidAuthorizationSpecException(response.message(), "28000"));
                    default:
                        throw definite(uncertain, timeoutMs, ops,
                            new SQLNonTransientConnectionException(response.message(), "08P01"));
                }
                // took no effect, or may still: back off, then retry with the same request number
                sleepUntil(Math.min(deadlineNs, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs)));
                backoffMs = Math.min(RETRY_BACKOFF_MAX_MS, backoffMs * 2);
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * {@code failure} as thrown to the application: unchanged when the command certainly took no effect; a timeout
     * (outcome unknown, applied at most once) with it as the cause when an earlier attempt may have applied it.
     */
    private static SQLException definite(
        final boolean uncertain, final long timeoutMs, final List<ClientOp> ops, final SQLException failure)
    {
        boolean writes = false;
        for (final ClientOp op : ops)
        {
            writes |= op.type().isWrite();
        }
        if (!uncertain || !writes)
        {
            return failure;
        }
        return new SQLTimeoutException("the statement failed after an earlier attempt may have reached a node, so " +
            "the write may still apply (at most once): " + failure.getMessage(), "HYT00", failure);
    }

    /** Waits for the session (one request at a time) no longer than the statement's deadline. */
    private void lockUntil(final long deadlineNs, final long timeoutMs) throws SQLException
    {
        try
        {
            if (!lock.tryLock(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS))
            {
                throw new SQLTimeoutException("the connection was busy with another statement for the whole " +
                    timeoutMs + " ms deadline", "HYT00");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new SQLNonTransientConnectionException("interrupted", "HY008", ex);
        }
    }

    /** Pings the connected node (reconnecting if needed) within {@code timeoutMs}. */
    boolean isValid(final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try
        {
            if (!lock.tryLock(timeoutMs, TimeUnit.MILLISECONDS))
            {
                return false;
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        try
        {
            if (closed)
            {
                return false;
            }
            if (connection == null || connection.isBroken())
            {
                connect(deadlineNs, null);
            }
            final long correlation = nextCorrelation++;
            return connection.call(new WireMessage.Ping(correlation), correlation, deadlineNs)
                instanceof WireMessage.Pong;
        }
        catch (final SQLException | IOException ex)
        {
            connection = null;
            return false;
        }
        finally
        {
            lock.unlock();
        }
    }

    boolean isClosed()
    {
        return closed;
    }

    /** Closes at once, also while another thread's statement is in progress (that statement then fails). */
    @Override
    public void close()
    {
        closed = true;
        final NodeConnection current = connection;
        if (current != null)
        {
            current.close();
        }
    }

    private void checkOpen() throws SQLException
    {
        if (closed)
        {
            throw new SQLNonTransientConnectionException("connection is closed", "08003");
        }
    }

    /**
     * Connects to the first candidate that answers, in failover order, going round the candidates again (after a
     * short pause) until the deadline passes: a node that is restarting may come back in time.
     */
    private void connect(final long deadlineNs, final SQLException cause) throws SQLException
    {
        final List<String> failures = new ArrayList<>();
        final WireMessage.Hello helloMessage = new WireMessage.Hello(WireCodec.VERSION, clientId, config.user,
            config.password, config.region);
        long pauseMs = RETRY_BACKOFF_MIN_MS;
        while (true)
        {
            failures.clear();
            for (final DriverConfig.HostPort candidate : candidates())
            {
                final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                if (remainingMs <= 0)
                {
                    break;
                }
                try
                {
                    final NodeConnection opened = NodeConnection.open(candidate.host(), candidate.port(),
                        helloMessage, (int)Math.min(config.connectTimeoutMs, remainingMs));
                    final WireMessage.HelloOk ok = opened.hello();
                    if (!config.region.isEmpty() && !config.region.equals(ok.region()) &&
                        !config.crossRegionFailover)
                    {
                        opened.close();
                        failures.add(candidate + " is in region " + ok.region() + ", not " + config.region +
                            " (set crossRegionFailover=true to allow it)");
                        continue;
                    }
                    connection = opened;
                    hello = ok;
                    current = candidate;
                    for (final WireMessage.NodeAddress node : ok.nodes())
                    {
                        final DriverConfig.HostPort address = new DriverConfig.HostPort(node.host(), node.port());
                        learned.add(address);
                        regions.put(address, node.region());
                    }
                    return;
                }
                catch (final NodeConnection.RefusedException ex)
                {
                    if (ex.status() == ClientStatus.AUTH_FAILED)
                    {
                        throw new SQLInvalidAuthorizationSpecException(ex.getMessage(), "28000");
                    }
                    failures.add(ex.getMessage());
                }
                catch (final IOException ex)
                {
                    failures.add(candidate + ": " + ex.getMessage());
                }
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMs) >= deadlineNs)
            {
                throw new SQLTransientConnectionException("no geo node reachable (" +
                    (failures.isEmpty() ? "deadline passed" : String.join("; ", failures)) + ")", "08001", cause);
            }
            sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMs));
            pauseMs = Math.min(RETRY_BACKOFF_MAX_MS, pauseMs * 2);
        }
    }

    /**
     * Failover order: the URL's hosts, then learned nodes of the home region, then (if allowed) every learned node;
     * the node that failed last goes to the end, so a dead node is not the first one retried.
     */
    private List<DriverConfig.HostPort> candidates()
    {
        final LinkedHashSet<DriverConfig.HostPort> ordered = new LinkedHashSet<>(config.hosts);
        final String home = !config.region.isEmpty() ? config.region : (hello == null ? "" : hello.region());
        if (config.discoverNodes)
        {
            for (final DriverConfig.HostPort node : learned)
            {
                if (home.equals(regions.get(node)))
                {
                    ordered.add(node);
                }
            }
            if (config.crossRegionFailover)
            {
                ordered.addAll(learned);
            }
        }
        if (current != null && ordered.remove(current))
        {
            ordered.add(current);
        }
        return new ArrayList<>(ordered);
    }

    private static SQLTimeoutException timeout(final long timeoutMs, final List<ClientOp> ops, final SQLException last)
    {
        boolean writes = false;
        for (final ClientOp op : ops)
        {
            writes |= op.type().isWrite();
        }
        return new SQLTimeoutException("no answer within " + timeoutMs + " ms" +
            (writes ? " (the write may still apply, at most once)" : "") +
            (last == null ? "" : "; last failure: " + last.getMessage()), "HYT00", last);
    }

    private static void sleepUntil(final long deadlineNs)
    {
        long remainingNs;
        while ((remainingNs = deadlineNs - System.nanoTime()) > 0)
        {
            try
            {
                TimeUnit.NANOSECONDS.sleep(remainingNs);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
