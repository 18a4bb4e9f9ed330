package io.geo.epaxos.replica;

import io.geo.epaxos.api.ClientResponder;
import io.geo.epaxos.api.DurableStore;
import io.geo.epaxos.api.InstanceRecord;
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
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.state.KeyValueStateMachine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A manually driven cluster of {@link EpaxosReplica}s for protocol scenario tests. Nothing happens on its own: every
 * message a replica sends lands in a pool as (from, to, message), and the test decides what to deliver, drop,
 * duplicate or reorder, when the clock moves and which replica ticks.
 *
 * <p>Durability: every store write is durable at once (the conservative case for these scenarios: a message never
 * leaves before the state it promises). A crash discards the replica object; a restart rebuilds one from the same
 * store. The key-value state machine is durable under the same rule, so it survives the crash too.
 *
 * <p>The harness also watches every durable write for cluster-wide invariants (one committed value per instance,
 * promises never going backwards, no instance applied twice at a replica) and records client outcomes and the
 * execution order of every replica, so tests can assert safety with {@link #assertSafety()}.
 */
final class ClusterHarness
{
    static final long RETRANSMIT_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(50);
    static final long RECOVERY_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(200);
    static final long FAST_PATH_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(20);
    static final long GC_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Past the latest moment any replica can schedule a recovery (timeout randomized up to twice). */
    static final long RECOVERY_DUE_NS = 2 * RECOVERY_TIMEOUT_NS + 1;

    private static final long QUIET_STEP_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int QUIET_ROUNDS_MAX = 2_000;
    private static final int DELIVERIES_PER_CALL_MAX = 500_000;

    /** One message in flight. {@code serial} orders envelopes by send time and tells duplicates apart. */
    record Envelope(long serial, int from, int to, Message message)
    {
        @Override
        public String toString()
        {
            return "#" + serial + " " + from + "->" + to + " " + describe(message);
        }
    }

    /** What a client of a replica was told about one submitted command. */
    record Outcome(int replica, long instance, Command command, Result[] results, boolean fastPath,
        Rejection rejection, String detail)
    {
        boolean executed()
        {
            return rejection == null;
        }
    }

    /** In-memory durable store: records per instance, writes durable at once, checked as they are written. */
    final class MemoryStore implements DurableStore
    {
        private final int replica;
        private final TreeMap<Long, InstanceRecord> records = new TreeMap<>();
        private long[] watermarks;

        MemoryStore(final int replica)
        {
            this.replica = replica;
        }

        @Override
        public void saveInstance(final InstanceRecord record)
        {
            final InstanceRecord previous = records.put(record.instance(), copy(record));
            checkWrite(replica, previous, record);
        }

        @Override
        public void removeInstance(final long instance)
        {
            records.remove(instance);
        }

        @Override
        public void saveGcWatermarks(final long[] watermarks)
        {
            this.watermarks = watermarks.clone();
        }

        @Override
        public List<InstanceRecord> loadInstances()
        {
            return new ArrayList<>(records.values());
        }

        @Override
        public long[] loadGcWatermarks(final int replicas)
        {
            return watermarks == null ? new long[replicas] : watermarks.clone();
        }

        InstanceRecord record(final long instance)
        {
            return records.get(instance);
        }

        int size()
        {
            return records.size();
        }
    }

    /** One replica slot: the durable parts survive crashes; {@code replica} is null while crashed. */
    final class Node implements StateMachine, ClientResponder
    {
        final int id;
        final ReplicaConfig config;
        final MemoryStore store;
        final KeyValueStateMachine stateMachine = new KeyValueStateMachine();
        final ArrayList<Long> executionOrder = new ArrayList<>();
        final LinkedHashMap<Long, Command> executed = new LinkedHashMap<>();
        final ArrayList<Outcome> outcomes = new ArrayList<>();
        EpaxosReplica replica;

        Node(final int id, final ReplicaConfig config)
        {
            this.id = id;
            this.config = config;
            this.store = new MemoryStore(id);
        }

        void start()
        {
            replica = new EpaxosReplica(config, (to, message) -> send(id, to, message), store, this, this, nowNs);
        }

        @Override
        public Result[] apply(final long instance, final Command command)
        {
            return applyAll(instance, command)[0];
        }

        /** A whole instance: its command, or every member of its batch. */
        @Override
        public Result[][] applyAll(final long instance, final Command command)
        {
            if (executed.containsKey(instance))
            {
                violations.add("replica " + id + " applied instance " + InstanceId.toString(instance) + " again");
            }
            executed.put(instance, command);
            executionOrder.add(instance);
            return stateMachine.applyAll(instance, command);
        }

        @Override
        public void onExecuted(final long instance, final Command command, final Result[] results,
            final boolean fastPath)
        {
            outcomes.add(new Outcome(id, instance, command, results, fastPath, null, null));
        }

        @Override
        public void onRejected(final Command command, final Rejection reason, final String detail)
        {
            outcomes.add(new Outcome(id, InstanceId.NONE, command, null, false, reason, detail));
        }
    }

    private final Node[] nodes;
    private final boolean[][] cut;
    private final ArrayList<Envelope> pool = new ArrayList<>();
    private final ArrayList<Envelope> sent = new ArrayList<>();
    /** Invariant violations seen on durable writes, each once, in the order first seen. */
    private final LinkedHashSet<String> violations = new LinkedHashSet<>();
    /** The first committed attributes written anywhere, per instance: every later commit must equal them. */
    private final HashMap<Long, InstanceRecord> decided = new HashMap<>();
    private long nowNs;
    private long serial;
    private long droppedMessages;

    ClusterHarness(final int replicaCount)
    {
        this(replicaCount, UnaryOperator.identity());
    }

    /** {@code tweak} adjusts each replica's configuration after the harness defaults are set. */
    ClusterHarness(final int replicaCount, final UnaryOperator<ReplicaConfig> tweak)
    {
        nodes = new Node[replicaCount];
        cut = new boolean[replicaCount][replicaCount];
        for (int i = 0; i < replicaCount; i++)
        {
            final ReplicaConfig config = tweak.apply(new ReplicaConfig()
                .replicaId(i)
                .replicaCount(replicaCount)
                .randomSeed(1_000 + i)
                .retransmitTimeoutNs(RETRANSMIT_TIMEOUT_NS)
                .recoveryTimeoutNs(RECOVERY_TIMEOUT_NS)
                .fastPathTimeoutNs(FAST_PATH_TIMEOUT_NS)
                .gcIntervalNs(GC_INTERVAL_NS));
            nodes[i] = new Node(i, config);
            nodes[i].start();
        }
    }

    // ------------------------------------------------------------------------------------------------ replicas

    int size()
    {
        return nodes.length;
    }

    EpaxosReplica replica(final int id)
    {
        final EpaxosReplica replica = nodes[id].replica;
        if (replica == null)
        {
            fail("replica " + id + " is crashed");
        }
        return replica;
    }

    boolean isUp(final int id)
    {
        return nodes[id].replica != null;
    }

    MemoryStore store(final int id)
    {
        return nodes[id].store;
    }

    KeyValueStateMachine stateMachine(final int id)
    {
        return nodes[id].stateMachine;
    }

    /** Instances in the order replica {@code id} applied them (across its crashes). */
    List<Long> executionOrder(final int id)
    {
        return Collections.unmodifiableList(nodes[id].executionOrder);
    }

    /** The command replica {@code id} applied for {@code instance}, or null if it has not. */
    Command executedCommand(final int id, final long instance)
    {
        return nodes[id].executed.get(instance);
    }

    /** Discards the replica object; its store and state machine stay. Messages already sent stay in the pool. */
    void crash(final int id)
    {
        nodes[id].replica = null;
    }

    /** Rebuilds a crashed replica from its store. */
    void restart(final int id)
    {
        if (isUp(id))
        {
            fail("replica " + id + " is not crashed");
        }
        nodes[id].start();
    }

    // ------------------------------------------------------------------------------------------------ clock

    long nowNs()
    {
        return nowNs;
    }

    void advance(final long deltaNs)
    {
        nowNs += deltaNs;
    }

    void tick(final int id)
    {
        replica(id).onTick(nowNs);
        replica(id).onSynced(nowNs);
    }

    /** Moves the clock, then ticks every running replica in id order. */
    void tickAll(final long advanceNs)
    {
        advance(advanceNs);
        for (final Node node : nodes)
        {
            if (node.replica != null)
            {
                node.replica.onTick(nowNs);
                node.replica.onSynced(nowNs);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ clients

    /** Submits {@code command} with replica {@code id} as command leader; returns the instance or NONE. */
    long submit(final int id, final Command command)
    {
        final long instance = replica(id).submit(command, nowNs);
        replica(id).onSynced(nowNs);
        return instance;
    }

    List<Outcome> outcomes(final int id)
    {
        return Collections.unmodifiableList(nodes[id].outcomes);
    }

    /** The single outcome of {@code command} at replica {@code id}, or null if there is none yet. */
    Outcome outcome(final int id, final Command command)
    {
        Outcome found = null;
        for (final Outcome outcome : nodes[id].outcomes)
        {
            if (outcome.command().equals(command))
            {
                if (found != null)
                {
                    fail("two outcomes for " + command + " at replica " + id);
                }
                found = outcome;
            }
        }
        return found;
    }

    // ------------------------------------------------------------------------------------------------ network

    private void send(final int from, final int to, final Message message)
    {
        final Envelope envelope = new Envelope(serial++, from, to, message);
        sent.add(envelope);
        if (cut[from][to])
        {
            droppedMessages++;
            return;
        }
        pool.add(envelope);
    }

    /** Messages in flight, oldest first. */
    List<Envelope> pending()
    {
        return Collections.unmodifiableList(new ArrayList<>(pool));
    }

    List<Envelope> pending(final Predicate<Envelope> filter)
    {
        final ArrayList<Envelope> matching = new ArrayList<>();
        for (final Envelope envelope : pool)
        {
            if (filter.test(envelope))
            {
                matching.add(envelope);
            }
        }
        return matching;
    }

    /** Every message ever sent (including dropped ones), oldest first. */
    List<Envelope> sent(final Predicate<Envelope> filter)
    {
        final ArrayList<Envelope> matching = new ArrayList<>();
        for (final Envelope envelope : sent)
        {
            if (filter.test(envelope))
            {
                matching.add(envelope);
            }
        }
        return matching;
    }

    /** The one pending message matching {@code filter}; fails unless there is exactly one. */
    Envelope single(final Predicate<Envelope> filter)
    {
        final List<Envelope> matching = pending(filter);
        if (matching.size() != 1)
        {
            fail("expected one pending message to match, found " + matching + " in " + pool);
        }
        return matching.get(0);
    }

    /** Puts a message in the pool as if {@code from} had sent it (stale or forged traffic). */
    void inject(final int from, final int to, final Message message)
    {
        pool.add(new Envelope(serial++, from, to, message));
    }

    /** Delivers one envelope (removing it from the pool if it is there). Returns false if it was dropped. */
    boolean deliver(final Envelope envelope)
    {
        pool.remove(envelope);
        final Node target = nodes[envelope.to()];
        if (target.replica == null || cut[envelope.from()][envelope.to()])
        {
            droppedMessages++;
            return false;
        }
        target.replica.onMessage(envelope.from(), envelope.message(), nowNs);
        // Every write of this harness is durable at once, so each call is followed by a completed sync.
        target.replica.onSynced(nowNs);
        return true;
    }

    /**
     * Delivers, in pool order, the messages pending now that match {@code filter}; messages they cause stay pending.
     * Returns how many were handed to a running replica.
     */
    int deliverMatching(final Predicate<Envelope> filter)
    {
        int delivered = 0;
        for (final Envelope envelope : pending(filter))
        {
            delivered += deliver(envelope) ? 1 : 0;
        }
        return delivered;
    }

    int deliverTo(final int id)
    {
        return deliverMatching(to(id));
    }

    /** Delivers messages oldest first, including the ones they cause, until the pool is empty. */
    int deliverAll()
    {
        int delivered = 0;
        while (!pool.isEmpty())
        {
            if (delivered++ > DELIVERIES_PER_CALL_MAX)
            {
                fail("deliverAll: still " + pool.size() + " messages after " + DELIVERIES_PER_CALL_MAX +
                    " deliveries; first: " + pool.get(0));
            }
            deliver(pool.get(0));
        }
        return delivered;
    }

    /** Removes the pending messages matching {@code filter}; returns how many. */
    int drop(final Predicate<Envelope> filter)
    {
        final int before = pool.size();
        pool.removeIf(filter);
        droppedMessages += before - pool.size();
        return before - pool.size();
    }

    /** Adds a second copy of every pending message matching {@code filter}, at the end of the pool. */
    int duplicate(final Predicate<Envelope> filter)
    {
        final List<Envelope> copies = pending(filter);
        pool.addAll(copies);
        return copies.size();
    }

    /** Reverses the order of the pending messages. */
    void reverse()
    {
        Collections.reverse(pool);
    }

    /** Cuts every link between the given replicas and the rest, both ways; messages in flight across it are lost. */
    void isolate(final int... group)
    {
        final boolean[] inside = new boolean[nodes.length];
        for (final int id : group)
        {
            inside[id] = true;
        }
        for (int a = 0; a < nodes.length; a++)
        {
            for (int b = 0; b < nodes.length; b++)
            {
                cut[a][b] = inside[a] != inside[b];
            }
        }
        drop(e -> cut[e.from()][e.to()]);
    }

    void heal()
    {
        for (final boolean[] row : cut)
        {
            Arrays.fill(row, false);
        }
    }

    long droppedMessages()
    {
        return droppedMessages;
    }

    static Predicate<Envelope> from(final int id)
    {
        return e -> e.from() == id;
    }

    static Predicate<Envelope> to(final int id)
    {
        return e -> e.to() == id;
    }

    static Predicate<Envelope> touching(final int id)
    {
        return e -> e.from() == id || e.to() == id;
    }

    static Predicate<Envelope> ofType(final Class<? extends Message> type)
    {
        return e -> type.isInstance(e.message());
    }

    static Predicate<Envelope> about(final long instance)
    {
        return e -> e.message().instance() == instance;
    }

    // ------------------------------------------------------------------------------------------------ convergence

    /** How {@link #runUntilQuiet(Delivery, int...)} hands pending messages over. */
    enum Delivery
    {
        /** Oldest first, each once. */
        IN_ORDER,
        /** Round by round: every pending message twice, newest first. */
        TWICE_REVERSED
    }

    /**
     * Delivers every pending message twice, newest first, round by round (the messages a round causes make the next
     * round) until the pool is empty.
     */
    int deliverAllTwiceReversed()
    {
        int delivered = 0;
        while (!pool.isEmpty())
        {
            if (delivered > DELIVERIES_PER_CALL_MAX)
            {
                fail("deliverAllTwiceReversed: still " + pool.size() + " messages after " + delivered +
                    " deliveries; first: " + pool.get(0));
            }
            final ArrayList<Envelope> round = new ArrayList<>(pool);
            pool.clear();
            Collections.reverse(round);
            for (final Envelope envelope : round)
            {
                pool.add(envelope);
                deliver(envelope);
                pool.add(envelope);
                deliver(envelope);
                delivered += 2;
            }
        }
        return delivered;
    }

    /** {@link #runUntilQuiet(int...)} over every running replica. */
    void runUntilQuiet()
    {
        runUntilQuiet(running());
    }

    /**
     * Delivers everything and ticks (10 ms steps) until no message is pending, none of {@code group} has an
     * uncommitted instance, and all of {@code group} executed the same instances. Fails if that takes too long.
     */
    void runUntilQuiet(final int... group)
    {
        runUntilQuiet(Delivery.IN_ORDER, group);
    }

    void runUntilQuiet(final Delivery delivery, final int... replicas)
    {
        final int[] group = replicas.length == 0 ? running() : replicas;
        for (int round = 0; round < QUIET_ROUNDS_MAX; round++)
        {
            if (delivery == Delivery.IN_ORDER)
            {
                deliverAll();
            }
            else
            {
                deliverAllTwiceReversed();
            }
            if (isQuiet(group))
            {
                return;
            }
            tickAll(QUIET_STEP_NS);
        }
        final StringBuilder sb = new StringBuilder("cluster did not converge within ")
            .append(TimeUnit.NANOSECONDS.toMillis(QUIET_ROUNDS_MAX * QUIET_STEP_NS)).append(" ms:");
        for (final int id : group)
        {
            final EpaxosReplica replica = replica(id);
            sb.append("\n  replica ").append(id).append(" uncommitted=").append(replica.uncommittedCount())
                .append(" executed=").append(Arrays.toString(replica.executedPrefix()))
                .append(" counters: ").append(replica.counters());
        }
        fail(sb.toString());
    }

    private boolean isQuiet(final int[] group)
    {
        if (!pool.isEmpty())
        {
            return false;
        }
        final long[] reference = replica(group[0]).executedPrefix();
        for (final int id : group)
        {
            final EpaxosReplica replica = replica(id);
            if (replica.uncommittedCount() != 0 || !Arrays.equals(reference, replica.executedPrefix()))
            {
                return false;
            }
        }
        return true;
    }

    int[] running()
    {
        int count = 0;
        for (final Node node : nodes)
        {
            count += node.replica == null ? 0 : 1;
        }
        final int[] ids = new int[count];
        int n = 0;
        for (final Node node : nodes)
        {
            if (node.replica != null)
            {
                ids[n++] = node.id;
            }
        }
        return ids;
    }

    // ------------------------------------------------------------------------------------------------ checks

    /** The attributes first committed for {@code instance} anywhere, or null if nobody committed it yet. */
    InstanceRecord decided(final long instance)
    {
        return decided.get(instance);
    }

    /**
     * Safety, over everything every replica ever applied: no invariant was broken on a durable write, every replica
     * that applied an instance applied the same command, and every two replicas applied conflicting commands in
     * the same relative order.
     */
    void assertSafety()
    {
        final ArrayList<String> problems = new ArrayList<>(violations);
        final HashMap<Long, Command> chosen = new HashMap<>();
        for (final Node node : nodes)
        {
            for (final Map.Entry<Long, Command> e : node.executed.entrySet())
            {
                final Command previous = chosen.putIfAbsent(e.getKey(), e.getValue());
                if (previous != null && !previous.equals(e.getValue()))
                {
                    problems.add("instance " + InstanceId.toString(e.getKey()) + " executed as " + previous +
                        " somewhere and as " + e.getValue() + " at replica " + node.id);
                }
            }
        }
        for (int a = 0; a < nodes.length; a++)
        {
            for (int b = a + 1; b < nodes.length; b++)
            {
                checkConflictOrder(nodes[a], nodes[b], problems);
            }
        }
        if (!problems.isEmpty())
        {
            fail("safety violated:\n  " + String.join("\n  ", problems));
        }
    }

    /** Safety, plus: the running replicas executed the same instances and hold the same key-value state. */
    void assertConverged()
    {
        assertSafety();
        final int[] up = running();
        final Node reference = nodes[up[0]];
        for (final int id : up)
        {
            final Node node = nodes[id];
            assertEquals(reference.executed.keySet(), node.executed.keySet(),
                "replicas " + reference.id + " and " + id + " executed different instances");
            final Map<Key, byte[]> expected = reference.stateMachine.snapshot();
            final Map<Key, byte[]> actual = node.stateMachine.snapshot();
            assertEquals(expected.keySet(), actual.keySet(), "keys at replicas " + reference.id + " and " + id);
            for (final Map.Entry<Key, byte[]> e : expected.entrySet())
            {
                assertArrayEquals(e.getValue(), actual.get(e.getKey()),
                    "value of " + e.getKey() + " at replicas " + reference.id + " and " + id);
            }
        }
    }

    private static void checkConflictOrder(final Node a, final Node b, final List<String> problems)
    {
        final HashMap<Long, Integer> positionInB = new HashMap<>();
        for (int i = 0; i < b.executionOrder.size(); i++)
        {
            positionInB.put(b.executionOrder.get(i), i);
        }
        final ArrayList<Long> common = new ArrayList<>();
        for (final long id : a.executionOrder)
        {
            if (positionInB.containsKey(id))
            {
                common.add(id);
            }
        }
        for (int i = 0; i < common.size(); i++)
        {
            for (int j = i + 1; j < common.size(); j++)
            {
                final long first = common.get(i);
                final long second = common.get(j);
                if (a.executed.get(first).conflictsWith(a.executed.get(second)) &&
                    positionInB.get(first) > positionInB.get(second))
                {
                    problems.add("replica " + a.id + " executed " + InstanceId.toString(first) + " before " +
                        InstanceId.toString(second) + " but replica " + b.id + " the other way round");
                }
            }
        }
    }

    private void checkWrite(final int replica, final InstanceRecord previous, final InstanceRecord record)
    {
        final String where = "replica " + replica + ", instance " + InstanceId.toString(record.instance()) + ": ";
        if (previous != null && record.promisedBallot() < previous.promisedBallot())
        {
            violations.add(where + "promise went back from " + Ballot.toString(previous.promisedBallot()) + " to " +
                Ballot.toString(record.promisedBallot()));
        }
        if (record.voteBallot() > record.promisedBallot())
        {
            violations.add(where + "voted in " + Ballot.toString(record.voteBallot()) + " above its promise " +
                Ballot.toString(record.promisedBallot()));
        }
        if (previous != null && previous.status().isCommitted() && !record.status().isCommitted())
        {
            violations.add(where + "went from " + previous.status() + " back to " + record.status());
        }
        if (!record.status().isCommitted())
        {
            return;
        }
        final InstanceRecord first = decided.putIfAbsent(record.instance(), copy(record));
        if (first != null && !sameAttributes(first, record))
        {
            violations.add(where + "committed " + attributes(record) + " but " + attributes(first) +
                " was committed before");
        }
    }

    static boolean sameAttributes(final InstanceRecord a, final InstanceRecord b)
    {
        return a.command().equals(b.command()) && a.seq() == b.seq() && Arrays.equals(a.deps(), b.deps());
    }

    static String attributes(final InstanceRecord record)
    {
        return "(" + record.command() + ", seq=" + record.seq() + ", deps=" + Deps.toString(record.deps()) + ")";
    }

    private static InstanceRecord copy(final InstanceRecord r)
    {
        return new InstanceRecord(r.instance(), r.status(), r.promisedBallot(), r.voteBallot(), r.command(), r.seq(),
            r.deps().clone(), r.identical());
    }

    static String describe(final Message message)
    {
        final String instance = "i=" + InstanceId.toString(message.instance());
        if (message instanceof PreAccept m)
        {
            return "PreAccept(b=" + Ballot.toString(m.ballot()) + " " + instance + " seq=" + m.seq() + " deps=" +
                Deps.toString(m.deps()) + ")";
        }
        if (message instanceof PreAcceptReply m)
        {
            return "PreAcceptReply(b=" + Ballot.toString(m.ballot()) + " " + instance + " ok=" + m.ok() + " seq=" +
                m.seq() + " deps=" + Deps.toString(m.deps()) + " identical=" + m.identical() + ")";
        }
        if (message instanceof Accept m)
        {
            return "Accept(b=" + Ballot.toString(m.ballot()) + " " + instance + " " + m.command() + " seq=" + m.seq() +
                " deps=" + Deps.toString(m.deps()) + ")";
        }
        if (message instanceof AcceptReply m)
        {
            return "AcceptReply(b=" + Ballot.toString(m.ballot()) + " " + instance + " ok=" + m.ok() + ")";
        }
        if (message instanceof Commit m)
        {
            return "Commit(" + instance + " " + m.command() + " seq=" + m.seq() + " deps=" + Deps.toString(m.deps()) +
                ")";
        }
        if (message instanceof Prepare m)
        {
            return "Prepare(b=" + Ballot.toString(m.ballot()) + " " + instance + ")";
        }
        if (message instanceof PrepareReply m)
        {
            return "PrepareReply(b=" + Ballot.toString(m.ballot()) + " " + instance + " ok=" + m.ok() + " " +
                m.status() + " vote=" + (m.voteBallot() < 0 ? "none" : Ballot.toString(m.voteBallot())) + ")";
        }
        if (message instanceof ExecutedWatermarks m)
        {
            return "ExecutedWatermarks" + Arrays.toString(m.executed());
        }
        return message.toString();
    }

    static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
