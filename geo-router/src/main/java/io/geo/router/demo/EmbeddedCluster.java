package io.geo.router.demo;

import io.geo.epaxos.api.ClientResponder;
import io.geo.epaxos.api.DurableStore;
import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.api.StateMachine;
import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.replica.EpaxosReplica;
import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.wan.RealTimeWan;
import io.geo.wan.WanProfile;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * A multi-region cluster in one JVM: one EPaxos replica per region, driven by one duty-cycle thread, messages
 * SBE-encoded and carried by the real-time WAN emulator, a durable store and a state machine per node, and
 * closed-loop clients in every region. Each cycle reads the clock once, delivers due messages, ticks, runs the
 * clients, then group-commits every node's writes (one sync) before releasing that node's messages and client
 * replies, and reports the sync to the replica. Not thread-safe: {@link #run} owns everything.
 */
public final class EmbeddedCluster
{
    /** One region's node: the production replica behind the host interfaces. */
    private final class Node implements ClientResponder
    {
        final int id;
        final EpaxosReplica replica;
        final Syncable store;
        final ArrayList<Object[]> outbox = new ArrayList<>();
        final ArrayList<Object[]> replies = new ArrayList<>();

        Node(final int id, final ReplicaConfig config, final Syncable store, final StateMachine stateMachine,
            final long nowNs)
        {
            this.id = id;
            this.store = store;
            this.replica = new EpaxosReplica(config, (to, message) -> outbox.add(new Object[] {to, message}),
                store, stateMachine, this, nowNs);
        }

        @Override
        public void onCommitted(final long instance, final Command command, final boolean fastPath)
        {
            final Client client = clients.get((int)command.clientId() - 1);
            if (client.outstanding && client.requestNumber == command.requestNumber())
            {
                stats.recordCommit(client.region, nowNs - client.invokeNs);
            }
        }

        @Override
        public void onExecuted(final long instance, final Command command, final Result[] results, final boolean fast)
        {
            replies.add(new Object[] {command, null});
        }

        @Override
        public void onRejected(final Command command, final Rejection reason, final String detail)
        {
            replies.add(new Object[] {command, reason});
        }

        /** Group commit: make this cycle's writes durable, then let the messages and replies they guard leave. */
        void syncAndRelease()
        {
            if (outbox.isEmpty() && replies.isEmpty() && !store.hasUnsynced())
            {
                return;
            }
            store.sync();
            stats.syncs++;
            for (final Object[] out : outbox)
            {
                send(id, (Integer)out[0], (Message)out[1]);
            }
            outbox.clear();
            replica.onSynced(nowNs);
            for (final Object[] reply : replies)
            {
                onReply((Command)reply[0], (Rejection)reply[1]);
            }
            replies.clear();
        }
    }

    private static final class Client
    {
        final int process;
        final int region;
        long requestNumber;
        boolean outstanding;
        long invokeNs;

        Client(final int process, final int region)
        {
            this.process = process;
            this.region = region;
        }
    }

    /** A state machine whose content can be compared across replicas. */
    public interface DigestingStateMachine extends StateMachine
    {
        /** Order-independent digest of the replicated data. */
        long digest();
    }

    /** A store the cluster can group-commit. */
    public interface Syncable extends DurableStore
    {
        /** Makes every write so far durable (fsync or nothing, per the store's durability setting). */
        void sync();

        boolean hasUnsynced();
    }

    private final DemoOptions options;
    private final WanProfile profile;
    private final RealTimeWan<byte[]> wan;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Client> clients = new ArrayList<>();
    private final List<DigestingStateMachine> stateMachines = new ArrayList<>();
    private final MessageCodec codec = new MessageCodec();
    private final UnsafeBuffer encodeBuffer = new UnsafeBuffer(new byte[MessageCodec.MAX_MESSAGE_BYTES]);
    private final SplittableRandom random;
    private final DemoStats stats;
    private long nowNs;

    public EmbeddedCluster(
        final DemoOptions options,
        final WanProfile profile,
        final IntFunction<Syncable> storeFactory,
        final IntFunction<DigestingStateMachine> stateMachineFactory)
    {
        this.options = options;
        this.profile = profile;
        final int regions = profile.regionCount();
        this.random = new SplittableRandom(options.seed());
        this.wan = new RealTimeWan<>(profile, options.seed(), 1 << 20);
        this.stats = new DemoStats(profile.regions());
        this.nowNs = System.nanoTime();
        for (int r = 0; r < regions; r++)
        {
            final ReplicaConfig config = new ReplicaConfig()
                .replicaId(r)
                .replicaCount(regions)
                .randomSeed(options.seed() * 31 + r)
                .fastPathTimeoutNs(TimeUnit.MILLISECONDS.toNanos(fastPathWaitMs(profile, r)))
                .retransmitTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1000))
                .recoveryTimeoutNs(TimeUnit.MILLISECONDS.toNanos(3000));
            final DigestingStateMachine machine = stateMachineFactory.apply(r);
            stateMachines.add(machine);
            nodes.add(new Node(r, config, storeFactory.apply(r), machine, nowNs));
        }
        for (int c = 0; c < regions * options.clientsPerRegion(); c++)
        {
            clients.add(new Client(c + 1, c % regions));
        }
    }

    /** The host knows its round trips: wait for a fast quorum a little longer than the RTT to reach it. */
    private static long fastPathWaitMs(final WanProfile profile, final int region)
    {
        final int n = profile.regionCount();
        final int others = ReplicaConfig.fastQuorum(n) - 1;
        final double[] rtts = new double[n - 1];
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            if (i != region)
            {
                rtts[k++] = profile.rttMs(region, i);
            }
        }
        java.util.Arrays.sort(rtts);
        return others == 0 ? 1 : (long)(rtts[others - 1] * 1.25) + 10;
    }

    /**
     * Runs the workload for the configured time, then lets outstanding commands finish (bounded), printing a
     * progress line every second to {@code progress}. Returns the statistics.
     */
    public DemoStats run(final java.io.PrintStream progress)
    {
        final long startNs = System.nanoTime();
        final long endNs = startNs + TimeUnit.SECONDS.toNanos(options.seconds());
        final long drainLimitNs = endNs + TimeUnit.SECONDS.toNanos(10);
        final long tickIntervalNs = TimeUnit.MILLISECONDS.toNanos(5);
        long nextTickNs = startNs;
        long nextProgressNs = startNs + TimeUnit.SECONDS.toNanos(1);
        boolean issuing = true;
        while (true)
        {
            nowNs = System.nanoTime();
            if (issuing && nowNs >= endNs)
            {
                issuing = false;
            }
            if (!issuing && (nowNs >= drainLimitNs || noneOutstanding()))
            {
                break;
            }
            wan.poll(nowNs, (from, to, bytes, dueNs) -> deliver(from, to, bytes));
            if (nowNs >= nextTickNs)
            {
                nextTickNs = nowNs + tickIntervalNs;
                for (final Node node : nodes)
                {
                    node.replica.onTick(nowNs);
                }
            }
            if (issuing)
            {
                for (final Client client : clients)
                {
                    if (!client.outstanding)
                    {
                        issue(client);
                    }
                }
            }
            for (final Node node : nodes)
            {
                node.syncAndRelease();
            }
            if (nowNs >= nextProgressNs && progress != null)
            {
                nextProgressNs += TimeUnit.SECONDS.toNanos(1);
                progress.printf("[%2d s] %,d commands completed, %,.0f/s%n",
                    TimeUnit.NANOSECONDS.toSeconds(nowNs - startNs), stats.completed,
                    stats.completed / Math.max(1e-9, (nowNs - startNs) / 1e9));
            }
            final long wakeNs = Math.min(wan.nextDeadlineNs(), nextTickNs);
            final long sleepNs = wakeNs - System.nanoTime();
            if (sleepNs > 0 && allClientsWaiting())
            {
                LockSupport.parkNanos(Math.min(sleepNs, TimeUnit.MILLISECONDS.toNanos(1)));
            }
        }
        stats.elapsedNs = System.nanoTime() - startNs;
        settle(TimeUnit.SECONDS.toNanos(15));
        for (final Node node : nodes)
        {
            stats.fastPath += node.replica.counters().fastPathCommits();
            stats.slowPath += node.replica.counters().slowPathCommits();
            stats.recoveries += node.replica.counters().recoveriesStarted();
        }
        stats.messagesDropped = wan.droppedByLossCount() + wan.droppedByCutCount() + wan.droppedByOverloadCount();
        return stats;
    }

    /**
     * Keeps the cluster running without new commands until every replica has committed what it knows and executed
     * the same instances (bounded), then records whether the replicas' state machines agree.
     */
    private void settle(final long limitNs)
    {
        final long deadlineNs = System.nanoTime() + limitNs;
        long nextTickNs = 0;
        while (System.nanoTime() < deadlineNs && !converged())
        {
            nowNs = System.nanoTime();
            wan.poll(nowNs, (from, to, bytes, dueNs) -> deliver(from, to, bytes));
            if (nowNs >= nextTickNs)
            {
                nextTickNs = nowNs + TimeUnit.MILLISECONDS.toNanos(5);
                for (final Node node : nodes)
                {
                    node.replica.onTick(nowNs);
                }
            }
            for (final Node node : nodes)
            {
                node.syncAndRelease();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        stats.converged = converged();
        final long reference = stateMachines.get(0).digest();
        stats.statesIdentical = stats.converged;
        for (final DigestingStateMachine machine : stateMachines)
        {
            stats.statesIdentical &= machine.digest() == reference;
        }
    }

    private boolean converged()
    {
        final long[] reference = nodes.get(0).replica.executedPrefix();
        for (final Node node : nodes)
        {
            if (node.replica.uncommittedCount() != 0 ||
                !java.util.Arrays.equals(reference, node.replica.executedPrefix()))
            {
                return false;
            }
        }
        return true;
    }

    private boolean noneOutstanding()
    {
        for (final Client client : clients)
        {
            if (client.outstanding)
            {
                return false;
            }
        }
        return true;
    }

    private boolean allClientsWaiting()
    {
        for (final Client client : clients)
        {
            if (!client.outstanding)
            {
                return false;
            }
        }
        return true;
    }

    private void issue(final Client client)
    {
        final long requestNumber = ++client.requestNumber;
        final boolean hot = random.nextInt(100) < options.conflictPercent();
        final String key = hot ? "hot" : "k" + client.process + "-" + random.nextInt(4);
        final Command command = random.nextInt(100) < options.readPercent() ?
            Command.of(client.process, requestNumber, Op.get(Key.of(key))) :
            Command.of(client.process, requestNumber, Op.put(Key.of(key),
                ("v" + client.process + "-" + requestNumber).getBytes(StandardCharsets.UTF_8)));
        client.outstanding = true;
        client.invokeNs = nowNs;
        nodes.get(client.region).replica.submit(command, nowNs);
    }

    private void onReply(final Command command, final Rejection rejection)
    {
        final Client client = clients.get((int)command.clientId() - 1);
        if (!client.outstanding || client.requestNumber != command.requestNumber())
        {
            return;
        }
        client.outstanding = false;
        if (rejection == null)
        {
            stats.recordReply(client.region, nowNs - client.invokeNs);
        }
        else
        {
            stats.rejected++;
        }
    }

    private void send(final int from, final int to, final Message message)
    {
        try
        {
            final int length = codec.encode(from, message, encodeBuffer, 0);
            final byte[] frame = new byte[length];
            encodeBuffer.getBytes(0, frame);
            stats.bytesSent += length;
            stats.messagesSent++;
            wan.send(from, to, frame);
        }
        catch (final CodecException ex)
        {
            stats.codecErrors++;
        }
    }

    private void deliver(final int from, final int to, final byte[] frame)
    {
        try
        {
            final MessageCodec.Decoded decoded = codec.decode(new UnsafeBuffer(frame), 0, frame.length);
            nodes.get(to).replica.onMessage(decoded.fromReplica(), decoded.message(), nowNs);
        }
        catch (final CodecException ex)
        {
            stats.codecErrors++;
        }
    }

    public WanProfile profile()
    {
        return profile;
    }

    /** Closes the nodes' stores and state machines (those that hold resources). */
    public void close()
    {
        for (final Node node : nodes)
        {
            closeQuietly(node.store, "store", node.id);
            closeQuietly(stateMachines.get(node.id), "state machine", node.id);
        }
    }

    private static void closeQuietly(final Object resource, final String what, final int region)
    {
        if (resource instanceof AutoCloseable closeable)
        {
            try
            {
                closeable.close();
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException("closing the " + what + " of region " + region + ": " + ex, ex);
            }
        }
    }
}
