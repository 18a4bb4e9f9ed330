package io.geo.bench;

import io.geo.epaxos.regionlog.LogEntry;
import io.geo.epaxos.regionlog.LogMessage;
import io.geo.epaxos.regionlog.RegionLogConfig;
import io.geo.epaxos.regionlog.RegionLogNode;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A region log group of {@value #NODE_COUNT} {@link RegionLogNode}s driven in one thread, for the benchmarks: no
 * codec and no network. Messages go into one bounded FIFO queue and are handed to the receiver as the very objects
 * the sender built. The stores are {@link DroppingLogStore}s, and the appliers only count and checksum what they
 * apply.
 *
 * <p>Time is synthetic and advances in rounds. A round delivers every message queued when it starts (messages sent
 * during the round wait for the next one), then calls {@code onSynced} on every node (the dropping store is durable
 * at once), then advances the clock by {@link #ROUND_NS}. Every {@value #ROUNDS_PER_TICK}th round also calls
 * {@code onTick} on every node, that is once per {@link #TICK_INTERVAL_NS} of synthetic time, as the simulator does.
 * Allocates nothing per message itself.
 */
final class BenchRegionLogGroup
{
    static final int NODE_COUNT = 3;
    /** One round is one one-way hop: the simulator's LAN link latency. */
    static final long ROUND_NS = TimeUnit.MICROSECONDS.toNanos(100);
    static final int ROUNDS_PER_TICK = 10;
    static final long TICK_INTERVAL_NS = ROUND_NS * ROUNDS_PER_TICK;
    /** Messages in flight at once; more is a harness error. */
    static final int QUEUE_CAPACITY = 1 << 16;
    /** Bound on the rounds of one election in {@link #elect()}: 10 s of synthetic time. */
    static final int MAX_ELECTION_ROUNDS = 100_000;
    /** Rounds the group keeps running after a leader is elected, so its heartbeat and grants reach everyone. */
    static final int SETTLE_ROUNDS = 100;
    private static final long START_NS = 1_000_000_000L;

    private final RegionLogNode[] nodes = new RegionLogNode[NODE_COUNT];
    private final DroppingLogStore[] stores = new DroppingLogStore[NODE_COUNT];
    private final long[] appliedEntries = new long[NODE_COUNT];
    private final long[] appliedSlots = new long[NODE_COUNT];
    private final long[] appliedChecksum = new long[NODE_COUNT];

    private final int[] queueFrom = new int[QUEUE_CAPACITY];
    private final int[] queueTo = new int[QUEUE_CAPACITY];
    private final LogMessage[] queueMessage = new LogMessage[QUEUE_CAPACITY];
    private int queueHead;
    private int queueSize;

    private long nowNs = START_NS;
    private long rounds;
    private long messagesDelivered;
    private final long[] messagesSentBy = new long[NODE_COUNT];
    private final long[] messagesDeliveredTo = new long[NODE_COUNT];
    private long appendedEntries;

    /**
     * @param delegation {@link RegionLogConfig#delegation(boolean)}: true for the delegated-leader log, false for the
     *                   Multi-Paxos baseline. Every other setting is the default.
     */
    BenchRegionLogGroup(final boolean delegation)
    {
        for (int id = 0; id < NODE_COUNT; id++)
        {
            final int self = id;
            stores[id] = new DroppingLogStore();
            nodes[id] = new RegionLogNode(
                new RegionLogConfig().nodeId(id).nodeCount(NODE_COUNT).delegation(delegation),
                (toNode, message) -> enqueue(self, toNode, message),
                stores[id],
                (slot, entry) -> onApplied(self, slot, entry),
                0,
                nowNs);
        }
    }

    /**
     * Runs rounds until one node leads, then {@value #SETTLE_ROUNDS} more.
     *
     * @return the leader's node id.
     * @throws IllegalStateException if no leader is elected within {@value #MAX_ELECTION_ROUNDS} rounds.
     */
    int elect()
    {
        for (int round = 0; round < MAX_ELECTION_ROUNDS; round++)
        {
            final int leader = leader();
            if (leader >= 0)
            {
                for (int settle = 0; settle < SETTLE_ROUNDS; settle++)
                {
                    runRound();
                }
                require(leader() == leader, "leader after settling", leader, leader());
                return leader;
            }
            runRound();
        }
        throw new IllegalStateException("no leader after " + MAX_ELECTION_ROUNDS + " rounds");
    }

    /** The id of a node that believes it leads, or -1. */
    int leader()
    {
        for (int id = 0; id < NODE_COUNT; id++)
        {
            if (nodes[id].isLeader())
            {
                return id;
            }
        }
        return -1;
    }

    /**
     * Appends {@code payload} (the node copies it) at {@code node} at the current synthetic time.
     *
     * @throws IllegalStateException if the node refuses it (too many pending appends).
     */
    void append(final int node, final byte[] payload)
    {
        final long sequence = nodes[node].append(payload, nowNs);
        if (sequence < 0)
        {
            throw new IllegalStateException("node " + node + " refused an append: pending=" +
                nodes[node].pendingAppends());
        }
        appendedEntries++;
    }

    /**
     * Runs rounds until every node applied every entry appended so far.
     *
     * @return the rounds run.
     * @throws IllegalStateException if that takes more than {@code maxRounds} rounds.
     */
    int runUntilAllApplied(final int maxRounds)
    {
        int round = 0;
        while (!allApplied())
        {
            if (round == maxRounds)
            {
                throw new IllegalStateException("entries not applied on every node after " + maxRounds +
                    " rounds: appended=" + appendedEntries + " applied=" + Arrays.toString(appliedEntries));
            }
            runRound();
            round++;
        }
        return round;
    }

    private boolean allApplied()
    {
        for (int id = 0; id < NODE_COUNT; id++)
        {
            if (appliedEntries[id] != appendedEntries)
            {
                return false;
            }
        }
        return true;
    }

    /** One round: deliver what is queued now, sync every node, advance the clock, and tick on every tenth round. */
    void runRound()
    {
        final int toDeliver = queueSize;
        for (int i = 0; i < toDeliver; i++)
        {
            final int index = queueHead;
            final int from = queueFrom[index];
            final int to = queueTo[index];
            final LogMessage message = queueMessage[index];
            queueMessage[index] = null;
            queueHead = (index + 1) & (QUEUE_CAPACITY - 1);
            queueSize--;
            nodes[to].onMessage(from, message, nowNs);
            messagesDelivered++;
            messagesDeliveredTo[to]++;
        }
        for (int id = 0; id < NODE_COUNT; id++)
        {
            nodes[id].onSynced(nowNs);
        }
        rounds++;
        nowNs += ROUND_NS;
        if (rounds % ROUNDS_PER_TICK == 0)
        {
            for (int id = 0; id < NODE_COUNT; id++)
            {
                nodes[id].onTick(nowNs);
            }
        }
    }

    /**
     * Checks that every node applied every entry appended so far, the same ones in the same slot order (equal
     * checksums over (origin, sequence) of the non-no-op entries).
     */
    void verifyAgreement()
    {
        for (int id = 0; id < NODE_COUNT; id++)
        {
            require(appliedEntries[id] == appendedEntries, "entries applied", id, appendedEntries,
                appliedEntries[id]);
            require(appliedChecksum[id] == appliedChecksum[0], "checksum of the entries applied", id,
                appliedChecksum[0], appliedChecksum[id]);
        }
    }

    RegionLogNode node(final int id)
    {
        return nodes[id];
    }

    DroppingLogStore store(final int id)
    {
        return stores[id];
    }

    /** Slots node {@code id} applied, no-ops included. */
    long appliedSlots(final int id)
    {
        return appliedSlots[id];
    }

    long appendedEntries()
    {
        return appendedEntries;
    }

    long rounds()
    {
        return rounds;
    }

    long messagesDelivered()
    {
        return messagesDelivered;
    }

    long messagesSentBy(final int id)
    {
        return messagesSentBy[id];
    }

    long messagesDeliveredTo(final int id)
    {
        return messagesDeliveredTo[id];
    }

    long nowNs()
    {
        return nowNs;
    }

    private void enqueue(final int from, final int to, final LogMessage message)
    {
        if (queueSize == QUEUE_CAPACITY)
        {
            throw new IllegalStateException("message queue full: " + QUEUE_CAPACITY + " messages in flight");
        }
        final int index = (queueHead + queueSize) & (QUEUE_CAPACITY - 1);
        queueFrom[index] = from;
        queueTo[index] = to;
        queueMessage[index] = message;
        queueSize++;
        messagesSentBy[from]++;
    }

    private void onApplied(final int node, final long slot, final LogEntry entry)
    {
        // LogApplier's contract: slot order, without gaps, each slot once.
        require(slot == appliedSlots[node] + 1, "next slot applied", node, appliedSlots[node] + 1, slot);
        appliedSlots[node] = slot;
        if (!entry.isNoop())
        {
            appliedEntries[node]++;
            appliedChecksum[node] = appliedChecksum[node] * 31 + (entry.origin() * 0x9E37_79B9_7F4A_7C15L ^
                entry.sequence());
        }
    }

    /** Messages are built only on failure: a check on the apply path must not allocate. */
    static void require(final boolean ok, final String what, final long expected, final long actual)
    {
        if (!ok)
        {
            throw new IllegalStateException(what + ": expected " + expected + " but was " + actual);
        }
    }

    static void require(final boolean ok, final String what, final int node, final long expected, final long actual)
    {
        if (!ok)
        {
            throw new IllegalStateException(
                what + " at node " + node + ": expected " + expected + " but was " + actual);
        }
    }
}
