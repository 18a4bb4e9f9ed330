package io.geo.epaxos.api;

import io.geo.epaxos.messages.Message;

/**
 * Where a replica's outbound messages go. Contract for hosts: messages emitted during one input call
 * ({@code onMessage}, {@code onTick}, {@code submit}) must not leave the node before every {@link DurableStore} write
 * made during that same call is durable (group commit: sync once, then release the call's messages).
 */
@FunctionalInterface
public interface MessageSink
{
    /** Non-blocking; delivery is best effort (the protocol retransmits). */
    void send(int toReplica, Message message);
}
