package io.geo.router.host;

import io.geo.epaxos.api.ClientResponder;
import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.api.StateMachine;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.replica.EpaxosReplica;
import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.router.transport.PeerTransport;

import java.util.ArrayList;

/**
 * Hosts one EPaxos replica: the duty cycle that a sidecar agent (over Aeron) and the embedded demo (over the
 * in-JVM WAN) share. Each {@link #doWork} step delivers received messages, ticks on schedule, then group-commits:
 * one {@link SyncableStore#sync()} makes every write of the step durable, and only then do the step's messages and
 * client replies leave, and the replica learns the sync ({@code onSynced}) so committed instances may execute.
 * Single-threaded: every method is called from the duty-cycle thread.
 */
public final class ReplicaHost implements ProtocolHost, ClientResponder
{
    private static final int POLL_LIMIT = 256;

    private final int nodeId;
    private final EpaxosReplica replica;
    private final SyncableStore store;
    private final PeerTransport transport;
    private final Listener listener;
    private final long tickIntervalNs;
    private final ArrayList<Object[]> outbox = new ArrayList<>();
    private final PendingReplies replies = new PendingReplies();
    private final PeerTransport.Handler handler;
    private long nowNs;
    private long nextTickNs;
    private long syncs;
    private long sendFailures;

    public ReplicaHost(
        final ReplicaConfig config,
        final SyncableStore store,
        final StateMachine stateMachine,
        final PeerTransport transport,
        final Listener listener,
        final long tickIntervalNs,
        final long nowNs)
    {
        this.nodeId = config.replicaId();
        this.store = store;
        this.transport = transport;
        this.listener = listener;
        this.tickIntervalNs = tickIntervalNs;
        this.nowNs = nowNs;
        this.handler = (from, message) -> replica().onMessage(from, message, this.nowNs);
        this.replica = new EpaxosReplica(config, (to, message) -> outbox.add(new Object[] {to, message}), store,
            stateMachine, this, nowNs);
        groupCommit();
    }

    private EpaxosReplica replica()
    {
        return replica;
    }

    /** Proposes a client command with this node as command leader; the outcome reaches the listener. */
    @Override
    public void submit(final Command command, final long nowNs)
    {
        this.nowNs = nowNs;
        replica.submit(command, nowNs);
    }

    @Override
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        int work = transport.poll(handler, POLL_LIMIT);
        if (nowNs >= nextTickNs)
        {
            // a tick is not work by itself: what it sends or writes counts in the group commit below, so an idle
            // node's duty cycle can slow down between ticks
            nextTickNs = nowNs + tickIntervalNs;
            replica.onTick(nowNs);
        }
        return work + groupCommit();
    }

    /** Syncs the writes made so far, then releases what they guard. Returns 1 if there was anything to do. */
    private int groupCommit()
    {
        if (outbox.isEmpty() && replies.isEmpty() && !store.hasUnsynced())
        {
            return 0;
        }
        if (store.hasUnsynced())
        {
            // Messages of a step that wrote nothing (gossip, duplicate replies) guard no write: no sync for them.
            store.sync();
            syncs++;
        }
        for (final Object[] out : outbox)
        {
            if (!transport.send((Integer)out[0], (Message)out[1]))
            {
                sendFailures++; // the protocol retransmits
            }
        }
        outbox.clear();
        replica.onSynced(nowNs);
        replies.release(listener);
        return 1;
    }

    @Override
    public void onCommitted(final long instance, final Command command, final boolean fastPath)
    {
        listener.onCommitted(command, fastPath);
    }

    @Override
    public void onExecuted(final long instance, final Command command, final Result[] results, final boolean fast)
    {
        replies.executed(command, results);
    }

    @Override
    public void onRejected(final Command command, final Rejection reason, final String detail)
    {
        replies.rejected(command, reason, detail);
    }

    public int nodeId()
    {
        return nodeId;
    }

    /** The hosted replica, for counters and convergence checks (read from the duty-cycle thread only). */
    @Override
    public EpaxosReplica replicaView()
    {
        return replica;
    }

    @Override
    public long syncs()
    {
        return syncs;
    }

    @Override
    public long sendFailures()
    {
        return sendFailures;
    }
}
