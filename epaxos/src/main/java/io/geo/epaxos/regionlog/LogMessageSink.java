package io.geo.epaxos.regionlog;

/** Where a region log node's messages go; released only after the call's store writes are durable. */
@FunctionalInterface
public interface LogMessageSink
{
    /** Non-blocking, best effort (the protocol retransmits). */
    void send(int toNode, LogMessage message);
}
