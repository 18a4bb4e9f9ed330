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
    /** Applies {@code command} (never a no-op nor a batch) and returns one result per op. */
    Result[] apply(long instance, Command command);

    /**
     * Applies the command an instance carries (never the no-op): a plain command, or each member of a batch in
     * order ({@link Command#batch}). Returns one result array per member. The default applies the members one by one
     * through {@link #apply}; hosts override it to see the instance whole.
     */
    default Result[][] applyAll(final long instance, final Command command)
    {
        final Result[][] results = new Result[command.memberCount()][];
        for (int i = 0; i < results.length; i++)
        {
            results[i] = apply(instance, command.member(i));
        }
        return results;
    }
}
