package io.geo.epaxos.regionlog;

import io.geo.epaxos.primitives.Ballot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One node of a region log (delegated-leader Paxos; design in docs/region-log.md): a pure, deterministic state
 * machine. Inputs are calls ({@link #append}, {@link #onMessage}, {@link #onTick}), outputs go to the host's
 * {@link LogMessageSink}, {@link LogStore} and {@link LogApplier}; no threads, clocks or I/O. Single-threaded.
 */
public final class RegionLogNode
{
    /** The view stored with an entry known to be chosen: higher than any real view, so phase 1 reports it. */
    static final long CHOSEN = Long.MAX_VALUE;

    /** Role of this node in its current view. */
    enum Role
    {
        /** Follows the leader of the highest view it promised. */
        FOLLOWER,
        /** Runs phase 1 of a view it owns. */
        CANDIDATE,
        /** Won phase 1: grants slots, recovers, heartbeats. */
        LEADER
    }

    private static final class Slot
    {
        long acceptedView;
        LogEntry entry;
        boolean chosen;
    }

    /** One proposal of this node: an entry in a slot under a view, with the acceptors that accepted it. */
    private static final class Proposal
    {
        final long view;
        final LogEntry entry;
        int acks;
        long sentNs;
        boolean chosen;

        Proposal(final long view, final LogEntry entry, final long sentNs)
        {
            this.view = view;
            this.entry = entry;
            this.sentNs = sentNs;
        }
    }

    /** Slots granted to this node in the current view: [next, end). */
    private static final class Range
    {
        long next;
        final long end;
        long lastUsedNs;

        Range(final long first, final int count, final long grantedNs)
        {
            this.next = first;
            this.end = first + count;
            this.lastUsedNs = grantedNs;
        }
    }

    private final RegionLogConfig config;
    private final int self;
    private final int nodeCount;
    private final int quorum;
    private final LogMessageSink sink;
    private final LogStore store;
    private final LogApplier applier;
    private final Random random;

    private final TreeMap<Long, Slot> slots = new TreeMap<>();
    private final TreeMap<Long, Proposal> proposals = new TreeMap<>();
    /** Entries of this node proposed in a slot whose outcome is not known yet. */
    private final TreeMap<Long, LogEntry> ownInSlot = new TreeMap<>();
    private final ArrayDeque<LogEntry> pending = new ArrayDeque<>();
    /** Multi-Paxos mode: entries of ours sent to the leader and not yet applied, by sequence. */
    private final TreeMap<Long, LogEntry> forwarded = new TreeMap<>();
    private long lastForwardNs = Long.MIN_VALUE / 2;
    /**
     * Entries applied so far, per origin and incarnation (sequence >>> 32): everything through a watermark, and the
     * ones above it. In Multi-Paxos mode a forwarded entry may be proposed twice (a retry after a leader change); the
     * second copy is applied as a no-op. Deterministic, since every node applies the same log.
     */
    private final java.util.HashMap<Long, long[]> appliedThrough = new java.util.HashMap<>();
    private final java.util.HashMap<Long, java.util.TreeSet<Long>> appliedAbove = new java.util.HashMap<>();
    private final ArrayDeque<Range> ranges = new ArrayDeque<>();

    private Role role = Role.FOLLOWER;
    private long promisedView;
    private long commitIndex;
    private long appliedIndex;
    private long knownCommitIndex;
    private int knownCommitHolder = -1;
    private int lastCatchUpTarget = -1;
    private long maxViewSeen;
    /** End of the last range granted to this node in its current view: grants of a view only go up. */
    private long grantedThrough;
    /** Highest slot any Accept or Commit named: slots beyond a range of ours mean others wait on it. */
    private long highestSlotSeen;
    /** Commit index as of the host's last sync: only durably chosen entries are applied. */
    private long durableCommitIndex;
    private final long[] lastHeardNs;
    private long nextSequence;
    private long nowNs;

    private long lastLeaderContactNs;
    private long electionDeadlineNs;
    private long lastGrantRequestNs = Long.MIN_VALUE / 2;
    private boolean grantRequestOutstanding;
    private long lastCatchUpNs = Long.MIN_VALUE / 2;
    private long lastHeartbeatNs = Long.MIN_VALUE / 2;

    // candidate
    private long candidateView;
    private long prepareFrom;
    private int promisesFrom;
    private final TreeMap<Long, LogMessage.AcceptedSlot> recovered = new TreeMap<>();
    private long candidateStartNs;

    // leader
    private long nextGrantSlot;
    /**
     * Slots per grant, per node, sized to its demand: halved when the node fills part of a range with no-ops (it had
     * less to send than it was given), one more (up to grantSlots) when it fills a proposal with entries only.
     */
    private final int[] grantSize;
    private long lastProgressNs;
    private long progressMark;

    private final RegionLogCounters counters = new RegionLogCounters();

    /**
     * Builds the node from {@code store.load()}; chosen entries above {@code appliedIndex} are applied again as they
     * become known in order.
     *
     * @param appliedIndex the highest slot the host's applied state already holds (0: none).
     */
    public RegionLogNode(
        final RegionLogConfig config,
        final LogMessageSink sink,
        final LogStore store,
        final LogApplier applier,
        final long appliedIndex,
        final long nowNs)
    {
        this.config = config.conclude();
        this.self = config.nodeId();
        this.nodeCount = config.nodeCount();
        this.quorum = nodeCount / 2 + 1;
        this.sink = sink;
        this.store = store;
        this.applier = applier;
        this.random = new Random(config.randomSeed() * 31 + self);
        this.nowNs = nowNs;
        this.lastHeardNs = new long[nodeCount];
        this.grantSize = new int[nodeCount];
        java.util.Arrays.fill(grantSize, config.grantSlots());
        java.util.Arrays.fill(lastHeardNs, nowNs);

        final LogStore.State state = store.load();
        promisedView = state.promisedView();
        maxViewSeen = promisedView;
        for (final LogMessage.AcceptedSlot accepted : state.accepted())
        {
            final Slot slot = new Slot();
            slot.acceptedView = accepted.view();
            slot.entry = accepted.entry();
            slot.chosen = accepted.view() == CHOSEN;
            slots.put(accepted.slot(), slot);
        }
        this.appliedIndex = Math.max(0, appliedIndex);
        commitIndex = Math.min(state.commitIndex(), this.appliedIndex);
        final long incarnation = state.incarnation() + 1;
        store.saveIncarnation(incarnation);
        nextSequence = (incarnation << 32) + 1;
        lastLeaderContactNs = nowNs;
        electionDeadlineNs = nowNs + randomElectionTimeout();
        advance();
        durableCommitIndex = commitIndex; // what the store loaded is durable
        advance();
    }

    // ------------------------------------------------------------------------------------------------ inputs

    /**
     * Queues {@code payload} as an entry of this node and proposes it as soon as the node has a granted slot.
     *
     * @return the entry's sequence number, or -1 when {@code maxPendingAppends} entries are already waiting or the
     * payload is larger than {@code maxPayloadBytes} (refused, nothing queued).
     */
    public long append(final byte[] payload, final long nowNs)
    {
        this.nowNs = nowNs;
        if (payload.length > config.maxPayloadBytes() ||
            pending.size() + ownInSlot.size() + forwarded.size() >= config.maxPendingAppends())
        {
            counters.refusedAppends++;
            return -1;
        }
        final long sequence = nextSequence++;
        pending.add(LogEntry.of(self, sequence, payload.clone()));
        counters.appends++;
        propose();
        return sequence;
    }

    public void onMessage(final int from, final LogMessage message, final long nowNs)
    {
        this.nowNs = nowNs;
        if (from < 0 || from >= nodeCount || from == self)
        {
            return;
        }
        lastHeardNs[from] = nowNs;
        if (message instanceof LogMessage.Prepare m)
        {
            onPrepare(from, m);
        }
        else if (message instanceof LogMessage.Promise m)
        {
            onPromise(from, m);
        }
        else if (message instanceof LogMessage.Nack m)
        {
            onNack(m);
        }
        else if (message instanceof LogMessage.Accept m)
        {
            onAccept(from, m);
        }
        else if (message instanceof LogMessage.Accepted m)
        {
            onAccepted(from, m);
        }
        else if (message instanceof LogMessage.Commit m)
        {
            onCommit(m);
        }
        else if (message instanceof LogMessage.Heartbeat m)
        {
            onHeartbeat(from, m);
        }
        else if (message instanceof LogMessage.GrantRequest m)
        {
            onGrantRequest(from, m);
        }
        else if (message instanceof LogMessage.Grant m)
        {
            onGrant(from, m);
        }
        else if (message instanceof LogMessage.CatchUpRequest m)
        {
            onCatchUpRequest(from, m);
        }
        else if (message instanceof LogMessage.CatchUpReply m)
        {
            onCatchUpReply(from, m);
        }
        else if (message instanceof LogMessage.Forward m)
        {
            onForward(from, m);
        }
        fillIdleRanges(); // others' slots beyond a range of ours may have just appeared
        advance();
        propose();
    }

    /**
     * The host made every store write so far durable (its group commit). Entries chosen by then may be applied: an
     * entry is never applied before this node's own record of it is durable, so a host whose applied state survives
     * a crash never holds an entry its log lost (a group of one has no other copy).
     */
    public void onSynced(final long nowNs)
    {
        this.nowNs = nowNs;
        durableCommitIndex = commitIndex;
        advance();
    }

    public void onTick(final long nowNs)
    {
        this.nowNs = nowNs;
        switch (role)
        {
            case LEADER -> leaderTick();
            case CANDIDATE ->
            {
                if (nowNs - candidateStartNs >= config.electionTimeoutNs())
                {
                    startElection(); // no majority in time: try a higher view
                }
            }
            case FOLLOWER ->
            {
                if (nowNs >= electionDeadlineNs && commitIndex + config.windowSlots() >= knownCommitIndex)
                {
                    startElection();
                }
            }
        }
        retransmit();
        fillIdleRanges();
        catchUp();
        advance();
        propose();
    }

    // ------------------------------------------------------------------------------------------------ phase 1

    private void startElection()
    {
        role = Role.CANDIDATE;
        candidateView = Ballot.next(Math.max(maxViewSeen, Math.max(promisedView, candidateView)), self);
        maxViewSeen = candidateView;
        proposals.clear();
        candidateStartNs = nowNs;
        prepareFrom = commitIndex + 1;
        promisesFrom = 0;
        recovered.clear();
        ranges.clear();
        grantedThrough = 0;
        grantRequestOutstanding = false;
        counters.electionsStarted++;
        // promise to ourselves first
        promisedView = candidateView;
        store.savePromise(promisedView);
        collectPromise(self, commitIndex, acceptedFrom(prepareFrom));
        broadcast(new LogMessage.Prepare(candidateView, prepareFrom));
    }

    private void onPrepare(final int from, final LogMessage.Prepare m)
    {
        if (m.view() < promisedView)
        {
            sink.send(from, new LogMessage.Nack(promisedView));
            return;
        }
        if (m.view() > promisedView)
        {
            promise(m.view());
        }
        lastLeaderContactNs = nowNs;
        electionDeadlineNs = nowNs + randomElectionTimeout();
        sink.send(from, new LogMessage.Promise(m.view(), m.fromSlot(), commitIndex, acceptedFrom(m.fromSlot())));
    }

    /** Adopts a higher view: steps down, forgets the old view's grants and proposals (own entries stay tracked). */
    private void promise(final long view)
    {
        promisedView = view;
        maxViewSeen = Math.max(maxViewSeen, view);
        store.savePromise(view);
        role = Role.FOLLOWER; // the view belongs to another node (our own views are promised in startElection)
        ranges.clear();
        grantedThrough = 0;
        grantRequestOutstanding = false;
        proposals.clear();
    }

    private List<LogMessage.AcceptedSlot> acceptedFrom(final long fromSlot)
    {
        final List<LogMessage.AcceptedSlot> accepted = new ArrayList<>();
        for (final Map.Entry<Long, Slot> e : slots.tailMap(fromSlot, true).entrySet())
        {
            final Slot slot = e.getValue();
            accepted.add(new LogMessage.AcceptedSlot(e.getKey(), slot.chosen ? CHOSEN : slot.acceptedView,
                slot.entry));
        }
        return accepted;
    }

    private void onPromise(final int from, final LogMessage.Promise m)
    {
        if (role != Role.CANDIDATE || m.view() != candidateView || m.fromSlot() != prepareFrom)
        {
            return;
        }
        collectPromise(from, m.commitIndex(), m.accepted());
    }

    private void collectPromise(final int from, final long theirCommitIndex, final List<LogMessage.AcceptedSlot> list)
    {
        if ((promisesFrom & (1 << from)) != 0)
        {
            return;
        }
        promisesFrom |= 1 << from;
        noteCommitIndex(from, theirCommitIndex);
        for (final LogMessage.AcceptedSlot accepted : list)
        {
            if (accepted.slot() < prepareFrom)
            {
                continue;
            }
            final LogMessage.AcceptedSlot best = recovered.get(accepted.slot());
            if (best == null || accepted.view() > best.view())
            {
                recovered.put(accepted.slot(), accepted);
            }
        }
        if (Integer.bitCount(promisesFrom) >= quorum)
        {
            becomeLeader();
        }
    }

    private void becomeLeader()
    {
        role = Role.LEADER;
        counters.viewsLed++;
        lastProgressNs = nowNs;
        progressMark = commitIndex;
        proposals.clear();
        ranges.clear();
        grantedThrough = 0;
        grantRequestOutstanding = false;
        final long last = recovered.isEmpty() ? commitIndex : Math.max(commitIndex, recovered.lastKey());
        // every slot from the prepare point to the last one reported: the highest-view entry, or a no-op
        final List<LogEntry> batch = new ArrayList<>();
        long batchFirst = -1;
        int batchBytes = 0;
        for (long slot = prepareFrom; slot <= last; slot++)
        {
            final Slot known = slots.get(slot);
            if (known != null && known.chosen)
            {
                if (!batch.isEmpty())
                {
                    proposeRecovered(batchFirst, batch);
                    batch.clear();
                }
                continue;
            }
            final LogMessage.AcceptedSlot best = recovered.get(slot);
            // the highest-view entry is the only safe value; where nothing was accepted we may choose freely, and
            // an entry of ours waiting on this slot goes there (a no-op otherwise)
            final LogEntry ownWaiting = ownInSlot.get(slot);
            final LogEntry entry = best != null ? best.entry() : ownWaiting != null ? ownWaiting : LogEntry.NOOP;
            if (!batch.isEmpty() && (batch.size() == config.maxBatchEntries() ||
                batchBytes + entry.encodedSize() > config.maxBatchBytes()))
            {
                proposeRecovered(batchFirst, batch);
                batch.clear();
            }
            if (batch.isEmpty())
            {
                batchFirst = slot;
                batchBytes = 0;
            }
            batch.add(entry);
            batchBytes += entry.encodedSize();
            counters.recoveredSlots++;
        }
        if (!batch.isEmpty())
        {
            proposeRecovered(batchFirst, batch);
        }
        recovered.clear();
        nextGrantSlot = last + 1;
        sendHeartbeats();
        for (int node = 0; node < nodeCount; node++)
        {
            // ahead of time only to nodes heard from lately: a silent node's range would stall the log until the
            // next view; it gets slots when it asks
            if (node == self || config.delegation() && nowNs - lastHeardNs[node] < config.electionTimeoutNs())
            {
                grant(node);
            }
        }
    }

    private void onNack(final LogMessage.Nack m)
    {
        maxViewSeen = Math.max(maxViewSeen, m.promisedView());
        if (m.promisedView() > promisedView && role != Role.FOLLOWER)
        {
            // someone promised a higher view: stop leading or campaigning and wait for that leader
            role = Role.FOLLOWER;
            ranges.clear();
        grantedThrough = 0;
        grantRequestOutstanding = false;
            proposals.clear();
            lastLeaderContactNs = nowNs;
            electionDeadlineNs = nowNs + randomElectionTimeout();
        }
    }

    // ------------------------------------------------------------------------------------------------ phase 2

    /**
     * Proposes recovered entries exactly as given (Paxos: the highest-view accepted entry is the only safe value).
     * An entry of ours waiting on one of these slots stays tracked there until the slot is decided.
     */
    private void proposeRecovered(final long firstSlot, final List<LogEntry> entries)
    {
        final List<LogEntry> copy = List.copyOf(entries);
        for (int i = 0; i < copy.size(); i++)
        {
            final LogEntry entry = copy.get(i);
            proposals.put(firstSlot + i, new Proposal(promisedView, entry, nowNs));
            if (!entry.isNoop() && entry.origin() == self)
            {
                ownInSlot.putIfAbsent(firstSlot + i, entry); // an entry already waiting here is resolved at decision
            }
        }
        sendProposal(firstSlot, copy);
    }

    /**
     * Proposes entries in slots this node was granted. An entry of ours proposed in one of those slots in an older
     * view (outcome unknown) may still be chosen there, so it is proposed there again and the entry that was to take
     * the slot goes back first in line: moving an entry to another slot could get it chosen twice.
     */
    private void proposeBatch(final long firstSlot, final List<LogEntry> entries)
    {
        final List<LogEntry> copy = new ArrayList<>(entries);
        for (int i = 0; i < copy.size(); i++)
        {
            final long slot = firstSlot + i;
            final LogEntry earlier = ownInSlot.get(slot);
            if (earlier != null && !earlier.equals(copy.get(i)))
            {
                // An entry of ours proposed here in an older view, outcome unknown: it may still be chosen here, so
                // it stays in this slot (proposed again) and the entry that was to take the slot goes back first in
                // line. Moving it elsewhere could get it chosen twice.
                final LogEntry displaced = copy.set(i, earlier);
                if (!displaced.isNoop() && displaced.origin() == self)
                {
                    pending.addFirst(displaced);
                }
            }
            final LogEntry entry = copy.get(i);
            proposals.put(slot, new Proposal(promisedView, entry, nowNs));
            if (!entry.isNoop() && entry.origin() == self)
            {
                ownInSlot.put(slot, entry);
            }
        }
        sendProposal(firstSlot, copy);
    }

    /** Phase 2 for consecutive slots under the current view: accept locally, then ask every other node. */
    private void sendProposal(final long firstSlot, final List<LogEntry> entries)
    {
        counters.acceptsSent++;
        final LogMessage.Accept accept = new LogMessage.Accept(promisedView, firstSlot, entries);
        acceptLocally(accept);
        broadcast(accept);
    }

    /** Leader: sizes {@code node}'s next grants after seeing what it proposed in its range. */
    private void observeDemand(final int node, final List<LogEntry> entries)
    {
        if (role != Role.LEADER || Ballot.owner(promisedView) != self)
        {
            return;
        }
        boolean noops = false;
        for (final LogEntry entry : entries)
        {
            noops |= entry.isNoop();
        }
        grantSize[node] = noops ? Math.max(1, grantSize[node] / 2) :
            Math.min(config.grantSlots(), grantSize[node] + 1);
    }

    private void acceptLocally(final LogMessage.Accept m)
    {
        storeAccepted(m);
        ackAccepted(self, m.view(), m.firstSlot(), m.entries().size());
    }

    private void onAccept(final int from, final LogMessage.Accept m)
    {
        if (m.view() < promisedView)
        {
            sink.send(from, new LogMessage.Nack(promisedView));
            return;
        }
        if (m.view() > promisedView)
        {
            promise(m.view());
        }
        if (from == Ballot.owner(m.view()))
        {
            leaderContact();
        }
        for (int i = 0; i < m.entries().size(); i++)
        {
            final Slot slot = slots.get(m.firstSlot() + i);
            if (slot != null && slot.chosen && !slot.entry.equals(m.entries().get(i)))
            {
                // another entry is chosen there: one proposer per (view, slot) was broken; never vote for it
                counters.conflictingAccepts++;
                return;
            }
        }
        storeAccepted(m);
        observeDemand(from, m.entries());
        sink.send(from, new LogMessage.Accepted(m.view(), m.firstSlot(), m.entries().size()));
    }

    private void storeAccepted(final LogMessage.Accept m)
    {
        highestSlotSeen = Math.max(highestSlotSeen, m.firstSlot() + m.entries().size() - 1);
        for (int i = 0; i < m.entries().size(); i++)
        {
            final long slotNumber = m.firstSlot() + i;
            Slot slot = slots.get(slotNumber);
            if (slot != null && slot.chosen)
            {
                continue; // chosen values never change; an accept of it in a later view carries the same entry
            }
            if (slot == null)
            {
                slot = new Slot();
                slots.put(slotNumber, slot);
            }
            slot.acceptedView = m.view();
            slot.entry = m.entries().get(i);
            store.saveAccepted(slotNumber, m.view(), slot.entry);
        }
    }

    private void onAccepted(final int from, final LogMessage.Accepted m)
    {
        ackAccepted(from, m.view(), m.firstSlot(), m.count());
    }

    private void ackAccepted(final int from, final long view, final long firstSlot, final int count)
    {
        long runFirst = -1;
        int runCount = 0;
        for (long slotNumber = firstSlot; slotNumber < firstSlot + count; slotNumber++)
        {
            final Proposal proposal = proposals.get(slotNumber);
            if (proposal == null || proposal.view != view || proposal.chosen)
            {
                continue;
            }
            proposal.acks |= 1 << from;
            if (Integer.bitCount(proposal.acks) < quorum)
            {
                continue;
            }
            proposal.chosen = true;
            markChosen(slotNumber, proposal.entry);
            if (runCount > 0 && runFirst + runCount == slotNumber)
            {
                runCount++;
            }
            else
            {
                if (runCount > 0)
                {
                    broadcast(new LogMessage.Commit(view, runFirst, runCount));
                }
                runFirst = slotNumber;
                runCount = 1;
            }
        }
        if (runCount > 0)
        {
            broadcast(new LogMessage.Commit(view, runFirst, runCount));
        }
    }

    private void onCommit(final LogMessage.Commit m)
    {
        highestSlotSeen = Math.max(highestSlotSeen, m.firstSlot() + m.count() - 1);
        for (long slotNumber = m.firstSlot(); slotNumber < m.firstSlot() + m.count(); slotNumber++)
        {
            final Slot slot = slots.get(slotNumber);
            if (slot != null && !slot.chosen && slot.acceptedView == m.view())
            {
                markChosen(slotNumber, slot.entry);
            }
            else if (slot == null || !slot.chosen)
            {
                // chosen, but we do not hold the entry accepted in that view: fetch it
                knownCommitIndex = Math.max(knownCommitIndex, slotNumber);
            }
        }
    }

    private void markChosen(final long slotNumber, final LogEntry entry)
    {
        Slot slot = slots.get(slotNumber);
        if (slot == null)
        {
            slot = new Slot();
            slots.put(slotNumber, slot);
        }
        if (!slot.chosen)
        {
            slot.chosen = true;
            slot.acceptedView = CHOSEN;
            slot.entry = entry;
            store.saveAccepted(slotNumber, CHOSEN, entry);
        }
        proposals.remove(slotNumber);
        final LogEntry own = ownInSlot.remove(slotNumber);
        if (own != null && !own.equals(slot.entry))
        {
            pending.addFirst(own); // the slot went to another entry (a no-op after a view change): propose it again
            counters.reproposed++;
        }
    }

    /** Moves the commit index over chosen slots and applies them in order. */
    private void advance()
    {
        final long before = commitIndex;
        while (true)
        {
            final Slot next = slots.get(commitIndex + 1);
            if (next == null || !next.chosen)
            {
                break;
            }
            commitIndex++;
        }
        if (commitIndex != before)
        {
            store.saveCommitIndex(commitIndex);
        }
        while (appliedIndex < durableCommitIndex)
        {
            appliedIndex++;
            LogEntry entry = slots.get(appliedIndex).entry;
            if (!entry.isNoop() && !markApplied(entry))
            {
                counters.duplicatesSkipped++;
                entry = LogEntry.NOOP; // a second copy of an entry (Multi-Paxos retries): applied once
            }
            if (!entry.isNoop() && entry.origin() == self)
            {
                forwarded.remove(entry.sequence());
            }
            applier.apply(appliedIndex, entry);
            counters.applied++;
            if (entry.isNoop())
            {
                counters.appliedNoops++;
            }
        }
        knownCommitIndex = Math.max(knownCommitIndex, commitIndex);
    }

    // ------------------------------------------------------------------------------------------------ grants

    private void propose()
    {
        if (role == Role.CANDIDATE || Ballot.round(promisedView) == 0)
        {
            return;
        }
        if (!config.delegation())
        {
            if (role != Role.LEADER)
            {
                forwardPending();
                return;
            }
            if (!forwarded.isEmpty())
            {
                // now leading: propose what we had sent to the old leader (a copy it proposed is applied once)
                pending.addAll(forwarded.values());
                forwarded.clear();
            }
        }
        long orphan = lowestOrphanSlot();
        while ((!pending.isEmpty() || orphan > 0) && !ranges.isEmpty())
        {
            final Range range = ranges.peekFirst();
            final List<LogEntry> batch = new ArrayList<>();
            final long first = range.next;
            int bytes = 0;
            while (range.next < range.end && batch.size() < config.maxBatchEntries())
            {
                final LogEntry next;
                if (!pending.isEmpty())
                {
                    next = pending.peekFirst();
                    if (!batch.isEmpty() && bytes + next.encodedSize() > config.maxBatchBytes())
                    {
                        break;
                    }
                    pending.pollFirst();
                }
                else if (orphan > 0 && range.next <= orphan)
                {
                    next = LogEntry.NOOP; // no-ops up to an orphan's slot; proposeBatch puts the orphan back there
                }
                else
                {
                    break;
                }
                bytes += next.encodedSize();
                batch.add(next);
                range.next++;
            }
            if (batch.isEmpty())
            {
                break;
            }
            proposeBatch(first, batch);
            observeDemand(self, batch);
            range.lastUsedNs = nowNs;
            if (range.next == range.end)
            {
                ranges.pollFirst();
            }
            orphan = lowestOrphanSlot();
        }
        // out of slots with entries (or orphans) waiting, or half way through the last range: ask for more
        final long unused = unusedGrantedSlots();
        if (!pending.isEmpty() || orphan > 0 || unused > 0 && unused < config.grantSlots() / 2)
        {
            requestGrant();
        }
    }

    /** Multi-Paxos mode, not leading: send queued entries to the leader, and again those it has not applied yet. */
    private void forwardPending()
    {
        final int leader = Ballot.owner(promisedView);
        if (leader == self)
        {
            return;
        }
        final boolean resend = !forwarded.isEmpty() && nowNs - lastForwardNs >= config.retransmitTimeoutNs();
        if (pending.isEmpty() && !resend)
        {
            return;
        }
        final List<LogEntry> toSend = new ArrayList<>();
        if (resend)
        {
            toSend.addAll(forwarded.values());
            counters.retransmits += forwarded.size();
        }
        while (!pending.isEmpty())
        {
            final LogEntry entry = pending.pollFirst();
            forwarded.put(entry.sequence(), entry);
            toSend.add(entry);
        }
        final List<LogEntry> batch = new ArrayList<>();
        int bytes = 0;
        for (final LogEntry entry : toSend)
        {
            if (batch.size() == config.maxBatchEntries() || !batch.isEmpty() &&
                bytes + entry.encodedSize() > config.maxBatchBytes())
            {
                sink.send(leader, new LogMessage.Forward(List.copyOf(batch)));
                batch.clear();
                bytes = 0;
            }
            batch.add(entry);
            bytes += entry.encodedSize();
        }
        if (!batch.isEmpty())
        {
            sink.send(leader, new LogMessage.Forward(List.copyOf(batch)));
        }
        lastForwardNs = nowNs;
    }

    private void onForward(final int from, final LogMessage.Forward m)
    {
        if (config.delegation() || role != Role.LEADER)
        {
            return; // the sender learns the leader from heartbeats and forwards again
        }
        for (final LogEntry entry : m.entries())
        {
            if (entry.origin() == from && !entry.isNoop() && !isApplied(entry) &&
                pending.size() < config.maxPendingAppends())
            {
                pending.add(entry);
            }
        }
    }

    private boolean isApplied(final LogEntry entry)
    {
        final long key = ((long)entry.origin() << 32) ^ (entry.sequence() >>> 32);
        final long number = entry.sequence() & 0xFFFF_FFFFL;
        final long[] through = appliedThrough.get(key);
        if (through != null && number <= through[0])
        {
            return true;
        }
        final java.util.TreeSet<Long> above = appliedAbove.get(key);
        return above != null && above.contains(number);
    }

    /** Records {@code entry} as applied; false if it already was (a second copy). */
    private boolean markApplied(final LogEntry entry)
    {
        if (isApplied(entry))
        {
            return false;
        }
        final long key = ((long)entry.origin() << 32) ^ (entry.sequence() >>> 32);
        final long number = entry.sequence() & 0xFFFF_FFFFL;
        final long[] through = appliedThrough.computeIfAbsent(key, k -> new long[1]);
        final java.util.TreeSet<Long> above = appliedAbove.computeIfAbsent(key, k -> new java.util.TreeSet<>());
        above.add(number);
        while (above.remove(through[0] + 1))
        {
            through[0]++;
        }
        return true;
    }

    /**
     * The lowest slot above the commit index holding an entry of ours whose proposal was abandoned (a view
     * change): nobody may ever propose there again unless we get that slot granted, so we ask for slots until we
     * hold it (and propose the entry there again) or it is decided otherwise. 0 when there is none.
     */
    private long lowestOrphanSlot()
    {
        for (final Map.Entry<Long, LogEntry> e : ownInSlot.tailMap(commitIndex, false).entrySet())
        {
            if (!proposals.containsKey(e.getKey()))
            {
                final Slot slot = slots.get(e.getKey());
                if (slot == null || !slot.chosen)
                {
                    return e.getKey();
                }
            }
        }
        return 0;
    }

    private long unusedGrantedSlots()
    {
        long unused = 0;
        for (final Range range : ranges)
        {
            unused += range.end - range.next;
        }
        return unused;
    }

    private void requestGrant()
    {
        // one request outstanding at a time: again once answered, or when the answer is overdue
        if (grantRequestOutstanding && nowNs - lastGrantRequestNs < config.retransmitTimeoutNs())
        {
            return;
        }
        grantRequestOutstanding = role != Role.LEADER;
        lastGrantRequestNs = nowNs;
        if (role == Role.LEADER)
        {
            grant(self);
        }
        else
        {
            sink.send(Ballot.owner(promisedView), new LogMessage.GrantRequest(promisedView));
        }
    }

    private void onGrantRequest(final int from, final LogMessage.GrantRequest m)
    {
        if (role == Role.LEADER && m.view() == promisedView && config.delegation())
        {
            grant(from);
        }
    }

    private void grant(final int node)
    {
        if (nextGrantSlot + grantSize[node] > commitIndex + config.windowSlots())
        {
            counters.grantsDeferred++;
            return; // the window is full: the node asks again
        }
        final int count = grantSize[node];
        final long first = nextGrantSlot;
        nextGrantSlot += count;
        counters.grants++;
        if (node == self)
        {
            grantedThrough = first + count;
            ranges.add(new Range(first, count, nowNs));
        }
        else
        {
            sink.send(node, new LogMessage.Grant(promisedView, first, count));
        }
    }

    private void onGrant(final int from, final LogMessage.Grant m)
    {
        if (m.view() != promisedView || from != Ballot.owner(m.view()))
        {
            return; // a grant of an old view, or not from its leader
        }
        leaderContact();
        if (m.firstSlot() < grantedThrough)
        {
            return; // a duplicate or reordered grant: proposing twice in one (view, slot) would break Paxos
        }
        grantedThrough = m.firstSlot() + m.count();
        grantRequestOutstanding = false;
        ranges.add(new Range(m.firstSlot(), m.count(), nowNs));
    }

    /** A granted range nobody used for {@code fillTimeout}: fill the rest with no-ops so the log moves on. */
    private void fillIdleRanges()
    {
        if (!pending.isEmpty() || role == Role.CANDIDATE)
        {
            return;
        }
        final Iterator<Range> it = ranges.iterator();
        while (it.hasNext())
        {
            final Range range = it.next();
            // keep a range while nobody waits on it (the next append then needs no grant round trip); fill it once
            // slots beyond it are in use and it sat unused for fillTimeout
            if (highestSlotSeen < range.end || nowNs - range.lastUsedNs < config.fillTimeoutNs())
            {
                continue;
            }
            while (range.next < range.end)
            {
                final int count = (int)Math.min(config.maxBatchEntries(), range.end - range.next);
                final List<LogEntry> noops = new ArrayList<>(count);
                for (int i = 0; i < count; i++)
                {
                    noops.add(LogEntry.NOOP);
                }
                proposeBatch(range.next, noops);
                observeDemand(self, noops);
                range.next += count;
                counters.filledNoops += count;
            }
            it.remove();
        }
    }

    // ------------------------------------------------------------------------------------------------ liveness

    private void leaderTick()
    {
        if (nowNs - lastHeartbeatNs >= config.heartbeatIntervalNs())
        {
            sendHeartbeats();
        }
        if (commitIndex != progressMark)
        {
            progressMark = commitIndex;
            lastProgressNs = nowNs;
        }
        else if (nextGrantSlot > commitIndex + 1 && nowNs - lastProgressNs >= config.electionTimeoutNs())
        {
            // the log is stuck inside granted slots (a delegate died mid-range, or its proposals are lost for
            // good): a new view recovers those slots from a majority and fills what nobody accepted
            counters.stallViewChanges++;
            startElection();
        }
    }

    private void sendHeartbeats()
    {
        lastHeartbeatNs = nowNs;
        broadcast(new LogMessage.Heartbeat(promisedView, commitIndex));
    }

    private void onHeartbeat(final int from, final LogMessage.Heartbeat m)
    {
        if (m.view() < promisedView)
        {
            sink.send(from, new LogMessage.Nack(promisedView));
            return;
        }
        if (from != Ballot.owner(m.view()))
        {
            return;
        }
        if (m.view() > promisedView)
        {
            promise(m.view());
        }
        if (role == Role.CANDIDATE)
        {
            role = Role.FOLLOWER;
        }
        leaderContact();
        noteCommitIndex(from, m.commitIndex());
    }

    private void leaderContact()
    {
        lastLeaderContactNs = nowNs;
        electionDeadlineNs = nowNs + randomElectionTimeout();
    }

    private long randomElectionTimeout()
    {
        return config.electionTimeoutNs() + (long)(random.nextDouble() * config.electionTimeoutNs());
    }

    private void noteCommitIndex(final int from, final long theirCommitIndex)
    {
        if (theirCommitIndex > knownCommitIndex)
        {
            knownCommitIndex = theirCommitIndex;
            knownCommitHolder = from;
        }
    }

    private void retransmit()
    {
        long runFirst = -1;
        final List<LogEntry> run = new ArrayList<>();
        long runView = -1;
        int runBytes = 0;
        for (final Map.Entry<Long, Proposal> e : proposals.entrySet())
        {
            final Proposal proposal = e.getValue();
            if (proposal.chosen || nowNs - proposal.sentNs < config.retransmitTimeoutNs())
            {
                continue;
            }
            proposal.sentNs = nowNs;
            if (!run.isEmpty() && (runFirst + run.size() != e.getKey() || runView != proposal.view ||
                run.size() == config.maxBatchEntries() || runBytes + proposal.entry.encodedSize() >
                config.maxBatchBytes()))
            {
                broadcast(new LogMessage.Accept(runView, runFirst, List.copyOf(run)));
                run.clear();
            }
            if (run.isEmpty())
            {
                runFirst = e.getKey();
                runView = proposal.view;
                runBytes = 0;
            }
            run.add(proposal.entry);
            runBytes += proposal.entry.encodedSize();
            counters.retransmits++;
        }
        if (!run.isEmpty())
        {
            broadcast(new LogMessage.Accept(runView, runFirst, List.copyOf(run)));
        }
    }

    private void catchUp()
    {
        if (knownCommitIndex <= commitIndex || nowNs - lastCatchUpNs < config.retransmitTimeoutNs())
        {
            return;
        }
        lastCatchUpNs = nowNs;
        if (nodeCount == 1)
        {
            return;
        }
        // first the node that reported the highest commit index, then the others in turn (one may be down)
        int target = lastCatchUpTarget < 0 && knownCommitHolder >= 0 && knownCommitHolder != self ?
            knownCommitHolder : (Math.max(lastCatchUpTarget, 0) + 1) % nodeCount;
        if (target == self)
        {
            target = (target + 1) % nodeCount;
        }
        lastCatchUpTarget = target;
        counters.catchUpRequests++;
        sink.send(target, new LogMessage.CatchUpRequest(commitIndex + 1));
    }

    private void onCatchUpRequest(final int from, final LogMessage.CatchUpRequest m)
    {
        final List<LogEntry> entries = new ArrayList<>();
        int bytes = 0;
        for (long slotNumber = m.fromSlot(); entries.size() < config.maxBatchEntries(); slotNumber++)
        {
            final Slot slot = slots.get(slotNumber);
            if (slot == null || !slot.chosen ||
                !entries.isEmpty() && bytes + slot.entry.encodedSize() > config.maxBatchBytes())
            {
                break;
            }
            bytes += slot.entry.encodedSize();
            entries.add(slot.entry);
        }
        sink.send(from, new LogMessage.CatchUpReply(m.fromSlot(), entries, commitIndex));
    }

    private void onCatchUpReply(final int from, final LogMessage.CatchUpReply m)
    {
        for (int i = 0; i < m.entries().size(); i++)
        {
            markChosen(m.firstSlot() + i, m.entries().get(i));
        }
        noteCommitIndex(from, m.commitIndex());
        if (!m.entries().isEmpty())
        {
            lastCatchUpNs = Long.MIN_VALUE / 2; // more may follow at once
        }
    }

    private void broadcast(final LogMessage message)
    {
        for (int node = 0; node < nodeCount; node++)
        {
            if (node != self)
            {
                sink.send(node, message);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ views

    public int nodeId()
    {
        return self;
    }

    /** The highest view this node promised. */
    public long view()
    {
        return promisedView;
    }

    public boolean isLeader()
    {
        return role == Role.LEADER;
    }

    public long commitIndex()
    {
        return commitIndex;
    }

    public long appliedIndex()
    {
        return appliedIndex;
    }

    /** Entries of this node not yet chosen (queued, or proposed and waiting). */
    public int pendingAppends()
    {
        return pending.size() + ownInSlot.size() + forwarded.size();
    }

    public RegionLogCounters counters()
    {
        return counters;
    }
}
