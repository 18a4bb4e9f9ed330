package io.geo.client;

import java.util.List;

/**
 * The frames of the client protocol between the JDBC driver and a node's client endpoint (TCP). Layout and rules:
 * {@link WireCodec} and the "Protocol" section of docs/jdbc.md.
 */
public sealed interface WireMessage
{
    /** Client to node, first frame of a connection. {@code clientId} names the session used for exactly-once. */
    record Hello(int version, long clientId, String user, String password, String region) implements WireMessage
    {
    }

    /** A node's client address, as advertised in {@link HelloOk} for failover. */
    record NodeAddress(int nodeId, String region, String host, int port)
    {
    }

    /** Node to client: the session is open; limits, keyspaces and the cluster's client addresses. */
    record HelloOk(
        int version,
        int nodeId,
        String region,
        String cluster,
        int maxOps,
        int maxKeyBytes,
        int maxValueBytes,
        List<String> keyspaces,
        List<NodeAddress> nodes) implements WireMessage
    {
    }

    /**
     * Client to node: one command. {@code correlation} matches the response; ({@code clientId},
     * {@code requestNumber}) identifies the command for exactly-once across retries and nodes.
     */
    record Request(
        long correlation,
        long clientId,
        long requestNumber,
        int timeoutMs,
        boolean staleRead,
        List<ClientOp> ops) implements WireMessage
    {
    }

    /** Node to client: the outcome of a request; results (one per op) only with {@link ClientStatus#OK}. */
    record Response(long correlation, ClientStatus status, String message, List<ClientResult> results)
        implements WireMessage
    {
    }

    /** Connection-level failure; the sender closes the connection after it. */
    record Error(ClientStatus status, String message) implements WireMessage
    {
    }

    /** Liveness probe (JDBC {@code isValid}); answered with a {@link Pong} carrying the same correlation. */
    record Ping(long correlation) implements WireMessage
    {
    }

    record Pong(long correlation) implements WireMessage
    {
    }
}
