package io.geo.epaxos.hydra;

import io.geo.epaxos.api.ClientResponder;
import io.geo.epaxos.api.MessageSink;
import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.api.SnapshotStateMachine;
import io.geo.epaxos.api.StateMachine;
import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.messages.PreAccept;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.regionlog.LogApplier;
import io.geo.epaxos.regionlog.LogEntry;
import io.geo.epaxos.regionlog.LogMessage;
import io.geo.epaxos.regionlog.LogMessageSink;
import io.geo.epaxos.regionlog.LogSnapshot;
import io.geo.epaxos.regionlog.LogSnapshots;
import io.geo.epaxos.regionlog.LogStore;
import io.geo.epaxos.regionlog.RegionLogConfig;
import io.geo.epaxos.regionlog.RegionLogNode;
import io.geo.epaxos.replica.EpaxosReplica;
import io.geo.epaxos.replica.ReplicaConfig;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;

/**
 * One node of a region in the Hydra composition (docs/hydra.md): a region log node, and a copy of its region's EPaxos
 * replica whose every input goes through that log. A node appends each input it receives (a client command, a
 * message from another region, and, when it leads the region log, a clock tick) to the log; every node of the region
 * applies the log in the same order to its own copy, so all copies hold the same replica state, and a node that
 * crashes loses nothing the log does not keep. The node that appended an entry (in its current life) sends what its
 * copy emits while applying it; the others withhold those messages, and the region log leader sends them if the
 * appender died. Time inside the replica moves by {@code tickInterval} per applied tick, so every copy sees the same
 * time whatever the nodes' clocks.
 *
 * <p>A pure, deterministic state machine like its two parts: inputs are calls ({@link #submit}, {@link #onLogMessage},
 * {@link #onRegionMessage}, {@link #onTick}, {@link #onSynced}); outputs go to the host's sinks, log store, state
 * machine and client responder. Single-threaded.
 */
public final class HydraNode
{
    /** Where messages to another region go: the host picks a node of that region (another one on each retry). */
    @FunctionalInterface
    public interface RegionSink
    {
        void send(int toRegion, Message message);
    }

    /** Where the node's region snapshots go: the host keeps the latest one and restarts from it. */
    @FunctionalInterface
    public interface SnapshotKeeper
    {
        /**
         * Keeps {@code snapshot} durably, at the latest with the log store's writes of the same call (the node
         * truncates its log store after this call): written and synced here, or in the same group commit. The node
         * restarts from the latest snapshot kept, with the log store ({@link Snapshotting#restored()}).
         */
        void keep(LogSnapshot snapshot);
    }

    /**
     * Region snapshots: every {@code everySlots} applied slots the node snapshots its replica, its state machine (a
     * {@link SnapshotStateMachine}) and its own replicated fields at a region log slot, has the host keep it, and
     * truncates its log through it but for the region log's {@code retainSlots} (a peer a little behind catches up
     * from those entries, one further behind fetches the snapshot). Without snapshotting the log is never truncated.
     *
     * @param keeper     the host's durable copy of the latest snapshot.
     * @param everySlots applied slots between snapshots, at least 1.
     * @param restored   the snapshot the host kept last (the node starts from it and the log store), or null.
     */
    public record Snapshotting(SnapshotKeeper keeper, long everySlots, LogSnapshot restored)
    {
        public Snapshotting
        {
            java.util.Objects.requireNonNull(keeper, "keeper");
            if (everySlots < 1)
            {
                throw new IllegalArgumentException("everySlots=" + everySlots + " is invalid: expected >= 1");
            }
        }
    }

    /**
     * Batching of client commands (docs/hydra.md, "Batching"): while {@code maxInFlight} entries of this node's client
     * commands are in the region log and not yet applied here, new commands wait, and go together in the next entry
     * (one EPaxos instance, so one PreAccept to each region) once one applies: at most {@code maxCommands} commands
     * and the replica's {@code maxCommandBytes} per entry. At low load nothing waits; under load, batches grow with
     * it. Global and regional commands wait apart (a batch never mixes them).
     *
     * @param maxCommands the most client commands in one entry, 1..{@link Command#MAX_BATCH_MEMBERS}; 1: no batches.
     * @param maxInFlight entries of this node's client commands not yet applied beyond which commands wait, at
     *                    least 1.
     */
    public record Batching(int maxCommands, int maxInFlight)
    {
        /** One entry per command, none waits: how a node starts. */
        public static final Batching NONE = new Batching(1, Integer.MAX_VALUE);

        public Batching
        {
            if (maxCommands < 1 || maxCommands > Command.MAX_BATCH_MEMBERS)
            {
                throw new IllegalArgumentException("maxCommands=" + maxCommands + " is invalid: expected 1.." +
                    Command.MAX_BATCH_MEMBERS);
            }
            if (maxInFlight < 1)
            {
                throw new IllegalArgumentException("maxInFlight=" + maxInFlight + " is invalid: expected >= 1");
            }
        }

        /** Commands that may wait at a node before it refuses more (its clients retry later). */
        int maxQueued()
        {
            return maxInFlight == Integer.MAX_VALUE ? 0 : Math.max(1024, 4 * maxCommands);
        }
    }

    static final byte TICK = 1;
    static final byte SUBMIT = 2;
    static final byte MESSAGE = 3;
    static final byte REGIONAL = 4;
    /** Appended once per start: the other nodes learn this node's new incarnation (its old life is over). */
    static final byte HELLO = 5;
    /**
     * Instance ids of regional commands: {@code InstanceId.of(REGIONAL_REPLICA_BASE - region, slot)}, apart from the
     * EPaxos instances of every region (replica ids 0..regions-1).
     */
    public static final int REGIONAL_REPLICA_BASE = InstanceId.MAX_REPLICAS - 1;
    private static final int HEADER = 1;

    private final int region;
    private final int nodeId;
    private final long tickIntervalNs;
    private final RegionSink regionSink;
    private final StateMachine stateMachine;
    private final ClientResponder responder;
    private final ReplicaConfig replicaConfig;
    private final MessageSink replicaSink;
    private final LocalResponder localResponder = new LocalResponder();
    /** Replaced when a snapshot from a peer is installed. */
    private EpaxosReplica replica;
    private final RegionLogNode log;
    /** Null: no snapshots, the log is never truncated. */
    private final Snapshotting snapshotting;
    /** The slot of the latest snapshot kept. */
    private long lastSnapshotSlot;
    /** Client commands of this node whose entries were applied inside a peer's snapshot: appended again. */
    private final ArrayDeque<Appended> resubmit = new ArrayDeque<>();
    private final MessageCodec codec = new MessageCodec();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MessageCodec.MAX_MESSAGE_BYTES + HEADER]);
    /** Entries this node appended in this life and has not applied yet, by sequence (commands for client ones). */
    private final Long2ObjectHashMap<Appended> appended = new Long2ObjectHashMap<>();
    /** Commands submitted through this node whose client waits here: (client id, request number). */
    private final HashSet<ClientRequest> waitingClients = new HashSet<>();
    /**
     * Waiting commands appended again after a snapshot install: two instances may carry them, so a rejection of one
     * (aborted, overloaded) does not mean the command took no effect; only an execution answers the client.
     */
    private final HashSet<ClientRequest> resubmittedClients = new HashSet<>();
    private final HydraCounters counters = new HydraCounters();
    private Batching batching = Batching.NONE;
    /** Client commands waiting for an entry (see {@link Batching}): global ones and regional ones. */
    private final ArrayDeque<Command> queuedGlobal = new ArrayDeque<>();
    private final ArrayDeque<Command> queuedRegional = new ArrayDeque<>();
    /** Entries of this node's client commands appended in this life and not yet applied (nor inside a snapshot). */
    private int commandEntriesInFlight;

    /** True while applying an entry this node appended in this life: its copy's output is ours to send. */
    private boolean acting;
    /** The node that appended the entry being applied, and its incarnation (the entry's sequence >>> 32). */
    private int applyingOrigin;
    private long applyingIncarnation;
    /** Per node of the region, the highest incarnation seen in its entries: an older one's life is over. */
    private final long[] latestIncarnation;
    /**
     * What this node's copy emitted while applying entries other nodes appended, kept for {@link #TAKEOVER_WINDOW_NS}:
     * if the appender dies before it sends them, the region log leader sends them (see {@link #takeOver()}).
     */
    private final ArrayDeque<Withheld> withheld = new ArrayDeque<>();
    private long hostNowNs;
    /** Since the last takeover scan: a higher incarnation seen, or output withheld for a life already over. */
    private boolean incarnationAdvanced;

    /** Output of another node's entry, withheld here in case its appender dies before sending it. */
    private record Withheld(long appliedNs, int appender, long incarnation, int toRegion, Message message)
    {
    }

    /** How long a withheld message is kept: well above the time to notice an appender is gone. */
    static final long TAKEOVER_WINDOW_NS = 2_000_000_000L;
    /** An appender not heard from for this long is taken for dead (live ones answer every tick's Accept). */
    static final long TAKEOVER_SILENCE_NS = 100_000_000L;
    private static final int MAX_WITHHELD = 65_536;
    /** How much less often the log leader appends a tick while the replica holds no live instance. */
    static final int IDLE_TICK_FACTOR = 50;
    /** The replica's clock: advanced by {@code tickInterval} per applied tick, the same on every copy. */
    private long replicaNowNs;
    /** True while the log replays this node's store at start: outputs of those old entries are not withheld. */
    private boolean replaying;
    private long lastTickAppendNs = Long.MIN_VALUE / 2;

    /**
     * @param logConfig      the region log settings; its node id and count are this node's within the region.
     * @param replicaConfig  the EPaxos replica settings; its replica id is the region, its count the regions'.
     * @param tickIntervalNs how often the region log leader appends a clock tick for the replica's timers.
     */
    public HydraNode(
        final RegionLogConfig logConfig,
        final ReplicaConfig replicaConfig,
        final long tickIntervalNs,
        final LogMessageSink logSink,
        final LogStore logStore,
        final RegionSink regionSink,
        final StateMachine stateMachine,
        final ClientResponder responder,
        final long nowNs)
    {
        this(logConfig, replicaConfig, tickIntervalNs, logSink, logStore, regionSink, stateMachine, responder, null,
            nowNs);
    }

    /**
     * A node with region snapshots ({@code snapshotting} not null; {@code stateMachine} must then be a
     * {@link SnapshotStateMachine}, empty: a restored snapshot's state is installed into it).
     *
     * @throws IllegalArgumentException if the restored snapshot is malformed or of another region layout.
     * @throws IllegalStateException    if the log store was truncated beyond the restored snapshot.
     */
    public HydraNode(
        final RegionLogConfig logConfig,
        final ReplicaConfig replicaConfig,
        final long tickIntervalNs,
        final LogMessageSink logSink,
        final LogStore logStore,
        final RegionSink regionSink,
        final StateMachine stateMachine,
        final ClientResponder responder,
        final Snapshotting snapshotting,
        final long nowNs)
    {
        if (snapshotting != null && !(stateMachine instanceof SnapshotStateMachine))
        {
            throw new IllegalArgumentException("snapshots need a SnapshotStateMachine, not " +
                stateMachine.getClass().getName());
        }
        if (tickIntervalNs <= 0)
        {
            throw new IllegalArgumentException("tickIntervalNs=" + tickIntervalNs + " is invalid: expected > 0");
        }
        if (replicaConfig.replicaCount() > MAX_REGIONS)
        {
            throw new IllegalArgumentException("replicaCount=" + replicaConfig.replicaCount() +
                " is invalid: at most " + MAX_REGIONS + " regions");
        }
        this.region = replicaConfig.replicaId();
        this.nodeId = logConfig.nodeId();
        this.tickIntervalNs = tickIntervalNs;
        this.regionSink = regionSink;
        this.stateMachine = stateMachine;
        this.responder = responder;
        this.replicaConfig = replicaConfig;
        this.snapshotting = snapshotting;
        this.replicaNowNs = 0;
        this.latestIncarnation = new long[logConfig.nodeCount()];
        this.hostNowNs = nowNs;
        this.replicaSink = (toRegion, message) ->
        {
            if (acting)
            {
                counters.wanMessagesSent++;
                regionSink.send(toRegion, message);
            }
            else if (!replaying)
            {
                // (entries replayed from this node's store at start are older than its crash: sent back then)
                if (withheld.size() == MAX_WITHHELD)
                {
                    withheld.pollFirst();
                }
                withheld.add(new Withheld(hostNowNs, applyingOrigin, applyingIncarnation, toRegion, message));
                if (applyingIncarnation < latestIncarnation[applyingOrigin])
                {
                    incarnationAdvanced = true; // an entry of a life already over: the next scan sends it
                }
            }
        };
        final LogApplier applier = this::apply;
        final LogSnapshot restored = snapshotting == null ? null : snapshotting.restored();
        if (restored != null)
        {
            restoreSection(restored, false);
            lastSnapshotSlot = restored.slot();
        }
        else
        {
            this.replica = new EpaxosReplica(replicaConfig, replicaSink, new MemoryDurableStore(), stateMachine,
                localResponder, 0);
        }
        replaying = true;
        this.log = snapshotting == null ? new RegionLogNode(logConfig, logSink, logStore, applier, 0, nowNs) :
            new RegionLogNode(logConfig, logSink, logStore, applier, new Snapshots(), restored, nowNs);
        replaying = false;
        appendRaw(new byte[] {HELLO}, nowNs);
    }

    // ------------------------------------------------------------------------------------------------ inputs

    /**
     * A client of this node submits {@code command}: it goes into the region log, and the region's replica leads it
     * once the entry is applied. The outcome reaches the responder of this node.
     *
     * @return false if the region log refused the entry (too many waiting): the client should retry later.
     */
    public boolean submit(final Command command, final long nowNs)
    {
        if (command.isBatch())
        {
            throw new IllegalArgumentException("clients submit commands, not batches: " + command);
        }
        if (!take(SUBMIT, queuedGlobal, command, nowNs))
        {
            return false;
        }
        counters.submits++;
        return true;
    }

    /**
     * Sets how this node batches its clients' commands (see {@link Batching}); {@link Batching#NONE} until called.
     * Commands already waiting go by the new settings.
     */
    public void batching(final Batching batching)
    {
        this.batching = java.util.Objects.requireNonNull(batching, "batching");
    }

    /** Appends a client's command, or has it wait for the next batch; false if refused (nothing kept then). */
    private boolean take(final byte kind, final ArrayDeque<Command> queue, final Command command, final long nowNs)
    {
        if (queue.isEmpty() && commandEntriesInFlight < batching.maxInFlight())
        {
            if (!appendCommand(kind, command, nowNs))
            {
                return false;
            }
        }
        else
        {
            if (queue.size() >= batching.maxQueued())
            {
                counters.refused++;
                return false;
            }
            queue.add(command);
            counters.queued++;
        }
        waitingClients.add(clientKey(command));
        return true;
    }

    /** Appends an entry of client commands (one, or a batch) of {@code kind} SUBMIT or REGIONAL. */
    private boolean appendCommand(final byte kind, final Command command, final long nowNs)
    {
        final PreAccept carrier = new PreAccept(0, InstanceId.of(region, 1), command, 0, Deps.EMPTY);
        if (!append(kind, region, carrier, nowNs))
        {
            return false;
        }
        counters.commandEntries++;
        if (command.isBatch())
        {
            counters.batchEntries++;
        }
        return true;
    }

    /** Appends waiting commands, batched, while fewer than maxInFlight entries of this node's commands wait. */
    private void flushQueued(final long nowNs)
    {
        flushQueue(SUBMIT, queuedGlobal, nowNs);
        flushQueue(REGIONAL, queuedRegional, nowNs);
    }

    private void flushQueue(final byte kind, final ArrayDeque<Command> queue, final long nowNs)
    {
        while (!queue.isEmpty() && commandEntriesInFlight < batching.maxInFlight())
        {
            final int size = Command.batchSize(queue, batching.maxCommands(), replicaConfig.maxCommandBytes());
            final ArrayList<Command> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++)
            {
                batch.add(queue.pollFirst());
            }
            if (!appendCommand(kind, batch.size() == 1 ? batch.get(0) : Command.batch(batch), nowNs))
            {
                for (int i = batch.size() - 1; i >= 0; i--)
                {
                    queue.addFirst(batch.get(i));
                }
                return; // the log is full: again after the next input
            }
        }
    }

    /**
     * A client of this node submits {@code command} on keys of a keyspace that lives in this region only: the region
     * log alone orders it (no EPaxos instance, no message to another region); every node of the region applies it to
     * its state machine when it applies the entry, and this node answers the client. The command must touch only
     * this region's keys: the caller (the router) checks scopes.
     *
     * @return false if the region log refused the entry (too many waiting): the client should retry later.
     */
    public boolean submitRegional(final Command command, final long nowNs)
    {
        if (command.clientId() < 0 || command.isBatch())
        {
            throw new IllegalArgumentException("client ids are never negative, and clients submit commands: " +
                command);
        }
        if (!take(REGIONAL, queuedRegional, command, nowNs))
        {
            return false;
        }
        counters.regionalSubmits++;
        return true;
    }

    /** The instance id a regional command applied in {@code slot} of {@code region}'s log executes under. */
    public static long regionalInstance(final int region, final long slot)
    {
        return InstanceId.of(REGIONAL_REPLICA_BASE - region, slot);
    }

    /** True for the ids of regional commands ({@link #regionalInstance}); regions 0..{@value #MAX_REGIONS}-1. */
    public static boolean isRegional(final long instance)
    {
        return InstanceId.replica(instance) > REGIONAL_REPLICA_BASE - MAX_REGIONS;
    }

    /** The region of a regional command's instance id. */
    public static int regionOf(final long regionalInstance)
    {
        return REGIONAL_REPLICA_BASE - InstanceId.replica(regionalInstance);
    }

    /** The most regions a composition may have (regional instance ids are told from EPaxos ones by this). */
    public static final int MAX_REGIONS = 64;

    /** A message of the region log from node {@code fromNode} of this region. */
    public void onLogMessage(final int fromNode, final LogMessage message, final long nowNs)
    {
        hostNowNs = nowNs;
        log.onMessage(fromNode, message, nowNs);
        resubmit(nowNs);
        flushQueued(nowNs);
    }

    /** An EPaxos message from region {@code fromRegion}: appended to the log, handled when applied. */
    public void onRegionMessage(final int fromRegion, final Message message, final long nowNs)
    {
        hostNowNs = nowNs;
        if (fromRegion == region)
        {
            return;
        }
        if (append(MESSAGE, fromRegion, message, nowNs))
        {
            counters.regionMessagesLogged++;
        }
    }

    /** The host's clock: drives the region log's timers, and (on the log's leader) the replica's, through a tick. */
    public void onTick(final long nowNs)
    {
        hostNowNs = nowNs;
        log.onTick(nowNs);
        resubmit(nowNs);
        flushQueued(nowNs);
        takeOver();
        if (snapshotting != null && log.appliedIndex() - lastSnapshotSlot >= snapshotting.everySlots())
        {
            takeSnapshot();
        }
        // Ticks drive the replica's timers; with no live instance it has none running, so the log leader ticks
        // IDLE_TICK_FACTOR times less often (an idle region's log stays nearly quiet).
        final long interval = replica.liveInstances() > 0 ? tickIntervalNs : tickIntervalNs * IDLE_TICK_FACTOR;
        if (log.isLeader() && nowNs - lastTickAppendNs >= interval)
        {
            lastTickAppendNs = nowNs;
            if (appendRaw(new byte[] {TICK}, nowNs))
            {
                counters.ticksLogged++;
            }
        }
    }

    /** The host made the log store's writes durable (see {@link RegionLogNode#onSynced}). */
    public void onSynced(final long nowNs)
    {
        hostNowNs = nowNs;
        log.onSynced(nowNs);
        flushQueued(nowNs);
    }

    /**
     * The cross-region work of a dead node: a message its entry produced is sent by the region log leader once the
     * appender is silent for {@link #TAKEOVER_SILENCE_NS} or restarted (its entries now carry a higher incarnation).
     * A live appender sent it already; a copy sent twice is harmless (EPaxos messages are idempotent).
     */
    private void takeOver()
    {
        while (!withheld.isEmpty() && hostNowNs - withheld.peekFirst().appliedNs() > TAKEOVER_WINDOW_NS)
        {
            withheld.pollFirst();
        }
        if (!log.isLeader() || withheld.isEmpty())
        {
            return;
        }
        // the scan only when some appender may be gone: a node silent, or a new incarnation seen since the last scan
        boolean anyGone = incarnationAdvanced;
        for (int node = 0; node < latestIncarnation.length && !anyGone; node++)
        {
            anyGone = node != nodeId && hostNowNs - log.lastHeardNs(node) >= TAKEOVER_SILENCE_NS;
        }
        if (!anyGone)
        {
            return;
        }
        incarnationAdvanced = false;
        final java.util.Iterator<Withheld> it = withheld.iterator();
        while (it.hasNext())
        {
            final Withheld w = it.next();
            // a previous life of any node (this one included: its HELLO tells), or a silent other node
            final boolean gone = w.incarnation() < latestIncarnation[w.appender()] ||
                w.appender() != nodeId && hostNowNs - log.lastHeardNs(w.appender()) >= TAKEOVER_SILENCE_NS;
            if (gone)
            {
                it.remove();
                counters.takenOver++;
                counters.wanMessagesSent++;
                regionSink.send(w.toRegion(), w.message());
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ log

    private boolean append(final byte kind, final int from, final Message message, final long nowNs)
    {
        final int length;
        try
        {
            length = codec.encode(from, message, buffer, HEADER);
        }
        catch (final CodecException ex)
        {
            counters.refused++;
            return false;
        }
        final byte[] payload = new byte[HEADER + length];
        buffer.getBytes(HEADER, payload, HEADER, length);
        payload[0] = kind;
        return appendRaw(payload, kind == SUBMIT || kind == REGIONAL ? new Appended(kind, message) : NOT_A_COMMAND,
            nowNs);
    }

    private boolean appendRaw(final byte[] payload, final long nowNs)
    {
        return appendRaw(payload, NOT_A_COMMAND, nowNs);
    }

    /** Appends {@code payload} (its first byte is the kind). */
    private boolean appendRaw(final byte[] payload, final Appended what, final long nowNs)
    {
        final long sequence = log.append(payload, nowNs);
        if (sequence < 0)
        {
            counters.refused++;
            return false;
        }
        appended.put(sequence, what);
        if (what.carrier() != null)
        {
            commandEntriesInFlight++;
        }
        return true;
    }

    /** An entry this node appended: a client command's carrier (kind SUBMIT or REGIONAL), or none. */
    private record Appended(byte kind, Message carrier)
    {
    }

    private static final Appended NOT_A_COMMAND = new Appended((byte)0, null);

    /** Applies one entry of the region log to this node's copy of the replica; every node does the same. */
    private void apply(final long slot, final LogEntry entry)
    {
        if (entry.isNoop())
        {
            return;
        }
        final Appended own = entry.origin() == nodeId ? appended.remove(entry.sequence()) : null;
        acting = own != null;
        if (own != null && own.carrier() != null)
        {
            commandEntriesInFlight--;
        }
        applyingOrigin = entry.origin();
        applyingIncarnation = entry.sequence() >>> 32;
        if (applyingIncarnation > latestIncarnation[entry.origin()])
        {
            latestIncarnation[entry.origin()] = applyingIncarnation;
            incarnationAdvanced = true;
        }
        try
        {
            final byte[] payload = entry.payload();
            final byte kind = payload.length == 0 ? 0 : payload[0];
            if (kind == TICK)
            {
                // Time inside the replica moves by one interval per tick, never with a host's clock: nodes' clocks
                // differ (a monotonic clock has no common origin across machines), and every copy must see the same
                // time.
                replicaNowNs += tickIntervalNs;
                replica.onTick(replicaNowNs);
            }
            else if (kind == HELLO)
            {
                counters.entriesApplied++; // nothing to do: its sequence told us the node's incarnation
                return;
            }
            else
            {
                final MessageCodec.Decoded decoded = codec.decode(new UnsafeBuffer(payload), HEADER,
                    payload.length - HEADER);
                if (kind == SUBMIT && decoded.message() instanceof PreAccept carrier)
                {
                    replica.submit(carrier.command(), replicaNowNs);
                }
                else if (kind == REGIONAL && decoded.message() instanceof PreAccept carrier)
                {
                    applyRegional(slot, carrier.command());
                }
                else if (kind == MESSAGE)
                {
                    replica.onMessage(decoded.fromReplica(), decoded.message(), replicaNowNs);
                }
                else
                {
                    counters.malformedEntries++;
                }
            }
            replica.onSynced(replicaNowNs); // the entry is durable in the log: its effects are too
            counters.entriesApplied++;
        }
        catch (final CodecException ex)
        {
            counters.malformedEntries++; // every node skips it alike: the copies stay equal
        }
        finally
        {
            acting = false;
        }
    }

    /**
     * The client session a regional command is deduplicated under: the negated client id (0, no session, stays 0).
     * A client's global writes are ordered by EPaxos everywhere and its regional ones by one region's log, so they
     * need two exactly-once sessions: with one, a global write still in flight when a regional one applied would be
     * skipped as superseded in this region and applied in the others. Client ids are never negative, and a region's
     * state holds only its own regional sessions, so the negated id names the client's regional session there.
     */
    public static long regionalSession(final long clientId)
    {
        return -clientId;
    }

    /** A regional command executes when its entry is applied: the log order is its order. */
    private void applyRegional(final long slot, final Command command)
    {
        final long instance = regionalInstance(region, slot);
        final Result[][] results = stateMachine.applyAll(instance, inRegionalSessions(command));
        counters.regionalApplied += command.memberCount();
        for (int m = 0; m < command.memberCount(); m++)
        {
            final Command member = command.member(m);
            if (waitingClients.remove(clientKey(member)))
            {
                resubmittedClients.remove(clientKey(member));
                responder.onCommitted(instance, member, true);
                responder.onExecuted(instance, member, results[m], true);
            }
        }
    }

    /** The command (or each member of a batch) under its client's regional session ({@link #regionalSession}). */
    private static Command inRegionalSessions(final Command command)
    {
        final ArrayList<Command> members = new ArrayList<>(command.memberCount());
        for (int m = 0; m < command.memberCount(); m++)
        {
            final Command member = command.member(m);
            final Op[] ops = new Op[member.opCount()];
            for (int i = 0; i < ops.length; i++)
            {
                ops[i] = member.op(i);
            }
            members.add(Command.of(regionalSession(member.clientId()), member.requestNumber(), ops));
        }
        return members.size() == 1 ? members.get(0) : Command.batch(members);
    }

    private record ClientRequest(long clientId, long requestNumber)
    {
    }

    private static ClientRequest clientKey(final Command command)
    {
        return new ClientRequest(command.clientId(), command.requestNumber());
    }

    /** Passes outcomes on for commands whose client waits at this node; every copy computes them, one answers. */
    private final class LocalResponder implements ClientResponder
    {
        @Override
        public void onCommitted(final long instance, final Command command, final boolean fastPath)
        {
            if (waitingClients.contains(clientKey(command)))
            {
                responder.onCommitted(instance, command, fastPath);
            }
        }

        @Override
        public void onExecuted(final long instance, final Command command, final Result[] results,
            final boolean fastPath)
        {
            final ClientRequest key = clientKey(command);
            if (waitingClients.remove(key))
            {
                resubmittedClients.remove(key);
                responder.onExecuted(instance, command, results, fastPath);
            }
        }

        @Override
        public void onRejected(final Command command, final Rejection reason, final String detail)
        {
            final ClientRequest key = clientKey(command);
            if (resubmittedClients.contains(key))
            {
                return; // its other instance may still apply it (or did, inside the snapshot): not "no effect"
            }
            if (waitingClients.remove(key))
            {
                responder.onRejected(command, reason, detail);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ snapshots

    /** "GHN1": the node's part of a region snapshot (the region log node writes its own part around it). */
    static final int SNAPSHOT_MAGIC = 0x314E4847;

    /** Snapshots the region at the slot applied last, has the host keep it, and truncates the log behind it. */
    private void takeSnapshot()
    {
        final LogSnapshot snapshot = log.snapshot();
        snapshotting.keeper().keep(snapshot);
        // the log keeps its retainSlots below this: a peer a little behind catches up from entries
        log.truncate(snapshot.slot());
        lastSnapshotSlot = snapshot.slot();
        counters.snapshotsTaken++;
        counters.snapshotBytes = snapshot.bytes().length;
    }

    /** This node's part of a snapshot: the replica's clock, the incarnations seen, the replica, the state machine. */
    private byte[] captureSection()
    {
        final byte[] replicaBytes = replica.snapshot();
        final byte[] state = ((SnapshotStateMachine)stateMachine).captureState();
        final long length = 4 + 8 + 4 + 8L * latestIncarnation.length + 4 + replicaBytes.length + 4 + state.length;
        if (length > Integer.MAX_VALUE - 64)
        {
            throw new IllegalStateException("region snapshot of " + length + " bytes is larger than one array holds");
        }
        final ByteBuffer out = ByteBuffer.allocate((int)length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(SNAPSHOT_MAGIC).putLong(replicaNowNs).putInt(latestIncarnation.length);
        for (final long incarnation : latestIncarnation)
        {
            out.putLong(incarnation);
        }
        out.putInt(replicaBytes.length).put(replicaBytes).putInt(state.length).put(state);
        return out.array();
    }

    /**
     * Replaces the replica, the state machine's state and the replicated fields by a snapshot's, having the host keep
     * it first when {@code keep} (a peer's snapshot). Checks all of the snapshot before changing anything.
     *
     * @throws IllegalArgumentException if the snapshot is malformed or of another layout (nothing changed then).
     */
    private void restoreSection(final LogSnapshot snapshot, final boolean keep)
    {
        final ByteBuffer in = ByteBuffer.wrap(snapshot.bytes(), snapshot.hostStateOffset(), snapshot.hostStateLength())
            .slice().order(ByteOrder.LITTLE_ENDIAN);
        final long nowInSnapshot;
        final long[] incarnations;
        final byte[] replicaBytes;
        final byte[] state;
        try
        {
            final int magic = in.getInt();
            if (magic != SNAPSHOT_MAGIC)
            {
                throw new IllegalArgumentException("not a region snapshot: magic " + Integer.toHexString(magic));
            }
            nowInSnapshot = in.getLong();
            final int nodes = in.getInt();
            if (nodes != latestIncarnation.length)
            {
                throw new IllegalArgumentException("region snapshot of a region with " + nodes + " nodes, this one has " +
                    latestIncarnation.length);
            }
            incarnations = new long[nodes];
            for (int i = 0; i < nodes; i++)
            {
                incarnations[i] = in.getLong();
            }
            replicaBytes = sectionArray(in, "replica");
            state = sectionArray(in, "state");
            if (in.hasRemaining())
            {
                throw new IllegalArgumentException("malformed region snapshot: " + in.remaining() +
                    " bytes after the end");
            }
        }
        catch (final BufferUnderflowException ex)
        {
            throw new IllegalArgumentException("malformed region snapshot: truncated");
        }
        final EpaxosReplica restoredReplica = EpaxosReplica.restore(replicaConfig, replicaSink,
            new MemoryDurableStore(), stateMachine, localResponder, replicaBytes);
        ((SnapshotStateMachine)stateMachine).installState(state); // checks it all before it changes anything
        if (keep)
        {
            snapshotting.keeper().keep(snapshot); // before the log store's truncation in the same call
        }
        replica = restoredReplica;
        replicaNowNs = nowInSnapshot;
        for (int i = 0; i < incarnations.length; i++)
        {
            if (incarnations[i] > latestIncarnation[i])
            {
                latestIncarnation[i] = incarnations[i];
                incarnationAdvanced = true;
            }
        }
    }

    private static byte[] sectionArray(final ByteBuffer in, final String field)
    {
        final int length = in.getInt();
        if (length < 0 || length > in.remaining())
        {
            throw new IllegalArgumentException("malformed region snapshot: " + field + " of " + length + " bytes, " +
                in.remaining() + " left");
        }
        final byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    /** Appends again the client commands whose entries were applied inside a peer's snapshot, while their client waits. */
    private void resubmit(final long nowNs)
    {
        while (!resubmit.isEmpty())
        {
            final Appended entry = resubmit.peekFirst();
            final Command command = ((PreAccept)entry.carrier()).command();
            final ArrayList<Command> waiting = new ArrayList<>(command.memberCount());
            for (int m = 0; m < command.memberCount(); m++)
            {
                if (waitingClients.contains(clientKey(command.member(m))))
                {
                    waiting.add(command.member(m));
                }
            }
            if (!waiting.isEmpty() &&
                !appendCommand(entry.kind(), waiting.size() == 1 ? waiting.get(0) : Command.batch(waiting), nowNs))
            {
                return; // the log is full: again on the next tick
            }
            resubmit.pollFirst();
            for (final Command member : waiting)
            {
                resubmittedClients.add(clientKey(member));
            }
            counters.resubmitted += waiting.size();
        }
    }

    /** The region log's snapshot side: this node's part of snapshots, and installing a peer's. */
    private final class Snapshots implements LogSnapshots
    {
        @Override
        public byte[] capture()
        {
            return captureSection();
        }

        @Override
        public void install(final LogSnapshot snapshot)
        {
            restoreSection(snapshot, true);
            lastSnapshotSlot = snapshot.slot();
            counters.snapshotsInstalled++;
            counters.snapshotBytes = snapshot.bytes().length;
        }

        @Override
        public void appliedInSnapshot(final long sequence)
        {
            final Appended what = appended.remove(sequence);
            if (what != null && what.carrier() != null)
            {
                commandEntriesInFlight--;
                // Its effect is in the snapshot but its outcome is not known here: the same command (same client
                // and request number) goes into the log again; the dedup table answers it with the recorded results
                // if it was applied, and a read is simply read again.
                resubmit.add(what);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ queries

    public int region()
    {
        return region;
    }

    public int nodeId()
    {
        return nodeId;
    }

    /** This node's copy of the region's replica (read-only use: metrics and checks). */
    public EpaxosReplica replica()
    {
        return replica;
    }

    /** This node's region log node (read-only use: metrics and checks). */
    public RegionLogNode log()
    {
        return log;
    }

    public HydraCounters counters()
    {
        return counters;
    }
}
