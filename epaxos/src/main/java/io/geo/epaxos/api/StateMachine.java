package io.geo.epaxos.api;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;

/**
 * The replicated state the replica applies committed commands to, in execution order. Must be deterministic, and
 * idempotent per (client id, request number) for writes: applying a write whose request was already applied returns
 * the recorded results and changes nothing (the dedup table is part of the replicated state). The replica applies
 * only commands whose commit is durable, so the state machine may persist its changes at any time; after a crash
 * the replica re-applies commands whose execution it had not recorded durably, which the dedup table makes harmless.
 */
@FunctionalInterface
public interface StateMachine
{
    /** Applies {@code command} (never a no-op) and returns one result per op. */
    Result[] apply(long instance, Command command);
}
