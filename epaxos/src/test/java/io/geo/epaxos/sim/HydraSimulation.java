package io.geo.epaxos.sim;

import io.geo.epaxos.api.ClientResponder;
import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.api.SnapshotStateMachine;
import io.geo.epaxos.check.History;
import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.hydra.HydraNode;
import io.geo.epaxos.hydra.RegionLayout;
import io.geo.epaxos.hydra.RegionTargets;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.regionlog.LogMessage;
import io.geo.epaxos.regionlog.LogMessageCodec;
import io.geo.epaxos.regionlog.LogSnapshot;
import io.geo.epaxos.regionlog.RegionLogConfig;
import io.geo.epaxos.regionlog.RegionLogSimStore;
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
 * A deterministic simulation of the Hydra composition (docs/hydra.md): R regions of n nodes each; inside a region a
 * region log group on LAN links, across regions EPaxos over the WAN profile's links, every input of a region's replica
 * going through its region log ({@link HydraNode}). One seed drives both networks (latency, jitter, loss,
 * duplication, reordering, partitions between regions), node crashes inside a region (at most a minority of a
 * region at a time, unsynced log writes lost), whole-region outages (at most a minority of the regions) and the
 * closed-loop workload of {@link SimWorkload}. Verifiers as for the flat simulator: every node of every region (in
 * every life) executes conflicting commands in the same order, every node ends with the same state, no acknowledged
 * write is lost, the client history is linearizable, and every command finishes once faults stop.
 */
public final class HydraSimulation
{
    private static final int DELIVER_LAN = 0;
    private static final int DELIVER_WAN = 1;
    private static final int TICK = 2;
    private static final int SYNC = 3;
    private static final int CLIENT_NEXT = 4;
    private static final int CLIENT_TIMEOUT = 5;
    private static final int CLIENT_REPLY = 6;
    private static final int FAULT_STEP = 7;
    private static final int RESTART = 8;
    private static final int HEAL = 9;
    private static final int SETTLE_CHECK = 10;
    private static final int CRASH_LEADER = 11;

    private static final long CLIENT_LOCAL_DELAY_NS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long FAULT_STEP_NS = TimeUnit.SECONDS.toNanos(1);
    /** How long other regions keep sending to a node after it died, before their transport notices. */
    private static final long FAILURE_DETECTION_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private record Event(long timeNs, long order, int kind, int a, int b, Object payload)
    {
    }

    private record LanOut(int to, LogMessage message)
    {
    }

    private record WanOut(int toRegion, Message message)
    {
    }

    private record Reply(long clientId, long requestNumber, Result[] results, Rejection rejection)
    {
    }

    /** What one life of a node executed, in order. */
    private record Life(String name, LongArrayList order, HashMap<Long, Command> executed)
    {
    }

    /** What a region had executed when one of its nodes captured a snapshot at a slot (a life's order then). */
    private record Prefix(LongArrayList order, HashMap<Long, Command> executed)
    {
    }

    private final class Member implements ClientResponder, SnapshotStateMachine
    {
        final int id;
        final int region;
        final int index;
        final RegionLogSimStore logStore = new RegionLogSimStore();
        final ArrayList<LanOut> lanOut = new ArrayList<>();
        final ArrayList<WanOut> wanOut = new ArrayList<>();
        final ArrayList<Reply> replies = new ArrayList<>();
        KeyValueStateMachine stateMachine;
        Life life;
        HydraNode node;
        RegionTargets targets;
        boolean up = true;
        boolean syncScheduled;
        int incarnation;
        long lastTickNs;
        long lastSyncNs;
        /** When the node went down (kill -9), or -1 while up. */
        long downSinceNs = -1;
        /** This node's clock is the simulated time plus its own origin (as System.nanoTime on its machine). */
        final long clockOffsetNs;
        /** The incarnation the current node object was started in. */
        int lifeIncarnation;

        Member(final int id, final int region, final int index)
        {
            this.id = id;
            this.region = region;
            this.index = index;
            this.clockOffsetNs = clockRandom.nextLong(TimeUnit.HOURS.toNanos(24));
        }

        long clock()
        {
            return nowNs + clockOffsetNs;
        }

        void start()
        {
            final int startedIncarnation = incarnation;
            lifeIncarnation = incarnation;
            stateMachine = new KeyValueStateMachine();
            life = new Life("node " + region + "." + index + " life " + incarnation, new LongArrayList(),
                new HashMap<>());
            lives.add(life);
            final RegionLogConfig logConfig = new RegionLogConfig()
                .nodeId(index)
                .nodeCount(config.nodesPerRegion)
                .randomSeed(seedRandom.nextLong())
                .maxPayloadBytes(MAX_LOG_BATCH_BYTES)
                .maxBatchBytes(MAX_LOG_BATCH_BYTES)
                .snapshotChunkBytes(MAX_LOG_BATCH_BYTES / 2)
                .retainSlots(32); // (a short tail: nodes behind fetch snapshots more often than with the default)
            final HydraNode.Snapshotting snapshotting = config.regionSnapshotEverySlots == 0 ? null :
                new HydraNode.Snapshotting(this::keep, config.regionSnapshotEverySlots, logStore.durableSnapshot());
            if (snapshotting != null && snapshotting.restored() != null)
            {
                // this life starts with what the region had executed through the snapshot
                inherit(snapshotting.restored().slot());
            }
            node = new HydraNode(logConfig, replicaConfig(region), config.tickIntervalNs,
                (to, message) ->
                {
                    if (incarnation == startedIncarnation)
                    {
                        lanOut.add(new LanOut(to, message));
                    }
                },
                logStore,
                (toRegion, message) ->
                {
                    if (incarnation == startedIncarnation)
                    {
                        wanOut.add(new WanOut(toRegion, message));
                    }
                },
                this, this, snapshotting, clock());
            node.batching(new HydraNode.Batching(config.batchMaxCommands,
                config.batchMaxCommands == 1 ? Integer.MAX_VALUE : config.batchMaxInFlight));
            // a new life: the host's choice of targets starts afresh, as in a restarted sidecar
            targets = new RegionTargets(layout, id, retransmitTimeoutNs,
                (toNode, message) -> sendWanTo(this, members[toNode], message));
            afterCall(this);
        }

        /** The host keeps a region snapshot: its own, or a peer's it installed (then this life inherits its order). */
        void keep(final LogSnapshot snapshot)
        {
            if (incarnation != lifeIncarnation)
            {
                return;
            }
            regionSnapshotsKept++;
            maxRegionSnapshotBytes = Math.max(maxRegionSnapshotBytes, snapshot.bytes().length);
            inherit(snapshot.slot());
            logStore.saveSnapshot(snapshot); // durable with the group commit of the truncation that relies on it
        }

        /**
         * This life's execution becomes what the region executed through {@code slot}, as recorded when the snapshot
         * was captured; what it executed itself must be a prefix of that.
         */
        void inherit(final long slot)
        {
            final Prefix prefix = prefixes.get(regionSlot(region, slot));
            if (prefix == null)
            {
                snapshotViolations.add("node " + region + "." + index + " kept a snapshot at slot " + slot +
                    " that no node of its region captured");
                return;
            }
            final LongArrayList order = life.order();
            for (int i = 0; i < order.size(); i++)
            {
                if (i >= prefix.order().size() || order.getLong(i) != prefix.order().getLong(i))
                {
                    snapshotViolations.add("node " + region + "." + index + " executed " +
                        io.geo.epaxos.primitives.InstanceId.toString(order.getLong(i)) + " at position " + i +
                        ", which the region's snapshot at slot " + slot + " does not have there");
                    return;
                }
            }
            order.clear();
            order.addAll(prefix.order());
            life.executed().clear();
            life.executed().putAll(prefix.executed());
        }

        @Override
        public byte[] captureState()
        {
            // every node of the region must have executed the same by the same slot
            final long key = regionSlot(region, node.log().appliedIndex());
            final Prefix captured = new Prefix(new LongArrayList(), new HashMap<>(life.executed()));
            captured.order().addAll(life.order());
            final Prefix earlier = prefixes.putIfAbsent(key, captured);
            if (earlier != null && !earlier.order().equals(captured.order()))
            {
                snapshotViolations.add("region " + region + " slot " + node.log().appliedIndex() + ": node " + region +
                    "." + index + " executed " + captured.order().size() + " instances by then, another node " +
                    earlier.order().size() + " (or in another order)");
            }
            return stateMachine.captureState();
        }

        @Override
        public void installState(final byte[] state)
        {
            stateMachine.installState(state);
        }

        @Override
        public Result[] apply(final long instance, final Command command)
        {
            return applyAll(instance, command)[0]; // (the node applies instances whole: applyAll)
        }

        @Override
        public Result[][] applyAll(final long instance, final Command command)
        {
            if (!life.executed().containsKey(instance))
            {
                life.executed().put(instance, command);
                life.order().addLong(instance);
                if (command.isBatch())
                {
                    batchSizes.put(instance, command.memberCount());
                }
            }
            return stateMachine.applyAll(instance, command);
        }

        @Override
        public void onExecuted(final long instance, final Command command, final Result[] results, final boolean fast)
        {
            replies.add(new Reply(command.clientId(), command.requestNumber(), results, null));
            ackedInstances.put(instance, command);
        }

        @Override
        public void onCommitted(final long instance, final Command command, final boolean fastPath)
        {
            final Client client = clients[(int)command.clientId() - 1];
            if (client.outstanding && client.command.requestNumber() == command.requestNumber() && !client.regional)
            {
                commitLatenciesNs[client.region].addLong(nowNs - client.invokeNs);
            }
        }

        @Override
        public void onRejected(final Command command, final Rejection reason, final String detail)
        {
            replies.add(new Reply(command.clientId(), command.requestNumber(), null, reason));
        }
    }

    private final class Client extends SimWorkload.ClientState
    {
        /** The node the current command was sent to, and whether it is a regional command. */
        Member member;
        boolean regional;

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
    /** Clock origins of the nodes; its own stream, so the others are the same with and without skew. */
    private final SplittableRandom clockRandom;
    private final LinkModel links;
    private final PriorityQueue<Event> queue = new PriorityQueue<>(
        (x, y) -> x.timeNs != y.timeNs ? Long.compare(x.timeNs, y.timeNs) : Long.compare(x.order, y.order));
    private final int regions;
    private final int perRegion;
    private final Member[] members;
    private final Client[] clients;
    private final long[] replicaSeeds;
    private final boolean[][] blocked;
    private final long[][] lastWanDeliveryNs;
    /** Members by region (member id = region x nodes per region + index). */
    private final RegionLayout layout;
    private final long[][] lastLanDeliveryNs;
    private final History history = new History();
    private final SimWorkload workload;
    private final Map<Long, Command> ackedInstances = new HashMap<>();
    private final List<Life> lives = new ArrayList<>();
    /** By region and slot ({@link #regionSlot}): what the region had executed when a snapshot was captured there. */
    private final HashMap<Long, Prefix> prefixes = new HashMap<>();
    private final List<String> snapshotViolations = new ArrayList<>();
    private long regionSnapshotsKept;
    /** The size of every batch executed anywhere, by instance. */
    private final HashMap<Long, Integer> batchSizes = new HashMap<>();
    private long installedByEndedLives;
    private long maxRegionSnapshotBytes;
    private final LongArrayList[] latenciesNs;
    private final LongArrayList[] commitLatenciesNs;
    private final LongArrayList[] regionalLatenciesNs;
    private final long retransmitTimeoutNs;
    private final long recoveryTimeoutNs;
    private final long[] fastPathTimeoutNs;
    /**
     * The sidecar's limits at its default term length (1 MiB: Aeron messages of 128 KiB, less a 48-byte frame header):
     * a region log message longer than this fails the run, and region log batches and entries are sized to fit
     * (ClusterConfig.regionLogConfig), so an election reply or catch-up that outgrows a message shows here.
     */
    static final int MAX_LOG_MESSAGE_BYTES = 128 * 1024 - 48;
    static final int MAX_LOG_BATCH_BYTES = MAX_LOG_MESSAGE_BYTES - 128;
    private final MessageCodec codec = new MessageCodec();
    private final UnsafeBuffer wireBuffer = new UnsafeBuffer(new byte[MessageCodec.MAX_MESSAGE_BYTES]);
    private final LogMessageCodec logCodec = new LogMessageCodec();
    private final UnsafeBuffer lanBuffer = new UnsafeBuffer(new byte[1 << 20]);

    private long nowNs;
    private long eventOrder;
    private long traceHash = 0x9E3779B97F4A7C15L;
    private long events;
    private int issued;
    private boolean faultsActive = true;
    private long faultsEndNs = -1;
    private int partitionEpoch;
    private boolean finished;
    private long okCount;
    private long failCount;
    private long infoCount;
    private long wanMessages;
    private String crashedLeader;
    private final List<List<long[]>> samples = new ArrayList<>();
    private final java.util.TreeMap<String, Long> wanMessagesByType = new java.util.TreeMap<>();
    private long wanBytes;
    private long lanMessages;
    private long messagesDropped;
    private long crashes;
    private long partitions;
    private long peakLiveInstances;
    private boolean linearizabilityUnknown;

    public HydraSimulation(final SimConfig config)
    {
        this.config = config.copy().validate();
        final SplittableRandom root = new SplittableRandom(config.seed);
        this.seedRandom = root.split();
        this.networkRandom = root.split();
        this.faultRandom = root.split();
        this.workloadRandom = root.split();
        this.clockRandom = new SplittableRandom(config.seed ^ 0xC10C_C10CL);
        this.regions = config.replicas;
        this.perRegion = config.nodesPerRegion;
        this.links = new LinkModel(config.profile.firstRegions(regions));
        double maxRttMs = 1;
        for (int i = 0; i < regions; i++)
        {
            for (int j = 0; j < regions; j++)
            {
                maxRttMs = Math.max(maxRttMs, config.profile.rttMs(i, j));
            }
        }
        final long maxRttNs = (long)(maxRttMs * 1_000_000);
        // as the flat simulator, plus the region log rounds an exchange goes through
        this.retransmitTimeoutNs = 2 * maxRttNs + TimeUnit.MILLISECONDS.toNanos(120);
        this.recoveryTimeoutNs = 4 * maxRttNs + TimeUnit.MILLISECONDS.toNanos(600);
        this.fastPathTimeoutNs = new long[regions];
        for (int i = 0; i < regions; i++)
        {
            final double fastMs = Optimum.fastPathMs(config.profile, regions, i);
            fastPathTimeoutNs[i] = (long)(fastMs * 1.25 * 1_000_000) + TimeUnit.MILLISECONDS.toNanos(15);
        }
        this.replicaSeeds = new long[regions];
        for (int r = 0; r < regions; r++)
        {
            replicaSeeds[r] = seedRandom.nextLong();
        }
        this.members = new Member[regions * perRegion];
        for (int r = 0; r < regions; r++)
        {
            for (int i = 0; i < perRegion; i++)
            {
                members[r * perRegion + i] = new Member(r * perRegion + i, r, i);
            }
        }
        this.blocked = new boolean[regions][regions];
        this.lastWanDeliveryNs = new long[members.length][members.length];
        final int[] regionOfNode = new int[members.length];
        for (int id = 0; id < members.length; id++)
        {
            regionOfNode[id] = id / perRegion;
        }
        this.layout = new RegionLayout(regionOfNode);
        this.lastLanDeliveryNs = new long[members.length][members.length];
        this.latenciesNs = new LongArrayList[regions];
        this.commitLatenciesNs = new LongArrayList[regions];
        this.regionalLatenciesNs = new LongArrayList[regions];
        for (int r = 0; r < regions; r++)
        {
            latenciesNs[r] = new LongArrayList();
            commitLatenciesNs[r] = new LongArrayList();
            regionalLatenciesNs[r] = new LongArrayList();
            samples.add(new ArrayList<>());
        }
        this.clients = new Client[regions * config.clientsPerRegion];
        for (int i = 0; i < clients.length; i++)
        {
            clients[i] = new Client(i + 1, i % regions);
        }
        this.workload = new SimWorkload(this.config, workloadRandom, history);
    }

    /** The replica settings of a region: the same on every node of the region, so their copies stay equal. */
    private ReplicaConfig replicaConfig(final int region)
    {
        return new ReplicaConfig()
            .replicaId(region)
            .replicaCount(regions)
            .randomSeed(replicaSeeds[region])
            .retransmitTimeoutNs(retransmitTimeoutNs)
            .recoveryTimeoutNs(recoveryTimeoutNs)
            .fastPathTimeoutNs(fastPathTimeoutNs[region])
            .gcIntervalNs(TimeUnit.MILLISECONDS.toNanos(50));
    }

    /** Runs to completion and verifies; never throws for a protocol bug (violations are in the result). */
    public SimResult run()
    {
        final long wallStartNs = System.nanoTime();
        final List<String> violations = new ArrayList<>();
        try
        {
            for (final Member member : members)
            {
                member.start();
                schedule(1 + seedRandom.nextLong(config.lanTickIntervalNs), TICK, member.id, member.incarnation,
                    null);
            }
            for (final Client client : clients)
            {
                // after the region logs' first elections
                schedule(TimeUnit.MILLISECONDS.toNanos(150) + workloadRandom.nextLong(TimeUnit.MILLISECONDS.toNanos(5)),
                    CLIENT_NEXT, client.process() - 1, 0, null);
            }
            if (config.faults != Faults.NONE)
            {
                schedule(FAULT_STEP_NS, FAULT_STEP, 0, 0, null);
            }
            if (config.crashRegionLeaderAtNs >= 0)
            {
                schedule(config.crashRegionLeaderAtNs, CRASH_LEADER, 0, 0, null);
            }
            while (!finished && !queue.isEmpty())
            {
                final Event e = queue.poll();
                nowNs = e.timeNs;
                events++;
                hash(e);
                dispatch(e);
            }
            if (!finished)
            {
                violations.add("liveness: event queue drained before the workload finished");
            }
        }
        catch (final RuntimeException ex)
        {
            final StringBuilder sb = new StringBuilder("exception at " + nowNs + " ns: " + ex);
            for (final StackTraceElement frame : ex.getStackTrace())
            {
                if (sb.length() > 2000)
                {
                    break;
                }
                sb.append("\n    at ").append(frame);
            }
            violations.add(sb.toString());
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
            case DELIVER_LAN -> deliverLan(members[e.a], e.b, (LogMessage)e.payload);
            case DELIVER_WAN -> deliverWan(members[e.a], e.b, (Message)e.payload);
            case TICK -> tick(members[e.a], e.b);
            case SYNC -> sync(members[e.a], e.b);
            case CLIENT_NEXT -> clientNext(clients[e.a]);
            case CLIENT_TIMEOUT -> clientTimeout(clients[e.a], (Long)e.payload);
            case CLIENT_REPLY -> clientReply((Reply)e.payload);
            case FAULT_STEP -> faultStep();
            case RESTART -> restart(members[e.a]);
            case HEAL -> heal((Integer)e.payload);
            case SETTLE_CHECK -> settleCheck();
            case CRASH_LEADER -> crashRegionLeader(e.a);
            default -> throw new IllegalStateException("unknown event " + e.kind);
        }
    }

    private void schedule(final long delayNs, final int kind, final int a, final int b, final Object payload)
    {
        queue.add(new Event(nowNs + delayNs, eventOrder++, kind, a, b, payload));
    }

    private void hash(final Event e)
    {
        long h = e.timeNs * 31 + e.kind;
        h = h * 31 + e.a;
        h = h * 31 + e.b;
        if (e.payload instanceof Message m)
        {
            h = h * 31 + m.getClass().getSimpleName().hashCode();
            h = h * 31 + m.instance();
        }
        else if (e.payload instanceof LogMessage m)
        {
            h = h * 31 + m.getClass().getSimpleName().hashCode();
        }
        traceHash = (traceHash ^ h) * 0x100000001B3L;
    }

    private void deliverLan(final Member to, final int fromIndex, final LogMessage message)
    {
        final Member from = members[to.region * perRegion + fromIndex];
        if (!to.up || !from.up)
        {
            messagesDropped++;
            return;
        }
        to.node.onLogMessage(fromIndex, message, to.clock());
        afterCall(to);
    }

    private void deliverWan(final Member to, final int fromId, final Message message)
    {
        final int fromRegion = members[fromId].region;
        if (!to.up || blocked[fromRegion][to.region])
        {
            messagesDropped++;
            return;
        }
        to.targets.heard(fromId);
        to.node.onRegionMessage(fromRegion, message, to.clock());
        afterCall(to);
    }

    private void tick(final Member member, final int incarnation)
    {
        if (!member.up || member.incarnation != incarnation)
        {
            return;
        }
        member.lastTickNs = nowNs;
        member.targets.check(nowNs);
        member.node.onTick(member.clock());
        peakLiveInstances = Math.max(peakLiveInstances, member.node.replica().liveInstances());
        afterCall(member);
        schedule(config.lanTickIntervalNs, TICK, member.id, incarnation, null);
    }

    private void afterCall(final Member member)
    {
        if (!member.syncScheduled && (member.logStore.hasStaged() || !member.lanOut.isEmpty() ||
            !member.wanOut.isEmpty() || !member.replies.isEmpty()))
        {
            member.syncScheduled = true;
            schedule(config.fsyncDelayNs, SYNC, member.id, member.incarnation, null);
        }
    }

    /** Group commit: the log writes are durable, so what the node emitted since leaves, then it may apply more. */
    private void sync(final Member member, final int incarnation)
    {
        if (!member.up || member.incarnation != incarnation)
        {
            return;
        }
        member.syncScheduled = false;
        member.lastSyncNs = nowNs;
        member.logStore.sync();
        member.node.onSynced(member.clock());
        for (final LanOut out : member.lanOut)
        {
            sendLan(member, out.to(), out.message());
        }
        member.lanOut.clear();
        for (final WanOut out : member.wanOut)
        {
            sendWan(member, out.toRegion(), out.message());
        }
        member.wanOut.clear();
        for (final Reply reply : member.replies)
        {
            schedule(CLIENT_LOCAL_DELAY_NS, CLIENT_REPLY, 0, 0, reply);
        }
        member.replies.clear();
        afterCall(member);
    }

    private void sendLan(final Member from, final int toIndex, final LogMessage original)
    {
        lanMessages++;
        final LogMessage message = throughLanWire(from.index, original);
        final Member to = members[from.region * perRegion + toIndex];
        final Faults faults = config.faults;
        if (faultsActive && faults != Faults.NONE && networkRandom.nextDouble() < faults.dropProbability)
        {
            messagesDropped++;
            return;
        }
        final long jitter = config.lanJitterNs;
        final long delayNs = config.lanLatencyNs + (jitter == 0 ? 0 : networkRandom.nextLong(-jitter, jitter + 1));
        final long deliverAtNs = Math.max(nowNs + delayNs, lastLanDeliveryNs[from.id][to.id] + 1);
        lastLanDeliveryNs[from.id][to.id] = deliverAtNs;
        schedule(deliverAtNs - nowNs, DELIVER_LAN, to.id, from.index, message);
        if (faultsActive && faults != Faults.NONE && networkRandom.nextDouble() < faults.duplicateProbability)
        {
            schedule(delayNs + networkRandom.nextLong(TimeUnit.MILLISECONDS.toNanos(1)), DELIVER_LAN, to.id,
                from.index, throughLanWire(from.index, original));
        }
    }

    /** To a node of region {@code toRegion}, the one the sender's {@link RegionTargets} picks (production code). */
    private void sendWan(final Member from, final int toRegion, final Message original)
    {
        from.targets.send(toRegion, original, nowNs);
    }

    /**
     * One message on the wire from {@code from} to {@code to}. False, sending nothing, when the sender's transport
     * knows {@code to} is down: it notices a dead connection after {@link #FAILURE_DETECTION_NS} (as an Aeron
     * publication does after its connection timeout); before that the message is sent and lost.
     */
    private boolean sendWanTo(final Member from, final Member to, final Message original)
    {
        if (!to.up && nowNs - to.downSinceNs >= FAILURE_DETECTION_NS)
        {
            return false;
        }
        wanMessages++;
        wanMessagesByType.merge(original.getClass().getSimpleName(), 1L, Long::sum);
        final Message message = throughWire(from.region, original);
        final int toRegion = to.region;
        if (blocked[from.region][toRegion] || links.sampleLoss(from.region, toRegion, networkRandom))
        {
            messagesDropped++;
            return true;
        }
        final Faults faults = config.faults;
        if (faultsActive && faults != Faults.NONE && networkRandom.nextDouble() < faults.dropProbability)
        {
            messagesDropped++;
            return true;
        }
        final long delayNs = links.sampleOneWayDelayNs(from.region, toRegion, networkRandom);
        if (faultsActive && faults.reorderSteps > 0 && networkRandom.nextInt(10) == 0)
        {
            schedule(delayNs + networkRandom.nextLong(faults.reorderSteps * TimeUnit.MILLISECONDS.toNanos(5)),
                DELIVER_WAN, to.id, from.id, message);
        }
        else
        {
            final long deliverAtNs = Math.max(nowNs + delayNs, lastWanDeliveryNs[from.id][to.id] + 1);
            lastWanDeliveryNs[from.id][to.id] = deliverAtNs;
            schedule(deliverAtNs - nowNs, DELIVER_WAN, to.id, from.id, message);
        }
        if (faultsActive && faults != Faults.NONE && networkRandom.nextDouble() < faults.duplicateProbability)
        {
            schedule(links.sampleOneWayDelayNs(from.region, toRegion, networkRandom), DELIVER_WAN, to.id, from.id,
                message);
        }
        return true;
    }

    private Message throughWire(final int fromRegion, final Message message)
    {
        try
        {
            final int length = codec.encode(fromRegion, message, wireBuffer, 0);
            wanBytes += length;
            return codec.decode(wireBuffer, 0, length).message();
        }
        catch (final CodecException ex)
        {
            throw new IllegalStateException("codec rejected " + message.getClass().getSimpleName() + ": " +
                ex.getMessage(), ex);
        }
    }

    private LogMessage throughLanWire(final int fromIndex, final LogMessage message)
    {
        try
        {
            final int length = LogMessageCodec.encodedLength(message);
            if (length > MAX_LOG_MESSAGE_BYTES)
            {
                throw new IllegalStateException("region log message " + message.getClass().getSimpleName() + " of " +
                    length + " bytes, more than the transport's largest message (" + MAX_LOG_MESSAGE_BYTES + ")");
            }
            if (length > lanBuffer.capacity())
            {
                lanBuffer.wrap(new byte[Math.max(length, 2 * lanBuffer.capacity())]);
            }
            logCodec.encode(fromIndex, message, lanBuffer, 0);
            return logCodec.decode(lanBuffer, 0, length).message();
        }
        catch (final CodecException ex)
        {
            throw new IllegalStateException("region log codec rejected " + message.getClass().getSimpleName() +
                ": " + ex.getMessage(), ex);
        }
    }

    // ------------------------------------------------------------------------------------------------ faults

    private int downIn(final int region)
    {
        int down = 0;
        for (int i = 0; i < perRegion; i++)
        {
            down += members[region * perRegion + i].up ? 0 : 1;
        }
        return down;
    }

    private int regionsDown()
    {
        int down = 0;
        for (int r = 0; r < regions; r++)
        {
            down += downIn(r) == perRegion ? 1 : 0;
        }
        return down;
    }

    private void faultStep()
    {
        if (!faultsActive)
        {
            return;
        }
        final Faults faults = config.faults;
        if (faultRandom.nextDouble() < faults.crashProbability)
        {
            // a node inside a region: at most a minority of its region down at once
            final Member victim = members[faultRandom.nextInt(members.length)];
            if (victim.up && downIn(victim.region) < (perRegion - 1) / 2)
            {
                crash(victim);
                schedule(TimeUnit.MILLISECONDS.toNanos(100 + faultRandom.nextInt(3000)), RESTART, victim.id, 0, null);
            }
        }
        if (faultRandom.nextDouble() < faults.crashProbability / 3)
        {
            // a whole region: at most a minority of the regions, each wholly down
            final int region = faultRandom.nextInt(regions);
            if (downIn(region) == 0 && regionsDown() < (regions - 1) / 2)
            {
                for (int i = 0; i < perRegion; i++)
                {
                    final Member member = members[region * perRegion + i];
                    crash(member);
                    schedule(TimeUnit.MILLISECONDS.toNanos(500 + faultRandom.nextInt(4000)), RESTART, member.id, 0,
                        null);
                }
            }
        }
        if (faultRandom.nextDouble() < faults.partitionProbability)
        {
            partitions++;
            Faults.partition(blocked, regions, faultRandom);
            schedule(TimeUnit.MILLISECONDS.toNanos(300 + faultRandom.nextInt(4000)), HEAL, 0, 0, ++partitionEpoch);
        }
        schedule(FAULT_STEP_NS, FAULT_STEP, 0, 0, null);
    }

    /** The scenario's crash: the node leading region {@code region}'s log now. */
    private void crashRegionLeader(final int region)
    {
        for (int i = 0; i < perRegion; i++)
        {
            final Member member = members[region * perRegion + i];
            if (member.up && member.node.log().isLeader())
            {
                crashedLeader = member.region + "." + member.index;
                crash(member);
                schedule(config.crashDownNs, RESTART, member.id, 0, null);
                return;
            }
        }
    }

    /** EPaxos recoveries each region's replica started (counted on a live node's copy; after {@link #run}). */
    public long[] recoveriesByRegion()
    {
        final long[] recoveries = new long[regions];
        for (int r = 0; r < regions; r++)
        {
            for (int i = 0; i < perRegion; i++)
            {
                final Member member = members[r * perRegion + i];
                if (member.up && member.node != null)
                {
                    recoveries[r] = member.node.replica().counters().recoveriesStarted();
                    break;
                }
            }
        }
        return recoveries;
    }

    /** The node the scenario crashed ("region.index"), or null. */
    public String crashedLeader()
    {
        return crashedLeader;
    }

    /**
     * Completed global commands of clients in {@code region}: {invoke time, invoke to reply} in ns, in completion
     * order.
     */
    public List<long[]> latencySamples(final int region)
    {
        return java.util.Collections.unmodifiableList(samples.get(region));
    }

    /** kill -9: unsynced log writes and held output are lost; clients waiting on the node learn nothing more. */
    private void crash(final Member member)
    {
        crashes++;
        member.up = false;
        member.downSinceNs = nowNs;
        member.incarnation++;
        member.syncScheduled = false;
        member.logStore.dropStaged();
        member.lanOut.clear();
        member.wanOut.clear();
        member.replies.clear();
        installedByEndedLives += member.node.counters().snapshotsInstalled();
        member.node = null;
        for (final Client client : clients)
        {
            if (client.outstanding && client.member == member)
            {
                client.outstanding = false;
                infoCount++;
                workload.at(nowNs).recordInfo(client, client.command);
                nextAfterCompletion(client);
            }
        }
    }

    private void restart(final Member member)
    {
        if (member.up)
        {
            return;
        }
        member.up = true;
        member.downSinceNs = -1;
        member.start();
        schedule(1 + seedRandom.nextLong(config.lanTickIntervalNs), TICK, member.id, member.incarnation, null);
    }

    private void heal(final int epoch)
    {
        if (epoch != partitionEpoch)
        {
            return;
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
        for (final Member member : members)
        {
            if (!member.up)
            {
                schedule(0, RESTART, member.id, 0, null);
            }
        }
        schedule(TimeUnit.MILLISECONDS.toNanos(100), SETTLE_CHECK, 0, 0, null);
    }

    private void settleCheck()
    {
        if (isSettled() || nowNs - faultsEndNs > config.settleLimitNs)
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
        final long[] reference = members[0].up ? members[0].node.replica().executedPrefix() : null;
        for (final Member member : members)
        {
            // (not the region logs' pending appends: the leader appends a clock tick every tickInterval for ever)
            if (!member.up || member.node.replica().uncommittedCount() != 0 ||
                !java.util.Arrays.equals(reference, member.node.replica().executedPrefix()))
            {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------ clients

    /** A client sends each command to a live node of its region, its own first. */
    private Member memberFor(final Client client)
    {
        final int home = (client.process() - 1) / regions % perRegion;
        for (int i = 0; i < perRegion; i++)
        {
            final Member member = members[client.region * perRegion + (home + i) % perRegion];
            if (member.up)
            {
                return member;
            }
        }
        return null;
    }

    private void clientNext(final Client client)
    {
        if (issued >= config.commands)
        {
            client.done = true;
            return;
        }
        final Member member = memberFor(client);
        if (member == null)
        {
            schedule(TimeUnit.MILLISECONDS.toNanos(100), CLIENT_NEXT, client.process() - 1, 0, null);
            return;
        }
        issued++;
        // a regional command works on the client's region's keyspace ("r<region>/..."), ordered by its log alone
        client.regional = config.regionalPercent > 0 && workloadRandom.nextInt(100) < config.regionalPercent;
        final Command command = client.regional ? workload.at(nowNs).nextCommand(client, regionalScope(client.region)) :
            workload.at(nowNs).nextCommand(client);
        client.command = command;
        client.outstanding = true;
        client.invokeNs = nowNs;
        client.member = member;
        workload.at(nowNs).recordInvoke(client, command);
        schedule(config.clientTimeoutNs, CLIENT_TIMEOUT, client.process() - 1, 0, command.requestNumber());
        if (!(client.regional ? member.node.submitRegional(command, member.clock()) :
            member.node.submit(command, member.clock())))
        {
            client.outstanding = false;
            failCount++;
            workload.at(nowNs).recordFail(client, command);
            nextAfterCompletion(client);
        }
        afterCall(member);
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
            (client.regional ? regionalLatenciesNs : latenciesNs)[client.region].addLong(nowNs - client.invokeNs);
            if (!client.regional)
            {
                samples.get(client.region).add(new long[] {client.invokeNs, nowNs - client.invokeNs});
            }
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
        schedule(workloadRandom.nextLong(TimeUnit.MILLISECONDS.toNanos(2)), CLIENT_NEXT, client.process() - 1, 0,
            null);
    }

    // ------------------------------------------------------------------------------------------------ verify

    /** A node's dedup table for global commands (regional sessions have negative client ids). */
    private static Map<Long, String> globalSessions(final Member member)
    {
        final Map<Long, String> sessions = member.stateMachine.sessions();
        sessions.keySet().removeIf(client -> client <= 0);
        return sessions;
    }

    private static long regionSlot(final int region, final long slot)
    {
        return ((long)region << 48) | slot;
    }

    /** Batches (instances of two client commands or more) executed. */
    public long batches()
    {
        return batchSizes.size();
    }

    /** Client commands executed inside batches. */
    public long batchedCommands()
    {
        long commands = 0;
        for (final int size : batchSizes.values())
        {
            commands += size;
        }
        return commands;
    }

    /** The largest batch executed. */
    public int largestBatch()
    {
        int largest = 0;
        for (final int size : batchSizes.values())
        {
            largest = Math.max(largest, size);
        }
        return largest;
    }

    /** Region snapshots the nodes' hosts kept (taken, or installed from a peer). */
    public long regionSnapshotsKept()
    {
        return regionSnapshotsKept;
    }

    /** The largest region snapshot kept, in bytes. */
    public long maxRegionSnapshotBytes()
    {
        return maxRegionSnapshotBytes;
    }

    /** Region snapshots nodes installed from a peer (they were too far behind for entries). */
    public long regionSnapshotsInstalled()
    {
        long installed = installedByEndedLives;
        for (final Member member : members)
        {
            installed += member.node == null ? 0 : member.node.counters().snapshotsInstalled();
        }
        return installed;
    }

    private void verify(final List<String> violations)
    {
        for (final String violation : snapshotViolations)
        {
            violations.add("snapshot: " + violation);
            if (violations.size() >= 5)
            {
                break;
            }
        }
        if (!isSettled())
        {
            final StringBuilder sb = new StringBuilder("liveness: not settled ")
                .append(TimeUnit.NANOSECONDS.toSeconds(config.settleLimitNs)).append(" s after faults stopped:");
            for (final Client client : clients)
            {
                if (!client.done)
                {
                    sb.append(" client ").append(client.process()).append(" busy;");
                }
            }
            for (final Member member : members)
            {
                if (member.up)
                {
                    sb.append(" node ").append(member.region).append('.').append(member.index)
                        .append(" uncommitted=").append(member.node.replica().uncommittedCount())
                        .append(" pendingAppends=").append(member.node.log().pendingAppends())
                        .append(" (").append(member.node.log().describe()).append(") lastTick ")
                        .append(member.lastTickNs / 1000).append(" us lastSync ").append(member.lastSyncNs / 1000)
                        .append(" us syncScheduled ").append(member.syncScheduled).append(" now ").append(nowNs / 1000)
                        .append(" executed=").append(java.util.Arrays.toString(member.node.replica().executedPrefix()))
                        .append(';');
                }
            }
            violations.add(sb.toString());
            return;
        }
        // Global commands: every node executes them; regional ones: every node of their region. The current lives
        // executed everything; lives that ended in a crash executed a prefix of the same order.
        verifyExecution(-1, violations);
        for (int r = 0; r < regions && config.regionalPercent > 0; r++)
        {
            verifyExecution(r, violations);
        }
        final Map<Key, byte[]> reference = members[0].stateMachine.snapshot();
        final Map<Long, String> referenceGlobal = globalSessions(members[0]);
        for (final Member member : members)
        {
            final Map<Key, byte[]> state = member.stateMachine.snapshot();
            final String globalDiff = ExecutionVerifier.diffState(scoped(reference, -1), scoped(state, -1));
            final Member regionReference = members[member.region * perRegion];
            final String regionalDiff = ExecutionVerifier.diffState(
                scoped(regionReference.stateMachine.snapshot(), member.region), scoped(state, member.region));
            // the dedup tables too: global sessions (client ids > 0) on every node, all sessions within a region
            final Map<Long, String> global = globalSessions(member);
            final Map<Long, String> sessions = member.stateMachine.sessions();
            final Map<Long, String> regionSessions = regionReference.stateMachine.sessions();
            if (!global.equals(referenceGlobal) || !sessions.equals(regionSessions))
            {
                violations.add("state: node " + member.region + "." + member.index + " has another dedup table than " +
                    (global.equals(referenceGlobal) ? "its region's first node: " + sessions + " against " +
                    regionSessions : "node 0.0: " + global + " against " + referenceGlobal));
                break;
            }
            if (globalDiff != null || regionalDiff != null)
            {
                violations.add("state: node " + member.region + "." + member.index + " differs: " +
                    (globalDiff != null ? globalDiff : "regional keys: " + regionalDiff));
                break;
            }
        }
        for (final Member member : members)
        {
            for (final Key key : member.stateMachine.snapshot().keySet())
            {
                final String name = key.toString();
                if (name.startsWith("r") && name.indexOf('/') > 0 && !name.startsWith(regionalScope(member.region)))
                {
                    violations.add("regional key " + name + " of another region reached node " + member.region + "." +
                        member.index);
                    break;
                }
            }
        }
        for (final Map.Entry<Long, Command> acked : ackedInstances.entrySet())
        {
            final boolean regional = HydraNode.isRegional(acked.getKey());
            final int region = regional ? HydraNode.regionOf(acked.getKey()) : -1;
            for (final Member member : members)
            {
                if ((!regional || member.region == region) && !member.life.executed().containsKey(acked.getKey()) &&
                    !acked.getValue().isReadOnly())
                {
                    violations.add("lost write: acknowledged " + acked.getValue() + " not executed at node " +
                        member.region + "." + member.index);
                    break;
                }
            }
        }
        linearizabilityUnknown = SimWorkload.checkHistory(config, history, violations);
    }

    /** Messages sent between regions so far, by message type (after {@link #run}: in the whole run). */
    public java.util.Map<String, Long> wanMessagesByType()
    {
        return java.util.Collections.unmodifiableMap(wanMessagesByType);
    }

    private static String regionalScope(final int region)
    {
        return "r" + region + "/";
    }

    /** The keys of one region's keyspace ({@code region} >= 0), or the global keys ({@code region} -1). */
    private Map<Key, byte[]> scoped(final Map<Key, byte[]> state, final int region)
    {
        final Map<Key, byte[]> scoped = new java.util.TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        for (final Map.Entry<Key, byte[]> e : state.entrySet())
        {
            final String key = e.getKey().toString();
            final boolean regional = key.startsWith("r") && key.indexOf('/') > 0;
            if (region < 0 ? !regional : key.startsWith(regionalScope(region)))
            {
                scoped.put(e.getKey(), e.getValue());
            }
        }
        return scoped;
    }

    /** What a life executed of global commands ({@code region} -1) or of one region's regional commands. */
    private static Life scoped(final Life life, final int region)
    {
        final LongArrayList order = new LongArrayList();
        final HashMap<Long, Command> executed = new HashMap<>();
        for (int i = 0; i < life.order().size(); i++)
        {
            final long instance = life.order().getLong(i);
            final boolean keep = region < 0 ? !HydraNode.isRegional(instance) :
                HydraNode.isRegional(instance) && HydraNode.regionOf(instance) == region;
            if (keep)
            {
                order.addLong(instance);
                executed.put(instance, life.executed().get(instance));
            }
        }
        return new Life(life.name(), order, executed);
    }

    /** The execution checks over every node ({@code region} -1, global commands) or one region's nodes. */
    private void verifyExecution(final int region, final List<String> violations)
    {
        final List<Life> complete = new ArrayList<>();
        final List<Life> ended = new ArrayList<>();
        final java.util.Set<Life> current = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (final Member member : members)
        {
            if (region < 0 || member.region == region)
            {
                complete.add(scoped(member.life, region));
                current.add(member.life);
            }
        }
        for (final Life life : lives)
        {
            final boolean inScope = region < 0 || life.name().startsWith("node " + region + ".");
            if (inScope && !current.contains(life))
            {
                ended.add(scoped(life, region));
            }
        }
        final String scope = region < 0 ? "" : "region " + region + " regional commands: ";
        final List<String> found = new ArrayList<>();
        ExecutionVerifier.verify(complete.size(), i -> complete.get(i).order(), i -> complete.get(i).executed(), found);
        ExecutionVerifier.verifyPrefixes(complete.get(0).order(), complete.get(0).executed(), ended.size(),
            i -> ended.get(i).order(), i -> ended.get(i).executed(), i -> ended.get(i).name(), found);
        for (final String violation : found)
        {
            violations.add(scope + violation);
        }
    }

    private SimResult buildResult(final List<String> violations, final long wallNs, final long checkNs)
    {
        // every node of a region holds the same replica: count each region once, from a live node's copy
        long fast = 0;
        long slow = 0;
        long recoveries = 0;
        long live = 0;
        for (int r = 0; r < regions; r++)
        {
            for (int i = 0; i < perRegion; i++)
            {
                final Member member = members[r * perRegion + i];
                if (member.up && member.node != null)
                {
                    fast += member.node.replica().counters().fastPathCommits();
                    slow += member.node.replica().counters().slowPathCommits();
                    recoveries += member.node.replica().counters().recoveriesStarted();
                    live = Math.max(live, member.node.replica().liveInstances());
                    break;
                }
            }
        }
        final long[][] latencies = new long[regions][];
        final long[][] commitLatencies = new long[regions][];
        final long[][] regionalLatencies = new long[regions][];
        for (int r = 0; r < regions; r++)
        {
            regionalLatencies[r] = regionalLatenciesNs[r].toLongArray();
            java.util.Arrays.sort(regionalLatencies[r]);
            latencies[r] = latenciesNs[r].toLongArray();
            java.util.Arrays.sort(latencies[r]);
            commitLatencies[r] = commitLatenciesNs[r].toLongArray();
            java.util.Arrays.sort(commitLatencies[r]);
        }
        final List<String> regionNames = config.profile.firstRegions(regions).regions();
        return new SimResult(config.seed, regions, issued, okCount, failCount, infoCount, fast, slow, recoveries,
            crashes, partitions, wanMessages, messagesDropped, wanBytes, events, nowNs, wallNs, checkNs, traceHash,
            live, peakLiveInstances, violations, linearizabilityUnknown, regionNames, latencies, commitLatencies,
            history, regionalLatencies, batches(), batchedCommands());
    }
}
