package io.geo.router.host;

import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.replica.EpaxosReplica;

/**
 * The duty cycle of one node's protocol, as the client router and the launchers see it: a flat cluster's EPaxos
 * replica ({@link ReplicaHost}) or a region group's node ({@link HydraHost}). Single-threaded: every method is called
 * from the duty-cycle thread.
 */
public interface ProtocolHost
{
    /** Where the outcomes of commands submitted at this node go (the client endpoint, the demo's clients). */
    interface Listener
    {
        /** The command's instance committed at this node (for commit latency). */
        void onCommitted(Command command, boolean fastPath);

        /** The command executed here with these results; released only after the group commit. */
        void onExecuted(Command command, Result[] results);

        /** The command was rejected and took no effect. */
        void onRejected(Command command, Rejection reason, String detail);
    }

    /** Proposes a client command on global keyspaces, led by this node; the outcome reaches the listener. */
    void submit(Command command, long nowNs);

    /**
     * Proposes a client command on a keyspace of this node's region only, ordered by the region's log; the outcome
     * reaches the listener. Only hosts of region groups have regional keyspaces.
     *
     * @throws UnsupportedOperationException if this host has none.
     */
    default void submitRegional(final Command command, final long nowNs)
    {
        throw new UnsupportedOperationException("regional keyspaces need region groups");
    }

    /** One duty-cycle step; returns the amount of work done (0 = idle, the caller may back off). */
    int doWork(long nowNs);

    /** The EPaxos replica this node runs (or its copy of its region's), for counters and checks. */
    EpaxosReplica replicaView();

    /** Group commits that synced the store. */
    long syncs();

    /** Messages the transport refused (the protocols retransmit). */
    long sendFailures();
}
