package io.geo.bench.wan;

import io.geo.epaxos.messages.Message;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.regionlog.LogEntry;
import io.geo.epaxos.regionlog.LogMessage;
import io.geo.epaxos.regionlog.RegionLogConfig;
import io.geo.epaxos.regionlog.RegionLogNode;
import io.geo.epaxos.state.KeyValueStateMachine;
import io.geo.router.demo.MemoryLogStore;
import io.geo.router.transport.PeerTransport;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.function.BiConsumer;

/**
 * One node of the leader-based baseline: the region log ({@link RegionLogNode}) run across regions in Multi-Paxos
 * mode (no delegation: every entry goes through the leader), one node per region, each applying the chosen entries
 * to its own {@link KeyValueStateMachine}. A client command is appended at the node of the client's region and
 * answered when that node applies it. Like the sidecar's hosts, a step's messages and answers leave only after the
 * step's store writes are synced (the store is in memory here, as in the EPaxos side of the benchmark).
 *
 * <p>Single-threaded: the benchmark cluster's driver thread calls everything.
 */
final class MultiPaxosNode
{
    private static final int POLL_LIMIT = 256;
    private static final long TICK_NS = 1_000_000;

    private final int self;
    private final RegionLogNode node;
    private final MemoryLogStore store = new MemoryLogStore();
    private final KeyValueStateMachine stateMachine = new KeyValueStateMachine();
    private final PeerTransport transport;
    private final BiConsumer<Object, Result[]> onAnswer;
    private final Long2ObjectHashMap<Object> waiting = new Long2ObjectHashMap<>();
    private final ArrayList<Object[]> outbox = new ArrayList<>();
    private final ArrayList<Object[]> answers = new ArrayList<>();
    private final PeerTransport.Handler handler;
    private long nowNs;
    private long nextTickNs;

    /**
     * @param config   this node's region log settings (node id = its region), with delegation off.
     * @param onAnswer called with the token given to {@link #submit} and the command's results.
     */
    MultiPaxosNode(
        final RegionLogConfig config,
        final PeerTransport transport,
        final BiConsumer<Object, Result[]> onAnswer,
        final long nowNs)
    {
        if (config.delegation())
        {
            throw new IllegalArgumentException("the baseline runs the region log without delegation");
        }
        this.self = config.nodeId();
        this.transport = transport;
        this.onAnswer = onAnswer;
        this.nowNs = nowNs;
        this.node = new RegionLogNode(config, (to, message) -> outbox.add(new Object[] {to, message}), store,
            this::apply, 0, nowNs);
        this.handler = new PeerTransport.Handler()
        {
            @Override
            public void onMessage(final int fromNode, final Message message)
            {
                // only region log messages travel between baseline nodes
            }

            @Override
            public void onLogMessage(final int fromNode, final LogMessage message)
            {
                node.onMessage(fromNode, message, MultiPaxosNode.this.nowNs);
            }
        };
        groupCommit();
    }

    /** Appends {@code command}; {@code token} is answered once this node applied it. False when refused. */
    boolean submit(final Command command, final Object token, final long nowNs)
    {
        this.nowNs = nowNs;
        final long sequence = node.append(CommandPayload.encode(command), nowNs);
        if (sequence < 0)
        {
            return false;
        }
        waiting.put(sequence, token);
        return true;
    }

    /** One step: messages, a tick when due, then the group commit. */
    int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        int work = transport.poll(handler, POLL_LIMIT);
        if (nowNs >= nextTickNs)
        {
            nextTickNs = nowNs + TICK_NS;
            node.onTick(nowNs);
        }
        return work + groupCommit();
    }

    private int groupCommit()
    {
        if (outbox.isEmpty() && answers.isEmpty() && !store.hasUnsynced())
        {
            return 0;
        }
        store.sync();
        for (final Object[] out : outbox)
        {
            transport.send((Integer)out[0], (LogMessage)out[1]);
        }
        outbox.clear();
        node.onSynced(nowNs);
        for (final Object[] answer : answers)
        {
            onAnswer.accept(answer[0], (Result[])answer[1]);
        }
        answers.clear();
        return 1;
    }

    private void apply(final long slot, final LogEntry entry)
    {
        if (entry.isNoop())
        {
            return;
        }
        final Command command = CommandPayload.decode(entry.payload());
        final Result[] results = stateMachine.apply(slot, command);
        if (entry.origin() == self)
        {
            final Object token = waiting.remove(entry.sequence());
            if (token != null)
            {
                answers.add(new Object[] {token, results});
            }
        }
    }

    boolean isLeader()
    {
        return node.isLeader();
    }
}
