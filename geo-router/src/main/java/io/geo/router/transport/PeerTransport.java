package io.geo.router.transport;

import io.geo.epaxos.messages.Message;
import io.geo.epaxos.regionlog.LogMessage;

/**
 * Carries replication messages between the nodes of a cluster. Implementations: Aeron between processes, the
 * real-time WAN emulator inside one JVM. Used from a single duty-cycle thread; not thread-safe unless stated.
 */
public interface PeerTransport extends AutoCloseable
{
    /** Receives messages that passed decoding and authentication. */
    @FunctionalInterface
    interface Handler
    {
        void onMessage(int fromNode, Message message);

        /** A region log message from {@code fromNode} (a cluster node id) of this node's region. */
        default void onLogMessage(final int fromNode, final LogMessage message)
        {
        }
    }

    /**
     * Queues {@code message} for node {@code toNode}. Non-blocking: returns false when it cannot be queued now (not
     * connected, back pressure, too large); the protocol retransmits, so callers count and move on.
     */
    boolean send(int toNode, Message message);

    /**
     * Queues a region log message for {@code toNode}, a node of this node's region; as {@link #send}. Transports of
     * flat clusters carry none: false.
     */
    default boolean send(final int toNode, final LogMessage message)
    {
        return false;
    }

    /** Delivers up to {@code limit} received messages to {@code handler}; returns how many. Non-blocking. */
    int poll(Handler handler, int limit);

    /** Releases sockets, buffers and threads; idempotent. */
    @Override
    void close();
}
