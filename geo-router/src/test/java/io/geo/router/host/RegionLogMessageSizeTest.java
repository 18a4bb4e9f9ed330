package io.geo.router.host;

import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.regionlog.LogMessage;
import io.geo.epaxos.regionlog.RegionLogConfig;
import io.geo.epaxos.regionlog.RegionLogNode;
import io.geo.epaxos.regionlog.RegionLogSimStore;
import io.geo.router.config.ClusterConfig;
import io.geo.router.transport.FrameCodec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Region log messages as the sidecar's transport carries them. Three region log nodes with the settings
 * {@link ClusterConfig#regionLogConfig} gives the sidecar, every message encoded with {@link FrameCodec} and dropped
 * when the frame is longer than the Aeron publication's maxMessageLength (termLength / 8), exactly as
 * {@code AeronTransport.offer} refuses it.
 */
class RegionLogMessageSizeTest
{
    private static final long MS = 1_000_000;

    private static Path configDir()
    {
        final String property = System.getProperty("geo.config.dir");
        return null == property || property.isBlank() ? Paths.get("../config") : Paths.get(property);
    }

    private static final class Region
    {
        final ClusterConfig config;
        final RegionLogNode[] nodes = new RegionLogNode[3];
        final RegionLogSimStore[] stores = new RegionLogSimStore[3];
        final FrameCodec[] codecs = new FrameCodec[3];
        final boolean[] down = new boolean[3];
        final ArrayDeque<Object[]> wire = new ArrayDeque<>();
        final List<String> refused = new ArrayList<>();
        final int[] bigApplied = new int[3];
        long nowNs;

        Region(final ClusterConfig config)
        {
            this.config = config;
            final int[] regionOfNode = new int[config.nodeCount()];
            for (int i = 0; i < regionOfNode.length; i++)
            {
                regionOfNode[i] = config.node(i).regionIndex();
            }
            for (int i = 0; i < 3; i++)
            {
                final int id = i;
                stores[i] = new RegionLogSimStore();
                codecs[i] = new FrameCodec(config.clusterId(), i, regionOfNode, config.secret());
                final RegionLogConfig logConfig = config.regionLogConfig(i); // nodes 0..2: region 0
                nodes[i] = new RegionLogNode(logConfig, (to, message) -> wire.add(new Object[] {id, to, message}),
                    stores[i], (slot, entry) ->
                    {
                        if (!entry.isNoop() && entry.payload().length >= 100)
                        {
                            bigApplied[id]++;
                        }
                    }, 0, nowNs);
            }
        }

        /** What AeronTransport.send does with it: encode, refuse when longer than term/8. */
        boolean transportAccepts(final int from, final int to, final LogMessage message)
        {
            try
            {
                final int length = codecs[from].encode(to, message);
                if (length > config.maxMessageBytes())
                {
                    refused.add(message.getClass().getSimpleName() + " of " + length + " bytes");
                    return false;
                }
                return true;
            }
            catch (final CodecException ex)
            {
                refused.add(message.getClass().getSimpleName() + ": " + ex.getMessage());
                return false;
            }
        }

        void synced(final int i)
        {
            stores[i].sync();
            nodes[i].onSynced(nowNs);
        }

        void deliver()
        {
            int budget = 100_000;
            while (!wire.isEmpty() && budget-- > 0)
            {
                final Object[] m = wire.poll();
                final int from = (Integer)m[0];
                final int to = (Integer)m[1];
                if (down[from] || down[to] || !transportAccepts(from, to, (LogMessage)m[2]))
                {
                    continue;
                }
                nodes[to].onMessage(from, (LogMessage)m[2], nowNs);
                synced(to);
            }
        }

        void run(final int ms)
        {
            for (int step = 0; step < ms; step++)
            {
                nowNs += MS;
                for (int i = 0; i < 3; i++)
                {
                    if (!down[i])
                    {
                        nodes[i].onTick(nowNs);
                        synced(i);
                    }
                }
                deliver();
            }
        }

        int leader()
        {
            for (int i = 0; i < 3; i++)
            {
                if (!down[i] && nodes[i].isLeader())
                {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * The leader proposes two client commands of the largest size the router lets through and crashes before it hears
     * the Accepted replies (or before its Commit leaves). The two survivors have both entries accepted above their
     * commit index, so each one's Promise to the other carries both: about twice maxCommandBytes, more than one
     * Aeron message. The Promise is refused by the transport on every election, so no leader is ever elected while
     * two of three nodes are up: the region is stuck for good (a restarted third node's Promise is as large).
     */
    @Test
    void survivorsOfALeaderCrashElectANewLeaderWhenTwoLargeEntriesWereInFlight() throws Exception
    {
        final ClusterConfig config = ClusterConfig.load(configDir().resolve("cluster/three-by-three.cluster"));
        final Region region = new Region(config);
        region.run(500);
        final int leader = region.leader();
        assertTrue(leader >= 0, "a first leader");

        // two commands of the router's largest size (one log entry each: HydraNode wraps it in ~100 bytes)
        final byte[] payload = new byte[config.maxCommandBytes()];
        Arrays.fill(payload, (byte)7);
        assertTrue(region.nodes[leader].append(payload, region.nowNs) > 0);
        assertTrue(region.nodes[leader].append(payload, region.nowNs) > 0);
        region.synced(leader);
        // the Accepts reach both followers; the leader dies before any reply reaches it
        final List<Object[]> accepts = new ArrayList<>(region.wire);
        region.wire.clear();
        for (final Object[] m : accepts)
        {
            final int to = (Integer)m[1];
            if (m[2] instanceof LogMessage.Accept && region.transportAccepts(leader, to, (LogMessage)m[2]))
            {
                region.nodes[to].onMessage(leader, (LogMessage)m[2], region.nowNs);
                region.synced(to);
            }
        }
        region.wire.clear(); // the Accepted replies die with the leader
        region.down[leader] = true;

        region.run(10_000); // ten seconds: about fifty election timeouts
        assertTrue(region.leader() >= 0, "the two live nodes elected no leader in 10 s; refused by the transport: " +
            region.refused.size() + ", e.g. " + region.refused.subList(0, Math.min(3, region.refused.size())) +
            "; maxMessageBytes=" + config.maxMessageBytes());
    }

    /**
     * With term-length 16m (accepted by the parser) ClusterConfig allows region log batches of about 2 MiB (term/8
     * less room), but FrameCodec carries at most 1 MiB + header (MessageCodec.MAX_MESSAGE_BYTES): a CatchUpReply (or
     * Accept, or recovered batch) of more than 1 MiB can never be sent, and the same batch is rebuilt on every retry.
     */
    @Test
    void aLaggingNodeCatchesUpAtTheLargestTermLength() throws Exception
    {
        final Path dir = java.nio.file.Files.createTempDirectory("rlsize");
        java.nio.file.Files.createDirectories(dir.resolve("cluster"));
        java.nio.file.Files.createDirectories(dir.resolve("wan"));
        java.nio.file.Files.copy(configDir().resolve("wan/lan.wan"), dir.resolve("wan/lan.wan"));
        final List<String> lines = new ArrayList<>(java.nio.file.Files.readAllLines(
            configDir().resolve("cluster/three-by-three.cluster")));
        lines.replaceAll(line -> line.startsWith("secret-file") ?
            "secret 00112233445566778899aabbccddeeff" : line);
        lines.add("term-length 16m");
        final Path file = dir.resolve("cluster/big.cluster");
        java.nio.file.Files.write(file, lines);
        final ClusterConfig config = ClusterConfig.load(file);
        final Region region = new Region(config);
        region.run(500);
        final int leader = region.leader();
        assertTrue(leader >= 0, "a first leader");
        final int lagging = (leader + 1) % 3;
        region.down[lagging] = true; // cut off (a partition, a long GC pause, a slow disk) while the others go on
        region.run(1_000); // the others move on without it (its granted range filled after a view change)

        // four commands of the router's largest size, each in an Accept of its own: the live two choose them
        final byte[] payload = new byte[config.maxCommandBytes()];
        for (int i = 0; i < 4; i++)
        {
            assertTrue(region.nodes[leader].append(payload, region.nowNs) > 0);
            region.synced(leader);
            region.run(5);
        }
        region.run(200);
        assertEquals(4, region.bigApplied[leader], "the live majority applied the four entries; refused " +
            region.refused + "; " + region.nodes[0].describe() + " / " + region.nodes[1].describe() + " / " +
            region.nodes[2].describe());
        region.refused.clear();

        // the lagging node is back: it catches up with CatchUpReply batches of up to maxBatchBytes (about 2 MiB,
        // three of these entries), which FrameCodec cannot encode (at most 1 MiB + header): the same batch is
        // refused on every retry, and the node never catches up
        region.down[lagging] = false;
        region.run(5_000);
        assertEquals(4, region.bigApplied[lagging], "the node that was cut off caught up; maxBatchBytes=" +
            config.regionLogConfig(0).maxBatchBytes() + ", maxMessageBytes=" + config.maxMessageBytes() +
            ", FrameCodec.MAX_FRAME_LENGTH=" + FrameCodec.MAX_FRAME_LENGTH + "; refused " + region.refused.size() +
            ", e.g. " + region.refused.subList(0, Math.min(2, region.refused.size())) + "; lagging node: " +
            region.nodes[lagging].describe());
    }

    /**
     * No crash in flight, default config (term-length 1m): a follower dies holding a granted range, so the log stalls
     * at its unfilled slots until the leader changes view (stall detection, one election timeout); meanwhile the load
     * goes on: 2,000 entries/s of 1 KiB (a region taking a few hundred writes/s of 1 KiB values) for 150 ms. The
     * view change's Promise carries every slot accepted above the commit index (160 KB), more than one Aeron message
     * (128 KiB): refused on every election, so the two live nodes never elect a leader again.
     */
    @Test
    void aRegionSurvivesTheDeathOfAFollowerUnderLoad() throws Exception
    {
        final ClusterConfig config = ClusterConfig.load(configDir().resolve("cluster/three-by-three.cluster"));
        final Region region = new Region(config);
        region.run(500);
        final int leader = region.leader();
        assertTrue(leader >= 0, "a first leader");
        final int dead = (leader + 1) % 3;
        final int live = (leader + 2) % 3;
        region.down[dead] = true;
        final int[] appended = new int[3];
        for (int ms = 0; ms < 150; ms++)
        {
            for (int i = 0; i < 1; i++)
            {
                for (final int node : new int[] {leader, live})
                {
                    final byte[] payload = new byte[1024];
                    if (region.nodes[node].append(payload, region.nowNs) > 0)
                    {
                        appended[node]++;
                    }
                    region.synced(node);
                }
            }
            region.run(1);
        }
        region.run(5_000);
        final int total = appended[leader] + appended[live];
        assertEquals(total, region.bigApplied[live], "appended " + total + ", applied " +
            Arrays.toString(region.bigApplied) + "; refused " + region.refused.size() + ", e.g. " +
            region.refused.subList(0, Math.min(2, region.refused.size())) + "; " +
            region.nodes[leader].describe() + " / " + region.nodes[live].describe());
    }

    /**
     * An EPaxos message from another region that the transport carries (its frame fits maxReplicaFrameBytes, which
     * AeronTransport enforces for EPaxos frames) is logged by the receiving node as one MESSAGE entry of 1 + its
     * encoded length. The largest such message: a command of maxCommandBytes with as many deps as still fit (at least
     * the 2,000 the command limit leaves room for).
     */
    @Test
    void anEpaxosMessageTheTransportCarriesIsLoggedByTheReceivingRegion() throws Exception
    {
        final ClusterConfig config = ClusterConfig.load(configDir().resolve("cluster/three-by-three.cluster"));
        final int max = config.maxCommandBytes();
        int value = max / 2;
        io.geo.epaxos.primitives.Command command = null;
        for (int i = 0; i < 8; i++)
        {
            command = io.geo.epaxos.primitives.Command.of(256, 1,
                io.geo.epaxos.primitives.Op.put(io.geo.epaxos.primitives.Key.of("kv/a"), new byte[value]),
                io.geo.epaxos.primitives.Op.put(io.geo.epaxos.primitives.Key.of("kv/b"), new byte[value]));
            value += Math.floorDiv(max - command.encodedSize(), 2);
        }
        assertTrue(command.encodedSize() <= max && command.encodedSize() > max - 16, "a command the router takes: " +
            command.encodedSize() + " of " + max);

        final int[] regionOfNode = new int[config.nodeCount()];
        for (int i = 0; i < regionOfNode.length; i++)
        {
            regionOfNode[i] = config.node(i).regionIndex();
        }
        final FrameCodec sender = new FrameCodec(config.clusterId(), 3, regionOfNode, config.secret());
        io.geo.epaxos.messages.PreAccept preAccept = null;
        int frame = 0;
        for (int count = 2_000; ; count++)
        {
            final long[] deps = new long[count];
            for (int i = 0; i < deps.length; i++)
            {
                deps[i] = io.geo.epaxos.primitives.InstanceId.of(i % 3, 1000 + i / 3);
            }
            Arrays.sort(deps);
            final io.geo.epaxos.messages.PreAccept candidate = new io.geo.epaxos.messages.PreAccept(0,
                io.geo.epaxos.primitives.InstanceId.of(1, 2000), command, 50, deps);
            final int length = sender.encode(0, candidate);
            if (length > config.maxReplicaFrameBytes())
            {
                assertTrue(count > 2_000, "2,000 deps fit beside the largest command: " + length + " > " +
                    config.maxReplicaFrameBytes());
                break;
            }
            preAccept = candidate;
            frame = length;
        }
        assertTrue(frame > config.maxReplicaFrameBytes() - 8, "the largest message the transport sends: " + frame);

        final io.geo.epaxos.hydra.HydraNode node = new io.geo.epaxos.hydra.HydraNode(config.regionLogConfig(0),
            config.replicaConfig(0), 5 * MS, (to, m) -> { }, new RegionLogSimStore(), (to, m) -> { },
            new io.geo.epaxos.state.KeyValueStateMachine(), new io.geo.epaxos.api.ClientResponder()
            {
                @Override
                public void onCommitted(final long instance, final io.geo.epaxos.primitives.Command c,
                    final boolean fastPath)
                {
                }

                @Override
                public void onExecuted(final long instance, final io.geo.epaxos.primitives.Command c,
                    final io.geo.epaxos.primitives.Result[] results, final boolean fastPath)
                {
                }

                @Override
                public void onRejected(final io.geo.epaxos.primitives.Command c,
                    final io.geo.epaxos.api.Rejection reason, final String detail)
                {
                }
            }, 0);
        node.onRegionMessage(1, preAccept, MS);
        assertEquals(1, node.counters().regionMessagesLogged(), "the PreAccept (frame " + frame + " of " +
            config.maxReplicaFrameBytes() + " bytes) is logged; refused " + node.counters().refused() +
            ", maxPayloadBytes=" + config.regionLogConfig(0).maxPayloadBytes());
    }
}
