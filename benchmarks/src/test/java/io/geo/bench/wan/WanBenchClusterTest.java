package io.geo.bench.wan;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import io.geo.wan.WanProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark cluster on the real-time WAN emulator: every protocol answers commands from every region with the
 * replicated results (blocking or not), the baseline leads from the chosen region, the replicas count their fast
 * paths, and the optimum is the profile's.
 */
@Timeout(120)
class WanBenchClusterTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);

    private static WanProfile threeRegions() throws Exception
    {
        return WanProfile.resolve("three-regions", Path.of("..", "config"));
    }

    @Test
    void shouldAnswerEveryRegionWithReplicatedResultsOverEpaxos() throws Exception
    {
        try (WanBenchCluster cluster = new WanBenchCluster(threeRegions(), WanBenchCluster.Protocol.EPAXOS, 0, 7,
            TIMEOUT_NS))
        {
            exercise(cluster);
            cluster.close();
            assertTrue(cluster.fastPathCommits() >= 6, "fast path " + cluster.fastPathCommits());
            assertTrue(cluster.messagesSent() > 0);
        }
    }

    @Test
    void shouldAnswerEveryRegionThroughTheBaselineLeaderInTheChosenRegion() throws Exception
    {
        try (WanBenchCluster cluster = new WanBenchCluster(threeRegions(), WanBenchCluster.Protocol.MULTI_PAXOS, 1,
            7, TIMEOUT_NS))
        {
            exercise(cluster);
            assertEquals("-L-", cluster.describe(), "eu-west-1 leads");
            cluster.close();
            assertEquals(0, cluster.fastPathCommits() + cluster.slowPathCommits(), "no EPaxos instance");
        }
    }

    @Test
    void shouldAnswerEveryRegionFromItsRegionGroupOverHydra() throws Exception
    {
        try (WanBenchCluster cluster = new WanBenchCluster(threeRegions(), WanBenchCluster.Protocol.HYDRA, 0, 7,
            TIMEOUT_NS))
        {
            exercise(cluster);
            cluster.close();
            // counted once per region, not once per node of its group: the 3 + 9 + 2 commands of exercise()
            final long instances = cluster.fastPathCommits() + cluster.slowPathCommits();
            assertTrue(instances >= 6 && instances <= 14, "instances " + instances);
        }
    }

    @Test
    void shouldCompleteSubmittedCommandsWithoutBlockingTheSender() throws Exception
    {
        try (WanBenchCluster cluster = new WanBenchCluster(WanProfile.resolve("lan", Path.of("..", "config")),
            WanBenchCluster.Protocol.EPAXOS, 0, 7, TIMEOUT_NS))
        {
            final int commands = 300;
            final java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(commands);
            final java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
            for (int i = 0; i < commands; i++)
            {
                cluster.submit(i % 3, Command.of(1000 + i, 1, Op.put(Key.of("k" + i), new byte[] {1})),
                    (results, error) ->
                    {
                        if (error != null || results[0] != Result.OK)
                        {
                            failed.incrementAndGet();
                        }
                        answered.countDown();
                    });
            }
            assertTrue(answered.await(20, TimeUnit.SECONDS), answered.getCount() + " not answered");
            assertEquals(0, failed.get());
            // a second command of a client id in flight fails at once, the first is still answered
            final String[] outcome = new String[2];
            final java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
            for (int i = 0; i < 2; i++)
            {
                final int n = i;
                cluster.submit(0, Command.of(5000, 1, Op.put(Key.of("same"), new byte[] {2})), (results, error) ->
                {
                    outcome[n] = error == null ? "ok" : error;
                    both.countDown();
                });
            }
            assertTrue(both.await(20, TimeUnit.SECONDS));
            final String joined = outcome[0] + " / " + outcome[1];
            assertTrue(joined.contains("ok") && joined.contains("already has a command in flight"), joined);
        }
    }

    /** Each region writes its key, then reads every region's key (linearizable: it sees the write). */
    private static void exercise(final WanBenchCluster cluster)
    {
        for (int region = 0; region < 3; region++)
        {
            final Result[] put = cluster.execute(region, Command.of(region + 1, 1,
                Op.put(Key.of("k" + region), new byte[] {(byte)region})), TIMEOUT_NS);
            assertEquals(Result.OK, put[0]);
        }
        for (int region = 0; region < 3; region++)
        {
            for (int key = 0; key < 3; key++)
            {
                final Result[] get = cluster.execute(region, Command.of(region + 1, 2 + key,
                    Op.get(Key.of("k" + key))), TIMEOUT_NS);
                assertArrayEquals(new byte[] {(byte)key}, get[0].value(), "region " + region + " reads k" + key);
            }
        }
        // two commands of one client id at once: one is answered, the other refused (not mixed up with it)
        final String[] outcomes = new String[2];
        final Thread[] threads = new Thread[2];
        for (int i = 0; i < 2; i++)
        {
            final int n = i;
            threads[i] = new Thread(() ->
            {
                try
                {
                    cluster.execute(0, Command.of(99, 1, Op.put(Key.of("x"), new byte[1])), TIMEOUT_NS);
                    outcomes[n] = "ok";
                }
                catch (final IllegalStateException ex)
                {
                    outcomes[n] = ex.getMessage();
                }
            });
            threads[i].start();
        }
        for (final Thread thread : threads)
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                throw new AssertionError(ex);
            }
        }
        final String both = outcomes[0] + " / " + outcomes[1];
        assertTrue(both.contains("ok") && both.contains("already has a command in flight"), both);
    }

    @Test
    void shouldComputeTheOptimumFromTheProfile() throws Exception
    {
        final WanProfile profile = threeRegions();
        // three regions: the fast quorum is one other region, the nearest
        for (int r = 0; r < 3; r++)
        {
            final double nearest = Math.min(profile.rttMs(r, (r + 1) % 3), profile.rttMs(r, (r + 2) % 3));
            assertEquals(nearest, WanBenchCluster.optimumMs(profile, WanBenchCluster.Protocol.EPAXOS, 0, r), 1e-9);
        }
        // the baseline: to the leader and back, plus the leader's round trip to its nearest majority
        final double leaderMajority = Math.min(profile.rttMs(0, 1), profile.rttMs(0, 2));
        assertEquals(leaderMajority, WanBenchCluster.optimumMs(profile, WanBenchCluster.Protocol.MULTI_PAXOS, 0, 0),
            1e-9);
        assertEquals(profile.rttMs(2, 0) + leaderMajority,
            WanBenchCluster.optimumMs(profile, WanBenchCluster.Protocol.MULTI_PAXOS, 0, 2), 1e-9);
        // Hydra: one region log round (two LAN hops) on top
        assertEquals(WanBenchCluster.optimumMs(profile, WanBenchCluster.Protocol.EPAXOS, 0, 2) + 0.2,
            WanBenchCluster.optimumMs(profile, WanBenchCluster.Protocol.HYDRA, 0, 2), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> new WanBenchCluster(profile,
            WanBenchCluster.Protocol.EPAXOS, 3, 1, TIMEOUT_NS));
    }
}
