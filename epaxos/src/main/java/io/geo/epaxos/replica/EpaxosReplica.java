package io.geo.epaxos.replica;

import io.geo.epaxos.Invariants;
import io.geo.epaxos.api.ClientResponder;
import io.geo.epaxos.api.DurableStore;
import io.geo.epaxos.api.InstanceRecord;
import io.geo.epaxos.api.MessageSink;
import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.api.StateMachine;
import io.geo.epaxos.messages.Accept;
import io.geo.epaxos.messages.AcceptReply;
import io.geo.epaxos.messages.Commit;
import io.geo.epaxos.messages.ExecutedWatermarks;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.messages.PreAccept;
import io.geo.epaxos.messages.PreAcceptReply;
import io.geo.epaxos.messages.Prepare;
import io.geo.epaxos.messages.PrepareReply;
import io.geo.epaxos.primitives.Ballot;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.primitives.Status;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One EPaxos replica: a pure, deterministic state machine. Inputs are calls ({@link #submit}, {@link #onMessage},
 * {@link #onTick}, {@link #onSynced}) carrying the host's clock; outputs go to the host's {@link MessageSink}, {@link DurableStore},
 * {@link StateMachine} and {@link ClientResponder}. No threads, clocks, sockets or files inside; not thread-safe
 * (one caller at a time).
 *
 * <h2>Fast path rule</h2>
 * N = 2F + 1 replicas; the fast quorum is F + floor((F + 1) / 2) replicas including the command leader. The leader
 * commits on the fast path, in its initial ballot only, once F + floor((F + 1) / 2) - 1 other replicas replied that
 * their pre-accept attributes are <em>identical</em> to its proposal (each replica records that flag with its vote).
 * For N = 3 that is one identical reply (fast quorum 2 = a majority); no union-of-replies shortcut is taken. Otherwise
 * the leader runs Accept (Paxos phase 2) with the union of the replies it has (at least F) and commits after F
 * accept replies. See docs/protocol.md for why this is safe and how recovery tells a fast-path commit apart.
 */
public final class EpaxosReplica
{
    private final ReplicaConfig config;
    private final int self;
    private final int replicaCount;
    private final int maxFailures;
    private final int fastQuorum;
    private final int maxTrackedInstances;
    private final MessageSink sink;
    private final DurableStore store;
    private final StateMachine stateMachine;
    private final ClientResponder responder;
    /** Reseeded by {@link #snapshot()}, so a restored copy draws what the original draws. */
    private ReplicaRandom random;

    private final Long2ObjectHashMap<Instance> instances = new Long2ObjectHashMap<>();
    private final LongHashSet uncommitted = new LongHashSet();
    private final ConflictIndex index = new ConflictIndex();
    private final Long2ObjectHashMap<LongArrayList> executionWaiters = new Long2ObjectHashMap<>();
    /** Roots whose awaited dependency executed, to retry once the current traversal is done. */
    private final LongArrayList readyRoots = new LongArrayList();
    /** Committed here, commit record not yet reported durable: not executable yet. */
    private final LongArrayList awaitingSync = new LongArrayList();
    private final long[] executedPrefix;
    private final long[] gcWatermark;
    private final long[][] peerExecuted;
    private final ReplicaCounters counters = new ReplicaCounters();

    private long nextInstanceNumber;
    private int inFlightCommands;
    private long nextGcNs;
    private int tarjanEpoch;
    private final ArrayList<Instance> tarjanStack = new ArrayList<>();
    private final ArrayList<Instance> frameNodes = new ArrayList<>();
    private final LongArrayList frameDepIndex = new LongArrayList();
    private long[] scanScratch = new long[64];

    /**
     * Creates a replica, rebuilding its state from {@code store} (empty for a new replica). Committed instances that
     * were not executed before a crash are executed on the first tick.
     */
    public EpaxosReplica(
        final ReplicaConfig config,
        final MessageSink sink,
        final DurableStore store,
        final StateMachine stateMachine,
        final ClientResponder responder,
        final long nowNs)
    {
        this(config, sink, store, stateMachine, responder);
        final long[] loaded = store.loadGcWatermarks(replicaCount);
        Invariants.check(loaded.length == replicaCount, "gc watermarks sized for the replica count",
            loaded.length, replicaCount);
        System.arraycopy(loaded, 0, gcWatermark, 0, replicaCount);
        recover(nowNs);
    }

    private EpaxosReplica(
        final ReplicaConfig config,
        final MessageSink sink,
        final DurableStore store,
        final StateMachine stateMachine,
        final ClientResponder responder)
    {
        this.config = config.conclude();
        this.self = config.replicaId();
        this.replicaCount = config.replicaCount();
        this.maxFailures = ReplicaConfig.maxFailures(replicaCount);
        this.fastQuorum = ReplicaConfig.fastQuorum(replicaCount);
        this.maxTrackedInstances = config.maxTrackedInstances();
        this.sink = sink;
        this.store = store;
        this.stateMachine = stateMachine;
        this.responder = responder;
        this.random = new ReplicaRandom(config.randomSeed());
        this.executedPrefix = new long[replicaCount];
        this.peerExecuted = new long[replicaCount][replicaCount];
        this.gcWatermark = new long[replicaCount];
    }

    /**
     * A replica in exactly the state {@code snapshot} recorded (see {@link #snapshot()}): given the same inputs from
     * then on, it does what the replica that took the snapshot does. Neither {@code store} nor {@code stateMachine}
     * is read or written here: the caller restores the state machine to the same point, and gives a store that holds
     * the durable records of the snapshot's instances (a region replica's memory store may start empty: nothing reads
     * it after construction).
     *
     * @throws IllegalArgumentException if the snapshot is malformed, or was taken by another replica id or count.
     */
    public static EpaxosReplica restore(
        final ReplicaConfig config,
        final MessageSink sink,
        final DurableStore store,
        final StateMachine stateMachine,
        final ClientResponder responder,
        final byte[] snapshot)
    {
        final EpaxosReplica replica = new EpaxosReplica(config, sink, store, stateMachine, responder);
        replica.readSnapshot(new ReplicaSnapshotFormat.Reader(snapshot));
        return replica;
    }

    // ------------------------------------------------------------------------------------------------ inputs

    /**
     * Proposes a client command with this replica as command leader. Non-blocking. The outcome reaches the
     * {@link ClientResponder}: executed (with results), or rejected (invalid, overloaded, aborted by recovery).
     *
     * @return the instance id, or {@link InstanceId#NONE} if the command was rejected at once.
     */
    public long submit(final Command submitted, final long nowNs)
    {
        final Command command = submitted.isBatch() ? validMembers(submitted) : submitted;
        if (command == null)
        {
            return InstanceId.NONE; // every member was invalid, and rejected
        }
        final String invalid = command.isBatch() ? validateBatch(command) : validate(command);
        if (invalid != null)
        {
            counters.rejectedInvalid += command.memberCount();
            rejectAll(command, Rejection.INVALID, invalid);
            return InstanceId.NONE;
        }
        if (inFlightCommands >= config.maxInFlightCommands() || instances.size() >= config.maxLiveInstances())
        {
            counters.rejectedOverload += command.memberCount();
            rejectAll(command, Rejection.OVERLOADED,
                "in flight " + inFlightCommands + "/" + config.maxInFlightCommands() +
                ", live instances " + instances.size() + "/" + config.maxLiveInstances());
            return InstanceId.NONE;
        }

        final long id = InstanceId.of(self, nextInstanceNumber++);
        final Instance inst = new Instance(id);
        instances.put(id, inst);
        uncommitted.add(id);
        setCommand(inst, command);
        inst.deps = index.conflicts(command, id);
        inst.seq = 1 + maxSeqOf(inst.deps);
        inst.status = Status.PRE_ACCEPTED;
        inst.promisedBallot = Ballot.initial(self);
        inst.voteBallot = inst.promisedBallot;
        inst.identical = true;
        inst.clientCommand = command;
        inFlightCommands += command.memberCount();
        counters.proposed++;
        persist(inst);

        final Proposal proposal = new Proposal(Proposal.Phase.PRE_ACCEPT, inst.promisedBallot, false, replicaCount);
        inst.proposal = proposal;
        proposal.startPhase(Proposal.Phase.PRE_ACCEPT, nowNs);
        proposal.unionSeq = inst.seq;
        proposal.unionDeps = inst.deps;
        broadcast(new PreAccept(proposal.ballot, id, command, inst.seq, inst.deps, gcWatermark.clone()));
        maybeFinishPreAccept(inst, nowNs, false);
        return id;
    }

    /** Handles one message from replica {@code from}. Messages may be duplicated, reordered or stale. */
    public void onMessage(final int from, final Message message, final long nowNs)
    {
        if (from < 0 || from >= replicaCount || from == self)
        {
            counters.droppedMessages++;
            return;
        }
        if (message instanceof PreAccept m)
        {
            onPreAccept(from, m, nowNs);
        }
        else if (message instanceof PreAcceptReply m)
        {
            onPreAcceptReply(from, m, nowNs);
        }
        else if (message instanceof Accept m)
        {
            onAccept(from, m, nowNs);
        }
        else if (message instanceof AcceptReply m)
        {
            onAcceptReply(from, m, nowNs);
        }
        else if (message instanceof Commit m)
        {
            onCommit(m, nowNs);
        }
        else if (message instanceof Prepare m)
        {
            onPrepare(from, m, nowNs);
        }
        else if (message instanceof PrepareReply m)
        {
            onPrepareReply(from, m, nowNs);
        }
        else if (message instanceof ExecutedWatermarks m)
        {
            onExecutedWatermarks(from, m);
        }
    }

    /** Housekeeping: retransmissions, fast-path timeouts, recovery of stalled instances, garbage collection. */
    public void onTick(final long nowNs)
    {
        final int count = snapshotUncommitted();
        int recoveriesStarted = 0;
        for (int i = 0; i < count; i++)
        {
            final Instance inst = instances.get(scanScratch[i]);
            if (inst == null || inst.isCommitted())
            {
                continue;
            }
            final Proposal proposal = inst.proposal;
            if (proposal != null)
            {
                if (proposal.phase == Proposal.Phase.PRE_ACCEPT &&
                    nowNs - proposal.phaseStartNs >= config.fastPathTimeoutNs())
                {
                    maybeFinishPreAccept(inst, nowNs, true);
                }
                if (inst.proposal == proposal && !inst.isCommitted() &&
                    nowNs - proposal.lastSendNs >= config.retransmitTimeoutNs())
                {
                    retransmit(inst, proposal, nowNs);
                }
            }
            else if (nowNs >= inst.recoveryDueNs && recoveriesStarted < config.maxRecoveriesPerTick())
            {
                recoveriesStarted++;
                startRecovery(inst, nowNs);
            }
        }

        if (nowNs >= nextGcNs)
        {
            nextGcNs = nowNs + config.gcIntervalNs();
            System.arraycopy(executedPrefix, 0, peerExecuted[self], 0, replicaCount);
            if (replicaCount > 1)
            {
                broadcast(new ExecutedWatermarks(executedPrefix.clone()));
            }
            collectGarbage();
            learnMissingInstances(nowNs);
        }
    }

    // ------------------------------------------------------------------------------------------------ phase 1

    private void onPreAccept(final int from, final PreAccept m, final long nowNs)
    {
        final long id = m.instance();
        if (isForgotten(id) || !validMessageCommand(m.command()))
        {
            return;
        }
        final Instance inst = getOrCreate(id, nowNs);
        if (inst == null)
        {
            return;
        }
        if (m.ballot() < inst.promisedBallot)
        {
            sink.send(from, new PreAcceptReply(m.ballot(), id, false, 0, Deps.EMPTY, false, inst.promisedBallot));
            return;
        }
        if (inst.isCommitted())
        {
            sink.send(from, new Commit(id, inst.command, inst.seq, inst.deps));
            return;
        }
        if (inst.voteBallot == m.ballot())
        {
            if (inst.status == Status.PRE_ACCEPTED)
            {
                // Duplicate: answer with the recorded vote, never a recomputed one.
                sink.send(from, new PreAcceptReply(m.ballot(), id, true, inst.seq, inst.deps, inst.identical,
                    inst.promisedBallot));
            }
            return; // already accepted in this ballot: a stale pre-accept changes nothing
        }

        abandonProposalIfOutbid(inst, m.ballot(), nowNs);
        setCommand(inst, m.command());
        final long[] localDeps = withoutForgotten(index.conflicts(m.command(), id), m.forgotten());
        final long seq = Math.max(m.seq(), 1 + maxSeqOf(localDeps));
        final long[] deps = Deps.union(m.deps(), localDeps);
        inst.status = Status.PRE_ACCEPTED;
        inst.promisedBallot = m.ballot();
        inst.voteBallot = m.ballot();
        inst.seq = seq;
        inst.deps = deps;
        inst.identical = seq == m.seq() && deps.length == m.deps().length;
        scheduleRecovery(inst, nowNs);
        persist(inst);
        sink.send(from, new PreAcceptReply(m.ballot(), id, true, seq, deps, inst.identical, inst.promisedBallot));
    }

    private void onPreAcceptReply(final int from, final PreAcceptReply m, final long nowNs)
    {
        final Instance inst = instances.get(m.instance());
        final Proposal proposal = inst == null ? null : inst.proposal;
        if (proposal == null || proposal.phase != Proposal.Phase.PRE_ACCEPT || proposal.ballot != m.ballot() ||
            inst.isCommitted())
        {
            return;
        }
        if (!m.ok())
        {
            preempted(inst, m.promisedBallot(), nowNs);
            return;
        }
        if (proposal.replied[from])
        {
            return;
        }
        proposal.replied[from] = true;
        proposal.replies++;
        if (m.identical() && m.seq() == inst.seq && m.deps().length == inst.deps.length)
        {
            proposal.identicalReplies++;
        }
        proposal.unionSeq = Math.max(proposal.unionSeq, m.seq());
        proposal.unionDeps = Deps.union(proposal.unionDeps, m.deps());
        maybeFinishPreAccept(inst, nowNs, false);
    }

    private void maybeFinishPreAccept(final Instance inst, final long nowNs, final boolean timedOut)
    {
        final Proposal p = inst.proposal;
        final boolean fastAllowed = !p.avoidFastPath && Ballot.isInitial(p.ballot);
        if (fastAllowed && p.identicalReplies >= fastQuorum - 1)
        {
            counters.fastPathCommits++;
            inst.committedOnFastPath = true;
            commitAndBroadcast(inst, inst.command, inst.seq, inst.deps, nowNs);
            return;
        }
        if (p.replies >= maxFailures)
        {
            // Decide on the nearest fast quorum: once it has answered without agreeing, waiting for farther
            // replicas costs more than the Accept round it might save.
            final boolean fastImpossible = !fastAllowed || p.replies >= fastQuorum - 1 ||
                p.replies - p.identicalReplies > replicaCount - fastQuorum;
            if (fastImpossible || timedOut || p.replies == replicaCount - 1)
            {
                if (Ballot.isInitial(p.ballot))
                {
                    counters.slowPathCommits++;
                }
                startAccept(inst, inst.command, p.unionSeq, p.unionDeps, nowNs);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ phase 2

    private void startAccept(
        final Instance inst, final Command command, final long seq, final long[] deps, final long nowNs)
    {
        final Proposal p = inst.proposal;
        setCommand(inst, command);
        inst.seq = seq;
        inst.deps = deps;
        inst.status = Status.ACCEPTED;
        inst.voteBallot = p.ballot;
        inst.identical = false;
        persist(inst);
        p.startPhase(Proposal.Phase.ACCEPT, nowNs);
        if (maxFailures == 0)
        {
            commitAndBroadcast(inst, command, seq, deps, nowNs);
            return;
        }
        broadcast(new Accept(p.ballot, inst.id, command, seq, deps));
    }

    private void onAccept(final int from, final Accept m, final long nowNs)
    {
        final long id = m.instance();
        if (isForgotten(id) || !validMessageCommand(m.command()))
        {
            return;
        }
        final Instance inst = getOrCreate(id, nowNs);
        if (inst == null)
        {
            return;
        }
        if (m.ballot() < inst.promisedBallot)
        {
            sink.send(from, new AcceptReply(m.ballot(), id, false, inst.promisedBallot));
            return;
        }
        if (inst.isCommitted())
        {
            sink.send(from, new Commit(id, inst.command, inst.seq, inst.deps));
            return;
        }
        if (!(inst.status == Status.ACCEPTED && inst.voteBallot == m.ballot()))
        {
            abandonProposalIfOutbid(inst, m.ballot(), nowNs);
            setCommand(inst, m.command());
            inst.status = Status.ACCEPTED;
            inst.promisedBallot = m.ballot();
            inst.voteBallot = m.ballot();
            inst.seq = m.seq();
            inst.deps = m.deps();
            inst.identical = false;
            scheduleRecovery(inst, nowNs);
            persist(inst);
        }
        sink.send(from, new AcceptReply(m.ballot(), id, true, inst.promisedBallot));
    }

    private void onAcceptReply(final int from, final AcceptReply m, final long nowNs)
    {
        final Instance inst = instances.get(m.instance());
        final Proposal p = inst == null ? null : inst.proposal;
        if (p == null || p.phase != Proposal.Phase.ACCEPT || p.ballot != m.ballot() || inst.isCommitted())
        {
            return;
        }
        if (!m.ok())
        {
            preempted(inst, m.promisedBallot(), nowNs);
            return;
        }
        if (p.replied[from])
        {
            return;
        }
        p.replied[from] = true;
        p.replies++;
        if (p.replies >= maxFailures)
        {
            commitAndBroadcast(inst, inst.command, inst.seq, inst.deps, nowNs);
        }
    }

    // ------------------------------------------------------------------------------------------------ commit

    private void commitAndBroadcast(
        final Instance inst, final Command command, final long seq, final long[] deps, final long nowNs)
    {
        commitLocally(inst, command, seq, deps, nowNs);
        broadcast(new Commit(inst.id, command, seq, deps));
    }

    private void onCommit(final Commit m, final long nowNs)
    {
        final long id = m.instance();
        if (isForgotten(id) || !validMessageCommand(m.command()))
        {
            return;
        }
        final Instance inst = getOrCreate(id, nowNs);
        if (inst == null)
        {
            return;
        }
        if (!inst.isCommitted())
        {
            commitLocally(inst, m.command(), m.seq(), m.deps(), nowNs);
        }
    }

    private void commitLocally(
        final Instance inst, final Command command, final long seq, final long[] deps, final long nowNs)
    {
        Invariants.check(!inst.isCommitted(), "instance committed twice", inst.id);
        Invariants.check(Deps.isSortedSet(deps), "deps sorted and distinct", inst.id);
        setCommand(inst, command);
        inst.seq = seq;
        inst.deps = deps;
        inst.status = Status.COMMITTED;
        inst.proposal = null;
        inst.recoveryDueNs = Long.MAX_VALUE;
        if (!command.isNoop())
        {
            index.onCommitted(inst.id, command, lowerDeps(inst));
        }
        uncommitted.remove(inst.id);
        persist(inst);
        counters.committed++;
        if (inst.clientCommand != null && inst.clientCommand.equals(command))
        {
            for (int i = 0; i < command.memberCount(); i++)
            {
                responder.onCommitted(inst.id, command.member(i), inst.committedOnFastPath);
            }
        }
        // Execution waits until the host reports this commit durable (onSynced): a state machine change must
        // never get ahead of the commit it comes from, or a crash could leave it applied in an order recovery
        // later decides differently.
        awaitingSync.addLong(inst.id);
    }

    /**
     * The host made every {@link DurableStore} write issued before this call durable (a group commit completed).
     * Executes what that made eligible. Client replies emitted during this call depend only on commits already
     * durable, so hosts may release them without waiting for the writes this call makes (execution markers);
     * messages still follow the usual rule.
     */
    public void onSynced(final long nowNs)
    {
        if (awaitingSync.isEmpty())
        {
            return;
        }
        final long[] ids = awaitingSync.toLongArray();
        awaitingSync.clear();
        for (final long id : ids)
        {
            final Instance inst = instances.get(id);
            if (inst != null && inst.isCommitted())
            {
                inst.commitDurable = true;
            }
        }
        for (final long id : ids)
        {
            tryExecute(id, nowNs);
        }
        drainReadyRoots(nowNs);
    }

    /**
     * Retries the roots whose blocking dependency has executed. A blocked root waits on one dependency and is retried
     * only when that one executes (not when it commits: a committed but blocked dependency registers its own wait,
     * so retrying its waiters then would walk the same blocked graph again, quadratic for chains that commit newest
     * first).
     */
    private void drainReadyRoots(final long nowNs)
    {
        while (!readyRoots.isEmpty())
        {
            final long root = readyRoots.removeAt(readyRoots.size() - 1);
            tryExecute(root, nowNs);
        }
    }

    // ------------------------------------------------------------------------------------------------ recovery

    private void startRecovery(final Instance inst, final long nowNs)
    {
        // Start above the leader's initial ballot even when this replica knows the instance only as a dependency
        // (no ballot seen yet): a recovery ballot must outrank every ballot the leader may still use.
        final long leaderInitial = Ballot.initial(InstanceId.replica(inst.id));
        final long ballot = Ballot.next(Math.max(leaderInitial, Math.max(inst.promisedBallot, inst.seenBallot)), self);
        Invariants.check(ballot > leaderInitial, "recovery ballot above the leader's initial ballot", ballot);
        final PrepareReply own = prepareReply(inst, ballot);
        inst.promisedBallot = ballot;
        persist(inst);
        final Proposal p = new Proposal(Proposal.Phase.PREPARE, ballot, true, replicaCount);
        p.startPhase(Proposal.Phase.PREPARE, nowNs);
        p.prepareReplies = new PrepareReply[replicaCount];
        p.prepareReplies[self] = own;
        p.replied[self] = true;
        p.replies = 1;
        inst.proposal = p;
        counters.recoveriesStarted++;
        broadcast(new Prepare(ballot, inst.id));
        decideRecovery(inst, nowNs);
    }

    private void onPrepare(final int from, final Prepare m, final long nowNs)
    {
        final long id = m.instance();
        if (isForgotten(id))
        {
            return;
        }
        final Instance inst = getOrCreate(id, nowNs);
        if (inst == null)
        {
            return;
        }
        if (inst.isCommitted() && m.ballot() < inst.promisedBallot)
        {
            // Outbid, but the answer is known: hand over the commit rather than a rejection.
            sink.send(from, new Commit(id, inst.command, inst.seq, inst.deps));
            return;
        }
        if (m.ballot() < inst.promisedBallot)
        {
            sink.send(from, new PrepareReply(m.ballot(), id, false, inst.promisedBallot, Status.NONE,
                Instance.NO_BALLOT, null, 0, Deps.EMPTY, false));
            return;
        }
        if (m.ballot() > inst.promisedBallot)
        {
            abandonProposalIfOutbid(inst, m.ballot(), nowNs);
            inst.promisedBallot = m.ballot();
            persist(inst);
        }
        if (!inst.isCommitted())
        {
            // Somebody is recovering this instance: give them time before competing.
            scheduleRecovery(inst, nowNs);
        }
        sink.send(from, prepareReply(inst, m.ballot()));
    }

    private PrepareReply prepareReply(final Instance inst, final long ballot)
    {
        return new PrepareReply(ballot, inst.id, true, Math.max(ballot, inst.promisedBallot), inst.status,
            inst.voteBallot, inst.command, inst.seq, inst.deps, inst.identical);
    }

    private void onPrepareReply(final int from, final PrepareReply m, final long nowNs)
    {
        final Instance inst = instances.get(m.instance());
        final Proposal p = inst == null ? null : inst.proposal;
        if (p == null || p.phase != Proposal.Phase.PREPARE || p.ballot != m.ballot() || inst.isCommitted())
        {
            return;
        }
        if (!m.ok())
        {
            preempted(inst, m.promisedBallot(), nowNs);
            return;
        }
        if (m.status() != Status.NONE && !validMessageCommand(m.command()))
        {
            return;
        }
        if (p.replied[from])
        {
            return;
        }
        p.replied[from] = true;
        p.replies++;
        p.prepareReplies[from] = m;
        decideRecovery(inst, nowNs);
    }

    /**
     * Chooses what recovery proposes once it holds promises from a majority. Votes are compared by the ballot they
     * were cast in, never by the ballot last promised. See docs/protocol.md, "Recovery".
     */
    private void decideRecovery(final Instance inst, final long nowNs)
    {
        final Proposal p = inst.proposal;
        if (p.replies < maxFailures + 1)
        {
            return;
        }
        final PrepareReply[] replies = p.prepareReplies;

        long maxVote = Instance.NO_BALLOT;
        for (final PrepareReply r : replies)
        {
            if (r == null)
            {
                continue;
            }
            if (r.status().isCommitted())
            {
                counters.recoveredCommitted++;
                commitAndBroadcast(inst, r.command(), r.seq(), r.deps(), nowNs);
                return;
            }
            if (r.status() == Status.PRE_ACCEPTED || r.status() == Status.ACCEPTED)
            {
                maxVote = Math.max(maxVote, r.voteBallot());
            }
        }

        if (maxVote == Instance.NO_BALLOT)
        {
            // No majority member has the command: it cannot have been committed (a fast quorum and an accept
            // quorum each meet every majority), so fill the instance with a no-op.
            counters.recoveredNoop++;
            startAccept(inst, Command.NOOP, 0, Deps.EMPTY, nowNs);
            return;
        }

        PrepareReply preAccepted = null;
        for (final PrepareReply r : replies)
        {
            if (r != null && r.voteBallot() == maxVote && r.status() == Status.ACCEPTED)
            {
                counters.recoveredAccepted++;
                startAccept(inst, r.command(), r.seq(), r.deps(), nowNs);
                return;
            }
            if (r != null && r.voteBallot() == maxVote && r.status() == Status.PRE_ACCEPTED)
            {
                preAccepted = r;
            }
        }
        Invariants.check(preAccepted != null, "a vote exists at the highest vote ballot", inst.id);

        final int leader = InstanceId.replica(inst.id);
        if (maxVote != Ballot.initial(leader) || p.replied[leader])
        {
            // A recovery ballot's phase 1 never takes the fast path, and a leader that answered our prepare has not
            // committed and now never will in its initial ballot: nothing can have been chosen yet.
            restartPhaseOne(inst, preAccepted.command(), nowNs);
            return;
        }

        int identicalVotes = 0;
        int nonLeaderReplies = 0;
        PrepareReply identicalVote = null;
        for (int r = 0; r < replicaCount; r++)
        {
            final PrepareReply reply = replies[r];
            if (reply == null || r == leader)
            {
                continue;
            }
            nonLeaderReplies++;
            if (reply.status() == Status.PRE_ACCEPTED && reply.voteBallot() == Ballot.initial(leader) &&
                reply.identical())
            {
                identicalVotes++;
                identicalVote = reply;
            }
        }
        final int unknown = replicaCount - 1 - nonLeaderReplies;
        if (identicalVotes >= maxFailures)
        {
            // With the leader, F + 1 replicas hold the leader's proposal and saw no conflicting command the proposal
            // misses: committing it is safe whether or not the leader committed it on the fast path.
            counters.recoveredFastPathCandidate++;
            startAccept(inst, identicalVote.command(), identicalVote.seq(), identicalVote.deps(), nowNs);
        }
        else if (identicalVotes + unknown < fastQuorum - 1)
        {
            // Too few identical votes exist anywhere for a fast-path commit.
            restartPhaseOne(inst, preAccepted.command(), nowNs);
        }
        else
        {
            // The silent replicas may complete a fast quorum: wait for more replies (retransmitted on tick).
            counters.recoveryWaits++;
        }
    }

    private void restartPhaseOne(final Instance inst, final Command command, final long nowNs)
    {
        final Proposal p = inst.proposal;
        counters.recoveredPhaseOne++;
        setCommand(inst, command);
        final long[] deps = index.conflicts(command, inst.id);
        final long seq = 1 + maxSeqOf(deps);
        inst.status = Status.PRE_ACCEPTED;
        inst.voteBallot = p.ballot;
        inst.seq = seq;
        inst.deps = deps;
        inst.identical = false;
        persist(inst);
        p.startPhase(Proposal.Phase.PRE_ACCEPT, nowNs);
        p.unionSeq = seq;
        p.unionDeps = deps;
        broadcast(new PreAccept(p.ballot, inst.id, command, seq, deps, gcWatermark.clone()));
        maybeFinishPreAccept(inst, nowNs, false);
    }

    private void preempted(final Instance inst, final long promisedBallot, final long nowNs)
    {
        inst.seenBallot = Math.max(inst.seenBallot, promisedBallot);
        inst.proposal = null;
        counters.preempted++;
        scheduleRecovery(inst, nowNs);
    }

    private void abandonProposalIfOutbid(final Instance inst, final long ballot, final long nowNs)
    {
        if (inst.proposal != null && inst.proposal.ballot < ballot)
        {
            preempted(inst, ballot, nowNs);
        }
    }

    private void scheduleRecovery(final Instance inst, final long nowNs)
    {
        final long timeout = config.recoveryTimeoutNs();
        inst.recoveryDueNs = nowNs + timeout + random.nextLong(timeout);
    }

    private void retransmit(final Instance inst, final Proposal p, final long nowNs)
    {
        p.lastSendNs = nowNs;
        counters.retransmits++;
        for (int r = 0; r < replicaCount; r++)
        {
            if (r == self || p.replied[r])
            {
                continue;
            }
            switch (p.phase)
            {
                case PREPARE -> sink.send(r, new Prepare(p.ballot, inst.id));
                case PRE_ACCEPT -> sink.send(r,
                    new PreAccept(p.ballot, inst.id, inst.command, inst.seq, inst.deps, gcWatermark.clone()));
                case ACCEPT -> sink.send(r, new Accept(p.ballot, inst.id, inst.command, inst.seq, inst.deps));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ execution

    /**
     * Executes every committed instance reachable from {@code rootId} whose transitive dependencies are all
     * committed: iterative Tarjan, strongly connected components in reverse topological order, inside a component
     * by (seq, instance id). Stops at the first uncommitted dependency and retries when that one commits.
     */
    private void tryExecute(final long rootId, final long nowNs)
    {
        final Instance root = instances.get(rootId);
        if (root == null || !root.isExecutable() || root.isExecuted())
        {
            return;
        }
        final int epoch = ++tarjanEpoch;
        int nextIndex = 0;
        tarjanStack.clear();
        frameNodes.clear();
        frameDepIndex.clear();
        visit(root, epoch, nextIndex++);

        while (!frameNodes.isEmpty())
        {
            final int top = frameNodes.size() - 1;
            final Instance v = frameNodes.get(top);
            final int depIndex = (int)frameDepIndex.getLong(top);
            if (depIndex < v.deps.length)
            {
                frameDepIndex.setLong(top, depIndex + 1);
                final long depId = v.deps[depIndex];
                if (isForgotten(depId))
                {
                    continue;
                }
                final Instance w = instances.get(depId);
                if (w == null || !w.isExecutable())
                {
                    waitForCommit(depId, rootId, nowNs);
                    return;
                }
                if (w.isExecuted())
                {
                    continue;
                }
                if (w.tarjanEpoch != epoch)
                {
                    visit(w, epoch, nextIndex++);
                }
                else if (w.onTarjanStack)
                {
                    v.tarjanLowLink = Math.min(v.tarjanLowLink, w.tarjanIndex);
                }
            }
            else
            {
                frameNodes.remove(top);
                frameDepIndex.remove(top);
                if (v.tarjanLowLink == v.tarjanIndex)
                {
                    executeComponent(v, nowNs);
                }
                if (top > 0)
                {
                    final Instance parent = frameNodes.get(top - 1);
                    parent.tarjanLowLink = Math.min(parent.tarjanLowLink, v.tarjanLowLink);
                }
            }
        }
    }

    private void visit(final Instance v, final int epoch, final int order)
    {
        counters.executionVisits++;
        v.tarjanEpoch = epoch;
        v.tarjanIndex = order;
        v.tarjanLowLink = order;
        v.onTarjanStack = true;
        tarjanStack.add(v);
        frameNodes.add(v);
        frameDepIndex.addLong(0);
    }

    private void executeComponent(final Instance head, final long nowNs)
    {
        final List<Instance> component = new ArrayList<>();
        Instance member;
        do
        {
            member = tarjanStack.remove(tarjanStack.size() - 1);
            member.onTarjanStack = false;
            component.add(member);
        }
        while (member != head);
        component.sort((a, b) -> a.seq != b.seq ? Long.compare(a.seq, b.seq) : Long.compare(a.id, b.id));
        for (final Instance inst : component)
        {
            execute(inst, nowNs);
        }
    }

    private void execute(final Instance inst, final long nowNs)
    {
        final Command command = inst.command;
        final Result[][] results = command.isNoop() ? null : stateMachine.applyAll(inst.id, command);
        inst.status = Status.EXECUTED;
        persist(inst);
        counters.executed++;
        final LongArrayList waiters = executionWaiters.remove(inst.id);
        if (waiters != null)
        {
            readyRoots.addAll(waiters);
        }
        index.onExecuted(inst.id, command, this::isExecuted);

        final int leader = InstanceId.replica(inst.id);
        while (isExecuted(InstanceId.of(leader, executedPrefix[leader] + 1)))
        {
            executedPrefix[leader]++;
        }

        if (inst.clientCommand != null)
        {
            final Command submitted = inst.clientCommand;
            inst.clientCommand = null;
            inFlightCommands -= submitted.memberCount();
            if (submitted.equals(command))
            {
                for (int i = 0; i < command.memberCount(); i++)
                {
                    responder.onExecuted(inst.id, command.member(i), results[i], inst.committedOnFastPath);
                }
            }
            else
            {
                rejectAll(submitted, Rejection.ABORTED,
                    "instance " + InstanceId.toString(inst.id) + " was recovered as a no-op");
            }
        }
    }

    private boolean isExecuted(final long id)
    {
        if (isForgotten(id))
        {
            return true;
        }
        final Instance inst = instances.get(id);
        return inst != null && inst.isExecuted();
    }

    private void waitForCommit(final long depId, final long rootId, final long nowNs)
    {
        getOrCreate(depId, nowNs);
        LongArrayList waiters = executionWaiters.get(depId);
        if (waiters == null)
        {
            waiters = new LongArrayList();
            executionWaiters.put(depId, waiters);
        }
        if (!waiters.containsLong(rootId))
        {
            waiters.addLong(rootId);
        }
    }

    // ------------------------------------------------------------------------------------------------ gc

    private void onExecutedWatermarks(final int from, final ExecutedWatermarks m)
    {
        final long[] executed = m.executed();
        if (executed.length != replicaCount)
        {
            counters.droppedMessages++;
            return;
        }
        for (int r = 0; r < replicaCount; r++)
        {
            peerExecuted[from][r] = Math.max(peerExecuted[from][r], executed[r]);
        }
    }

    /** Forgets instances every replica has executed, bounded per call. */
    private void collectGarbage()
    {
        boolean changed = false;
        int budget = 4 * config.maxInFlightCommands();
        for (int leader = 0; leader < replicaCount && budget > 0; leader++)
        {
            long everywhere = Long.MAX_VALUE;
            for (int r = 0; r < replicaCount; r++)
            {
                everywhere = Math.min(everywhere, peerExecuted[r][leader]);
            }
            while (gcWatermark[leader] < everywhere && budget > 0)
            {
                final long id = InstanceId.of(leader, gcWatermark[leader] + 1);
                final Instance inst = instances.remove(id);
                Invariants.check(inst != null && inst.isExecuted(), "only executed instances are collected", id);
                if (inst.indexedCommand != null)
                {
                    index.remove(id, inst.indexedCommand);
                }
                store.removeInstance(id);
                executionWaiters.remove(id);
                gcWatermark[leader]++;
                budget--;
                changed = true;
            }
        }
        if (changed)
        {
            store.saveGcWatermarks(gcWatermark.clone());
            counters.collectedGarbage = true;
        }
    }

    /** Another replica executed instances this one never heard of: track them so recovery fetches them. */
    private void learnMissingInstances(final long nowNs)
    {
        int budget = config.maxRecoveriesPerTick();
        for (int leader = 0; leader < replicaCount; leader++)
        {
            long highest = 0;
            for (int r = 0; r < replicaCount; r++)
            {
                highest = Math.max(highest, peerExecuted[r][leader]);
            }
            for (long n = executedPrefix[leader] + 1; n <= highest && budget > 0; n++)
            {
                final long id = InstanceId.of(leader, n);
                if (!instances.containsKey(id))
                {
                    getOrCreate(id, nowNs);
                    budget--;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ state

    private void recover(final long nowNs)
    {
        long ownHighest = gcWatermark[self];
        final List<InstanceRecord> records = new ArrayList<>(store.loadInstances());
        records.sort((a, b) -> Long.compare(a.instance(), b.instance()));
        for (final InstanceRecord record : records)
        {
            Invariants.check(!isForgotten(record.instance()), "no record below the gc watermark", record.instance());
            Invariants.check(Deps.isSortedSet(record.deps()), "loaded deps sorted", record.instance());
            final Instance inst = new Instance(record.instance());
            instances.put(inst.id, inst);
            inst.status = record.status();
            inst.promisedBallot = record.promisedBallot();
            inst.voteBallot = record.voteBallot();
            inst.seq = record.seq();
            inst.deps = record.deps();
            inst.identical = record.identical();
            inst.commitDurable = inst.isCommitted();
            if (record.command() != null)
            {
                setCommand(inst, record.command());
            }
            if (!inst.isCommitted())
            {
                uncommitted.add(inst.id);
                scheduleRecovery(inst, nowNs);
            }
            if (InstanceId.replica(inst.id) == self)
            {
                ownHighest = Math.max(ownHighest, InstanceId.number(inst.id));
            }
        }
        nextInstanceNumber = ownHighest + 1;
        for (int leader = 0; leader < replicaCount; leader++)
        {
            executedPrefix[leader] = gcWatermark[leader];
            while (isExecuted(InstanceId.of(leader, executedPrefix[leader] + 1)))
            {
                executedPrefix[leader]++;
            }
        }
        for (final InstanceRecord record : records)
        {
            if (record.status() == Status.COMMITTED)
            {
                tryExecute(record.instance(), nowNs);
            }
        }
        drainReadyRoots(nowNs);
    }

    /**
     * The committed deps of a just committed instance that order below it by (seq, id). Only those may be compacted
     * away on its commit: dependencies can form cycles, and dropping along every edge of a cycle would drop all of
     * it. Drops that always go from a higher to a lower final (seq, id) form chains that end at an instance still
     * listed, which reaches every dropped one through committed edges.
     */
    private long[] lowerDeps(final Instance committed)
    {
        final long[] deps = committed.deps;
        int kept = 0;
        final long[] lower = new long[deps.length];
        for (final long dep : deps)
        {
            final Instance other = instances.get(dep);
            // Only committed deps: their seq is final. Comparing with a seq that may still grow would let a later
            // commit of the dep drop this instance in turn, and a cycle would vanish from the index (seed 9).
            if (other != null && other.isCommitted() &&
                (other.seq < committed.seq || other.seq == committed.seq && dep < committed.id))
            {
                lower[kept++] = dep;
            }
        }
        return kept == deps.length ? lower : Arrays.copyOf(lower, kept);
    }

    /**
     * Seq of a new vote: one more than the highest seq this replica knows among the dependencies. Any
     * deterministic order inside a strongly connected component is safe; seq makes it follow proposal order.
     */
    private long maxSeqOf(final long[] deps)
    {
        long max = 0;
        for (final long dep : deps)
        {
            final Instance inst = instances.get(dep);
            if (inst != null && inst.command != null && inst.seq > max)
            {
                max = inst.seq;
            }
        }
        return max;
    }

    /**
     * Drops the instances the proposer had already forgotten: they were executed at every replica before it
     * proposed, so they execute before the new command everywhere, dependency or not.
     */
    private long[] withoutForgotten(final long[] deps, final long[] forgotten)
    {
        if (forgotten.length != replicaCount || deps.length == 0)
        {
            return deps;
        }
        int kept = 0;
        for (final long dep : deps)
        {
            if (InstanceId.number(dep) > forgotten[InstanceId.replica(dep)])
            {
                kept++;
            }
        }
        if (kept == deps.length)
        {
            return deps;
        }
        final long[] result = new long[kept];
        int n = 0;
        for (final long dep : deps)
        {
            if (InstanceId.number(dep) > forgotten[InstanceId.replica(dep)])
            {
                result[n++] = dep;
            }
        }
        return result;
    }

    /**
     * The instance, created (as a placeholder with no vote) if unknown. Returns null when this replica already tracks
     * maxTrackedInstances instances: it then ignores new instances, like a slow replica, rather than grow without
     * bound (each leader admits at most maxLiveInstances of its own).
     */
    private Instance getOrCreate(final long id, final long nowNs)
    {
        Instance inst = instances.get(id);
        if (inst == null)
        {
            if (instances.size() >= maxTrackedInstances)
            {
                counters.droppedMessages++;
                return null;
            }
            inst = new Instance(id);
            instances.put(id, inst);
            uncommitted.add(id);
            scheduleRecovery(inst, nowNs);
        }
        return inst;
    }

    private boolean isForgotten(final long id)
    {
        final int leader = InstanceId.replica(id);
        return leader < replicaCount && InstanceId.number(id) <= gcWatermark[leader];
    }

    private void setCommand(final Instance inst, final Command command)
    {
        if (inst.indexedCommand != null && !inst.indexedCommand.equals(command))
        {
            index.remove(inst.id, inst.indexedCommand);
            inst.indexedCommand = null;
        }
        if (inst.indexedCommand == null && !command.isNoop())
        {
            index.add(inst.id, command);
            inst.indexedCommand = command;
        }
        inst.command = command;
    }

    private void persist(final Instance inst)
    {
        store.saveInstance(inst.toRecord());
    }

    private void broadcast(final Message message)
    {
        for (int r = 0; r < replicaCount; r++)
        {
            if (r != self)
            {
                sink.send(r, message);
            }
        }
    }

    private int snapshotUncommitted()
    {
        final int size = uncommitted.size();
        if (scanScratch.length < size)
        {
            scanScratch = new long[Math.max(size, scanScratch.length * 2)];
        }
        int n = 0;
        final LongHashSet.LongIterator it = uncommitted.iterator();
        while (it.hasNext())
        {
            scanScratch[n++] = it.nextValue();
        }
        Arrays.sort(scanScratch, 0, n);
        return n;
    }

    /** Tells every member's client (a plain command is its own member) that it will never be executed. */
    private void rejectAll(final Command command, final Rejection reason, final String detail)
    {
        for (int i = 0; i < command.memberCount(); i++)
        {
            responder.onRejected(command.member(i), reason, detail);
        }
    }

    /**
     * A batch without its invalid members, which are rejected one by one (one bad command does not sink the others):
     * the batch itself, a smaller one, the one valid member, or null if none is valid.
     */
    private Command validMembers(final Command batch)
    {
        ArrayList<Command> valid = null;
        for (int i = 0; i < batch.memberCount(); i++)
        {
            final Command member = batch.member(i);
            final String invalid = validate(member);
            if (invalid != null)
            {
                if (valid == null)
                {
                    valid = new ArrayList<>();
                    for (int j = 0; j < i; j++)
                    {
                        valid.add(batch.member(j));
                    }
                }
                counters.rejectedInvalid++;
                responder.onRejected(member, Rejection.INVALID, invalid);
            }
            else if (valid != null)
            {
                valid.add(member);
            }
        }
        if (valid == null)
        {
            return batch;
        }
        return valid.isEmpty() ? null : valid.size() == 1 ? valid.get(0) : Command.batch(valid);
    }

    /** Limits on a batch whose members are valid: the whole must fit one message. */
    private String validateBatch(final Command batch)
    {
        if (batch.opCount() > Command.MAX_BATCH_OPS)
        {
            return "batch has " + batch.opCount() + " ops; the limit is " + Command.MAX_BATCH_OPS;
        }
        if (batch.encodedSize() > config.maxCommandBytes())
        {
            return "batch of " + batch.memberCount() + " commands is " + batch.encodedSize() + " bytes; the limit is " +
                config.maxCommandBytes();
        }
        return null;
    }

    private String validate(final Command command)
    {
        if (command.isNoop())
        {
            return "a command needs at least one op";
        }
        if (command.opCount() > config.maxOpsPerCommand())
        {
            return "command has " + command.opCount() + " ops; the limit is " + config.maxOpsPerCommand();
        }
        for (int i = 0; i < command.opCount(); i++)
        {
            final Op op = command.op(i);
            if (op.key().length() == 0 || op.key().length() > config.maxKeyBytes())
            {
                return "key of op " + i + " has " + op.key().length() + " bytes; allowed 1.." + config.maxKeyBytes();
            }
            final int valueBytes = Math.max(op.value() == null ? 0 : op.value().length,
                op.expected() == null ? 0 : op.expected().length);
            if (valueBytes > config.maxValueBytes())
            {
                return "value of op " + i + " has " + valueBytes + " bytes; the limit is " + config.maxValueBytes();
            }
        }
        if (command.encodedSize() > config.maxCommandBytes())
        {
            return "command is " + command.encodedSize() + " bytes; the limit is " + config.maxCommandBytes();
        }
        return null;
    }

    private static boolean validMessageCommand(final Command command)
    {
        return command != null;
    }

    // ------------------------------------------------------------------------------------------------ snapshots

    /**
     * The replica's whole state as bytes: every live instance with its vote, proposer and execution state, the
     * conflict index, the execution waits, execution and garbage-collection progress, and timers (in the replica's
     * time) and the state of its random source. {@link #restore} rebuilds a replica that behaves exactly as this one
     * from here on, and taking a snapshot changes nothing in the replica. Equal replicas write equal bytes. The state machine's data and the durable store are not included: the host snapshots them alongside.
     * Call between inputs (not from a sink or responder callback).
     */
    public byte[] snapshot()
    {
        Invariants.check(readyRoots.isEmpty(), "no execution in progress", readyRoots.size());
        final ReplicaSnapshotFormat.Writer out = new ReplicaSnapshotFormat.Writer();
        out.putInt(ReplicaSnapshotFormat.MAGIC);
        out.putInt(ReplicaSnapshotFormat.VERSION);
        out.putInt(self);
        out.putInt(replicaCount);
        out.putLong(random.state());
        out.putLong(nextInstanceNumber);
        out.putInt(inFlightCommands);
        out.putLong(nextGcNs);
        out.putLongs(executedPrefix);
        out.putLongs(gcWatermark);
        for (int r = 0; r < replicaCount; r++)
        {
            out.putLongs(peerExecuted[r]);
        }

        final long[] ids = ReplicaSnapshotFormat.sortedKeys(instances);
        out.putInt(ids.length);
        for (final long id : ids)
        {
            writeInstance(out, instances.get(id));
        }
        final int uncommittedCount = snapshotUncommitted(); // may grow scanScratch: read it after
        out.putLongs(scanScratch, uncommittedCount);
        index.writeTo(out);

        final long[] awaited = ReplicaSnapshotFormat.sortedKeys(executionWaiters);
        out.putInt(awaited.length);
        for (final long dep : awaited)
        {
            out.putLong(dep);
            out.putLongs(executionWaiters.get(dep).toLongArray());
        }
        out.putLongs(awaitingSync.toLongArray());
        return out.toBytes();
    }

    private static final int SAME_AS_COMMAND = 1;
    private static final int OTHER_COMMAND = 2;

    private void writeInstance(final ReplicaSnapshotFormat.Writer out, final Instance inst)
    {
        out.putLong(inst.id);
        out.putByte(inst.status.ordinal());
        out.putLong(inst.promisedBallot);
        out.putLong(inst.voteBallot);
        out.putLong(inst.seq);
        out.putLongs(inst.deps);
        out.putBoolean(inst.identical);
        out.putCommand(inst.command);
        writeRelated(out, inst.indexedCommand, inst.command);
        out.putLong(inst.seenBallot);
        out.putLong(inst.recoveryDueNs);
        writeRelated(out, inst.clientCommand, inst.command);
        out.putBoolean(inst.committedOnFastPath);
        out.putBoolean(inst.commitDurable);
        final Proposal p = inst.proposal;
        out.putBoolean(p != null);
        if (p == null)
        {
            return;
        }
        out.putLong(p.ballot);
        out.putBoolean(p.avoidFastPath);
        for (final boolean replied : p.replied)
        {
            out.putBoolean(replied);
        }
        out.putByte(p.phase.ordinal());
        out.putInt(p.replies);
        out.putInt(p.identicalReplies);
        out.putLong(p.unionSeq);
        out.putBoolean(p.unionDeps != null);
        if (p.unionDeps != null)
        {
            out.putLongs(p.unionDeps);
        }
        out.putLong(p.phaseStartNs);
        out.putLong(p.lastSendNs);
        out.putInt(p.prepareReplies == null ? -1 : p.prepareReplies.length);
        if (p.prepareReplies != null)
        {
            for (final PrepareReply reply : p.prepareReplies)
            {
                out.putMessage(reply);
            }
        }
    }

    /** A command that is usually null or equal to the instance's: written as a mark, or in full when it differs. */
    private static void writeRelated(
        final ReplicaSnapshotFormat.Writer out, final Command related, final Command command)
    {
        if (related == null)
        {
            out.putByte(0);
        }
        else if (related.equals(command))
        {
            out.putByte(SAME_AS_COMMAND);
        }
        else
        {
            out.putByte(OTHER_COMMAND);
            out.putCommand(related);
        }
    }

    private static Command readRelated(final ReplicaSnapshotFormat.Reader in, final Command command, final String field)
    {
        final int mark = in.getByte(field);
        return switch (mark)
        {
            case 0 -> null;
            case SAME_AS_COMMAND ->
            {
                if (command == null)
                {
                    throw ReplicaSnapshotFormat.Reader.malformed(field + ": the same as a missing command");
                }
                yield command;
            }
            case OTHER_COMMAND ->
            {
                final Command other = in.getCommand(field);
                if (other == null)
                {
                    throw ReplicaSnapshotFormat.Reader.malformed(field + ": missing");
                }
                yield other;
            }
            default -> throw ReplicaSnapshotFormat.Reader.malformed(field + ": unknown mark " + mark);
        };
    }

    private void readSnapshot(final ReplicaSnapshotFormat.Reader in)
    {
        final int magic = in.getInt("magic");
        final int version = in.getInt("version");
        if (magic != ReplicaSnapshotFormat.MAGIC || version != ReplicaSnapshotFormat.VERSION)
        {
            throw ReplicaSnapshotFormat.Reader.malformed("not a replica snapshot of version " +
                ReplicaSnapshotFormat.VERSION + " (magic " + Integer.toHexString(magic) + ", version " + version + ")");
        }
        final int snapshotSelf = in.getInt("replica id");
        final int snapshotCount = in.getInt("replica count");
        if (snapshotSelf != self || snapshotCount != replicaCount)
        {
            throw new IllegalArgumentException("replica snapshot of replica " + snapshotSelf + " of " + snapshotCount +
                ", restored as replica " + self + " of " + replicaCount);
        }
        random = new ReplicaRandom(in.getLong("random state"));
        nextInstanceNumber = in.getLong("next instance number");
        inFlightCommands = in.getInt("in-flight commands");
        nextGcNs = in.getLong("next gc");
        readInto(in.getLongs("executed prefix"), executedPrefix, "executed prefix");
        readInto(in.getLongs("gc watermark"), gcWatermark, "gc watermark");
        for (int r = 0; r < replicaCount; r++)
        {
            readInto(in.getLongs("peer executed"), peerExecuted[r], "peer executed");
        }

        final int count = in.getCount(64, "instances");
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < count; i++)
        {
            final Instance inst = readInstance(in);
            if (inst.id <= previous)
            {
                throw ReplicaSnapshotFormat.Reader.malformed(
                    "instance ids out of order at " + InstanceId.toString(inst.id));
            }
            previous = inst.id;
            instances.put(inst.id, inst);
        }
        for (final long id : in.getSortedDeps("uncommitted"))
        {
            requireInstance(id, "uncommitted");
            uncommitted.add(id);
        }
        index.readFrom(in);
        final int waits = in.getCount(Long.BYTES + Integer.BYTES, "execution waits");
        for (int i = 0; i < waits; i++)
        {
            final long dep = in.getLong("awaited instance");
            final LongArrayList roots = new LongArrayList();
            for (final long root : in.getLongs("waiting roots"))
            {
                roots.addLong(root);
            }
            executionWaiters.put(dep, roots);
        }
        for (final long id : in.getLongs("awaiting sync"))
        {
            awaitingSync.addLong(id);
        }
        in.expectEnd();
    }

    private Instance readInstance(final ReplicaSnapshotFormat.Reader in)
    {
        final Instance inst = new Instance(in.getLong("instance id"));
        inst.status = enumValue(Status.values(), in.getByte("status"), "status");
        inst.promisedBallot = in.getLong("promised ballot");
        inst.voteBallot = in.getLong("vote ballot");
        inst.seq = in.getLong("seq");
        inst.deps = in.getSortedDeps("deps");
        inst.identical = in.getBoolean("identical");
        inst.command = in.getCommand("command");
        inst.indexedCommand = readRelated(in, inst.command, "indexed command");
        inst.seenBallot = in.getLong("seen ballot");
        inst.recoveryDueNs = in.getLong("recovery due");
        inst.clientCommand = readRelated(in, inst.command, "client command");
        inst.committedOnFastPath = in.getBoolean("committed on fast path");
        inst.commitDurable = in.getBoolean("commit durable");
        if (!in.getBoolean("proposal"))
        {
            return inst;
        }
        final long ballot = in.getLong("proposal ballot");
        final boolean avoidFastPath = in.getBoolean("avoid fast path");
        final Proposal p = new Proposal(Proposal.Phase.PREPARE, ballot, avoidFastPath, replicaCount);
        for (int r = 0; r < replicaCount; r++)
        {
            p.replied[r] = in.getBoolean("replied");
        }
        p.phase = enumValue(Proposal.Phase.values(), in.getByte("phase"), "phase");
        p.replies = in.getInt("replies");
        p.identicalReplies = in.getInt("identical replies");
        p.unionSeq = in.getLong("union seq");
        p.unionDeps = in.getBoolean("union deps present") ? in.getSortedDeps("union deps") : null;
        p.phaseStartNs = in.getLong("phase start");
        p.lastSendNs = in.getLong("last send");
        final int replies = in.getInt("prepare replies");
        if (replies != -1)
        {
            if (replies != replicaCount)
            {
                throw ReplicaSnapshotFormat.Reader.malformed("prepare replies: " + replies + " for " + replicaCount +
                    " replicas");
            }
            p.prepareReplies = new PrepareReply[replies];
            for (int r = 0; r < replies; r++)
            {
                p.prepareReplies[r] = in.getPrepareReply("prepare reply");
            }
        }
        inst.proposal = p;
        return inst;
    }

    private void requireInstance(final long id, final String field)
    {
        if (!instances.containsKey(id))
        {
            throw ReplicaSnapshotFormat.Reader.malformed(field + ": unknown instance " + InstanceId.toString(id));
        }
    }

    private void readInto(final long[] values, final long[] into, final String field)
    {
        if (values.length != into.length)
        {
            throw ReplicaSnapshotFormat.Reader.malformed(field + ": " + values.length + " values for " + into.length +
                " replicas");
        }
        System.arraycopy(values, 0, into, 0, into.length);
    }

    private static <E extends Enum<E>> E enumValue(final E[] values, final int ordinal, final String field)
    {
        if (ordinal < 0 || ordinal >= values.length)
        {
            throw ReplicaSnapshotFormat.Reader.malformed(field + ": no value " + ordinal);
        }
        return values[ordinal];
    }

    // ------------------------------------------------------------------------------------------------ views

    public int replicaId()
    {
        return self;
    }

    public ReplicaCounters counters()
    {
        return counters;
    }

    /** Instances held in memory (not yet garbage-collected). */
    public int liveInstances()
    {
        return instances.size();
    }

    /** Keys in the conflict index. */
    public int indexedKeys()
    {
        return index.keyCount();
    }

    public int inFlightCommands()
    {
        return inFlightCommands;
    }

    /** Status of an instance here; EXECUTED for garbage-collected ones. */
    public Status status(final long instance)
    {
        if (isForgotten(instance))
        {
            return Status.EXECUTED;
        }
        final Instance inst = instances.get(instance);
        return inst == null ? Status.NONE : inst.status;
    }

    /** The command a live instance holds here (voted or committed), or null: for tests and verifiers. */
    public Command command(final long instance)
    {
        final Instance inst = instances.get(instance);
        return inst == null ? null : inst.command;
    }

    /** Committed attributes of a live instance, or null: for verifiers. */
    public InstanceRecord committed(final long instance)
    {
        final Instance inst = instances.get(instance);
        return inst == null || !inst.isCommitted() ? null : inst.toRecord();
    }

    /** Per leader, instances 1..n executed here. */
    public long[] executedPrefix()
    {
        return executedPrefix.clone();
    }

    /** Instances known here but not committed yet. */
    public int uncommittedCount()
    {
        return uncommitted.size();
    }
}
