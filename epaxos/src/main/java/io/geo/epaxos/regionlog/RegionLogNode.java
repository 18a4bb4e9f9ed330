package io.geo.epaxos.regionlog;

import io.geo.epaxos.primitives.Ballot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One node of a region log (delegated-leader Paxos; design in docs/region-log.md): a pure, deterministic state
 * machine. Inputs are calls ({@link #append}, {@link #onMessage}, {@link #onTick}), outputs go to the host's
 * {@link LogMessageSink}, {@link LogStore} and {@link LogApplier}; no threads, clocks or I/O. Single-threaded.
 */
public final class RegionLogNode
{
    /** The view stored with an entry known to be chosen: higher than any real view, so phase 1 reports it. */
    static final long CHOSEN = Long.MAX_VALUE;
    /** Bytes a Promise spends on an accepted slot beyond its entry's {@link LogEntry#encodedSize()}: slot and view. */
    private static final int PROMISE_SLOT_OVERHEAD = 16;

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
    /** Null: this node never truncates and catches up from entries only. */
    private final LogSnapshots snapshots;
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
    private final HashMap<Long, long[]> appliedThrough = new HashMap<>();
    private final HashMap<Long, TreeSet<Long>> appliedAbove = new HashMap<>();
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
    /** Slots through here are in a snapshot: dropped from memory and the store; they are all chosen and applied. */
    private long truncatedThrough;

    // snapshot transfer: the one this node serves to lagging peers, and the one it is receiving
    private LogSnapshot served;
    private long servedUsedNs;
    private long receivingSlot = -1;
    private byte[] receiving;
    private int receivedBytes;
    private int receivingFrom = -1;
    private long receivingProgressNs;
    private long nowNs;

    private long lastLeaderContactNs;
    /** When this node last heard the leader of its promised view (heartbeat, accept, grant). */
    private long leaderHeardNs = Long.MIN_VALUE / 2;
    private long electionDeadlineNs;
    private long lastGrantRequestNs = Long.MIN_VALUE / 2;
    private boolean grantRequestOutstanding;
    /** When the current unanswered grant request was first sent. */
    private long grantWaitSinceNs;
    /** When a grant was last put off because the window was full. */
    private long lastGrantDeferredNs = Long.MIN_VALUE / 2;
    private long lastCatchUpNs = Long.MIN_VALUE / 2;
    private long lastHeartbeatNs = Long.MIN_VALUE / 2;

    // candidate
    private long candidateView;
    private long prepareFrom;
    /** Bit per node whose whole Promise (every page) arrived. */
    private int promisesFrom;
    /** Per node: the fromSlot of the Promise page expected from it next. */
    private final long[] promiseNext;
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
     * Builds a node without snapshots from {@code store.load()}; chosen entries above {@code appliedIndex} are applied
     * again as they become known in order. Such a node never truncates its log. In Multi-Paxos mode
     * ({@code delegation(false)}) the host must start from an empty applied state ({@code appliedIndex} 0): which
     * entries were applied is rebuilt from the log.
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
        this(config, sink, store, applier, null, null, appliedIndex, nowNs);
    }

    /**
     * Builds a node with snapshots from {@code store.load()} and the snapshot the host restored its applied state from
     * (its host state is already in place; the node reads its own section). Chosen entries above the snapshot's slot
     * are applied again as they become known in order.
     *
     * @param snapshots the host's snapshot side.
     * @param restored  the snapshot the host's applied state was restored from, or null for an empty applied state.
     * @throws IllegalStateException    if the store was truncated beyond the snapshot (entries in between are lost).
     * @throws IllegalArgumentException if {@code restored} is malformed.
     */
    public RegionLogNode(
        final RegionLogConfig config,
        final LogMessageSink sink,
        final LogStore store,
        final LogApplier applier,
        final LogSnapshots snapshots,
        final LogSnapshot restored,
        final long nowNs)
    {
        this(config, sink, store, applier, java.util.Objects.requireNonNull(snapshots, "snapshots"), restored,
            restored == null ? 0 : restored.slot(), nowNs);
    }

    private RegionLogNode(
        final RegionLogConfig config,
        final LogMessageSink sink,
        final LogStore store,
        final LogApplier applier,
        final LogSnapshots snapshots,
        final LogSnapshot restored,
        final long appliedIndex,
        final long nowNs)
    {
        this.config = config.conclude();
        this.snapshots = snapshots;
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
        this.promiseNext = new long[nodeCount];
        java.util.Arrays.fill(grantSize, config.grantSlots());
        java.util.Arrays.fill(lastHeardNs, nowNs);

        final LogStore.State state = store.load();
        promisedView = state.promisedView();
        maxViewSeen = promisedView;
        truncatedThrough = state.truncatedThrough();
        if (truncatedThrough > Math.max(0, appliedIndex))
        {
            throw new IllegalStateException("the log is truncated through slot " + truncatedThrough +
                " but the applied state ends at slot " + Math.max(0, appliedIndex) +
                ": restart from the snapshot the log was truncated at, or a later one");
        }
        if (restored != null)
        {
            readNodeSection(restored, appliedThrough, appliedAbove);
        }
        for (final LogMessage.AcceptedSlot accepted : state.accepted())
        {
            if (accepted.slot() <= truncatedThrough)
            {
                continue;
            }
            final Slot slot = new Slot();
            slot.acceptedView = accepted.view();
            slot.entry = accepted.entry();
            slot.chosen = accepted.view() == CHOSEN;
            slots.put(accepted.slot(), slot);
        }
        this.appliedIndex = Math.max(0, appliedIndex);
        commitIndex = this.appliedIndex; // chosen slots above it are walked (and applied) again
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
        else if (message instanceof LogMessage.SnapshotRequest m)
        {
            onSnapshotRequest(from, m);
        }
        else if (message instanceof LogMessage.SnapshotChunk m)
        {
            onSnapshotChunk(from, m);
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

    /**
     * A snapshot of everything applied so far (through {@link #appliedIndex()}): the node's own section and the
     * host's {@link LogSnapshots#capture()}. A host that keeps it durably may then {@link #truncate} the log up to its
     * slot.
     *
     * @throws IllegalStateException if the node was built without snapshots.
     */
    public LogSnapshot snapshot()
    {
        if (snapshots == null)
        {
            throw new IllegalStateException("this node was built without snapshots");
        }
        counters.snapshotsTaken++;
        return LogSnapshot.of(appliedIndex, nodeSection(), snapshots.capture());
    }

    /**
     * The host keeps a snapshot through {@code throughSlot} durably (taken with {@link #snapshot()}): the log drops
     * the slots through {@code throughSlot - retainSlots} from memory and the store. A peer that needs them later gets
     * a snapshot instead. Slots at or below an earlier truncation are ignored.
     *
     * @throws IllegalArgumentException if {@code throughSlot} is beyond the applied index.
     * @throws IllegalStateException    if the node was built without snapshots.
     */
    public void truncate(final long throughSlot)
    {
        if (snapshots == null)
        {
            throw new IllegalStateException("this node was built without snapshots: it cannot truncate its log");
        }
        if (throughSlot > appliedIndex)
        {
            throw new IllegalArgumentException(
                "cannot truncate through slot " + throughSlot + ": applied only through " + appliedIndex);
        }
        long through = throughSlot - config.retainSlots(); // a tail for peers that lag a little
        if (served != null && nowNs - servedUsedNs < 2 * config.electionTimeoutNs())
        {
            // a peer is fetching our snapshot: keep the slots after it, or its transfer would start over for ever
            through = Math.min(through, served.slot());
        }
        if (through <= truncatedThrough)
        {
            return;
        }
        truncatedThrough = through;
        slots.headMap(through, true).clear();
        proposals.headMap(through, true).clear();
        ownInSlot.headMap(through, true).clear(); // decided and applied: resolved when they were chosen
        store.truncate(through);
        counters.truncations++;
        if (served != null && served.slot() < truncatedThrough)
        {
            served = null; // slots after it are gone: it can no longer bring a peer up to date
        }
    }

    public void onTick(final long nowNs)
    {
        this.nowNs = nowNs;
        if (served != null && nowNs - servedUsedNs > 10 * config.electionTimeoutNs())
        {
            served = null; // nobody fetched it lately: free the memory
        }
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
                if ((nowNs >= electionDeadlineNs || starvedOfGrants()) &&
                    commitIndex + config.windowSlots() >= knownCommitIndex)
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
        Arrays.fill(promiseNext, prepareFrom);
        recovered.clear();
        ranges.clear();
        grantedThrough = 0;
        grantRequestOutstanding = false;
        counters.electionsStarted++;
        // promise to ourselves first
        promisedView = candidateView;
        store.savePromise(promisedView);
        noteCommitIndex(self, commitIndex);
        collectAccepted(acceptedFrom(prepareFrom));
        promiseComplete(self);
        if (role == Role.CANDIDATE)
        {
            broadcast(new LogMessage.Prepare(candidateView, prepareFrom));
        }
    }

    private void onPrepare(final int from, final LogMessage.Prepare m)
    {
        if (m.view() < promisedView)
        {
            sink.send(from, new LogMessage.Nack(promisedView));
            return;
        }
        if (m.fromSlot() <= truncatedThrough)
        {
            // We dropped slots the candidate asks about: a promise could not report them, and a candidate must hear
            // every accepted slot from a majority. No promise; tell it how far the log is (it fetches a snapshot).
            sink.send(from, new LogMessage.CatchUpReply(m.fromSlot(), List.of(), commitIndex));
            return;
        }
        if (m.view() > promisedView && from != Ballot.owner(promisedView) && leaderIsLive())
        {
            // The region has a live leader: no promise (nor a Nack) to another candidate. A node that cannot
            // hear the leader (its inbound link cut) would otherwise depose it again and again; one whose leader
            // really died finds the others' timers run out too. The leader's own new view is never refused.
            counters.preparesRefused++;
            return;
        }
        if (m.view() > promisedView)
        {
            promise(m.view());
            // The candidate should lead within a round trip and then be heard: put off our own campaign, but by at
            // most half an election timeout past the later of now and our deadline, so that a candidate that never
            // leads (it cannot hear the promises) does not hold the region back by campaigning again and again.
            lastLeaderContactNs = nowNs;
            electionDeadlineNs = Math.max(electionDeadlineNs, nowNs + config.electionTimeoutNs() / 2);
        }
        sink.send(from, promisePage(m.view(), m.fromSlot()));
    }

    /**
     * The accepted slots from {@code fromSlot} on, as many as one message carries ({@code maxBatchBytes}, and at least
     * one slot); the Promise names the first slot left out, which the candidate asks for next.
     */
    private LogMessage.Promise promisePage(final long view, final long fromSlot)
    {
        final List<LogMessage.AcceptedSlot> page = new ArrayList<>();
        long bytes = 0;
        long nextSlot = 0;
        for (final Map.Entry<Long, Slot> e : slots.tailMap(fromSlot, true).entrySet())
        {
            final Slot slot = e.getValue();
            final int size = slot.entry.encodedSize() + PROMISE_SLOT_OVERHEAD;
            if (!page.isEmpty() &&
                (page.size() == LogMessageCodec.MAX_ENTRIES || bytes + size > config.maxBatchBytes()))
            {
                nextSlot = e.getKey();
                break;
            }
            page.add(acceptedSlot(e.getKey(), slot));
            bytes += size;
        }
        return new LogMessage.Promise(view, fromSlot, commitIndex, page, nextSlot);
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
            accepted.add(acceptedSlot(e.getKey(), e.getValue()));
        }
        return accepted;
    }

    private static LogMessage.AcceptedSlot acceptedSlot(final long slotNumber, final Slot slot)
    {
        return new LogMessage.AcceptedSlot(slotNumber, slot.chosen ? CHOSEN : slot.acceptedView, slot.entry);
    }

    private void onPromise(final int from, final LogMessage.Promise m)
    {
        // only the page asked for next: a duplicate or stale page, or one of an earlier election, is ignored
        if (role != Role.CANDIDATE || m.view() != candidateView || (promisesFrom & (1 << from)) != 0 ||
            m.fromSlot() != promiseNext[from])
        {
            return;
        }
        noteCommitIndex(from, m.commitIndex());
        collectAccepted(m.accepted());
        if (m.nextSlot() != 0)
        {
            // more slots than one message carries: ask for the next page (the promise covers every slot already)
            promiseNext[from] = m.nextSlot();
            candidateStartNs = nowNs; // the election is making progress: give the transfer its own timeout
            counters.promisePagesRequested++;
            sink.send(from, new LogMessage.Prepare(candidateView, m.nextSlot()));
            return;
        }
        promiseComplete(from);
    }

    private void promiseComplete(final int from)
    {
        promisesFrom |= 1 << from;
        if (Integer.bitCount(promisesFrom) >= quorum)
        {
            becomeLeader();
        }
    }

    private void collectAccepted(final List<LogMessage.AcceptedSlot> list)
    {
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
            if (slot <= truncatedThrough || known != null && known.chosen)
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
            // ahead of time only to nodes that promised this view: a node that cannot hear us (silent, or with its
            // inbound link cut while its own messages still arrive) would never fill its range, which would stall
            // the log and make us start a new view, again and again; a node that promised late asks for slots
            if (node == self || config.delegation() && (promisesFrom & (1 << node)) != 0)
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

    private void onAccept(final int from, LogMessage.Accept m)
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
            heardLeader();
        }
        if (m.firstSlot() <= truncatedThrough)
        {
            // slots we truncated are chosen and applied: no vote for them; the proposer learns it by catching up
            final int skip = (int)Math.min(m.entries().size(), truncatedThrough - m.firstSlot() + 1);
            if (skip == m.entries().size())
            {
                sink.send(from, new LogMessage.CatchUpReply(m.firstSlot(), List.of(), commitIndex));
                return;
            }
            m = new LogMessage.Accept(m.view(), m.firstSlot() + skip, m.entries().subList(skip, m.entries().size()));
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
            if (slotNumber <= truncatedThrough)
            {
                continue;
            }
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
        if (slotNumber <= truncatedThrough)
        {
            // in the snapshot already: an entry of ours proposed here was applied, or goes back in line
            proposals.remove(slotNumber);
            final LogEntry own = ownInSlot.remove(slotNumber);
            if (own != null && !isApplied(own))
            {
                pending.addFirst(own);
                counters.reproposed++;
            }
            return;
        }
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
            // a range of an older view may hold slots since chosen in a newer one (and perhaps truncated here, so
            // they look free): an entry proposed there would wait on a slot never decided again (seed 1000281)
            while (range.next < range.end && isKnownChosen(range.next))
            {
                range.next++;
            }
            if (range.next == range.end)
            {
                ranges.pollFirst();
                continue;
            }
            final List<LogEntry> batch = new ArrayList<>();
            final long first = range.next;
            int bytes = 0;
            while (range.next < range.end && batch.size() < config.maxBatchEntries() && !isKnownChosen(range.next))
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
    /** The slot is chosen as far as this node knows: truncated (in a snapshot) or marked chosen. */
    private boolean isKnownChosen(final long slotNumber)
    {
        if (slotNumber <= truncatedThrough)
        {
            return true;
        }
        final Slot slot = slots.get(slotNumber);
        return slot != null && slot.chosen;
    }

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
        final TreeSet<Long> above = appliedAbove.get(key);
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
        final TreeSet<Long> above = appliedAbove.computeIfAbsent(key, k -> new TreeSet<>());
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
        if (!grantRequestOutstanding && role != Role.LEADER)
        {
            grantWaitSinceNs = nowNs;
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
            lastGrantDeferredNs = nowNs;
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
        heardLeader();
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
        else if (nextGrantSlot > commitIndex + 1 && nowNs - lastProgressNs >= config.electionTimeoutNs() &&
            (highestSlotSeen > commitIndex || !pending.isEmpty() || lastGrantDeferredNs > lastProgressNs))
        {
            // the log is stuck inside granted slots (a delegate died mid-range, or its proposals are lost for
            // good) while someone needs it to move (a later slot in use, our own entries waiting, a grant put off
            // for want of window): a new view recovers those slots from a majority and fills what nobody accepted.
            // (Ranges granted ahead of time and unused while nobody waits hold nobody back: an idle region keeps
            // its view.)
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
        heardLeader();
        noteCommitIndex(from, m.commitIndex());
    }

    private void leaderContact()
    {
        lastLeaderContactNs = nowNs;
        electionDeadlineNs = nowNs + randomElectionTimeout();
    }

    /**
     * True when our request for slots has gone unanswered for an election timeout while the leader otherwise seems
     * alive: a leader that cannot hear us (its inbound link cut) still sends heartbeats, but never grants; we must
     * not follow it for ever.
     */
    private boolean starvedOfGrants()
    {
        return grantRequestOutstanding && nowNs - grantWaitSinceNs >= config.electionTimeoutNs() &&
            config.delegation();
    }

    /** A message from the leader of the view promised (heartbeat, accept or grant): it is alive. */
    private void heardLeader()
    {
        leaderHeardNs = nowNs;
        leaderContact();
    }

    /**
     * True while this node knows a live leader: as a follower, it heard the leader within the election timeout; as the
     * leader, it heard a majority (itself included) within it.
     */
    private boolean leaderIsLive()
    {
        if (role == Role.FOLLOWER)
        {
            return nowNs - leaderHeardNs < config.electionTimeoutNs() && !starvedOfGrants();
        }
        if (role != Role.LEADER)
        {
            return false;
        }
        int heard = 1;
        for (int node = 0; node < nodeCount; node++)
        {
            if (node != self && nowNs - lastHeardNs[node] < config.electionTimeoutNs())
            {
                heard++;
            }
        }
        return heard >= quorum;
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
        if (receiving != null)
        {
            if (receivingSlot <= appliedIndex || nowNs - receivingProgressNs >= config.electionTimeoutNs())
            {
                receiving = null; // caught up otherwise, or the peer went silent: start over if need be
                receivingSlot = -1;
            }
            else
            {
                if (nowNs - lastCatchUpNs >= config.retransmitTimeoutNs())
                {
                    lastCatchUpNs = nowNs;
                    sink.send(receivingFrom, new LogMessage.SnapshotRequest(receivingSlot, receivedBytes));
                }
                return;
            }
        }
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
        if (m.fromSlot() <= truncatedThrough)
        {
            sendSnapshotChunk(from, 0); // those entries are gone: the peer gets our snapshot instead
            return;
        }
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

    // ------------------------------------------------------------------------------------------------ snapshots

    /** Sends bytes of the snapshot this node serves from {@code offset}; a fresh snapshot when it holds none. */
    private void sendSnapshotChunk(final int to, final long offset)
    {
        if (snapshots == null)
        {
            return;
        }
        if (served == null || served.slot() < truncatedThrough)
        {
            served = snapshot();
        }
        servedUsedNs = nowNs;
        final byte[] bytes = served.bytes();
        if (offset < 0 || offset >= bytes.length)
        {
            return;
        }
        final int length = (int)Math.min(config.snapshotChunkBytes(), bytes.length - offset);
        final byte[] data = java.util.Arrays.copyOfRange(bytes, (int)offset, (int)offset + length);
        counters.snapshotChunksSent++;
        sink.send(to, new LogMessage.SnapshotChunk(served.slot(), commitIndex, bytes.length, offset, data));
    }

    private void onSnapshotRequest(final int from, final LogMessage.SnapshotRequest m)
    {
        if (served != null && served.slot() == m.slot())
        {
            sendSnapshotChunk(from, m.offset());
        }
        else if (truncatedThrough > 0)
        {
            sendSnapshotChunk(from, 0); // that one is gone (or never was ours): start over with ours
        }
    }

    private void onSnapshotChunk(final int from, final LogMessage.SnapshotChunk m)
    {
        noteCommitIndex(from, m.commitIndex());
        if (snapshots == null || m.slot() <= appliedIndex || m.data().length == 0)
        {
            return;
        }
        if (m.totalBytes() > config.maxSnapshotBytes())
        {
            counters.snapshotsRejected++;
            return;
        }
        if (m.offset() == 0 && (receiving == null || m.slot() > receivingSlot))
        {
            receivingSlot = m.slot();
            receiving = new byte[(int)m.totalBytes()];
            receivedBytes = 0;
            receivingFrom = from;
        }
        if (receiving == null || from != receivingFrom || m.slot() != receivingSlot ||
            m.totalBytes() != receiving.length || m.offset() != receivedBytes)
        {
            // a duplicate, a reordered chunk, another snapshot, or another sender's (two hosts need not capture
            // the same bytes for a slot: one transfer comes from one sender)
            return;
        }
        System.arraycopy(m.data(), 0, receiving, receivedBytes, m.data().length);
        receivedBytes += m.data().length;
        receivingFrom = from;
        receivingProgressNs = nowNs;
        lastCatchUpNs = nowNs;
        if (receivedBytes < receiving.length)
        {
            sink.send(from, new LogMessage.SnapshotRequest(receivingSlot, receivedBytes));
            return;
        }
        final byte[] bytes = receiving;
        final long expectedSlot = receivingSlot;
        receiving = null;
        receivingSlot = -1;
        final HashMap<Long, long[]> through = new HashMap<>();
        final HashMap<Long, TreeSet<Long>> above = new HashMap<>();
        final LogSnapshot snapshot;
        try
        {
            snapshot = LogSnapshot.parse(bytes);
            if (snapshot.slot() != expectedSlot)
            {
                throw new IllegalArgumentException("slot " + snapshot.slot() + ", expected " + expectedSlot);
            }
            readNodeSection(snapshot, through, above);
        }
        catch (final IllegalArgumentException ex)
        {
            counters.snapshotsRejected++;
            return;
        }
        try
        {
            snapshots.install(snapshot);
        }
        catch (final IllegalArgumentException ex)
        {
            counters.snapshotsRejected++; // the host refused its part: nothing changed, the node catches up later
            return;
        }
        install(snapshot, through, above);
    }

    /** Replaces everything through the snapshot's slot by the snapshot (the host installed its part). */
    private void install(
        final LogSnapshot snapshot, final HashMap<Long, long[]> through, final HashMap<Long, TreeSet<Long>> above)
    {
        final long slot = snapshot.slot();
        appliedThrough.clear();
        appliedThrough.putAll(through);
        appliedAbove.clear();
        appliedAbove.putAll(above);
        // Our entries chosen in slots the snapshot covers but not applied here yet: their effect is in it now.
        final TreeSet<Long> inSnapshot = new TreeSet<>();
        for (final Slot known : slots.subMap(appliedIndex, false, slot, true).values())
        {
            if (known.chosen && !known.entry.isNoop() && known.entry.origin() == self && isApplied(known.entry))
            {
                inSnapshot.add(known.entry.sequence());
            }
        }
        appliedIndex = slot;
        commitIndex = Math.max(commitIndex, slot);
        durableCommitIndex = Math.max(durableCommitIndex, slot);
        knownCommitIndex = Math.max(knownCommitIndex, commitIndex);
        highestSlotSeen = Math.max(highestSlotSeen, slot);
        truncatedThrough = slot;
        slots.headMap(slot, true).clear();
        proposals.headMap(slot, true).clear();
        store.truncate(slot);
        store.saveCommitIndex(commitIndex);
        served = null;
        counters.snapshotsInstalled++;
        lastCatchUpNs = Long.MIN_VALUE / 2; // entries after the snapshot may follow at once

        // Our entries: those in decided slots the snapshot covers were applied there, or lost their slot to another
        // entry (then they go back first in line, in their order); forwarded or queued ones may be applied too.
        final Map<Long, LogEntry> decided = ownInSlot.headMap(slot, true);
        final ArrayList<LogEntry> again = new ArrayList<>();
        for (final LogEntry entry : decided.values())
        {
            if (isApplied(entry))
            {
                inSnapshot.add(entry.sequence());
            }
            else
            {
                again.add(entry);
                counters.reproposed++;
            }
        }
        decided.clear();
        for (int i = again.size() - 1; i >= 0; i--)
        {
            pending.addFirst(again.get(i));
        }
        final Iterator<LogEntry> forwardedEntries = forwarded.values().iterator();
        while (forwardedEntries.hasNext())
        {
            final LogEntry entry = forwardedEntries.next();
            if (isApplied(entry))
            {
                forwardedEntries.remove();
                inSnapshot.add(entry.sequence());
            }
        }
        final Iterator<LogEntry> queued = pending.iterator();
        while (queued.hasNext())
        {
            final LogEntry entry = queued.next();
            if (isApplied(entry))
            {
                queued.remove();
                if (entry.origin() == self)
                {
                    inSnapshot.add(entry.sequence());
                }
            }
        }
        final Iterator<Range> granted = ranges.iterator();
        while (granted.hasNext())
        {
            final Range range = granted.next();
            range.next = Math.max(range.next, slot + 1);
            if (range.next >= range.end)
            {
                granted.remove();
            }
        }
        for (final Long sequence : inSnapshot)
        {
            snapshots.appliedInSnapshot(sequence);
        }
        if (role == Role.CANDIDATE)
        {
            role = Role.FOLLOWER; // its promises were about slots now decided: campaign again later if need be
            leaderContact();
        }
        else if (role == Role.LEADER)
        {
            nextGrantSlot = Math.max(nextGrantSlot, slot + 1);
        }
    }

    /** The node's section of a snapshot: per origin and incarnation, the watermark and the numbers above it. */
    private byte[] nodeSection()
    {
        final ArrayList<Long> keys = new ArrayList<>(appliedThrough.keySet());
        java.util.Collections.sort(keys);
        int length = 4;
        for (final Long key : keys)
        {
            length += 8 + 8 + 4 + 8 * appliedAbove.get(key).size();
        }
        final java.nio.ByteBuffer buffer =
            java.nio.ByteBuffer.allocate(length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(keys.size());
        for (final Long key : keys)
        {
            final TreeSet<Long> numbers = appliedAbove.get(key);
            buffer.putLong(key).putLong(appliedThrough.get(key)[0]).putInt(numbers.size());
            for (final Long number : numbers)
            {
                buffer.putLong(number);
            }
        }
        return buffer.array();
    }

    /** Reads a snapshot's node section into the given maps; IllegalArgumentException if malformed. */
    private static void readNodeSection(
        final LogSnapshot snapshot, final HashMap<Long, long[]> through, final HashMap<Long, TreeSet<Long>> above)
    {
        final java.nio.ByteBuffer buffer = snapshot.nodeSection();
        try
        {
            final int keys = buffer.getInt();
            if (keys < 0 || keys > buffer.remaining() / 20)
            {
                throw new IllegalArgumentException("malformed snapshot: " + keys + " origins");
            }
            for (int i = 0; i < keys; i++)
            {
                final long key = buffer.getLong();
                final long watermark = buffer.getLong();
                final int count = buffer.getInt();
                if (watermark < 0 || count < 0 || count > buffer.remaining() / 8 || through.containsKey(key))
                {
                    throw new IllegalArgumentException("malformed snapshot: origin " + key);
                }
                final TreeSet<Long> numbers = new TreeSet<>();
                for (int j = 0; j < count; j++)
                {
                    final long number = buffer.getLong();
                    if (number <= watermark + 1)
                    {
                        throw new IllegalArgumentException("malformed snapshot: origin " + key + " number " + number);
                    }
                    numbers.add(number);
                }
                through.put(key, new long[]{ watermark });
                above.put(key, numbers);
            }
            if (buffer.hasRemaining())
            {
                throw new IllegalArgumentException("malformed snapshot: trailing bytes in the node section");
            }
        }
        catch (final java.nio.BufferUnderflowException ex)
        {
            throw new IllegalArgumentException("malformed snapshot: node section truncated", ex);
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

    /** Slots through here are in a snapshot and dropped from memory and the store (0: never truncated). */
    public long truncatedThrough()
    {
        return truncatedThrough;
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

    /** When this node last received a message from {@code node} (its own id: now). */
    public long lastHeardNs(final int node)
    {
        return node == self ? nowNs : lastHeardNs[node];
    }

    /** A one-line description of the node's state, for traces and failure messages. */
    public String describe()
    {
        final StringBuilder sb = new StringBuilder()
            .append("node ").append(self).append(' ').append(role)
            .append(" view ").append(Ballot.toString(promisedView))
            .append(" commit ").append(commitIndex).append(" applied ").append(appliedIndex)
            .append(" durableCommit ").append(durableCommitIndex).append(" known ").append(knownCommitIndex)
            .append(" truncated ").append(truncatedThrough).append(" highestSeen ").append(highestSlotSeen)
            .append(" pending ").append(pending.size()).append(" forwarded ").append(forwarded.size())
            .append(" ownInSlot ").append(ownInSlot.keySet()).append(" proposals ").append(proposals.size());
        if (!proposals.isEmpty())
        {
            sb.append(' ').append(proposals.firstKey()).append("..").append(proposals.lastKey());
        }
        sb.append(" ranges [");
        for (final Range range : ranges)
        {
            sb.append(range.next).append("..").append(range.end - 1).append(' ');
        }
        sb.append("] grantedThrough ").append(grantedThrough).append(" grantRequestOutstanding ")
            .append(grantRequestOutstanding).append(" retransmits ").append(counters.retransmits)
            .append(" elections ").append(counters.electionsStarted).append(" stallViewChanges ")
            .append(counters.stallViewChanges).append(" conflictingAccepts ").append(counters.conflictingAccepts);
        if (role == Role.LEADER)
        {
            sb.append(" nextGrantSlot ").append(nextGrantSlot);
        }
        return sb.toString();
    }

    public RegionLogCounters counters()
    {
        return counters;
    }
}
