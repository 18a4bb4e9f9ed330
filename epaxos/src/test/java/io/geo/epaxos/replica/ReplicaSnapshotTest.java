package io.geo.epaxos.replica;

import io.geo.epaxos.api.ClientResponder;
import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.messages.PreAccept;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.state.KeyValueStateMachine;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static io.geo.epaxos.replica.ClusterHarness.bytes;
import static io.geo.epaxos.replica.ClusterHarness.ofType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link EpaxosReplica#snapshot()} and {@link EpaxosReplica#restore}: the format, and what malformed input gets. */
class ReplicaSnapshotTest
{
    private static final ClientResponder NO_CLIENTS = new ClientResponder()
    {
        @Override
        public void onCommitted(final long instance, final Command command, final boolean fastPath)
        {
        }

        @Override
        public void onExecuted(final long instance, final Command command, final Result[] results,
            final boolean fastPath)
        {
        }

        @Override
        public void onRejected(final Command command, final Rejection reason, final String detail)
        {
        }
    };

    private static ReplicaConfig config(final int id)
    {
        return new ReplicaConfig().replicaId(id).replicaCount(3).randomSeed(5);
    }

    private static EpaxosReplica restore(final int id, final byte[] snapshot)
    {
        return EpaxosReplica.restore(config(id), (to, m) -> { }, new ClusterHarness(3).store(id),
            new KeyValueStateMachine(), NO_CLIENTS, snapshot);
    }

    private static int originalLive;
    private static int originalInFlight;
    private static EpaxosReplica original;

    /** Replica 0 with committed, executed and in-flight instances (its own PreAccept phase open). */
    private static byte[] busySnapshot()
    {
        final ClusterHarness h = new ClusterHarness(3);
        h.submit(0, Command.of(1, 1, Op.put(Key.of("a"), bytes("1"))));
        h.submit(1, Command.of(2, 1, Op.put(Key.of("a"), bytes("2"))));
        h.runUntilQuiet();
        h.submit(0, Command.of(1, 2, Op.put(Key.of("a"), bytes("3")), Op.get(Key.of("b"))));
        h.submit(1, Command.of(2, 2, Op.put(Key.of("b"), bytes("4"))));
        h.deliverMatching(ofType(PreAccept.class));
        originalLive = h.replica(0).liveInstances();
        originalInFlight = h.replica(0).inFlightCommands();
        original = h.replica(0);
        return h.replica(0).snapshot();
    }

    @Test
    void shouldRestoreAReplicaThatWritesTheSameSnapshot()
    {
        final byte[] snapshot = busySnapshot();
        final EpaxosReplica restored = restore(0, snapshot);
        assertEquals(4, originalLive);
        assertEquals(originalLive, restored.liveInstances());
        assertEquals(1, originalInFlight);
        assertEquals(originalInFlight, restored.inFlightCommands());
        assertArrayEquals(snapshot, restored.snapshot());
        // taking a snapshot changes nothing: the original writes the same bytes again
        assertArrayEquals(snapshot, original.snapshot());
    }

    @Test
    void shouldRefuseASnapshotOfAnotherReplica()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> restore(1, busySnapshot()));
        assertTrue(ex.getMessage().contains("replica snapshot of replica 0 of 3, restored as replica 1 of 3"),
            ex.getMessage());
    }

    @Test
    void shouldRefuseEveryTruncationAndSurviveCorruptionWithIllegalArgumentOnly()
    {
        final byte[] snapshot = busySnapshot();
        for (int length = 0; length < snapshot.length; length++)
        {
            final int cut = length;
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> restore(0, Arrays.copyOf(snapshot, cut)), "truncated to " + cut);
            assertTrue(ex.getMessage().startsWith("malformed replica snapshot") ||
                ex.getMessage().startsWith("replica snapshot of replica"), ex.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> restore(0, Arrays.copyOf(snapshot, snapshot.length + 1)));

        final SplittableRandom random = new SplittableRandom(42);
        int refused = 0;
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] corrupt = snapshot.clone();
            final int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++)
            {
                corrupt[random.nextInt(corrupt.length)] ^= (byte)(1 + random.nextInt(255));
            }
            try
            {
                restore(0, corrupt);
            }
            catch (final IllegalArgumentException ex)
            {
                refused++; // anything else (an index or null pointer exception) fails the test
            }
        }
        assertTrue(refused > 1_000, "refused " + refused);
    }
}
