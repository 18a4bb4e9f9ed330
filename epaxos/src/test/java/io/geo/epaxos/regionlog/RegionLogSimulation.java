package io.geo.epaxos.regionlog;

import io.geo.epaxos.check.History;
import io.geo.epaxos.check.HistoryEvent;
import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.primitives.Ballot;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic simulation of one region group running the region log ({@link RegionLogNode}, the production
 * class): one seed drives a LAN-like network (latency, jitter, loss, duplication, reordering, symmetric partitions
 * that heal), crashes and restarts of any node (unsynced store writes and the messages held back for them lost),
 * and closed-loop clients on every node appending key-value operations. Single-threaded, virtual time, one event
 * queue. Only transport, clock, disk, clients and the state machine are simulated; every message crosses the wire
 * through the region log codec ({@link LogMessageCodec}: encoded, then decoded for the receiver).
 * <p>
 * The host model follows the EPaxos replica's contract: the store writes of a node call are staged, the call's
 * messages and client replies are held back, and both are released when the node's next sync completes
 * ({@code fsyncDelayNs} later); a crash before that loses them. A node's applied state (its key-value map) is in
 * memory: a restarted node is rebuilt from its store with applied index 0 and applies the log again from slot 1.
 * <p>
 * After {@code seconds} of workload the faults stop (partitions heal, crashed nodes restart) and the group has
 * {@code settleLimitNs} to apply every pending append and agree on one commit index; then the verifiers run
 * ({@link RegionLogVerifier}). Violations are returned, never thrown.
 */
public final class RegionLogSimulation
{
    private static final int DELIVER = 0;
    private static final int TICK = 1;
    private static final int SYNC = 2;
    private static final int CLIENT_NEXT = 3;
    private static final int CLIENT_REPLY = 4;
    private static final int FAULT_STEP = 5;
    private static final int CRASH = 6;
    private static final int RESTART = 7;
    private static final int HEAL = 8;
    private static final int STOP_FAULTS = 9;
    private static final int SETTLE_CHECK = 10;
    private static final String[] KIND_NAMES = {
        "deliver", "tick", "sync", "client-next", "client-reply", "fault-step", "crash", "restart", "heal",
        "stop-faults", "settle-check" };

    private static final long CLIENT_LOCAL_DELAY_NS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final long CLIENT_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long SETTLE_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int MAX_VIOLATIONS_DURING_RUN = 20;

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

    private record Outbound(int to, LogMessage message)
    {
    }

    private record Completion(Client client, long number, long sequence, KvOp.Result result)
    {
    }

    private final class Node
    {
        final int id;
        final RegionLogSimStore store = new RegionLogSimStore();
        final ArrayList<Outbound> outbox = new ArrayList<>();
        final ArrayList<Completion> completions = new ArrayList<>();
        final ArrayList<Client> clients = new ArrayList<>();
        RegionLogNode log;
        TreeMap<String, String> kv = new TreeMap<>();
        ArrayList<LogEntry> applied = new ArrayList<>();
        boolean up = true;
        boolean syncScheduled;
        boolean crashAtNextSync;
        /** Slots applied in this life when the last sync completed: later ones had no effect outside yet. */
        int appliedAtLastSync;
        /** Slots through here came from a snapshot (restored at start or installed from a peer) in this life. */
        long appliedBase;
        long lastSnapshotSlot;
        int life;
        long bytesSent;
        long bytesReceived;

        Node(final int id)
        {
            this.id = id;
        }

        void start()
        {
            final int startedLife = life;
            final LogSnapshot restored = snapshotEvery > 0 ? store.durableSnapshot() : null;
            kv = restored == null ? new TreeMap<>() : decodeState(restored.hostState());
            appliedBase = restored == null ? 0 : restored.slot();
            lastSnapshotSlot = appliedBase;
            applied = new ArrayList<>();
            appliedAtLastSync = 0;
            appliedLogs.add(new RegionLogVerifier.AppliedLog(id, life, appliedBase + 1, applied));
            final RegionLogConfig nodeConfig = new RegionLogConfig()
                .nodeId(id)
                .nodeCount(nodes.length)
                .randomSeed(seedRandom.nextLong());
            nodeConfig.delegation(config.delegation);
            if (wanLinks != null)
            {
                // timers scaled to the WAN: an election timeout well above the slowest round trip
                final long rttNs = maxRttNs();
                nodeConfig.heartbeatIntervalNs(Math.max(TimeUnit.MILLISECONDS.toNanos(5), rttNs / 4))
                    .electionTimeoutNs(electionTimeoutNs())
                    .retransmitTimeoutNs(2 * rttNs + TimeUnit.MILLISECONDS.toNanos(20));
            }
            nodeConfig.retainSlots(retainSlots).snapshotChunkBytes(snapshotChunkBytes);
            if (config.maxMessageBytes > 0)
            {
                // sized as ClusterConfig.regionLogConfig sizes the sidecar's
                final int room = config.maxMessageBytes - RegionLogSimConfig.MESSAGE_ROOM;
                nodeConfig.maxBatchBytes(room).maxPayloadBytes(room)
                    .snapshotChunkBytes(Math.min(snapshotChunkBytes, room / 2));
            }
            // A sink and an applier per life: a node object from before a crash can never reach the new life.
            final LogMessageSink sink = (to, message) ->
            {
                if (life == startedLife)
                {
                    if (to < 0 || to >= nodes.length)
                    {
                        throw new IllegalStateException("node " + id + " sent " + message + " to node " + to);
                    }
                    outbox.add(new Outbound(to, message));
                }
            };
            final LogApplier applier = (slot, entry) ->
            {
                if (life == startedLife)
                {
                    onApply(this, slot, entry);
                }
            };
            if (snapshotEvery > 0)
            {
                final Node self = this;
                final LogSnapshots snapshots = new LogSnapshots()
                {
                    @Override
                    public byte[] capture()
                    {
                        return encodeState(kv);
                    }

                    @Override
                    public void install(final LogSnapshot snapshot)
                    {
                        if (life == startedLife)
                        {
                            onInstall(self, snapshot);
                        }
                    }

                    @Override
                    public void appliedInSnapshot(final long sequence)
                    {
                        if (life == startedLife)
                        {
                            onAppliedInSnapshot(self, sequence);
                        }
                    }
                };
                log = new RegionLogNode(nodeConfig, sink, store, applier, snapshots, restored, nowNs);
            }
            else
            {
                log = new RegionLogNode(nodeConfig, sink, store, applier, 0, nowNs);
            }
            afterCall(this);
        }
    }

    private final class Client
    {
        final int process;
        final Node home;
        final HashMap<String, String> lastSeen = new HashMap<>();
        long number;
        boolean outstanding;
        boolean replyReleased;
        int life;
        KvOp op;
        byte[] payload;
        long sequence = -1;
        long invokeNs;

        Client(final int process, final Node home)
        {
            this.process = process;
            this.home = home;
        }
    }

    private final RegionLogSimConfig config;
    private final SplittableRandom seedRandom;
    private final SplittableRandom networkRandom;
    private final SplittableRandom faultRandom;
    private final SplittableRandom workloadRandom;
    private final PriorityQueue<Event> queue = new PriorityQueue<>(
        (x, y) -> x.timeNs != y.timeNs ? Long.compare(x.timeNs, y.timeNs) : Long.compare(x.order, y.order));
    private final Node[] nodes;
    private final Client[] clients;
    private final boolean[][] blocked;
    private final long[][] lastDeliveryNs;
    private final History history = new History();
    private final List<RegionLogVerifier.AppliedLog> appliedLogs = new ArrayList<>();
    private final List<RegionLogVerifier.Install> installs = new ArrayList<>();
    private List<LogEntry> finalLog = List.of();
    private long snapshotsTaken;
    private long snapshotsInstalled;
    private long promisePages;
    /** Slots between snapshots for this seed (0: none). */
    private final int snapshotEvery;
    /** Slots a node keeps below its snapshot when it truncates (RegionLogConfig.retainSlots), drawn per seed. */
    private final int retainSlots;
    /** RegionLogConfig.snapshotChunkBytes, drawn per seed. */
    private final int snapshotChunkBytes;
    private final List<RegionLogVerifier.Append> issued = new ArrayList<>();
    private final List<RegionLogVerifier.Append> acknowledged = new ArrayList<>();
    /** Which node led each view: two leaders of one view would break the one-proposer-per-slot rule. */
    private final TreeMap<Long, Integer> leaderOfView = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    /** Append to acknowledgement, per acknowledged operation. */
    private final LongArrayList latenciesNs = new LongArrayList();
    private final LongArrayList[] latenciesByNodeNs;
    /** Null on a LAN; the WAN profile's links otherwise. */
    private final io.geo.wan.LinkModel wanLinks;
    /** Delay before the first tick of nodes other than the preferred leader (0: none). */
    private final long otherNodesStartNs;
    private final LogMessageCodec codec = new LogMessageCodec();
    private final UnsafeBuffer wireBuffer = new UnsafeBuffer(new byte[64 * 1024]);
    private final long meanThinkNs;

    private long nowNs;
    private long eventOrder;
    private long traceHash = 0x9E3779B97F4A7C15L;
    private long events;
    private boolean workloadActive = true;
    private boolean faultsActive;
    private long faultsEndNs = -1;
    private long settleNs = -1;
    private int partitionEpoch;
    private boolean finished;
    private boolean settled;
    private long appends;
    private long refused;
    private long acked;
    private long unknown;
    private long crashes;
    private long partitions;
    private long messagesSent;
    private long messagesDropped;
    private long leaderBytes;
    /** Encoded bytes of every message sent over the network (the codec's frames), when the codec is used. */
    private long wireBytes;
    private long unseenApplies;
    private String currentEvent = "start";

    public RegionLogSimulation(final RegionLogSimConfig config)
    {
        this.config = config.copy().validate();
        final SplittableRandom root = new SplittableRandom(config.seed);
        this.seedRandom = root.split();
        this.networkRandom = root.split();
        this.faultRandom = root.split();
        this.workloadRandom = root.split();
        final int n = config.nodes;
        this.nodes = new Node[n];
        this.blocked = new boolean[n][n];
        this.lastDeliveryNs = new long[n][n];
        for (int i = 0; i < n; i++)
        {
            nodes[i] = new Node(i);
        }
        this.latenciesByNodeNs = new LongArrayList[n];
        for (int i = 0; i < n; i++)
        {
            latenciesByNodeNs[i] = new LongArrayList();
        }
        this.wanLinks = config.wan == null ? null : new io.geo.wan.LinkModel(config.wan.firstRegions(n));
        this.otherNodesStartNs = config.preferredLeader < 0 ? 0 : 3 * electionTimeoutNs();
        this.clients = new Client[n * config.clientsPerNode];
        for (int i = 0; i < clients.length; i++)
        {
            final Node home = nodes[i % n];
            clients[i] = new Client(i + 1, home);
            home.clients.add(clients[i]);
        }
        this.meanThinkNs = Math.max(1, (long)(1e9 * Math.max(1, config.clientsPerNode) / config.appendsPerSecond));
        // its own random, so that the other streams of a seed are the same with and without snapshots
        final SplittableRandom snapshotRandom = new SplittableRandom(config.seed ^ 0x5A17_0B5EL);
        final int pick = snapshotRandom.nextInt(7);
        this.snapshotEvery = config.snapshotEvery >= 0 ? config.snapshotEvery : pick == 6 ? 0 : 8 << pick;
        this.retainSlots = new int[]{ 0, 8, 64 }[snapshotRandom.nextInt(3)];
        // small chunks in some seeds, so that transfers take many messages (offsets, duplicates, stalls, resets)
        this.snapshotChunkBytes = new int[]{ 16, 64, 256 * 1024 }[snapshotRandom.nextInt(3)];
        this.faultsActive = config.faults != RegionLogFaults.NONE;
    }

    /** Runs to completion and verifies; never throws for a protocol bug (violations are in the result). */
    public RegionLogSimResult run()
    {
        final long wallStartNs = System.nanoTime();
        try
        {
            for (final Node node : nodes)
            {
                node.start();
                final long firstTickNs = node.id == config.preferredLeader ? 0 : otherNodesStartNs;
                schedule(firstTickNs + 1 + workloadRandom.nextLong(config.tickIntervalNs), TICK, node.id, node.life,
                    null);
            }
            for (final Client client : clients)
            {
                // with a preferred leader, the load starts once it has been elected
                schedule(otherNodesStartNs + workloadRandom.nextLong(TimeUnit.MILLISECONDS.toNanos(10)), CLIENT_NEXT,
                    client.process - 1, 0, null);
            }
            if (faultsActive)
            {
                schedule(RegionLogFaults.STEP_NS, FAULT_STEP, 0, 0, null);
            }
            schedule(config.durationNs, STOP_FAULTS, 0, 0, null);
            while (!finished && !queue.isEmpty() && violations.size() < MAX_VIOLATIONS_DURING_RUN)
            {
                final Event e = queue.poll();
                nowNs = e.timeNs;
                events++;
                hashEvent(e);
                if (config.trace != null && nowNs >= config.traceFromNs && nowNs <= config.traceToNs)
                {
                    traceEvent(e);
                }
                dispatch(e);
            }
            if (!finished && violations.isEmpty())
            {
                violations.add("seed " + config.seed + ": liveness: the event queue drained before the run ended");
            }
        }
        catch (final RuntimeException ex)
        {
            violations.add("seed " + config.seed + ": exception at " + nowNs + " ns in " + currentEvent + ": " +
                stackOf(ex));
        }
        final boolean linearizabilityUnknown = verify();
        long noops = 0;
        for (final LogEntry entry : finalLog)
        {
            noops += entry != null && entry.isNoop() ? 1 : 0;
        }
        final long[] sent = new long[nodes.length];
        final long[] received = new long[nodes.length];
        long lostWrites = 0;
        for (final Node node : nodes)
        {
            sent[node.id] = node.bytesSent;
            received[node.id] = node.bytesReceived;
            lostWrites += node.store.lostWrites();
        }
        final long[] latencies = latenciesNs.toLongArray();
        Arrays.sort(latencies);
        final long[][] latenciesByNode = new long[nodes.length][];
        for (int i = 0; i < nodes.length; i++)
        {
            latenciesByNode[i] = latenciesByNodeNs[i].toLongArray();
            Arrays.sort(latenciesByNode[i]);
        }
        return new RegionLogSimResult(config.seed, nodes.length, config.delegation, appends, refused, acked, unknown,
            finalLog.size(), noops, leaderOfView.size(), crashes, partitions, messagesSent, messagesDropped, sent,
            received, leaderBytes, wireBytes, lostWrites, unseenApplies, snapshotsTaken, snapshotsInstalled, promisePages,
            events,
            nowNs, settleNs,
            System.nanoTime() - wallStartNs, traceHash, List.copyOf(violations), linearizabilityUnknown, latencies,
            latenciesByNode);
    }

    /** The client history recorded so far (for tools and tests). */
    public History history()
    {
        return history;
    }

    // ------------------------------------------------------------------------------------------------ events

    private void dispatch(final Event e)
    {
        switch (e.kind)
        {
            case DELIVER -> deliver(e.a, e.b, (LogMessage)e.payload);
            case TICK -> tick(nodes[e.a], e.b);
            case SYNC -> sync(nodes[e.a], e.b);
            case CLIENT_NEXT -> clientNext(clients[e.a]);
            case CLIENT_REPLY -> clientReply((Completion)e.payload);
            case FAULT_STEP -> faultStep();
            case CRASH -> crash(nodes[e.a], "scheduled");
            case RESTART -> restart(nodes[e.a]);
            case HEAL -> heal(e.a);
            case STOP_FAULTS -> stopFaults();
            case SETTLE_CHECK -> settleCheck();
            default -> throw new IllegalStateException("unknown event " + e.kind);
        }
    }

    private void schedule(final long delayNs, final int kind, final int a, final int b, final Object payload)
    {
        queue.add(new Event(nowNs + delayNs, eventOrder++, kind, a, b, payload));
    }

    private void hashEvent(final Event e)
    {
        long h = e.timeNs * 31 + e.kind;
        h = h * 31 + e.a;
        h = h * 31 + e.b;
        if (e.payload instanceof LogMessage m)
        {
            h = h * 31 + WireCopy.hash(m);
        }
        mixTrace(h);
    }

    private void mixTrace(final long h)
    {
        traceHash = (traceHash ^ h) * 0x100000001B3L;
    }

    private void traceEvent(final Event e)
    {
        if (e.kind == TICK || e.kind == SETTLE_CHECK || e.kind == FAULT_STEP || e.kind == HEAL)
        {
            return;
        }
        final String what = switch (e.kind)
        {
            case DELIVER -> "deliver " + e.b + "->" + e.a + " " + describe((LogMessage)e.payload) +
                (nodes[e.a].up && !blocked[e.b][e.a] ? "" : " (dropped)");
            case SYNC -> "sync node " + e.a + (nodes[e.a].life == e.b && nodes[e.a].up ? "" : " (stale)");
            case CLIENT_NEXT -> "client " + (e.a + 1) + " next";
            case CLIENT_REPLY -> "client " + ((Completion)e.payload).client().process + " reply " +
                ((Completion)e.payload).result();
            default -> KIND_NAMES[e.kind] + " " + e.a;
        };
        trace(what);
    }

    private void trace(final String what)
    {
        if (config.trace != null && nowNs >= config.traceFromNs && nowNs <= config.traceToNs)
        {
            config.trace.printf("%10.3f ms  %s%n", nowNs / 1e6, what);
        }
    }

    private static String describe(final LogMessage message)
    {
        if (message instanceof LogMessage.Accept a)
        {
            return "Accept(view=" + Ballot.toString(a.view()) + ", firstSlot=" + a.firstSlot() + ", " +
                describeEntries(a.entries()) + ")";
        }
        if (message instanceof LogMessage.CatchUpReply r)
        {
            return "CatchUpReply(firstSlot=" + r.firstSlot() + ", " + describeEntries(r.entries()) + ", commitIndex=" +
                r.commitIndex() + ")";
        }
        if (message instanceof LogMessage.Promise p)
        {
            final StringBuilder sb = new StringBuilder("Promise(view=").append(Ballot.toString(p.view()))
                .append(", fromSlot=").append(p.fromSlot()).append(", commitIndex=").append(p.commitIndex())
                .append(", accepted=[");
            for (int i = 0; i < p.accepted().size(); i++)
            {
                final LogMessage.AcceptedSlot s = p.accepted().get(i);
                if (i == 8)
                {
                    sb.append(" ...").append(p.accepted().size() - 8).append(" more");
                    break;
                }
                sb.append(i == 0 ? "" : " ").append(s.slot()).append('@').append(Ballot.toString(s.view()))
                    .append('=').append(KvOp.describe(s.entry()));
            }
            return sb.append("])").toString();
        }
        return message.toString();
    }

    private static String describeEntries(final List<LogEntry> entries)
    {
        final StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < entries.size(); i++)
        {
            if (i == 8)
            {
                sb.append(" ...").append(entries.size() - 8).append(" more");
                break;
            }
            sb.append(i == 0 ? "" : " ").append(KvOp.describe(entries.get(i)));
        }
        return sb.append(']').toString();
    }

    // ------------------------------------------------------------------------------------------------ host

    private void deliver(final int to, final int from, final LogMessage message)
    {
        final Node node = nodes[to];
        if (!node.up || blocked[from][to])
        {
            messagesDropped++;
            return;
        }
        if (to != from)
        {
            final long size = WireCopy.size(message);
            node.bytesReceived += size;
            if (node.log.isLeader())
            {
                leaderBytes += size;
            }
        }
        currentEvent = "node " + to + " onMessage from " + from + ": " + message.getClass().getSimpleName();
        node.log.onMessage(from, message, nowNs);
        afterCall(node);
    }

    private void tick(final Node node, final int life)
    {
        if (!node.up || node.life != life)
        {
            return;
        }
        currentEvent = "node " + node.id + " onTick";
        node.log.onTick(nowNs);
        afterCall(node);
        schedule(config.tickIntervalNs, TICK, node.id, life, null);
    }

    /** After every call into a node: schedule the sync that releases its output, and check what it reports. */
    private void afterCall(final Node node)
    {
        if (!node.syncScheduled && (node.store.hasStaged() || !node.outbox.isEmpty() || !node.completions.isEmpty()))
        {
            node.syncScheduled = true;
            schedule(config.fsyncDelayNs, SYNC, node.id, node.life, null);
        }
        final RegionLogNode log = node.log;
        if (log.nodeId() != node.id)
        {
            violation("contract", "node " + node.id + " reports nodeId " + log.nodeId());
        }
        if (log.appliedIndex() != node.appliedBase + node.applied.size())
        {
            violation("contract", "node " + node.id + " reports appliedIndex " + log.appliedIndex() + " but applied " +
                "through slot " + (node.appliedBase + node.applied.size()) + " in this life");
        }
        if (log.appliedIndex() > log.commitIndex())
        {
            violation("contract", "node " + node.id + " applied through " + log.appliedIndex() +
                " beyond its commit index " + log.commitIndex());
        }
        if (log.isLeader())
        {
            final Integer previous = leaderOfView.putIfAbsent(log.view(), node.id);
            if (previous == null)
            {
                mixTrace(log.view() * 31 + node.id);
                trace("node " + node.id + " leads view " + Ballot.toString(log.view()));
            }
            else if (previous != node.id)
            {
                violation("two leaders", "nodes " + previous + " and " + node.id + " both lead view " +
                    Ballot.toString(log.view()));
            }
        }
    }

    /** Group commit completes: the writes are durable, so the messages and replies held back for them leave. */
    private void sync(final Node node, final int life)
    {
        if (!node.up || node.life != life)
        {
            return;
        }
        if (node.crashAtNextSync && crash(node, "before its sync"))
        {
            return;
        }
        node.syncScheduled = false;
        node.store.sync();
        node.log.onSynced(nowNs); // entries chosen by now are durable here: the node may apply them
        node.appliedAtLastSync = node.applied.size();
        if (snapshotEvery > 0 && node.log.appliedIndex() - node.lastSnapshotSlot >= snapshotEvery)
        {
            // the host keeps a snapshot (durable with the next sync, like the truncation that relies on it)
            final LogSnapshot snapshot = node.log.snapshot();
            node.store.saveSnapshot(snapshot);
            node.log.truncate(snapshot.slot());
            node.lastSnapshotSlot = snapshot.slot();
            snapshotsTaken++;
            mixTrace(snapshot.slot() * 13 + node.id);
            trace("node " + node.id + " snapshot through slot " + snapshot.slot() + " (" + snapshot.bytes().length +
                " B), log truncated");
        }
        for (final Outbound out : node.outbox)
        {
            send(node, out.to(), out.message());
        }
        node.outbox.clear();
        for (final Completion completion : node.completions)
        {
            completion.client().replyReleased = true;
            schedule(CLIENT_LOCAL_DELAY_NS, CLIENT_REPLY, 0, 0, completion);
        }
        node.completions.clear();
        afterCall(node); // a truncation's writes wait for the next sync
    }

    /** A node installs a peer's snapshot: its state jumps to the snapshot's, and a new applied log starts after it. */
    private void onInstall(final Node node, final LogSnapshot snapshot)
    {
        if (snapshot.slot() <= node.appliedBase + node.applied.size())
        {
            violation("contract", "node " + node.id + " installed a snapshot through slot " + snapshot.slot() +
                " having applied through " + (node.appliedBase + node.applied.size()));
        }
        node.kv = decodeState(snapshot.hostState());
        node.appliedBase = snapshot.slot();
        node.lastSnapshotSlot = snapshot.slot();
        node.applied = new ArrayList<>();
        node.appliedAtLastSync = 0;
        appliedLogs.add(new RegionLogVerifier.AppliedLog(node.id, node.life, snapshot.slot() + 1, node.applied));
        installs.add(new RegionLogVerifier.Install(node.id, snapshot.slot(), new TreeMap<>(node.kv)));
        node.store.saveSnapshot(snapshot);
        snapshotsInstalled++;
        mixTrace(snapshot.slot() * 29 + node.id);
        trace("node " + node.id + " installs a snapshot through slot " + snapshot.slot());
    }

    /**
     * An entry of this node was applied inside an installed snapshot: the host answers its client from the session
     * table the snapshot carries (as a production host would), after the next sync like any other reply.
     */
    private void onAppliedInSnapshot(final Node node, final long sequence)
    {
        for (final Client client : node.clients)
        {
            if (client.outstanding && !client.replyReleased && client.life == node.life && client.sequence == sequence)
            {
                final KvOp.Result result = KvOp.sessionResult(node.kv, client.process, client.number);
                if (result == null)
                {
                    violation("snapshot", "node " + node.id + " reports client " + client.process + "'s operation " +
                        client.number + " (sequence " + sequence + ") applied in a snapshot that has no result " +
                        "for it");
                    return;
                }
                trace("client " + client.process + "'s operation was applied inside a snapshot: " + result);
                node.completions.add(new Completion(client, client.number, sequence, result));
            }
        }
    }

    /** The simulated host's applied state as bytes (what a snapshot carries). */
    static byte[] encodeState(final Map<String, String> kv)
    {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes))
        {
            out.writeInt(kv.size());
            for (final Map.Entry<String, String> e : new TreeMap<>(kv).entrySet())
            {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    static TreeMap<String, String> decodeState(final byte[] state)
    {
        final TreeMap<String, String> kv = new TreeMap<>();
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(state)))
        {
            final int size = in.readInt();
            for (int i = 0; i < size; i++)
            {
                kv.put(in.readUTF(), in.readUTF());
            }
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalStateException("malformed snapshot state", ex);
        }
        return kv;
    }

    private void send(final Node from, final int to, final LogMessage original)
    {
        final LogMessage message = throughWire(from.id, to, original);
        if (to == from.id)
        {
            schedule(0, DELIVER, to, from.id, message);
            return;
        }
        messagesSent++;
        final long size = WireCopy.size(message);
        from.bytesSent += size;
        if (from.log.isLeader())
        {
            leaderBytes += size;
        }
        if (blocked[from.id][to] || faultsActive && networkRandom.nextDouble() < config.drop())
        {
            messagesDropped++;
            if (config.trace != null)
            {
                trace("lost " + from.id + "->" + to + " " + describe(message) +
                    (blocked[from.id][to] ? " (partition)" : " (loss)"));
            }
            return;
        }
        final boolean detour = faultsActive && networkRandom.nextDouble() < config.reorder();
        final long delayNs = linkDelayNs(from.id, to) +
            (detour ? networkRandom.nextLong(RegionLogFaults.REORDER_DETOUR_NS) : 0);
        if (config.reorderingLinks || detour)
        {
            schedule(delayNs, DELIVER, to, from.id, message);
        }
        else
        {
            // A FIFO link, like an Aeron stream: never deliver before the previous message on it.
            final long deliverAtNs = Math.max(nowNs + delayNs, lastDeliveryNs[from.id][to] + 1);
            lastDeliveryNs[from.id][to] = deliverAtNs;
            schedule(deliverAtNs - nowNs, DELIVER, to, from.id, message);
        }
        if (faultsActive && networkRandom.nextDouble() < config.duplicate())
        {
            schedule(linkDelayNs(from.id, to) + networkRandom.nextLong(RegionLogFaults.REORDER_DETOUR_NS), DELIVER, to,
                from.id, WireCopy.copy(message));
        }
    }

    /**
     * Every message crosses the wire: encoded and decoded by the region log codec (so all simulated traffic
     * exercises it), or deep-copied when the codec is off. Either way sender and receiver share no array.
     */
    private LogMessage throughWire(final int from, final int to, final LogMessage message)
    {
        if (!config.codec)
        {
            return WireCopy.copy(message);
        }
        try
        {
            final int length = LogMessageCodec.encodedLength(message);
            if (length > wireBuffer.capacity())
            {
                wireBuffer.wrap(new byte[Math.max(length, 2 * wireBuffer.capacity())]);
            }
            if (config.maxMessageBytes > 0 && length > config.maxMessageBytes)
            {
                throw new IllegalStateException("node " + from + " sent " + describe(message) + " of " + length +
                    " bytes, more than the transport's largest message (" + config.maxMessageBytes + " bytes)");
            }
            if (message instanceof LogMessage.Promise promise && promise.nextSlot() != 0)
            {
                promisePages++;
            }
            codec.encode(from, message, wireBuffer, 0);
            if (to != from)
            {
                wireBytes += length;
            }
            final LogMessageCodec.Decoded decoded = codec.decode(wireBuffer, 0, length);
            if (decoded.fromNode() != from)
            {
                throw new IllegalStateException("codec changed the sender " + from + " to " + decoded.fromNode());
            }
            return decoded.message();
        }
        catch (final CodecException ex)
        {
            throw new IllegalStateException("codec rejected " + describe(message) + " from node " + from + ": " +
                ex.getMessage(), ex);
        }
    }

    private long maxRttNs()
    {
        double maxMs = 1;
        for (int i = 0; i < nodes.length; i++)
        {
            for (int j = 0; j < nodes.length; j++)
            {
                maxMs = Math.max(maxMs, config.wan.firstRegions(nodes.length).rttMs(i, j));
            }
        }
        return (long)(maxMs * 1_000_000);
    }

    private long electionTimeoutNs()
    {
        return config.wan == null ? new RegionLogConfig().electionTimeoutNs() :
            3 * maxRttNs() + TimeUnit.MILLISECONDS.toNanos(300);
    }

    private long linkDelayNs(final int from, final int to)
    {
        if (wanLinks != null)
        {
            return wanLinks.sampleOneWayDelayNs(from, to, networkRandom);
        }
        return linkDelayNs();
    }

    private long linkDelayNs()
    {
        final long jitter = config.linkJitterNs;
        return config.linkLatencyNs + (jitter == 0 ? 0 : networkRandom.nextLong(-jitter, jitter + 1));
    }

    private void onApply(final Node node, final long slot, final LogEntry entry)
    {
        if (entry == null)
        {
            violation("contract", "node " + node.id + " applied a null entry at slot " + slot);
            return;
        }
        if (slot != node.appliedBase + node.applied.size() + 1)
        {
            violation("contract", "node " + node.id + " applied slot " + slot + " after slot " +
                (node.appliedBase + node.applied.size()) + " (slots must come in order, each once)");
            return;
        }
        node.applied.add(WireCopy.copy(entry));
        if (config.trace != null)
        {
            trace("node " + node.id + " applies slot " + slot + " = " + KvOp.describe(entry));
        }
        mixTrace(slot * 31 + node.id + WireCopy.hash(new LogMessage.CatchUpReply(slot, List.of(entry), 0)));
        if (entry.isNoop())
        {
            return;
        }
        final KvOp op = KvOp.decode(entry.payload());
        if (op == null || op.client() < 1 || op.client() > clients.length)
        {
            violation("unknown entry", "node " + node.id + " applied " + KvOp.describe(entry) + " at slot " + slot +
                ": the payload is no client's operation");
            return;
        }
        final KvOp.Result result = op.applyWithSession(node.kv);
        final Client client = clients[(int)op.client() - 1];
        if (client.home.id != entry.origin())
        {
            violation("origin", "node " + node.id + " applied " + KvOp.describe(entry) + " at slot " + slot +
                ": the operation of client " + client.process + " was appended at node " + client.home.id);
            return;
        }
        if (entry.origin() == node.id && client.outstanding && client.number == op.number() &&
            client.life == node.life && !client.replyReleased && Arrays.equals(client.payload, entry.payload()))
        {
            if (client.sequence != -1 && client.sequence != entry.sequence())
            {
                violation("sequence", "node " + node.id + " applied client " + client.process + "'s operation " +
                    op.number() + " as " + entry.origin() + "#" + entry.sequence() + " but append returned " +
                    client.sequence);
            }
            for (final Completion queued : node.completions)
            {
                if (queued.client() == client)
                {
                    violation("duplicate", "node " + node.id + " applied client " + client.process + "'s operation " +
                        op.number() + " twice in one call, the second time at slot " + slot);
                    return;
                }
            }
            node.completions.add(new Completion(client, op.number(), entry.sequence(), result));
        }
    }

    // ------------------------------------------------------------------------------------------------ clients

    private void clientNext(final Client client)
    {
        if (!workloadActive || client.outstanding)
        {
            return;
        }
        final Node node = client.home;
        if (!node.up)
        {
            schedule(CLIENT_RETRY_NS, CLIENT_NEXT, client.process - 1, 0, null);
            return;
        }
        final KvOp op = nextOp(client);
        client.op = op;
        client.payload = op.encode(config.payloadBytes);
        client.outstanding = true;
        client.replyReleased = false;
        client.sequence = -1;
        client.life = node.life;
        client.invokeNs = nowNs;
        recordInvoke(client, op);
        appends++;
        currentEvent = "node " + node.id + " append for client " + client.process;
        final long sequence = node.log.append(client.payload.clone(), nowNs);
        mixTrace(sequence);
        if (sequence == -1)
        {
            refused++;
            client.outstanding = false;
            history.add(HistoryEvent.fail(client.process, function(op), op.key(), nowNs));
            scheduleNext(client);
        }
        else if (sequence < 1)
        {
            violation("contract", "node " + node.id + " append returned " + sequence);
        }
        else
        {
            client.sequence = sequence;
            issued.add(new RegionLogVerifier.Append(node.id, sequence, client.payload));
            for (final Completion queued : node.completions)
            {
                if (queued.client() == client && queued.sequence() != sequence)
                {
                    violation("sequence", "node " + node.id + " applied client " + client.process + "'s operation " +
                        op.number() + " as sequence " + queued.sequence() + " but append returned " + sequence);
                }
            }
        }
        afterCall(node);
    }

    private void clientReply(final Completion completion)
    {
        final Client client = completion.client();
        if (!client.outstanding || client.number != completion.number())
        {
            violation("client", "a reply for client " + client.process + "'s operation " + completion.number() +
                " that is not outstanding");
            return;
        }
        client.outstanding = false;
        acked++;
        latenciesNs.addLong(nowNs - client.invokeNs);
        latenciesByNodeNs[client.home.id].addLong(nowNs - client.invokeNs);
        acknowledged.add(new RegionLogVerifier.Append(client.home.id, completion.sequence(), client.payload));
        recordCompletion(client, client.op, completion.result());
        scheduleNext(client);
    }

    private void scheduleNext(final Client client)
    {
        if (workloadActive)
        {
            final double u = workloadRandom.nextDouble();
            final long thinkNs = (long)(-Math.log(1 - u) * meanThinkNs);
            schedule(Math.max(1, thinkNs), CLIENT_NEXT, client.process - 1, 0, null);
        }
    }

    private KvOp nextOp(final Client client)
    {
        final long number = ++client.number;
        final String key = "k" + workloadRandom.nextInt(config.keys);
        final int roll = workloadRandom.nextInt(100);
        final String value = "c" + client.process + "-" + number;
        if (roll < 35)
        {
            return KvOp.get(client.process, number, key);
        }
        if (roll < 70)
        {
            return KvOp.put(client.process, number, key, value);
        }
        return KvOp.cas(client.process, number, key, client.lastSeen.get(key), value);
    }

    private void recordInvoke(final Client client, final KvOp op)
    {
        switch (op.kind())
        {
            case GET -> history.add(HistoryEvent.invokeRead(client.process, op.key(), nowNs));
            case PUT -> history.add(HistoryEvent.invokeWrite(client.process, op.key(), op.value(), nowNs));
            case CAS -> history.add(
                HistoryEvent.invokeCas(client.process, op.key(), op.expected(), op.value(), nowNs));
        }
    }

    private void recordCompletion(final Client client, final KvOp op, final KvOp.Result result)
    {
        switch (op.kind())
        {
            case GET -> history.add(HistoryEvent.okRead(client.process, op.key(), result.value(), nowNs));
            case PUT -> history.add(HistoryEvent.okWrite(client.process, op.key(), op.value(), nowNs));
            case CAS -> history.add(result.ok() ?
                HistoryEvent.okCas(client.process, op.key(), op.expected(), op.value(), nowNs) :
                HistoryEvent.fail(client.process, HistoryEvent.Function.CAS, op.key(), nowNs));
        }
        if (result.value() == null)
        {
            client.lastSeen.remove(op.key());
        }
        else
        {
            client.lastSeen.put(op.key(), result.value());
        }
    }

    private static HistoryEvent.Function function(final KvOp op)
    {
        return switch (op.kind())
        {
            case GET -> HistoryEvent.Function.READ;
            case PUT -> HistoryEvent.Function.WRITE;
            case CAS -> HistoryEvent.Function.CAS;
        };
    }

    // ------------------------------------------------------------------------------------------------ faults

    private void faultStep()
    {
        if (!faultsActive)
        {
            return;
        }
        final RegionLogFaults faults = config.faults;
        final int n = nodes.length;
        if (faultRandom.nextDouble() < faults.crashProbability)
        {
            final Node victim = faultRandom.nextInt(10) < 4 ? leaderOrRandom() : nodes[faultRandom.nextInt(n)];
            if (faultRandom.nextBoolean())
            {
                // Crash whenever the node next syncs: whatever it wrote and sent since its last sync is lost.
                if (victim.up && downCount() < faults.maxDown(n))
                {
                    victim.crashAtNextSync = true;
                }
            }
            else
            {
                schedule(faultRandom.nextLong(RegionLogFaults.STEP_NS), CRASH, victim.id, 0, null);
            }
        }
        if (n > 1 && faultRandom.nextDouble() < faults.partitionProbability)
        {
            partitions++;
            final boolean[] side = new boolean[n];
            final int shape = faultRandom.nextInt(3);
            if (shape < 2)
            {
                // Isolate one node: a random one, or the leader.
                side[shape == 0 ? faultRandom.nextInt(n) : leaderOrRandom().id] = true;
            }
            else
            {
                // Split into two groups, both non-empty.
                side[faultRandom.nextInt(n)] = true;
                for (int i = 0; i < n; i++)
                {
                    side[i] |= faultRandom.nextInt(3) == 0;
                }
                side[faultRandom.nextInt(n)] = false;
            }
            final StringBuilder sb = new StringBuilder("partition");
            for (int i = 0; i < n; i++)
            {
                sb.append(' ').append(i).append(side[i] ? 'A' : 'B');
                for (int j = 0; j < n; j++)
                {
                    blocked[i][j] = side[i] != side[j];
                }
            }
            trace(sb.toString());
            schedule(TimeUnit.MILLISECONDS.toNanos(10 + faultRandom.nextLong(faults.partitionMsMax)), HEAL,
                ++partitionEpoch, 0, null);
        }
        schedule(RegionLogFaults.STEP_NS, FAULT_STEP, 0, 0, null);
    }

    private Node leaderOrRandom()
    {
        Node leader = null;
        for (final Node node : nodes)
        {
            if (node.up && node.log.isLeader() && (leader == null || node.log.view() > leader.log.view()))
            {
                leader = node;
            }
        }
        return leader != null ? leader : nodes[faultRandom.nextInt(nodes.length)];
    }

    private int downCount()
    {
        int down = 0;
        for (final Node node : nodes)
        {
            down += node.up ? 0 : 1;
        }
        return down;
    }

    /** @return true when the node crashed (no crash while faults are off or too many nodes are down). */
    private boolean crash(final Node node, final String how)
    {
        if (!faultsActive || !node.up || downCount() >= config.faults.maxDown(nodes.length))
        {
            node.crashAtNextSync = false;
            return false;
        }
        trace("CRASH node " + node.id + " (" + how + ", leader=" + node.log.isLeader() + ", view=" +
            Ballot.toString(node.log.view()) + ", commit=" + node.log.commitIndex() + ", staged writes lost=" +
            node.store.hasStaged() + ", held messages lost=" + node.outbox.size() + ")");
        crashes++;
        if (!config.strictApply && node.appliedAtLastSync < node.applied.size())
        {
            // Applied since the last sync: no reply or message showed it, and the applied state dies with the
            // node, so nobody saw it. (strictApply models a host whose applied state is visible at once.)
            trace("node " + node.id + " crashed with slots " + (node.appliedAtLastSync + 1) + ".." +
                node.applied.size() + " applied but unseen");
            unseenApplies += node.applied.size() - node.appliedAtLastSync;
            node.applied.subList(node.appliedAtLastSync, node.applied.size()).clear();
        }
        node.up = false;
        node.life++;
        node.syncScheduled = false;
        node.crashAtNextSync = false;
        node.store.dropStaged();
        node.outbox.clear();
        node.completions.clear();
        node.log = null;
        for (final Client client : node.clients)
        {
            if (client.outstanding && !client.replyReleased)
            {
                client.outstanding = false;
                unknown++;
                history.add(HistoryEvent.info(client.process, function(client.op), client.op.key(), nowNs));
                scheduleNext(client);
            }
        }
        final long downNs = TimeUnit.MILLISECONDS.toNanos(5 + faultRandom.nextLong(config.faults.downMsMax));
        schedule(downNs, RESTART, node.id, 0, null);
        return true;
    }

    private void restart(final Node node)
    {
        if (node.up)
        {
            return;
        }
        node.up = true;
        currentEvent = "node " + node.id + " restart";
        trace("RESTART node " + node.id + " (durable commit index " + node.store.durableCommitIndex() + ")");
        node.start();
        schedule(1 + workloadRandom.nextLong(config.tickIntervalNs), TICK, node.id, node.life, null);
    }

    private void heal(final int epoch)
    {
        if (epoch != partitionEpoch)
        {
            return; // a newer partition replaced this one; its own heal will come
        }
        trace("heal");
        for (final boolean[] row : blocked)
        {
            Arrays.fill(row, false);
        }
    }

    /** The workload ends: no new appends, faults stop, crashed nodes restart, and the group must settle. */
    private void stopFaults()
    {
        workloadActive = false;
        faultsActive = false;
        faultsEndNs = nowNs;
        heal(++partitionEpoch);
        for (final Node node : nodes)
        {
            node.crashAtNextSync = false;
            if (!node.up)
            {
                restart(node);
            }
        }
        schedule(SETTLE_CHECK_NS, SETTLE_CHECK, 0, 0, null);
    }

    private void settleCheck()
    {
        if (isSettled())
        {
            settled = true;
            finished = true;
            settleNs = nowNs - faultsEndNs;
            return;
        }
        if (nowNs - faultsEndNs > config.settleLimitNs)
        {
            finished = true;
            violation("liveness", "not converged " + TimeUnit.NANOSECONDS.toMillis(config.settleLimitNs) +
                " ms after faults stopped: " + describeNodes());
            return;
        }
        schedule(SETTLE_CHECK_NS, SETTLE_CHECK, 0, 0, null);
    }

    private boolean isSettled()
    {
        for (final Client client : clients)
        {
            if (client.outstanding)
            {
                return false;
            }
        }
        final long commitIndex = nodes[0].up ? nodes[0].log.commitIndex() : -1;
        for (final Node node : nodes)
        {
            if (!node.up || node.log.pendingAppends() != 0 || node.log.commitIndex() != commitIndex ||
                node.appliedBase + node.applied.size() != commitIndex)
            {
                return false;
            }
        }
        return true;
    }

    private String describeNodes()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Node node : nodes)
        {
            sb.append("node ").append(node.id);
            if (!node.up)
            {
                sb.append(" down; ");
                continue;
            }
            final StringBuilder waiting = new StringBuilder();
            for (final Client client : node.clients)
            {
                if (client.outstanding)
                {
                    waiting.append(waiting.length() == 0 ? "" : ", ").append(client.home.id).append('#')
                        .append(client.sequence).append(" (client ").append(client.process).append(" op ")
                        .append(client.number).append(" since ").append(client.invokeNs / 1000).append(" us)");
                }
            }
            sb.append(" view=").append(Ballot.toString(node.log.view())).append(node.log.isLeader() ? " leader" : "")
                .append(" commit=").append(node.log.commitIndex())
                .append(" applied=").append(node.appliedBase + node.applied.size())
                .append(" pendingAppends=").append(node.log.pendingAppends()).append(" clientsWaitingFor=[")
                .append(waiting).append("]; ");
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------ verify

    private void violation(final String check, final String what)
    {
        final String text = "seed " + config.seed + ": " + check + ": " + what + " (at " + nowNs / 1000 + " us)";
        trace("VIOLATION " + text);
        if (violations.size() < MAX_VIOLATIONS_DURING_RUN)
        {
            violations.add(text);
        }
    }


    /** @return true when the linearizability check ran out of steps. */
    private boolean verify()
    {
        final long seed = config.seed;
        RegionLogVerifier.checkAgreement(seed, appliedLogs, violations);
        for (final RegionLogVerifier.AppliedLog log : appliedLogs)
        {
            RegionLogVerifier.checkNoDuplicates(seed, log, violations);
        }
        finalLog = RegionLogVerifier.referenceLog(seed, appliedLogs, violations);
        RegionLogVerifier.checkNoDuplicates(seed, new RegionLogVerifier.AppliedLog(-1, 0, finalLog), violations);
        RegionLogVerifier.checkInstalls(seed, finalLog, installs, violations);
        if (settled)
        {
            // Before convergence a node may still be re-applying after a restart: only compare final logs after.
            final long commitIndex = nodes[0].log.commitIndex();
            if (finalLog.size() != commitIndex)
            {
                violation("log shrank", "nodes applied through slot " + finalLog.size() + " in all, but settled at " +
                    "commit index " + commitIndex);
            }
            RegionLogVerifier.checkAcknowledged(seed, finalLog, issued, acknowledged, violations);
            final List<Map<String, String>> states = new ArrayList<>();
            for (final Node node : nodes)
            {
                states.add(node.kv);
            }
            RegionLogVerifier.checkStates(seed, states, violations);
        }
        return config.checkLinearizability &&
            RegionLogVerifier.checkLinearizable(seed, history, config.linearizabilityStepLimit, violations);
    }

    private static String stackOf(final Throwable ex)
    {
        final StringBuilder sb = new StringBuilder(ex.toString());
        final StackTraceElement[] frames = ex.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 12); i++)
        {
            sb.append("\n    at ").append(frames[i]);
        }
        if (ex.getCause() != null && ex.getCause() != ex)
        {
            sb.append("\n  caused by ").append(stackOf(ex.getCause()));
        }
        return sb.toString();
    }
}
