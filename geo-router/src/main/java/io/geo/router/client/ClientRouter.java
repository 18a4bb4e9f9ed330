package io.geo.router.client;

import io.geo.client.ClientOp;
import io.geo.client.ClientResult;
import io.geo.client.ClientStatus;
import io.geo.client.WireCodec;
import io.geo.client.WireMessage;
import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.OpType;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.router.config.Keyspace;
import io.geo.router.host.ProtocolHost;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The node side of the client path: turns client requests into replicated commands and answers them. A connection
 * carries the sessions (client ids) {@code helloId .. helloId + SESSIONS_PER_CONNECTION - 1}: a pipelining client uses
 * one session per request in flight, since the writes of one session are ordered one after the other (they
 * conflict); a request for any other session is refused. For every
 * request it checks the session, the keyspaces (unknown keyspace, mixed scopes) and the limits, maps each op's key
 * into its keyspace ({@link Keyspace#replicatedKey}), then either answers a stale read from the node's applied
 * state at once or submits the command to the replica (this node leads it). The replica's outcome, released after
 * the group commit, answers every request waiting for that (client id, request number); a request still waiting at
 * its deadline is answered {@link ClientStatus#TIMEOUT} (the command may still commit, at most once). Single-
 * threaded: the duty-cycle thread calls everything.
 */
public final class ClientRouter implements ClientEndpoint.Handler, ProtocolHost.Listener
{
    /** Longest deadline a request may ask for; longer ones are cut to it. */
    public static final int MAX_REQUEST_TIMEOUT_MS = 600_000;
    /** Requests one connection may have waiting at once; more are answered OVERLOADED. */
    public static final int MAX_PENDING_PER_CLIENT = 256;
    /** Requests waiting at a node in all, connections closed since included (they wait out their deadline). */
    public static final int MAX_PENDING_TOTAL = 65_536;
    private static final int UNSET = -1;

    /** Reads the node's applied state, for stale reads. */
    @FunctionalInterface
    public interface LocalState
    {
        /** The applied value of {@code key}, or null. */
        byte[] get(Key key);
    }

    /** Commit and end-to-end latencies of requests answered here, for metrics; may be a no-op. */
    public interface LatencyRecorder
    {
        void onCommitted(long latencyNs, boolean fastPath);

        void onAnswered(long latencyNs, boolean write);
    }

    private record SessionRequest(long clientId, long requestNumber)
    {
    }

    private static final class Pending
    {
        final ClientEndpoint.Client client;
        final long correlation;
        final long deadlineNs;
        final long startNs;
        final boolean write;

        Pending(final ClientEndpoint.Client client, final long correlation, final long deadlineNs, final long startNs,
            final boolean write)
        {
            this.client = client;
            this.correlation = correlation;
            this.deadlineNs = deadlineNs;
            this.startNs = startNs;
            this.write = write;
        }
    }

    private final int nodeId;
    private final String region;
    private final String cluster;
    private final Map<String, Keyspace> keyspaces = new LinkedHashMap<>();
    private final List<WireMessage.NodeAddress> nodes;
    private final ReplicaConfig limits;
    private final int maxUserKeyBytes;
    private final byte[] clientPassword;
    private final LocalState localState;
    private final LatencyRecorder latency;
    private final HashMap<SessionRequest, ArrayList<Pending>> pending = new HashMap<>();
    private final HashMap<Long, Integer> pendingByConnection = new HashMap<>();
    private ProtocolHost host;
    private long nowNs;
    private int pendingTotal;
    private long requests;
    private long staleReads;
    private long timeouts;
    private long rejected;
    private long authFailures;

    /**
     * @param clientPassword the password clients must present, or null for none.
     * @param nodes          every node's client address, advertised for failover.
     */
    public ClientRouter(
        final int nodeId,
        final String region,
        final String cluster,
        final List<Keyspace> keyspaces,
        final List<WireMessage.NodeAddress> nodes,
        final ReplicaConfig limits,
        final byte[] clientPassword,
        final LocalState localState,
        final LatencyRecorder latency)
    {
        this.nodeId = nodeId;
        this.region = region;
        this.cluster = cluster;
        int longestPrefix = 0;
        for (final Keyspace keyspace : keyspaces)
        {
            this.keyspaces.put(keyspace.name(), keyspace);
            longestPrefix = Math.max(longestPrefix, keyspace.prefixBytes());
        }
        this.nodes = List.copyOf(nodes);
        this.limits = limits;
        this.maxUserKeyBytes = limits.maxKeyBytes() - longestPrefix;
        // every answer must fit in a frame: one result per op, each up to a value
        final long worstResponseBytes = 64L + (long)limits.maxOpsPerCommand() * (5L + limits.maxValueBytes());
        if (worstResponseBytes > WireCodec.MAX_FRAME_BYTES)
        {
            throw new IllegalArgumentException("maxOpsPerCommand x maxValueBytes (" + limits.maxOpsPerCommand() +
                " x " + limits.maxValueBytes() + ") allows answers of " + worstResponseBytes + " bytes, more than " +
                "the client protocol's frame limit of " + WireCodec.MAX_FRAME_BYTES);
        }
        this.clientPassword = clientPassword == null ? null : clientPassword.clone();
        this.localState = Objects.requireNonNull(localState, "localState");
        this.latency = Objects.requireNonNull(latency, "latency");
    }

    /** Connects the router to the replica host it submits to (the host is built with this router as listener). */
    public void host(final ProtocolHost host)
    {
        this.host = host;
    }

    /** The duty cycle's clock, read once per step. */
    public void now(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    @Override
    public WireMessage onHello(final ClientEndpoint.Client client, final WireMessage.Hello hello)
    {
        if (hello.version() != WireCodec.VERSION)
        {
            return new WireMessage.Error(ClientStatus.PROTOCOL_ERROR, "client protocol version " + hello.version() +
                " is not supported; this node speaks version " + WireCodec.VERSION);
        }
        if (hello.clientId() <= 0 || hello.clientId() % WireCodec.SESSIONS_PER_CONNECTION != 0)
        {
            return new WireMessage.Error(ClientStatus.PROTOCOL_ERROR, "client id " + hello.clientId() + " is not " +
                "a positive multiple of " + WireCodec.SESSIONS_PER_CONNECTION + " (a connection's sessions are the " +
                "next " + WireCodec.SESSIONS_PER_CONNECTION + " ids)");
        }
        if (clientPassword != null &&
            !MessageDigest.isEqual(clientPassword, hello.password().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        {
            authFailures++;
            return new WireMessage.Error(ClientStatus.AUTH_FAILED, "password refused for user '" + hello.user() + "'");
        }
        return new WireMessage.HelloOk(WireCodec.VERSION, nodeId, region, cluster, limits.maxOpsPerCommand(),
            maxUserKeyBytes, limits.maxValueBytes(), List.copyOf(keyspaces.keySet()), nodes);
    }

    @Override
    public void onRequest(final ClientEndpoint.Client client, final WireMessage.Request request)
    {
        requests++;
        if (Long.compareUnsigned(request.clientId() - client.sessionId(), WireCodec.SESSIONS_PER_CONNECTION) >= 0)
        {
            client.refuse(new WireMessage.Error(ClientStatus.PROTOCOL_ERROR, "request for client " +
                request.clientId() + " on a connection whose sessions are " + client.sessionId() + ".." +
                (client.sessionId() + WireCodec.SESSIONS_PER_CONNECTION - 1)));
            return;
        }
        final Refusal refusal = check(request);
        if (refusal != null)
        {
            rejected++;
            answer(client, request.correlation(), refusal.status(), refusal.message());
            return;
        }
        final Command command = toCommand(request);
        if (command.encodedSize() > limits.maxCommandBytes())
        {
            rejected++;
            answer(client, request.correlation(), ClientStatus.INVALID, "the command is " + command.encodedSize() +
                " bytes encoded; the limit is " + limits.maxCommandBytes());
            return;
        }
        if (request.staleRead() && command.isReadOnly())
        {
            staleReads++;
            final List<ClientResult> results = new ArrayList<>(command.opCount());
            for (int i = 0; i < command.opCount(); i++)
            {
                final byte[] value = localState.get(command.op(i).key());
                results.add(new ClientResult(value != null, value));
            }
            client.send(new WireMessage.Response(request.correlation(), ClientStatus.OK, "", results));
            return;
        }
        final int waiting = pendingByConnection.getOrDefault(client.id(), 0);
        if (waiting >= MAX_PENDING_PER_CLIENT || pendingTotal >= MAX_PENDING_TOTAL)
        {
            rejected++;
            answer(client, request.correlation(), ClientStatus.OVERLOADED, "connection has " + waiting +
                " requests waiting (limit " + MAX_PENDING_PER_CLIENT + "), the node " + pendingTotal + " (limit " +
                MAX_PENDING_TOTAL + ")");
            return;
        }
        final long timeoutMs = Math.min(Math.max(1, request.timeoutMs()), MAX_REQUEST_TIMEOUT_MS);
        final SessionRequest id = new SessionRequest(request.clientId(), request.requestNumber());
        final boolean alreadyWaiting = pending.containsKey(id);
        pending.computeIfAbsent(id, ignore -> new ArrayList<>(1)).add(new Pending(client, request.correlation(),
            nowNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs), nowNs, !command.isReadOnly()));
        pendingByConnection.merge(client.id(), 1, Integer::sum);
        pendingTotal++;
        if (!alreadyWaiting)
        {
            // a retry of a request this node is still working on waits for the same outcome
            if (keyspaces.get(request.ops().get(0).keyspace()).isRegional())
            {
                host.submitRegional(command, nowNs);
            }
            else
            {
                host.submit(command, nowNs);
            }
        }
    }

    /** Why a request is refused before it is submitted. */
    private record Refusal(ClientStatus status, String message)
    {
        static Refusal invalid(final String message)
        {
            return new Refusal(ClientStatus.INVALID, message);
        }
    }

    private Refusal check(final WireMessage.Request request)
    {
        final List<ClientOp> ops = request.ops();
        if (ops.isEmpty())
        {
            return Refusal.invalid("a request needs at least one op");
        }
        if (ops.size() > limits.maxOpsPerCommand())
        {
            return Refusal.invalid("request has " + ops.size() + " ops; the limit is " + limits.maxOpsPerCommand());
        }
        Keyspace.Scope scope = null;
        String scopeRegion = null;
        for (int i = 0; i < ops.size(); i++)
        {
            final ClientOp op = ops.get(i);
            final Keyspace keyspace = keyspaces.get(op.keyspace());
            if (keyspace == null)
            {
                return new Refusal(ClientStatus.UNKNOWN_KEYSPACE, "unknown keyspace '" + op.keyspace() +
                    "' (this cluster has: " + String.join(", ", keyspaces.keySet()) + ")");
            }
            if (scope != null && scope != keyspace.scope())
            {
                return new Refusal(ClientStatus.MIXED_SCOPE, "mixed scopes: one command cannot touch " +
                    scope.name().toLowerCase() + " and " + keyspace.scope().name().toLowerCase() + " keyspaces");
            }
            if (keyspace.isRegional())
            {
                if (scopeRegion != null && !scopeRegion.equals(keyspace.region()))
                {
                    return new Refusal(ClientStatus.MIXED_SCOPE, "mixed scopes: one command cannot touch the " +
                        "keyspaces of two regions (" + scopeRegion + " and " + keyspace.region() + ")");
                }
                if (!keyspace.region().equals(region))
                {
                    return Refusal.invalid("keyspace '" + keyspace.name() + "' belongs to region " +
                        keyspace.region() + " and only its nodes serve it; this node is in " + region +
                        ": connect to a node of " + keyspace.region());
                }
                scopeRegion = keyspace.region();
            }
            scope = keyspace.scope();
            if (op.key().length > maxUserKeyBytes)
            {
                return Refusal.invalid("key of op " + (i + 1) + " has " + op.key().length + " bytes; the limit is " +
                    maxUserKeyBytes);
            }
            final boolean needsValue = op.type() == ClientOp.Type.PUT || op.type() == ClientOp.Type.CAS;
            if (needsValue != (op.value() != null))
            {
                return Refusal.invalid("op " + (i + 1) + " (" + op.type() + ") " +
                    (needsValue ? "needs a value" : "takes no value"));
            }
            if (op.expected() != null && op.type() != ClientOp.Type.CAS)
            {
                return Refusal.invalid("op " + (i + 1) + " (" + op.type() + ") takes no expected value");
            }
            final int valueBytes = Math.max(op.value() == null ? 0 : op.value().length,
                op.expected() == null ? 0 : op.expected().length);
            if (valueBytes > limits.maxValueBytes())
            {
                return Refusal.invalid("value of op " + (i + 1) + " has " + valueBytes + " bytes; the limit is " +
                    limits.maxValueBytes());
            }
        }
        if (!request.staleRead())
        {
            return null;
        }
        for (final ClientOp op : ops)
        {
            if (op.type().isWrite())
            {
                return Refusal.invalid("a stale read cannot write (op " + op.type() + ")");
            }
        }
        return null;
    }

    private Command toCommand(final WireMessage.Request request)
    {
        final Op[] ops = new Op[request.ops().size()];
        for (int i = 0; i < ops.length; i++)
        {
            final ClientOp op = request.ops().get(i);
            final Key key = Key.wrap(keyspaces.get(op.keyspace()).replicatedKey(op.key()));
            ops[i] = Op.of(OpType.fromCode(op.type().code()), key, op.value(), op.expected(), op.delta());
        }
        return Command.of(request.clientId(), request.requestNumber(), ops);
    }

    /** Answers requests past their deadline with TIMEOUT; call on a slow tick. */
    public void expire(final long nowNs)
    {
        final Iterator<Map.Entry<SessionRequest, ArrayList<Pending>>> entries = pending.entrySet().iterator();
        while (entries.hasNext())
        {
            final ArrayList<Pending> waiters = entries.next().getValue();
            final Iterator<Pending> it = waiters.iterator();
            while (it.hasNext())
            {
                final Pending p = it.next();
                if (nowNs >= p.deadlineNs)
                {
                    it.remove();
                    timeouts++;
                    released(p.client);
                    answer(p.client, p.correlation, ClientStatus.TIMEOUT, "node " + nodeId + " (" + region +
                        ") did not see the command execute before the deadline");
                }
            }
            if (waiters.isEmpty())
            {
                entries.remove();
            }
        }
    }

    @Override
    public void onClosed(final ClientEndpoint.Client client)
    {
        pendingByConnection.remove(client.id());
        // its waiting requests stay until they execute or expire; sends to a closed client are ignored
    }

    @Override
    public void onCommitted(final Command command, final boolean fastPath)
    {
        final ArrayList<Pending> waiters = pending.get(new SessionRequest(command.clientId(), command.requestNumber()));
        if (waiters != null && !waiters.isEmpty())
        {
            latency.onCommitted(nowNs - waiters.get(0).startNs, fastPath);
        }
    }

    @Override
    public void onExecuted(final Command command, final Result[] results)
    {
        final ArrayList<Pending> waiters = pending.remove(new SessionRequest(command.clientId(),
            command.requestNumber()));
        if (waiters == null)
        {
            return; // a command recovered here for another node, or answered already
        }
        if (results.length > 0 && results[0].isSuperseded())
        {
            // the client had moved on to later requests before this one executed: it was not applied, and saying
            // OK (or reporting "not found") would be a wrong answer
            for (final Pending p : waiters)
            {
                released(p.client);
                answer(p.client, p.correlation, ClientStatus.TIMEOUT, "request " + command.requestNumber() +
                    " of client " + command.clientId() + " was superseded by a later request of the same client " +
                    "and not applied");
            }
            return;
        }
        final List<ClientResult> answer = new ArrayList<>(results.length);
        for (final Result result : results)
        {
            answer.add(new ClientResult(result.ok(), result.value()));
        }
        for (final Pending p : waiters)
        {
            released(p.client);
            latency.onAnswered(nowNs - p.startNs, p.write);
            p.client.send(new WireMessage.Response(p.correlation, ClientStatus.OK, "", answer));
        }
    }

    @Override
    public void onRejected(final Command command, final Rejection reason, final String detail)
    {
        final ArrayList<Pending> waiters = pending.remove(new SessionRequest(command.clientId(),
            command.requestNumber()));
        if (waiters == null)
        {
            return;
        }
        final ClientStatus status = switch (reason)
        {
            case INVALID -> ClientStatus.INVALID;
            case OVERLOADED -> ClientStatus.OVERLOADED;
            case ABORTED -> ClientStatus.ABORTED;
        };
        rejected++;
        for (final Pending p : waiters)
        {
            released(p.client);
            answer(p.client, p.correlation, status, detail);
        }
    }

    private void released(final ClientEndpoint.Client client)
    {
        pendingTotal--;
        pendingByConnection.computeIfPresent(client.id(), (k, v) -> v <= 1 ? null : v - 1);
    }

    private static void answer(
        final ClientEndpoint.Client client, final long correlation, final ClientStatus status, final String message)
    {
        client.send(new WireMessage.Response(correlation, status, message, List.of()));
    }

    /** Requests waiting for their command's outcome. */
    public int pendingCount()
    {
        int count = 0;
        for (final ArrayList<Pending> waiters : pending.values())
        {
            count += waiters.size();
        }
        return count;
    }

    public long requestCount()
    {
        return requests;
    }

    public long staleReadCount()
    {
        return staleReads;
    }

    public long timeoutCount()
    {
        return timeouts;
    }

    public long rejectedCount()
    {
        return rejected;
    }

    public long authFailureCount()
    {
        return authFailures;
    }
}
