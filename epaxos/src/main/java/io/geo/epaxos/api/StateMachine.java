package io.geo.epaxos.api;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;

/**
 * The replicated state the replica applies committed commands to, in execution order. Must be deterministic, and
 * idempotent per (client id, request number): applying a command whose request was already applied returns the
 * recorded results and changes nothing (the dedup table is part of the replicated state). Its changes are durable
 * under the same rule as {@link DurableStore} writes.
 */
@FunctionalInterface
public interface StateMachine
{
    /** Applies {@code command} (never a no-op) and returns one result per op. */
    Result[] apply(long instance, Command command);
}
