package io.geo.epaxos.hydra;

import io.geo.epaxos.messages.Commit;
import io.geo.epaxos.messages.Message;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Which node of another region a node sends that region's messages to (docs/hydra.md, "In the sidecar"): one node per
 * region, the same one while it answers. A node that was sent something and has not been heard from for
 * {@code silenceNs}, or that the transport cannot reach, is replaced by its region's next node, which also gets every
 * Commit sent to the silent one since it was last heard from: a dead node may have swallowed a Commit, which EPaxos
 * never sends again, and the region would otherwise learn of it only by recovering the instance (other messages are
 * retransmitted by their proposer, or answer a request that is). EPaxos messages are idempotent, so a copy that
 * arrives twice does no harm. The node a message reaches appends it to its region's log and
 * answers it, so a live target is heard from within a round trip.
 *
 * <p>Deterministic and single-threaded: time is passed in; the host calls {@link #heard} for every message received
 * from another region's node and {@link #check} now and then.
 */
public final class RegionTargets
{
    /** The transport: false if it cannot take the message for {@code toNode} now. */
    @FunctionalInterface
    public interface NodeSink
    {
        boolean send(int toNode, Message message);
    }

    /** Messages kept per node until it is heard from; older ones are left to retransmission and recovery. */
    public static final int MAX_UNHEARD = 4096;

    private final int selfRegion;
    private final long silenceNs;
    private final NodeSink sink;
    private final RegionLayout layout;
    /** Per region, the index within it of the node its messages go to. */
    private final int[] target;
    /** Per node, when something was first sent to it since it was last heard from (Long.MAX_VALUE: nothing). */
    private final long[] unansweredSinceNs;
    /** Per node, the Commits sent to it since it was last heard from. */
    private final ArrayDeque<Message>[] unheard;
    private long nowNs;
    private long resent;
    private long targetChanges;
    private long refused;

    /**
     * @param layout    the cluster's nodes by region; node {@code selfNode} is this one.
     * @param silenceNs how long a node may stay silent after a send before its region's next node is tried.
     */
    public RegionTargets(final RegionLayout layout, final int selfNode, final long silenceNs, final NodeSink sink)
    {
        this.layout = layout;
        this.selfRegion = layout.regionOf(selfNode);
        this.silenceNs = silenceNs;
        this.sink = sink;
        target = new int[layout.regionCount()];
        for (int region = 0; region < target.length; region++)
        {
            // spread the senders over a region's nodes: node i of a region starts with node i of the others
            target[region] = layout.regionSize(region) == 0 ? 0 :
                layout.indexInRegion(selfNode) % layout.regionSize(region);
        }
        unansweredSinceNs = new long[layout.nodeCount()];
        Arrays.fill(unansweredSinceNs, Long.MAX_VALUE);
        @SuppressWarnings("unchecked")
        final ArrayDeque<Message>[] queues = new ArrayDeque[layout.nodeCount()];
        for (int node = 0; node < queues.length; node++)
        {
            queues[node] = new ArrayDeque<>();
        }
        unheard = queues;
    }

    /** Sends {@code message} to region {@code toRegion}'s current target, or its next node if that one is silent. */
    public void send(final int toRegion, final Message message, final long nowNs)
    {
        this.nowNs = nowNs;
        final int size = layout.regionSize(toRegion);
        // one more attempt than nodes: a region of one node that was silent is tried again after the reset
        for (int attempt = 0; attempt <= size; attempt++)
        {
            final int to = layout.node(toRegion, target[toRegion]);
            if (isSilent(to))
            {
                nextTarget(toRegion);
                continue;
            }
            if (sink.send(to, message))
            {
                sentUnheard(to, message);
                return;
            }
            if (size == 1)
            {
                break; // unreachable, and nothing else to try
            }
            nextTarget(toRegion);
        }
        refused++; // no node of that region took it now: EPaxos retransmits
    }

    /** A message arrived from {@code fromNode}: it is alive, and what it was sent needs no resending. */
    public void heard(final int fromNode)
    {
        unansweredSinceNs[fromNode] = Long.MAX_VALUE;
        if (!unheard[fromNode].isEmpty())
        {
            unheard[fromNode].clear();
        }
    }

    /** Moves off every region's target that stayed silent, even if nothing new is sent to its region. */
    public void check(final long nowNs)
    {
        this.nowNs = nowNs;
        for (int region = 0; region < target.length; region++)
        {
            if (region != selfRegion && layout.regionSize(region) > 0 &&
                isSilent(layout.node(region, target[region])))
            {
                nextTarget(region);
            }
        }
    }

    private void nextTarget(final int region)
    {
        final int size = layout.regionSize(region);
        final int from = layout.node(region, target[region]);
        if (size == 1)
        {
            // a region of one node: nothing else to try; EPaxos retransmits, recovery covers a lost Commit
            unheard[from].clear();
            unansweredSinceNs[from] = Long.MAX_VALUE;
            return;
        }
        target[region] = (target[region] + 1) % size;
        final int to = layout.node(region, target[region]);
        unansweredSinceNs[to] = Long.MAX_VALUE;
        targetChanges++;
        final ArrayDeque<Message> moved = unheard[from];
        unheard[from] = new ArrayDeque<>();
        unansweredSinceNs[from] = Long.MAX_VALUE;
        for (final Message message : moved)
        {
            if (sink.send(to, message))
            {
                resent++;
                sentUnheard(to, message);
            }
        }
    }

    private boolean isSilent(final int node)
    {
        return unansweredSinceNs[node] != Long.MAX_VALUE && nowNs - unansweredSinceNs[node] > silenceNs;
    }

    private void sentUnheard(final int to, final Message message)
    {
        if (unansweredSinceNs[to] == Long.MAX_VALUE)
        {
            unansweredSinceNs[to] = nowNs;
        }
        if (!(message instanceof Commit))
        {
            // requests are retransmitted by their proposer, and a lost reply comes again with the retransmission:
            // resending them would only flood the next node's region log (and do so again after every partition)
            return;
        }
        final ArrayDeque<Message> queue = unheard[to];
        if (queue.size() == MAX_UNHEARD)
        {
            queue.pollFirst();
        }
        queue.addLast(message);
    }

    /** The node region {@code region}'s messages go to now. */
    public int target(final int region)
    {
        return layout.node(region, target[region]);
    }

    /** Messages sent again to a region's next node because its previous target went silent. */
    public long resent()
    {
        return resent;
    }

    /** How often messages to a region moved to another of its nodes. */
    public long targetChanges()
    {
        return targetChanges;
    }

    /** Messages no node of their region took (the transport refused them all). */
    public long refused()
    {
        return refused;
    }
}
