package io.geo.epaxos.api;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;

/** Receives the outcome of commands submitted at this replica. Replies obey the release rule of {@link MessageSink}. */
public interface ClientResponder
{
    /**
     * The command's instance committed (its position in the order is decided); execution follows once its
     * dependencies are executed. For metrics: commit latency. Default: ignore.
     */
    default void onCommitted(final long instance, final Command command, final boolean fastPath)
    {
    }

    /** The command was executed at this replica with these per-op results. */
    void onExecuted(long instance, Command command, Result[] results, boolean fastPath);

    /** The command was not and will never be executed. */
    void onRejected(Command command, Rejection reason, String detail);
}
