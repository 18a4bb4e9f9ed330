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
    private final int maxCommandBytes;
    private int batchMaxCommands = 1;
    /** Commands submitted since the last step, proposed together at the next one. */
    private final ArrayList<Command> batch = new ArrayList<>();

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
        this.maxCommandBytes = config.maxCommandBytes();
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

    /**
     * Batches client commands: those submitted between two {@link #doWork} steps go in one instance (up to
     * {@code maxCommands} and the replica's command size limit each), so under load one message carries many; 1, the
     * initial setting: each command its own instance.
     */
    public ReplicaHost batching(final int maxCommands)
    {
        if (maxCommands < 1 || maxCommands > Command.MAX_BATCH_MEMBERS)
        {
            throw new IllegalArgumentException("maxCommands=" + maxCommands + " is invalid: expected 1.." +
                Command.MAX_BATCH_MEMBERS);
        }
        this.batchMaxCommands = maxCommands;
        return this;
    }

    /**
     * Proposes a client command with this node as command leader (with batching, at the next {@link #doWork} step,
     * with the others submitted before it); the outcome reaches the listener.
     */
    @Override
    public void submit(final Command command, final long nowNs)
    {
        this.nowNs = nowNs;
        if (batchMaxCommands == 1)
        {
            replica.submit(command, nowNs);
        }
        else
        {
            batch.add(command);
        }
    }

    /** Proposes the commands submitted since the last step, in batches. */
    private int proposeBatches()
    {
        if (batch.isEmpty())
        {
            return 0;
        }
        int from = 0;
        while (from < batch.size())
        {
            final int to = from + Command.batchSize(batch.subList(from, batch.size()), batchMaxCommands,
                maxCommandBytes);
            replica.submit(to - from == 1 ? batch.get(from) : Command.batch(batch.subList(from, to)), nowNs);
            from = to;
        }
        batch.clear();
        return 1;
    }

    @Override
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        int work = proposeBatches();
        work += transport.poll(handler, POLL_LIMIT);
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
