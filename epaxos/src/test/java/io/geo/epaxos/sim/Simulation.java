package io.geo.epaxos.sim;

import io.geo.epaxos.api.ClientResponder;
import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.api.StateMachine;
import io.geo.epaxos.check.History;
import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.replica.EpaxosReplica;
import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.epaxos.state.KeyValueStateMachine;
import io.geo.wan.LinkModel;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic simulation of an EPaxos cluster: one seed drives the network (per-link latency from a WAN
 * profile, jitter, loss, duplication, reordering, partitions), node crashes and restarts (unsynced writes lost), and
 * a closed-loop client workload in every region. Single-threaded, virtual time. The protocol code under test is the
 * production {@link EpaxosReplica}; only transport, clock and disk are simulated.
 */
public final class Simulation
{
    private static final int DELIVER = 0;
    private static final int TICK = 1;
    private static final int SYNC = 2;
    private static final int CLIENT_NEXT = 3;
    private static final int CLIENT_TIMEOUT = 4;
    private static final int CLIENT_REPLY = 5;
    private static final int FAULT_STEP = 6;
    private static final int RESTART = 7;
    private static final int HEAL = 8;
    private static final int SETTLE_CHECK = 9;

    private static final long CLIENT_LOCAL_DELAY_NS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long FAULT_STEP_NS = TimeUnit.SECONDS.toNanos(1);

    private static final class Event
    {
        final long timeNs;
        final long order;
        final int kind;
        final int a;
        final int b;
        final Object payload;

        Event(final long timeNs, final long order, final int kind, final int a, final int b, final Object payload)
        {
            this.timeNs = timeNs;
            this.order = order;
            this.kind = kind;
            this.a = a;
            this.b = b;
            this.payload = payload;
        }
    }

    private record Outbound(int to, Message message)
    {
    }

    private record Reply(long clientId, long requestNumber, Result[] results, Rejection rejection, boolean fastPath)
    {
    }

    private final class Node implements ClientResponder, StateMachine
    {
        final int id;
        final SimStore store = new SimStore();
        final KeyValueStateMachine stateMachine = new KeyValueStateMachine();
        final ArrayList<Outbound> outbox = new ArrayList<>();
        final ArrayList<Reply> replies = new ArrayList<>();
        final LongArrayList executionOrder = new LongArrayList();
        final HashMap<Long, Command> executed = new HashMap<>();
        EpaxosReplica replica;
        ReplicaConfig replicaConfig;
        long ticks;
        boolean up = true;
        boolean syncScheduled;
        int incarnation;
        long crashes;

        Node(final int id)
        {
            this.id = id;
        }

        void start()
        {
            final ReplicaConfig config = new ReplicaConfig()
                .replicaId(id)
                .replicaCount(config().replicas)
                .randomSeed(seedRandom.nextLong())
                .retransmitTimeoutNs(retransmitTimeoutNs)
                .recoveryTimeoutNs(recoveryTimeoutNs)
                .fastPathTimeoutNs(fastPathTimeoutNs[id])
                .gcIntervalNs(Long.getLong("geo.sim.gcIntervalNs", TimeUnit.MILLISECONDS.toNanos(50)));
            replicaConfig = config;
            replica = new EpaxosReplica(config, (to, message) -> outbox.add(new Outbound(to, message)), store, this,
                this, nowNs);
            afterCall(this);
        }

        /** Takes a snapshot of the replica; goes on with a copy restored from it when the config says so. */
        void snapshot()
        {
            final byte[] snapshot = replica.snapshot();
            replicaSnapshots++;
            replicaSnapshotBytes += snapshot.length;
            if (config.restoreSnapshots)
            {
                // a second copy, snapshotted again, must write the same bytes
                final byte[] again = EpaxosReplica.restore(replicaConfig, (to, message) -> { }, new SimStore(),
                    new KeyValueStateMachine(), this, snapshot).snapshot();
                if (!java.util.Arrays.equals(snapshot, again))
                {
                    throw new IllegalStateException("node " + id + ": a restored replica's snapshot differs from the " +
                        "one it was restored from, first at byte " + java.util.Arrays.mismatch(snapshot, again));
                }
                retire(this);
                replica = EpaxosReplica.restore(replicaConfig, (to, message) -> outbox.add(new Outbound(to, message)),
                    store, this, this, snapshot);
            }
        }

        @Override
        public Result[] apply(final long instance, final Command command)
        {
            if (config.traceInstances.contains(instance))
            {
                final var record = replica.committed(instance);
                System.out.printf("%12d execute at %d: %s seq=%d deps=%s order#%d%n", nowNs / 1000, id,
                    io.geo.epaxos.primitives.InstanceId.toString(instance), record == null ? -1 : record.seq(),
                    record == null ? "?" : io.geo.epaxos.primitives.Deps.toString(record.deps()),
                    executionOrder.size());
            }
            if (!executed.containsKey(instance))
            {
                executed.put(instance, command);
                executionOrder.addLong(instance);
            }
            return stateMachine.apply(instance, command);
        }

        @Override
        public void onExecuted(final long instance, final Command command, final Result[] results, final boolean fast)
        {
            replies.add(new Reply(command.clientId(), command.requestNumber(), results, null, fast));
            ackedInstances.put(instance, command);
        }

        @Override
        public void onCommitted(final long instance, final Command command, final boolean fastPath)
        {
            final Client client = clients[(int)command.clientId() - 1];
            if (client.outstanding && client.command.requestNumber() == command.requestNumber())
            {
                // Counted when the leader decides; its fsync and the client hop are part of execution latency.
                commitLatenciesNs[client.region].addLong(nowNs - client.invokeNs);
            }
        }

        @Override
        public void onRejected(final Command command, final Rejection reason, final String detail)
        {
            replies.add(new Reply(command.clientId(), command.requestNumber(), null, reason, false));
        }
    }

    private static final class Client extends SimWorkload.ClientState
    {
        Client(final int process, final int region)
        {
            super(process, region);
        }
    }

    private final SimConfig config;
    private final SplittableRandom seedRandom;
    private final SplittableRandom networkRandom;
    private final SplittableRandom faultRandom;
    private final SplittableRandom workloadRandom;
    private final LinkModel links;
    private final PriorityQueue<Event> queue = new PriorityQueue<>(
        (x, y) -> x.timeNs != y.timeNs ? Long.compare(x.timeNs, y.timeNs) : Long.compare(x.order, y.order));
    private final Node[] nodes;
    private final Client[] clients;
    private final boolean[][] blocked;
    private final long[][] lastDeliveryNs;
    private final History history = new History();
    private final Map<Long, Command> ackedInstances = new HashMap<>();
    private final LongArrayList[] latenciesNs;
    private final LongArrayList[] commitLatenciesNs;
    private final long retransmitTimeoutNs;
    private final long recoveryTimeoutNs;
    private final long[] fastPathTimeoutNs;
    private final SimWorkload workload;
    private final MessageCodec codec = new MessageCodec();
    private final UnsafeBuffer wireBuffer = new UnsafeBuffer(new byte[MessageCodec.MAX_MESSAGE_BYTES]);

    private long nowNs;
    private long eventOrder;
    private long traceHash = 0x9E3779B97F4A7C15L;
    private long replicaSnapshots;
    private long replicaSnapshotBytes;
    private long events;
    private int issued;
    private boolean faultsActive = true;
    private long faultsEndNs = -1;
    private int partitionEpoch;
    private boolean finished;
    private long okCount;
    private long failCount;
    private long infoCount;
    private long messagesSent;
    private long bytesSent;
    private long peakLiveInstances;
    private long retiredFast;
    private long retiredSlow;
    private long retiredRecoveries;
    private long messagesDropped;
    private long crashes;
    private long partitions;

    public Simulation(final SimConfig config)
    {
        this.config = config.copy().validate();
        final SplittableRandom root = new SplittableRandom(config.seed);
        this.seedRandom = root.split();
        this.networkRandom = root.split();
        this.faultRandom = root.split();
        this.workloadRandom = root.split();
        final int n = config.replicas;
        this.links = new LinkModel(config.profile.firstRegions(n));
        double maxRttMs = 1;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                maxRttMs = Math.max(maxRttMs, config.profile.rttMs(i, j));
            }
        }
        final long maxRttNs = (long)(maxRttMs * 1_000_000);
        this.retransmitTimeoutNs = 2 * maxRttNs + TimeUnit.MILLISECONDS.toNanos(100);
        this.recoveryTimeoutNs = 4 * maxRttNs + TimeUnit.MILLISECONDS.toNanos(500);
        // A host knows its round-trip times: wait for a fast quorum about as long as the fast quorum's RTT.
        this.fastPathTimeoutNs = new long[n];
        for (int i = 0; i < n; i++)
        {
            final double fastMs = Optimum.fastPathMs(config.profile, n, i);
            fastPathTimeoutNs[i] = (long)(fastMs * 1.25 * 1_000_000) + TimeUnit.MILLISECONDS.toNanos(10);
        }
        this.nodes = new Node[n];
        this.blocked = new boolean[n][n];
        this.lastDeliveryNs = new long[n][n];
        this.latenciesNs = new LongArrayList[n];
        this.commitLatenciesNs = new LongArrayList[n];
        for (int i = 0; i < n; i++)
        {
            nodes[i] = new Node(i);
            latenciesNs[i] = new LongArrayList();
            commitLatenciesNs[i] = new LongArrayList();
        }
        this.clients = new Client[n * config.clientsPerRegion];
        for (int i = 0; i < clients.length; i++)
        {
            clients[i] = new Client(i + 1, i % n);
        }
        this.workload = new SimWorkload(this.config, workloadRandom, history);
    }

    private SimConfig config()
    {
        return config;
    }

    /** Runs to completion and verifies; never throws for a protocol bug (violations are in the result). */
    /** Replica snapshots taken (see {@link SimConfig#snapshots}) and their total bytes; valid after {@link #run()}. */
    public long replicaSnapshots()
    {
        return replicaSnapshots;
    }

    public long replicaSnapshotBytes()
    {
        return replicaSnapshotBytes;
    }

    public SimResult run()
    {
        final long wallStartNs = System.nanoTime();
        final List<String> violations = new ArrayList<>();
        try
        {
            for (final Node node : nodes)
            {
                node.start();
                schedule(config.tickIntervalNs, TICK, node.id, 0, null);
            }
            for (final Client client : clients)
            {
                schedule(workloadRandom.nextLong(TimeUnit.MILLISECONDS.toNanos(5)), CLIENT_NEXT, client.process - 1,
                    0, null);
            }
            if (config.faults != Faults.NONE)
            {
                schedule(FAULT_STEP_NS, FAULT_STEP, 0, 0, null);
            }
            while (!finished && !queue.isEmpty())
            {
                final Event e = queue.poll();
                nowNs = e.timeNs;
                events++;
                trace(e);
                dispatch(e);
            }
            if (!finished)
            {
                violations.add("liveness: event queue drained before the workload finished");
            }
        }
        catch (final RuntimeException ex)
        {
            violations.add("exception at " + nowNs + " ns: " + ex);
        }
        final long checkStartNs = System.nanoTime();
        if (violations.isEmpty())
        {
            verify(violations);
        }
        return buildResult(violations, System.nanoTime() - wallStartNs, System.nanoTime() - checkStartNs);
    }

    // ------------------------------------------------------------------------------------------------ events

    private void dispatch(final Event e)
    {
        switch (e.kind)
        {
            case DELIVER -> deliver(e.a, e.b, (Message)e.payload);
            case TICK -> tick(nodes[e.a]);
            case SYNC -> sync(nodes[e.a], (Integer)e.payload);
            case CLIENT_NEXT -> clientNext(clients[e.a]);
            case CLIENT_TIMEOUT -> clientTimeout(clients[e.a], (Long)e.payload);
            case CLIENT_REPLY -> clientReply((Reply)e.payload);
            case FAULT_STEP -> faultStep();
            case RESTART -> restart(nodes[e.a]);
            case HEAL -> heal((Integer)e.payload);
            case SETTLE_CHECK -> settleCheck();
            default -> throw new IllegalStateException("unknown event " + e.kind);
        }
    }

    private void schedule(final long delayNs, final int kind, final int a, final int b, final Object payload)
    {
        queue.add(new Event(nowNs + delayNs, eventOrder++, kind, a, b, payload));
    }

    private void trace(final Event e)
    {
        long h = e.timeNs * 31 + e.kind;
        h = h * 31 + e.a;
        h = h * 31 + e.b;
        if (e.payload instanceof Message m)
        {
            h = h * 31 + m.getClass().getSimpleName().hashCode();
            h = h * 31 + m.instance();
        }
        traceHash = (traceHash ^ h) * 0x100000001B3L;
    }

    private void deliver(final int to, final int from, final Message message)
    {
        final Node node = nodes[to];
        if (!node.up || blocked[from][to])
        {
            messagesDropped++;
            return;
        }
        if (config.traceInstances.contains(message.instance()))
        {
            System.out.printf("%12d deliver %d->%d %s%n", nowNs / 1000, from, to, describe(message));
        }
        node.replica.onMessage(from, message, nowNs);
        afterCall(node);
    }

    private void tick(final Node node)
    {
        if (!node.up)
        {
            return;
        }
        if (config.snapshotEveryTicks > 0 && ++node.ticks % config.snapshotEveryTicks == 0)
        {
            node.snapshot();
        }
        node.replica.onTick(nowNs);
        peakLiveInstances = Math.max(peakLiveInstances, node.replica.liveInstances());
        afterCall(node);
        schedule(config.tickIntervalNs, TICK, node.id, 0, null);
    }

    private void afterCall(final Node node)
    {
        if (!node.syncScheduled && (node.store.hasStaged() || !node.outbox.isEmpty() || !node.replies.isEmpty()))
        {
            node.syncScheduled = true;
            schedule(config.fsyncDelayNs, SYNC, node.id, 0, node.incarnation);
        }
    }

    /** Group commit completes: the writes are durable, so the messages and replies that followed them leave. */
    private void sync(final Node node, final int incarnation)
    {
        if (!node.up || node.incarnation != incarnation)
        {
            return;
        }
        node.syncScheduled = false;
        node.store.sync();
        for (final Outbound out : node.outbox)
        {
            send(node.id, out.to(), out.message());
        }
        node.outbox.clear();
        for (final Reply reply : node.replies)
        {
            schedule(CLIENT_LOCAL_DELAY_NS, CLIENT_REPLY, 0, 0, reply);
        }
        node.replies.clear();
        // Commits made before this sync are durable now: they may execute. Replies produced by that execution
        // depend only on durable commits, so they leave at once; execution markers wait for the next sync.
        node.replica.onSynced(nowNs);
        for (final Reply reply : node.replies)
        {
            schedule(CLIENT_LOCAL_DELAY_NS, CLIENT_REPLY, 0, 0, reply);
        }
        node.replies.clear();
        afterCall(node);
    }

    private void send(final int from, final int to, final Message original)
    {
        messagesSent++;
        final Message message = throughWire(from, original);
        if (blocked[from][to] || links.sampleLoss(from, to, networkRandom))
        {
            messagesDropped++;
            return;
        }
        final Faults faults = config.faults;
        if (faultsActive && faults != Faults.NONE && networkRandom.nextDouble() < faults.dropProbability)
        {
            messagesDropped++;
            return;
        }
        final long delayNs = links.sampleOneWayDelayNs(from, to, networkRandom);
        if (faultsActive && faults.reorderSteps > 0 && networkRandom.nextInt(10) == 0)
        {
            // Reordering fault: this message takes a detour and may overtake or be overtaken.
            schedule(delayNs + networkRandom.nextLong(faults.reorderSteps * TimeUnit.MILLISECONDS.toNanos(5)),
                DELIVER, to, from, message);
        }
        else
        {
            // A link is FIFO, like an Aeron stream: never deliver before the previous message on it.
            final long deliverAtNs = Math.max(nowNs + delayNs, lastDeliveryNs[from][to] + 1);
            lastDeliveryNs[from][to] = deliverAtNs;
            schedule(deliverAtNs - nowNs, DELIVER, to, from, message);
        }
        if (faultsActive && faults != Faults.NONE && networkRandom.nextDouble() < faults.duplicateProbability)
        {
            schedule(links.sampleOneWayDelayNs(from, to, networkRandom), DELIVER, to, from, message);
        }
    }

    private static String describe(final Message m)
    {
        final String text = m.toString();
        return text.replaceAll("\\[J@[0-9a-f]+", "") + " " + depsOf(m);
    }

    private static String depsOf(final Message m)
    {
        if (m instanceof io.geo.epaxos.messages.PreAccept p)
        {
            return "deps=" + io.geo.epaxos.primitives.Deps.toString(p.deps());
        }
        if (m instanceof io.geo.epaxos.messages.PreAcceptReply p)
        {
            return "deps=" + io.geo.epaxos.primitives.Deps.toString(p.deps());
        }
        if (m instanceof io.geo.epaxos.messages.Accept p)
        {
            return "deps=" + io.geo.epaxos.primitives.Deps.toString(p.deps());
        }
        if (m instanceof io.geo.epaxos.messages.Commit p)
        {
            return "deps=" + io.geo.epaxos.primitives.Deps.toString(p.deps());
        }
        if (m instanceof io.geo.epaxos.messages.PrepareReply p)
        {
            return "deps=" + io.geo.epaxos.primitives.Deps.toString(p.deps());
        }
        return "";
    }

    /** Every message crosses the wire format, so the codec is exercised by all simulated traffic. */
    private Message throughWire(final int from, final Message message)
    {
        try
        {
            final int length = codec.encode(from, message, wireBuffer, 0);
            bytesSent += length;
            final MessageCodec.Decoded decoded = codec.decode(wireBuffer, 0, length);
            if (decoded.fromReplica() != from)
            {
                throw new IllegalStateException("codec changed the sender " + from + " to " + decoded.fromReplica());
            }
            return decoded.message();
        }
        catch (final CodecException ex)
        {
            throw new IllegalStateException("codec rejected " + message.getClass().getSimpleName() + ": " +
                ex.getMessage(), ex);
        }
    }

    // ------------------------------------------------------------------------------------------------ faults

    private void faultStep()
    {
        if (!faultsActive)
        {
            return;
        }
        final Faults faults = config.faults;
        final int n = nodes.length;
        final int maxDown = (n - 1) / 2;
        if (faultRandom.nextDouble() < faults.crashProbability)
        {
            int down = 0;
            for (final Node node : nodes)
            {
                down += node.up ? 0 : 1;
            }
            final Node victim = nodes[faultRandom.nextInt(n)];
            if (victim.up && down < maxDown)
            {
                crash(victim);
                schedule(TimeUnit.MILLISECONDS.toNanos(200 + faultRandom.nextInt(5000)), RESTART, victim.id, 0, null);
            }
        }
        if (n > 1 && faultRandom.nextDouble() < faults.partitionProbability)
        {
            partitions++;
            Faults.partition(blocked, n, faultRandom);
            schedule(TimeUnit.MILLISECONDS.toNanos(300 + faultRandom.nextInt(4000)), HEAL, 0, 0, ++partitionEpoch);
        }
        schedule(FAULT_STEP_NS, FAULT_STEP, 0, 0, null);
    }

    private void crash(final Node node)
    {
        crashes++;
        node.crashes++;
        node.up = false;
        node.incarnation++;
        node.syncScheduled = false;
        node.store.dropStaged();
        retire(node);
        node.outbox.clear();
        node.replies.clear();
        node.replica = null;
    }

    /** Counts what the node's replica object did before it is dropped (a crash) or replaced (a restored snapshot). */
    private void retire(final Node node)
    {
        retiredFast += node.replica.counters().fastPathCommits();
        retiredSlow += node.replica.counters().slowPathCommits();
        retiredRecoveries += node.replica.counters().recoveriesStarted();
    }

    private void restart(final Node node)
    {
        if (node.up)
        {
            return;
        }
        node.up = true;
        node.start();
        schedule(config.tickIntervalNs, TICK, node.id, 0, null);
    }

    private void heal(final int epoch)
    {
        if (epoch != partitionEpoch)
        {
            return; // a newer partition replaced this one; its own heal will come
        }
        for (final boolean[] row : blocked)
        {
            java.util.Arrays.fill(row, false);
        }
    }

    private void stopFaults()
    {
        faultsActive = false;
        faultsEndNs = nowNs;
        partitionEpoch++;
        heal(partitionEpoch);
        for (final Node node : nodes)
        {
            if (!node.up)
            {
                schedule(0, RESTART, node.id, 0, null);
            }
        }
        schedule(TimeUnit.MILLISECONDS.toNanos(100), SETTLE_CHECK, 0, 0, null);
    }

    private void settleCheck()
    {
        if (isSettled())
        {
            finished = true;
            return;
        }
        if (nowNs - faultsEndNs > config.settleLimitNs)
        {
            finished = true;
            return;
        }
        schedule(TimeUnit.MILLISECONDS.toNanos(100), SETTLE_CHECK, 0, 0, null);
    }

    private boolean isSettled()
    {
        for (final Client client : clients)
        {
            if (!client.done)
            {
                return false;
            }
        }
        final long[] reference = nodes[0].up ? nodes[0].replica.executedPrefix() : null;
        for (final Node node : nodes)
        {
            if (!node.up || node.replica.uncommittedCount() != 0 ||
                !java.util.Arrays.equals(reference, node.replica.executedPrefix()))
            {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------ clients

    private void clientNext(final Client client)
    {
        if (issued >= config.commands)
        {
            client.done = true;
            return;
        }
        final Node node = nodes[client.region];
        if (!node.up)
        {
            schedule(TimeUnit.MILLISECONDS.toNanos(100), CLIENT_NEXT, client.process - 1, 0, null);
            return;
        }
        issued++;
        final Command command = workload.at(nowNs).nextCommand(client);
        client.command = command;
        client.outstanding = true;
        client.invokeNs = nowNs;
        workload.at(nowNs).recordInvoke(client, command);
        schedule(config.clientTimeoutNs, CLIENT_TIMEOUT, client.process - 1, 0, command.requestNumber());
        node.replica.submit(command, nowNs);
        afterCall(node);
        if (issued == config.commands)
        {
            stopFaults();
        }
    }

    private void clientReply(final Reply reply)
    {
        final Client client = clients[(int)reply.clientId() - 1];
        if (!client.outstanding || client.command.requestNumber() != reply.requestNumber())
        {
            return;
        }
        client.outstanding = false;
        if (reply.rejection() != null)
        {
            failCount++;
            workload.at(nowNs).recordFail(client, client.command);
        }
        else
        {
            okCount++;
            latenciesNs[client.region].addLong(nowNs - client.invokeNs);
            workload.at(nowNs).recordOk(client, client.command, reply.results());
        }
        nextAfterCompletion(client);
    }

    private void clientTimeout(final Client client, final long requestNumber)
    {
        if (!client.outstanding || client.command.requestNumber() != requestNumber)
        {
            return;
        }
        client.outstanding = false;
        infoCount++;
        workload.at(nowNs).recordInfo(client, client.command);
        nextAfterCompletion(client);
    }

    private void nextAfterCompletion(final Client client)
    {
        if (issued >= config.commands)
        {
            client.done = true;
            return;
        }
        schedule(workloadRandom.nextLong(TimeUnit.MILLISECONDS.toNanos(2)), CLIENT_NEXT, client.process - 1, 0, null);
    }

    // ------------------------------------------------------------------------------------------------ verify

    private void verify(final List<String> violations)
    {
        if (!isSettled())
        {
            final StringBuilder sb = new StringBuilder("liveness: not settled ")
                .append(TimeUnit.NANOSECONDS.toSeconds(config.settleLimitNs)).append(" s after faults stopped:");
            for (final Client client : clients)
            {
                if (!client.done)
                {
                    sb.append(" client ").append(client.process).append(" busy;");
                }
            }
            for (final Node node : nodes)
            {
                if (node.up)
                {
                    sb.append(" node ").append(node.id).append(" uncommitted=")
                        .append(node.replica.uncommittedCount())
                        .append(" executed=").append(java.util.Arrays.toString(node.replica.executedPrefix()))
                        .append(';');
                }
            }
            violations.add(sb.toString());
            return;
        }
        ExecutionVerifier.verify(nodes.length, i -> nodes[i].executionOrder, i -> nodes[i].executed, violations);
        final Map<Key, byte[]> reference = nodes[0].stateMachine.snapshot();
        for (int i = 1; i < nodes.length; i++)
        {
            final String diff = ExecutionVerifier.diffState(reference, nodes[i].stateMachine.snapshot());
            if (diff != null)
            {
                violations.add("state: replica 0 and replica " + i + " differ: " + diff);
            }
        }
        for (final Map.Entry<Long, Command> acked : ackedInstances.entrySet())
        {
            for (final Node node : nodes)
            {
                if (!node.executed.containsKey(acked.getKey()) && !acked.getValue().isReadOnly())
                {
                    violations.add("lost write: acknowledged " + acked.getValue() + " not executed at replica " +
                        node.id);
                    break;
                }
            }
        }
        linearizabilityUnknown = SimWorkload.checkHistory(config, history, violations);
    }

    private boolean linearizabilityUnknown;

    private SimResult buildResult(final List<String> violations, final long wallNs, final long checkNs)
    {
        long fast = 0;
        long slow = 0;
        long recoveries = 0;
        long live = 0;
        for (final Node node : nodes)
        {
            if (node.replica != null)
            {
                fast += node.replica.counters().fastPathCommits();
                slow += node.replica.counters().slowPathCommits();
                recoveries += node.replica.counters().recoveriesStarted();
                live = Math.max(live, node.replica.liveInstances());
            }
        }
        fast += retiredFast;
        slow += retiredSlow;
        recoveries += retiredRecoveries;
        final long[][] latencies = new long[nodes.length][];
        final long[][] commitLatencies = new long[nodes.length][];
        for (int i = 0; i < nodes.length; i++)
        {
            latencies[i] = latenciesNs[i].toLongArray();
            java.util.Arrays.sort(latencies[i]);
            commitLatencies[i] = commitLatenciesNs[i].toLongArray();
            java.util.Arrays.sort(commitLatencies[i]);
        }
        final List<String> regionNames = config.profile.firstRegions(nodes.length).regions();
        return new SimResult(config.seed, config.replicas, issued, okCount, failCount, infoCount, fast, slow,
            recoveries, crashes, partitions, messagesSent, messagesDropped, bytesSent, events, nowNs, wallNs, checkNs,
            traceHash, live, peakLiveInstances, violations, linearizabilityUnknown, regionNames, latencies,
            commitLatencies, history, new long[nodes.length][0], 0, 0);
    }
}
