package io.geo.epaxos.regionlog;

/** Receives chosen entries in slot order, each slot exactly once per life of the node (no-ops included). */
@FunctionalInterface
public interface LogApplier
{
    void apply(long slot, LogEntry entry);
}
