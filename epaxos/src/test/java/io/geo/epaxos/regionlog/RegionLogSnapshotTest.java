package io.geo.epaxos.regionlog;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshots and truncation of the region log, step by step (the simulator covers them under faults): the applied
 * state of each node is the list of entry texts it applied, so a snapshot install must give exactly the same list.
 */
class RegionLogSnapshotTest
{
    private static final long MS = 1_000_000;

    /** Three nodes with snapshot hosts; stores survive crashes, the host keeps its last snapshot "on disk". */
    private static final class Cluster
    {
        final int n;
        final RegionLogConfig template;
        final RegionLogNode[] nodes;
        final RegionLogNodeScenarioTest.MemoryStore[] stores;
        final Host[] hosts;
        final boolean[] down;
        final ArrayDeque<Object[]> wire = new ArrayDeque<>();
        long nowNs;

        Cluster(final int n, final RegionLogConfig template)
        {
            this.n = n;
            this.template = template;
            nodes = new RegionLogNode[n];
            stores = new RegionLogNodeScenarioTest.MemoryStore[n];
            hosts = new Host[n];
            down = new boolean[n];
            for (int i = 0; i < n; i++)
            {
                stores[i] = new RegionLogNodeScenarioTest.MemoryStore();
                hosts[i] = new Host();
                start(i);
            }
        }

        void start(final int id)
        {
            down[id] = false;
            final Host host = hosts[id];
            host.restoreFromDisk();
            final RegionLogConfig config = new RegionLogConfig().nodeId(id).nodeCount(n).randomSeed(7)
                .retainSlots(template.retainSlots()).snapshotChunkBytes(template.snapshotChunkBytes())
                .maxSnapshotBytes(template.maxSnapshotBytes());
            nodes[id] = new RegionLogNode(config, (to, message) -> wire.add(new Object[] {id, to, message}),
                stores[id], host, host, host.disk, nowNs);
        }

        void crash(final int id)
        {
            down[id] = true;
            nodes[id] = null;
        }

        /** The host snapshots and truncates, keeping the snapshot "on disk". */
        void snapshot(final int id)
        {
            final LogSnapshot snapshot = nodes[id].snapshot();
            hosts[id].disk = LogSnapshot.parse(snapshot.bytes().clone());
            nodes[id].truncate(snapshot.slot());
        }

        void run(final int ms)
        {
            run(ms, false);
        }

        /**
         * {@code ms} steps of 1 ms: every node ticks, then messages are delivered: all of them, replies included
         * ({@code slow} false), or only those sent before the step, so each arrives one step after it was sent.
         */
        void run(final int ms, final boolean slow)
        {
            for (int step = 0; step < ms; step++)
            {
                nowNs += MS;
                for (int i = 0; i < n; i++)
                {
                    if (!down[i])
                    {
                        nodes[i].onTick(nowNs);
                        nodes[i].onSynced(nowNs);
                    }
                }
                for (int budget = slow ? wire.size() : 100_000; budget > 0 && !wire.isEmpty(); budget--)
                {
                    final Object[] m = wire.poll();
                    final int to = (Integer)m[1];
                    if (!down[to] && !down[(Integer)m[0]])
                    {
                        nodes[to].onMessage((Integer)m[0], (LogMessage)m[2], nowNs);
                        nodes[to].onSynced(nowNs);
                    }
                }
            }
        }

        /**
         * A node other than the leader misses 20 entries while down, the others snapshot (and truncate), then it
         * restarts and runs for 100 ms. Returns the node.
         */
        int restartBehindSnapshots(final int leader, final String prefix)
        {
            final int lagging = (leader + 1) % n;
            crash(lagging);
            for (int i = 0; i < 20; i++)
            {
                append(leader, prefix + i);
                run(1);
            }
            run(20);
            for (int i = 0; i < n; i++)
            {
                if (i != lagging)
                {
                    snapshot(i);
                }
            }
            start(lagging);
            run(100);
            return lagging;
        }

        long append(final int node, final String text)
        {
            final long sequence = nodes[node].append(text.getBytes(StandardCharsets.UTF_8), nowNs);
            nodes[node].onSynced(nowNs);
            return sequence;
        }
    }

    /** Applied state: the texts of applied entries, in order; a snapshot carries them all. */
    private static final class Host implements LogApplier, LogSnapshots
    {
        final List<String> texts = new ArrayList<>();
        final List<Long> inSnapshot = new ArrayList<>();
        long appliedThrough;
        LogSnapshot disk;
        int installs;

        void restoreFromDisk()
        {
            texts.clear();
            appliedThrough = 0;
            if (disk != null)
            {
                texts.addAll(decode(disk.hostState()));
                appliedThrough = disk.slot();
            }
        }

        @Override
        public void apply(final long slot, final LogEntry entry)
        {
            assertEquals(appliedThrough + 1, slot, "slots in order");
            appliedThrough = slot;
            if (!entry.isNoop())
            {
                texts.add(new String(entry.payload(), StandardCharsets.UTF_8));
            }
        }

        @Override
        public byte[] capture()
        {
            return String.join("\n", texts).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void install(final LogSnapshot snapshot)
        {
            assertTrue(snapshot.slot() > appliedThrough, "a snapshot ahead of the applied state");
            texts.clear();
            texts.addAll(decode(snapshot.hostState()));
            appliedThrough = snapshot.slot();
            disk = LogSnapshot.parse(snapshot.bytes().clone());
            installs++;
        }

        @Override
        public void appliedInSnapshot(final long sequence)
        {
            inSnapshot.add(sequence);
        }

        static List<String> decode(final byte[] state)
        {
            final String text = new String(state, StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        }
    }

    private static int leaderAfterElection(final Cluster cluster)
    {
        cluster.run(150);
        for (int i = 0; i < cluster.n; i++)
        {
            if (!cluster.down[i] && cluster.nodes[i].isLeader())
            {
                return i;
            }
        }
        throw new AssertionError("no leader elected");
    }

    @Test
    void shouldBringANodeBackThroughASnapshotWhenThePeersTruncatedWhatItMissed()
    {
        final Cluster cluster = new Cluster(3, new RegionLogConfig().retainSlots(0).snapshotChunkBytes(64));
        final int leader = leaderAfterElection(cluster);
        final int lagging = (leader + 1) % 3;
        final int other = (leader + 2) % 3;
        cluster.crash(lagging);
        for (int i = 0; i < 40; i++)
        {
            cluster.append(i % 2 == 0 ? leader : other, "entry-" + i);
            cluster.run(1);
        }
        cluster.run(20);
        assertEquals(40, cluster.hosts[leader].texts.size());
        cluster.snapshot(leader);
        cluster.snapshot(other);
        assertTrue(cluster.stores[leader].slots.isEmpty() || cluster.stores[leader].slots.firstKey() >
            cluster.nodes[leader].appliedIndex(), "the store dropped the truncated slots");

        cluster.start(lagging);
        cluster.run(200);

        assertEquals(1, cluster.hosts[lagging].installs, "the restarted node installed one snapshot");
        assertEquals(cluster.hosts[leader].texts, cluster.hosts[lagging].texts, "same applied state");
        assertTrue(cluster.nodes[leader].counters().snapshotChunksSent() +
            cluster.nodes[other].counters().snapshotChunksSent() > 1, "the snapshot came in several chunks");

        // and it keeps up afterwards, from entries
        cluster.append(lagging, "after");
        cluster.run(50);
        for (int i = 0; i < 3; i++)
        {
            assertEquals(cluster.hosts[leader].texts, cluster.hosts[i].texts, "node " + i);
        }
        assertEquals("after", cluster.hosts[lagging].texts.get(cluster.hosts[lagging].texts.size() - 1));
    }

    @Test
    void shouldRestartFromItsOwnSnapshotAndTheLogAfterIt()
    {
        final Cluster cluster = new Cluster(3, new RegionLogConfig().retainSlots(0));
        final int leader = leaderAfterElection(cluster);
        for (int i = 0; i < 10; i++)
        {
            cluster.append(leader, "a" + i);
            cluster.run(1);
        }
        cluster.run(20);
        cluster.snapshot(leader);
        for (int i = 0; i < 5; i++)
        {
            cluster.append(leader, "b" + i);
            cluster.run(1);
        }
        cluster.run(20);
        final List<String> before = List.copyOf(cluster.hosts[leader].texts);
        assertEquals(15, before.size());

        cluster.crash(leader);
        cluster.start(leader);
        cluster.run(5);
        assertEquals(before, cluster.hosts[leader].texts, "snapshot plus the log after it rebuild the same state");
        assertEquals(0, cluster.hosts[leader].installs, "nothing fetched from a peer");
    }

    @Test
    void shouldKeepRetainSlotsBelowTheSnapshotSoALittleLagNeedsNoSnapshot()
    {
        final Cluster cluster = new Cluster(3, new RegionLogConfig().retainSlots(1000));
        final int leader = leaderAfterElection(cluster);
        final int lagging = cluster.restartBehindSnapshots(leader, "x");
        assertEquals(0, cluster.hosts[lagging].installs, "caught up from the retained entries");
        assertEquals(cluster.hosts[leader].texts, cluster.hosts[lagging].texts);
    }

    @Test
    void shouldRefuseToPromiseAViewForSlotsItTruncated()
    {
        // A lagging candidate must not win a view from promises that leave out truncated slots: it would fill them
        // with no-ops. The two up-to-date nodes refuse; the candidate catches up and the log stays intact.
        final Cluster cluster = new Cluster(3, new RegionLogConfig().retainSlots(0));
        final int leader = leaderAfterElection(cluster);
        final int lagging = (leader + 1) % 3;
        final int other = (leader + 2) % 3;
        cluster.crash(lagging);
        for (int i = 0; i < 10; i++)
        {
            cluster.append(other, "y" + i);
            cluster.run(1);
        }
        cluster.run(20);
        cluster.snapshot(leader);
        cluster.snapshot(other);

        // asked directly: a node that truncated slot 1 gives no promise for a view prepared from slot 1
        cluster.wire.clear();
        final long highView = io.geo.epaxos.primitives.Ballot.of(1000, lagging);
        cluster.nodes[other].onMessage(lagging, new LogMessage.Prepare(highView, 1), cluster.nowNs);
        final List<LogMessage> answers = new ArrayList<>();
        for (final Object[] m : cluster.wire)
        {
            if ((Integer)m[0] == other && (Integer)m[1] == lagging)
            {
                answers.add((LogMessage)m[2]);
            }
        }
        cluster.wire.clear();
        assertTrue(answers.stream().noneMatch(m -> m instanceof LogMessage.Promise), "no promise: " + answers);
        assertTrue(answers.stream().anyMatch(m -> m instanceof LogMessage.CatchUpReply r &&
            r.commitIndex() >= 10), "it tells the candidate how far the log is: " + answers);
        assertTrue(cluster.nodes[other].view() < highView, "and does not adopt the view");

        cluster.crash(leader);
        cluster.start(lagging);
        cluster.run(400);
        assertEquals(cluster.hosts[other].texts, cluster.hosts[lagging].texts);
        assertEquals(10, cluster.hosts[lagging].texts.size());
        cluster.append(lagging, "z");
        cluster.run(100);
        assertEquals(11, cluster.hosts[other].texts.size(), "the two survivors agree on a leader and go on");
        assertEquals(cluster.hosts[other].texts, cluster.hosts[lagging].texts);
    }

    @Test
    void shouldAnswerAnEntryAppliedInsideAnInstalledSnapshot()
    {
        // A node's entry is chosen by the others while it cannot hear them (its Commit is lost); they truncate; it
        // learns the outcome only from a snapshot, and must tell its host the entry is applied there.
        final Cluster cluster = new Cluster(3, new RegionLogConfig().retainSlots(0));
        final int leader = leaderAfterElection(cluster);
        final int writer = (leader + 1) % 3;
        final long sequence = cluster.append(writer, "mine");
        // deliver its Accept to the others, then cut the writer off before it hears the Accepted replies
        final ArrayDeque<Object[]> held = new ArrayDeque<>();
        while (!cluster.wire.isEmpty())
        {
            final Object[] m = cluster.wire.poll();
            if ((Integer)m[0] == writer)
            {
                cluster.nodes[(Integer)m[1]].onMessage(writer, (LogMessage)m[2], cluster.nowNs);
                cluster.nodes[(Integer)m[1]].onSynced(cluster.nowNs);
            }
            else
            {
                held.add(m);
            }
        }
        cluster.wire.clear();
        cluster.down[writer] = true; // cut off, not crashed: its node keeps its state
        cluster.run(200); // the others recover the writer's slot (its entry, accepted by them) in a new view
        final int a = (writer + 1) % 3;
        final int b = (writer + 2) % 3;
        assertTrue(cluster.hosts[a].texts.contains("mine"), "recovered and applied by the others: " +
            cluster.hosts[a].texts);
        cluster.snapshot(a);
        cluster.snapshot(b);
        // the writer comes back: not restarted, but reconnected (its node object kept its state)
        cluster.down[writer] = false;
        cluster.run(200);
        assertEquals(1, cluster.hosts[writer].installs);
        assertEquals(List.of(sequence), cluster.hosts[writer].inSnapshot, "the host learns its entry is applied");
        assertEquals(cluster.hosts[a].texts, cluster.hosts[writer].texts);
        assertEquals(0, cluster.nodes[writer].pendingAppends());
    }

    @Test
    void shouldRefuseARestartWhoseSnapshotIsOlderThanTheTruncation()
    {
        final Cluster cluster = new Cluster(3, new RegionLogConfig().retainSlots(0));
        final int leader = leaderAfterElection(cluster);
        for (int i = 0; i < 5; i++)
        {
            cluster.append(leader, "w" + i);
            cluster.run(1);
        }
        cluster.run(20);
        cluster.snapshot(leader);
        cluster.crash(leader);
        cluster.hosts[leader].disk = null; // the host lost its snapshot, the log was truncated
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> cluster.start(leader));
        assertTrue(ex.getMessage().contains("truncated through slot"), ex.getMessage());
    }

    @Test
    void shouldFinishASnapshotTransferWhileThePeersKeepTruncating()
    {
        // Found in review: the server dropped the snapshot it was serving as soon as it truncated past it, so a
        // transfer of many chunks under steady load started over for ever. Now a fetched snapshot holds truncation.
        final Cluster cluster = new Cluster(3, new RegionLogConfig().retainSlots(0).snapshotChunkBytes(16));
        final int leader = leaderAfterElection(cluster);
        final int lagging = (leader + 1) % 3;
        final int other = (leader + 2) % 3;
        cluster.crash(lagging);
        for (int i = 0; i < 60; i++)
        {
            cluster.append(leader, "early-" + i);
            cluster.run(1);
        }
        cluster.run(20);
        cluster.snapshot(leader);
        cluster.snapshot(other);
        cluster.start(lagging);
        for (int step = 0; step < 2000 && cluster.hosts[lagging].installs == 0; step++)
        {
            cluster.append(leader, "load-" + step);
            if (step % 5 == 0)
            {
                cluster.snapshot(leader);
                cluster.snapshot(other);
            }
            cluster.run(1, true);
        }
        assertTrue(cluster.hosts[lagging].installs > 0, "the lagging node installed a snapshot under load");
        cluster.run(100);
        assertEquals(cluster.hosts[leader].texts, cluster.hosts[lagging].texts);
    }

    @Test
    void shouldNotReproposeSlotsItTruncatedWhileCampaigning()
    {
        // Found in review (Multi-Paxos): a candidate whose host truncated a slot during its campaign proposed the
        // recovered entry there again as the new leader; the slot never resolved, and its own entry stayed pending.
        final List<LogMessage[]> sent = new ArrayList<>();
        final Host host = new Host();
        final RegionLogNodeScenarioTest.MemoryStore store = new RegionLogNodeScenarioTest.MemoryStore();
        final RegionLogNode x = new RegionLogNode(new RegionLogConfig().nodeId(1).nodeCount(3).randomSeed(3)
            .delegation(false).retainSlots(0), (to, m) -> sent.add(new LogMessage[] {m}), store, host, host, null, 0);
        long now = MS;
        final long leaderView = io.geo.epaxos.primitives.Ballot.of(1, 0);
        x.onMessage(0, new LogMessage.Heartbeat(leaderView, 0), now);
        x.append("mine".getBytes(StandardCharsets.UTF_8), now); // forwarded to node 0
        final LogEntry mine = LogEntry.of(1, (1L << 32) + 1, "mine".getBytes(StandardCharsets.UTF_8));
        x.onMessage(0, new LogMessage.Accept(leaderView, 1, List.of(mine)), now);
        x.onSynced(now);
        // node 0 goes silent: x campaigns from slot 1
        long view = -1;
        for (int i = 0; i < 200 && view < 0; i++)
        {
            now += MS;
            x.onTick(now);
            x.onSynced(now);
            for (final LogMessage[] m : sent)
            {
                if (m[0] instanceof LogMessage.Prepare p)
                {
                    view = p.view();
                    assertEquals(1, p.fromSlot());
                }
            }
        }
        assertTrue(view > 0, "x started an election");
        // slot 1 turns out chosen: x applies it, and its host snapshots and truncates during the campaign
        x.onMessage(2, new LogMessage.CatchUpReply(1, List.of(mine), 1), now);
        x.onSynced(now);
        assertEquals(1, x.appliedIndex());
        host.disk = x.snapshot();
        x.truncate(1);
        // node 2's promise (it knows slot 1 chosen) makes x the leader
        x.onMessage(2, new LogMessage.Promise(view, 1, 1, List.of(new LogMessage.AcceptedSlot(1,
            RegionLogNode.CHOSEN, mine))), now);
        x.onSynced(now);
        assertTrue(x.isLeader());
        for (int i = 0; i < 100; i++)
        {
            now += MS;
            x.onTick(now);
            x.onSynced(now);
        }
        assertEquals(0, x.pendingAppends(), x.describe());
        assertEquals(List.of("mine"), host.texts);
    }

    @Test
    void shouldRejectMalformedSnapshots()
    {
        assertThrows(IllegalArgumentException.class, () -> LogSnapshot.parse(new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> LogSnapshot.parse(new byte[LogSnapshot.HEADER_LENGTH]));
        final byte[] badLength = ByteBuffer.allocate(LogSnapshot.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(LogSnapshot.MAGIC).putLong(5).putInt(100).array();
        assertThrows(IllegalArgumentException.class, () -> LogSnapshot.parse(badLength));

        final LogSnapshot good = LogSnapshot.of(9, new byte[] {0, 0, 0, 0}, new byte[] {1, 2, 3});
        final LogSnapshot parsed = LogSnapshot.parse(good.bytes());
        assertEquals(9, parsed.slot());
        assertArrayEquals(new byte[] {1, 2, 3}, parsed.hostState());

        // a node section that claims more origins than it holds is refused at restart, not half-read
        final LogSnapshot lying = LogSnapshot.of(9, new byte[] {5, 0, 0, 0}, new byte[0]);
        final Host host = new Host();
        assertThrows(IllegalArgumentException.class, () -> new RegionLogNode(
            new RegionLogConfig().nodeId(0).nodeCount(3), (to, m) -> { }, new RegionLogNodeScenarioTest.MemoryStore(),
            host, host, lying, 0));
    }

    @Test
    void shouldRefuseASnapshotLargerThanTheLimit()
    {
        final Cluster cluster = new Cluster(3, new RegionLogConfig().retainSlots(0).maxSnapshotBytes(64));
        final int leader = leaderAfterElection(cluster);
        final int lagging = cluster.restartBehindSnapshots(leader, "a-long-enough-entry-");
        assertEquals(0, cluster.hosts[lagging].installs);
        assertTrue(cluster.nodes[lagging].counters().snapshotsRejected() > 0, "refused and counted");
        assertTrue(cluster.hosts[lagging].texts.isEmpty());
    }
}
