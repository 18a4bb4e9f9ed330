package io.geo.router.host;

import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.hydra.RegionLayout;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.messages.PreAccept;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.regionlog.LogMessage;
import io.geo.epaxos.regionlog.RegionLogConfig;
import io.geo.epaxos.regionlog.RegionLogSimStore;
import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.epaxos.state.KeyValueStateMachine;
import io.geo.router.transport.PeerTransport;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host's choice of a node in another region: one node while it answers, the next one (with what the silent one
 * was sent since it was last heard from) when it stays silent. Node 0 is alone in region 0 (its region log of one node
 * commits at once); region 1 has nodes 1, 2, 3; region 2 has node 4. The transport records what is sent.
 */
class HydraHostTest
{
    private static final long MS = 1_000_000L;
    private static final long SILENCE_NS = 100 * MS;

    private final List<Object[]> sent = new ArrayList<>();
    private final List<Object[]> inbox = new ArrayList<>();
    private final PeerTransport transport = new PeerTransport()
    {
        @Override
        public boolean send(final int toNode, final Message message)
        {
            sent.add(new Object[] {toNode, message});
            return true;
        }

        @Override
        public boolean send(final int toNode, final LogMessage message)
        {
            return true;
        }

        @Override
        public int poll(final Handler handler, final int limit)
        {
            final int count = inbox.size();
            for (final Object[] in : inbox)
            {
                handler.onMessage((Integer)in[0], (Message)in[1]);
            }
            inbox.clear();
            return count;
        }

        @Override
        public void close()
        {
        }
    };
    private final SyncableLogStore store = new SyncableLogStore()
    {
        private final RegionLogSimStore log = new RegionLogSimStore();
        private boolean unsynced;

        @Override
        public void savePromise(final long view)
        {
            log.savePromise(view);
            unsynced = true;
        }

        @Override
        public void saveAccepted(final long slot, final long view, final io.geo.epaxos.regionlog.LogEntry entry)
        {
            log.saveAccepted(slot, view, entry);
            unsynced = true;
        }

        @Override
        public void saveCommitIndex(final long commitIndex)
        {
            log.saveCommitIndex(commitIndex);
            unsynced = true;
        }

        @Override
        public void saveIncarnation(final long incarnation)
        {
            log.saveIncarnation(incarnation);
            unsynced = true;
        }

        @Override
        public void truncate(final long throughSlot)
        {
            log.truncate(throughSlot);
            unsynced = true;
        }

        @Override
        public State load()
        {
            return log.load();
        }

        @Override
        public void sync()
        {
            unsynced = false;
        }

        @Override
        public boolean hasUnsynced()
        {
            return unsynced;
        }
    };

    @Test
    void shouldMoveToTheRegionsNextNodeWhenItsTargetIsSilent()
    {
        final HydraHost host = newHost();
        long now = 0;
        host.submit(Command.of(256, 1, Op.put(Key.of("k"), "v".getBytes(StandardCharsets.UTF_8))), now);
        for (int i = 0; i < 300 && preAcceptTargets().size() < 2; i++)
        {
            now += MS; // the region log elects its one node leader first
            host.doWork(now);
        }
        final List<Integer> preAcceptTargets = preAcceptTargets();
        assertTrue(preAcceptTargets.contains(1), "region 1's first node gets the PreAccept: " + preAcceptTargets);
        assertTrue(preAcceptTargets.contains(4), "region 2's node gets it: " + preAcceptTargets);
        assertTrue(!preAcceptTargets.contains(2), "only one node of region 1 at first: " + preAcceptTargets);

        // node 1 stays silent past the silence bound: region 1's messages go to node 2 from now on (the PreAccept is
        // not resent: its proposer retransmits it; RegionTargetsTest covers the Commits that are)
        now += SILENCE_NS + 20 * MS;
        host.doWork(now);
        assertEquals(1, host.targetChanges(), "region 1 moved once; region 2 has no other node to move to");
        assertEquals(0, host.resent(), "nothing to resend");

        // a node that answers stays the target
        final long changes = host.targetChanges();
        for (int i = 0; i < 30; i++)
        {
            now += 10 * MS;
            inbox.add(new Object[] {2, new io.geo.epaxos.messages.Prepare(3, 4)});
            inbox.add(new Object[] {4, new io.geo.epaxos.messages.Prepare(3, 4)});
            host.doWork(now);
        }
        assertEquals(changes, host.targetChanges(), "no move while the targets are heard from");
    }

    @Test
    void aMessageToARegionOfOneNodeIsSentEvenWhenThatNodeWasSilent()
    {
        final HydraHost host = newHost();
        long now = 0;
        host.submit(Command.of(256, 1, Op.put(Key.of("k"), "v".getBytes(StandardCharsets.UTF_8))), now);
        for (int i = 0; i < 300 && !preAcceptTargets().contains(4); i++)
        {
            now += MS;
            host.doWork(now);
        }
        assertTrue(preAcceptTargets().contains(4), "region 2's node gets the first PreAccept");
        final long firstSent = now;
        // steps up to just before the silence bound (the target check runs, finds nobody silent yet)
        while (now < firstSent + SILENCE_NS - MS)
        {
            now += MS;
            host.doWork(now);
        }
        // 2 ms later (the target check is not due for another 8 ms) a second client command goes out
        now += 2 * MS;
        sent.clear();
        host.submit(Command.of(512, 1, Op.put(Key.of("other"), "v".getBytes(StandardCharsets.UTF_8))), now);
        host.doWork(now);
        now += MS / 10;
        host.doWork(now);
        assertTrue(preAcceptTargets().contains(4), "node 4 (region 2's only node) gets the second PreAccept; sent " +
            "to " + preAcceptTargets() + ", send failures " + host.sendFailures());
    }

    private List<Integer> preAcceptTargets()
    {
        final List<Integer> targets = new ArrayList<>();
        for (final Object[] out : sent)
        {
            if (out[1] instanceof PreAccept)
            {
                targets.add((Integer)out[0]);
            }
        }
        return targets;
    }

    private HydraHost newHost()
    {
        final ReplicaConfig replica = new ReplicaConfig().replicaId(0).replicaCount(3).conclude();
        final RegionLogConfig log = new RegionLogConfig().nodeId(0).nodeCount(1).conclude();
        return new HydraHost(0, new RegionLayout(new int[] {0, 1, 1, 1, 2}), log, replica, store,
            new KeyValueStateMachine(), transport, new ProtocolHost.Listener()
            {
                @Override
                public void onCommitted(final Command command, final boolean fastPath)
                {
                }

                @Override
                public void onExecuted(final Command command, final Result[] results)
                {
                }

                @Override
                public void onRejected(final Command command, final Rejection reason, final String detail)
                {
                }
            }, 5 * MS, SILENCE_NS, 0);
    }
}
