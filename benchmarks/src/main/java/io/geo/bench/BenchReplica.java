package io.geo.bench;

import io.geo.epaxos.api.StateMachine;
import io.geo.epaxos.messages.ExecutedWatermarks;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.replica.EpaxosReplica;
import io.geo.epaxos.replica.ReplicaConfig;

/**
 * Replica 1 of 3 with dropping hosts and a virtual clock, plus the helpers the replica benchmarks share: keys and
 * commands shaped like decoded client writes, and garbage collection driven through the public API (watermark gossip
 * from replicas 0 and 2, then ticks).
 */
final class BenchReplica
{
    static final int SELF = 1;
    static final int REPLICA_COUNT = 3;
    static final int[] PEERS = {0, 2};
    static final int KEY_BYTES = 16;
    static final int VALUE_BYTES = 16;
    /** The default of {@link ReplicaConfig#maxOpsPerCommand()}. */
    static final int MAX_OPS_PER_COMMAND = 64;
    private static final byte[] KEY_PREFIX = {'k', 'e', 'y', '-'};
    private static final long START_NS = 1_000_000_000L;

    // Tracks up to 2M instances so the PreAccept benchmark can hold 1M keys in the conflict index; the default cap
    // (replicaCount * maxLiveInstances) would stop at 180,000.
    final ReplicaConfig config = new ReplicaConfig().replicaId(SELF).replicaCount(REPLICA_COUNT)
        .maxTrackedInstances(2_000_000);
    final DroppingMessageSink sink = new DroppingMessageSink();
    final DroppingDurableStore store = new DroppingDurableStore();
    final EpaxosReplica replica;
    private long nowNs = START_NS;

    BenchReplica(final StateMachine stateMachine)
    {
        replica = new EpaxosReplica(config, sink, store, stateMachine, new NoOpClientResponder(), nowNs);
    }

    long nowNs()
    {
        return nowNs;
    }

    /**
     * Gossips that replicas 0 and 2 executed instances 1..{@code executedByLeader[r]} of every leader r, then ticks
     * (one GC interval apart) until a tick forgets nothing more. Only instances executed here too are forgotten.
     */
    void collectGarbage(final long[] executedByLeader)
    {
        for (final int peer : PEERS)
        {
            replica.onMessage(peer, new ExecutedWatermarks(executedByLeader.clone()), nowNs);
        }
        int liveBefore;
        do
        {
            liveBefore = replica.liveInstances();
            nowNs += config.gcIntervalNs();
            replica.onTick(nowNs);
        }
        while (replica.liveInstances() < liveBefore);
    }

    /** A fresh 16-byte key "key-" + 12 decimal digits, as a decoder would build it (own byte array). */
    static Key key(final long index)
    {
        final byte[] bytes = new byte[KEY_BYTES];
        System.arraycopy(KEY_PREFIX, 0, bytes, 0, KEY_PREFIX.length);
        long rest = index;
        for (int i = KEY_BYTES - 1; i >= KEY_PREFIX.length; i--)
        {
            bytes[i] = (byte)('0' + rest % 10);
            rest /= 10;
        }
        return Key.wrap(bytes);
    }

    /**
     * One PUT of a fresh 16-byte value. Client id 0: no exactly-once session, so the command conflicts only through
     * its key (a session would add one lookup in the per-client index and usually one dependency).
     */
    static Command put(final long keyIndex, final long requestNumber)
    {
        final byte[] value = new byte[VALUE_BYTES];
        value[0] = (byte)requestNumber;
        value[VALUE_BYTES - 1] = (byte)keyIndex;
        return Command.of(0, requestNumber, Op.put(key(keyIndex), value));
    }

    /** Fails the trial with a clear message when the replica is not in the state a benchmark relies on. */
    static void require(final boolean condition, final String what, final long expected, final long actual)
    {
        if (!condition)
        {
            throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
        }
    }
}
