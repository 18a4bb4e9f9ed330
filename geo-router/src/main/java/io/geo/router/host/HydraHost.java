package io.geo.router.host;

import io.geo.epaxos.api.ClientResponder;
import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.api.StateMachine;
import io.geo.epaxos.hydra.HydraNode;
import io.geo.epaxos.hydra.RegionLayout;
import io.geo.epaxos.hydra.RegionTargets;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.regionlog.LogMessage;
import io.geo.epaxos.regionlog.RegionLogConfig;
import io.geo.epaxos.replica.EpaxosReplica;
import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.router.transport.PeerTransport;

import java.util.ArrayList;

/**
 * Hosts one node of a region group ({@link HydraNode}, docs/hydra.md): the duty cycle a sidecar runs when its cluster
 * has region groups. Each {@link #doWork} step delivers received messages (region log messages from the nodes of this
 * region, EPaxos messages from nodes of other regions), ticks, then group-commits: one
 * {@link SyncableLogStore#sync()} makes the step's region log writes durable, and only then do the step's messages
 * and client replies leave and the node learns the sync ({@code onSynced}).
 *
 * <p>Messages to another region go to one node of it while it answers ({@link RegionTargets}: silent for
 * {@code targetSilenceNs}, or unreachable, and the region's next node takes over with what the silent one was sent).
 *
 * <p>Single-threaded: every method is called from the duty-cycle thread.
 */
public final class HydraHost implements ProtocolHost
{
    private static final int POLL_LIMIT = 256;
    /** The region log's timers (heartbeats, retransmissions, delegated-slot fills) run at this resolution. */
    private static final long LOG_TICK_NS = 100_000;
    /** How often silent region targets are looked for when nothing is sent. */
    private static final long TARGET_CHECK_INTERVAL_NS = 10_000_000;
    /** Group commits per step at most: applying a sync can emit more (commit index writes, replies). */
    private static final int MAX_COMMITS_PER_STEP = 4;

    private final int region;
    private final RegionLayout layout;
    private final HydraNode node;
    private final SyncableLogStore store;
    private final PeerTransport transport;
    private final Listener listener;

    private final ArrayList<Object> outbox = new ArrayList<>();
    private final PendingReplies replies = new PendingReplies();
    private final RegionTargets targets;
    private long nextTargetCheckNs;
    private final PeerTransport.Handler handler;
    private long nowNs;
    private long nextTickNs;
    private long syncs;
    private long sendFailures;
    private boolean inConstructor = true;

    /** A message for a node of this region, or for a region. */
    private record LogOut(int toIndex, LogMessage message)
    {
    }

    private record RegionOut(int toRegion, Message message)
    {
    }

    /**
     * @param logConfig       this node's region log settings (node id = its index in its region).
     * @param replicaConfig   its region's EPaxos replica settings (replica id = the region), equal on every node of it.
     * @param tickIntervalNs  how often the region log leader appends a clock tick for the replica's timers.
     * @param targetSilenceNs how long a node of another region may stay silent after a send before another node of
     *                        its region is tried.
     */
    public HydraHost(
        final int selfNode,
        final RegionLayout layout,
        final RegionLogConfig logConfig,
        final ReplicaConfig replicaConfig,
        final SyncableLogStore store,
        final StateMachine stateMachine,
        final PeerTransport transport,
        final Listener listener,
        final long tickIntervalNs,
        final long targetSilenceNs,
        final long nowNs)
    {
        this(selfNode, layout, logConfig, replicaConfig, store, stateMachine, transport, listener, tickIntervalNs,
            targetSilenceNs, null, nowNs);
    }

    /**
     * A host whose node takes region snapshots ({@code snapshotting} not null; the state machine must then be a
     * {@code SnapshotStateMachine}, empty when a snapshot is restored): see {@link HydraNode.Snapshotting}.
     */
    public HydraHost(
        final int selfNode,
        final RegionLayout layout,
        final RegionLogConfig logConfig,
        final ReplicaConfig replicaConfig,
        final SyncableLogStore store,
        final StateMachine stateMachine,
        final PeerTransport transport,
        final Listener listener,
        final long tickIntervalNs,
        final long targetSilenceNs,
        final HydraNode.Snapshotting snapshotting,
        final long nowNs)
    {
        this.region = layout.regionOf(selfNode);
        this.layout = layout;
        this.store = store;
        this.transport = transport;
        this.listener = listener;
        this.nowNs = nowNs;
        final int regions = layout.regionCount();
        if (replicaConfig.replicaId() != region || replicaConfig.replicaCount() != regions)
        {
            throw new IllegalArgumentException("replica " + replicaConfig.replicaId() + " of " +
                replicaConfig.replicaCount() + " does not match node " + selfNode + " in region " + region + " of " +
                regions);
        }
        if (logConfig.nodeCount() != layout.regionSize(region) ||
            logConfig.nodeId() != layout.indexInRegion(selfNode))
        {
            throw new IllegalArgumentException("region log node " + logConfig.nodeId() + " of " +
                logConfig.nodeCount() + " does not match node " + selfNode + ", index " +
                layout.indexInRegion(selfNode) + " of " + layout.regionSize(region) + " in its region");
        }
        targets = new RegionTargets(layout, selfNode, targetSilenceNs, (to, message) ->
        {
            if (transport.send(to, message))
            {
                return true;
            }
            sendFailures++;
            return false;
        });
        this.handler = new PeerTransport.Handler()
        {
            @Override
            public void onMessage(final int fromNode, final Message message)
            {
                targets.heard(fromNode);
                node().onRegionMessage(layout.regionOf(fromNode), message, HydraHost.this.nowNs);
            }

            @Override
            public void onLogMessage(final int fromNode, final LogMessage message)
            {
                node().onLogMessage(layout.indexInRegion(fromNode), message, HydraHost.this.nowNs);
            }
        };
        // replaying the store happens here: the state machine gets every applied entry again
        this.node = new HydraNode(logConfig, replicaConfig, tickIntervalNs,
            (toIndex, message) -> outbox.add(new LogOut(toIndex, message)), store,
            (toRegion, message) -> outbox.add(new RegionOut(toRegion, message)), stateMachine, new Responder(),
            snapshotting, nowNs);
        inConstructor = false;
        groupCommit();
    }

    private HydraNode node()
    {
        return node;
    }

    /** How the node batches its clients' commands (see {@link HydraNode.Batching}); none until set. */
    public HydraHost batching(final HydraNode.Batching batching)
    {
        node.batching(batching);
        return this;
    }

    @Override
    public void submit(final Command command, final long nowNs)
    {
        this.nowNs = nowNs;
        if (!node.submit(command, nowNs))
        {
            replies.rejected(command, Rejection.OVERLOADED, "the region log has too many entries waiting");
        }
    }

    @Override
    public void submitRegional(final Command command, final long nowNs)
    {
        this.nowNs = nowNs;
        if (!node.submitRegional(command, nowNs))
        {
            replies.rejected(command, Rejection.OVERLOADED, "the region log has too many entries waiting");
        }
    }

    @Override
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        int work = transport.poll(handler, POLL_LIMIT);
        if (nowNs >= nextTickNs)
        {
            nextTickNs = nowNs + LOG_TICK_NS;
            node.onTick(nowNs);
        }
        if (nowNs >= nextTargetCheckNs)
        {
            nextTargetCheckNs = nowNs + TARGET_CHECK_INTERVAL_NS;
            targets.check(nowNs);
        }
        for (int i = 0; i < MAX_COMMITS_PER_STEP; i++)
        {
            final int done = groupCommit();
            if (0 == done)
            {
                break;
            }
            work += done;
        }
        return work;
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
            store.sync();
            syncs++;
        }
        final Object[] messages = outbox.toArray();
        outbox.clear();
        for (final Object out : messages)
        {
            if (out instanceof LogOut log)
            {
                if (!transport.send(layout.node(region, log.toIndex()), log.message()))
                {
                    sendFailures++; // the region log retransmits
                }
            }
            else
            {
                final RegionOut region = (RegionOut)out;
                targets.send(region.toRegion(), region.message(), nowNs);
            }
        }
        node.onSynced(nowNs);
        replies.release(listener);
        return 1;
    }

    /** Outcomes of commands this node's clients wait for; released after the group commit like every output. */
    private final class Responder implements ClientResponder
    {
        @Override
        public void onCommitted(final long instance, final Command command, final boolean fastPath)
        {
            if (!inConstructor)
            {
                listener.onCommitted(command, fastPath);
            }
        }

        @Override
        public void onExecuted(final long instance, final Command command, final Result[] results,
            final boolean fastPath)
        {
            replies.executed(command, results);
        }

        @Override
        public void onRejected(final Command command, final Rejection reason, final String detail)
        {
            replies.rejected(command, reason, detail);
        }
    }

    @Override
    public EpaxosReplica replicaView()
    {
        return node.replica();
    }

    /** The hosted region group node (read from the duty-cycle thread only). */
    public HydraNode nodeView()
    {
        return node;
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

    /** Messages sent again to a region's next node because its previous target went silent. */
    public long resent()
    {
        return targets.resent();
    }

    /** How often messages to a region moved to another of its nodes. */
    public long targetChanges()
    {
        return targets.targetChanges();
    }

    public RegionLayout layout()
    {
        return layout;
    }
}
