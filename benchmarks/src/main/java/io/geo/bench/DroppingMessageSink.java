package io.geo.bench;

import io.geo.epaxos.api.MessageSink;
import io.geo.epaxos.messages.Message;

/**
 * A {@link MessageSink} that drops every message. It keeps a reference to the last one and counts them, so the JIT
 * cannot prove a message unused and scalar-replace its allocation away: a production sink encodes or queues every
 * message, and the benchmarks must see the allocations the replica really makes. Allocates nothing itself.
 */
final class DroppingMessageSink implements MessageSink
{
    private Message lastMessage;
    private long sent;

    @Override
    public void send(final int toReplica, final Message message)
    {
        lastMessage = message;
        sent++;
    }

    Message lastMessage()
    {
        return lastMessage;
    }

    long sent()
    {
        return sent;
    }
}
