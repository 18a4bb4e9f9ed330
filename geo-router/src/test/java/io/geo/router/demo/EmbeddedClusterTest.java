package io.geo.router.demo;

import io.geo.wan.WanProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.geo.router.storage.Durability;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedClusterTest
{
    @Test
    @Timeout(60)
    void shouldRunAWorkloadOverTheEmulatedWanAndConvergeToIdenticalState() throws Exception
    {
        final WanProfile profile = WanProfile.resolve("lan", Paths.get(System.getProperty("geo.config.dir", "config")));
        final EmbeddedCluster cluster = new EmbeddedCluster(new DemoOptions(2, 30, 20, 3, 7).validate(), profile,
            Stores::memory, region -> Stores.keyValue());
        final DemoStats stats = cluster.run(null);
        assertTrue(stats.completed() > 100, "commands completed: " + stats.completed());
        assertEquals(0, stats.codecErrors());
        assertTrue(stats.converged(), "replicas converged");
        assertTrue(stats.statesIdentical(), "replica states identical");
        assertTrue(stats.fastPath() + stats.slowPath() > 0);
    }

    @Test
    @Timeout(120)
    void shouldCarryManyCommandsPerInstanceAndMessageWhenBatching() throws Exception
    {
        final WanProfile profile = WanProfile.resolve("lan", Paths.get(System.getProperty("geo.config.dir", "config")));
        final DemoStats[] stats = new DemoStats[2];
        final int[] batch = {64, 1};
        for (int i = 0; i < 2; i++)
        {
            // 40 closed-loop clients per region: each node gets several commands per duty cycle
            final EmbeddedCluster cluster = new EmbeddedCluster(new DemoOptions(2, 10, 20, 40, 17, 1, batch[i])
                .validate(), profile, Stores::memory, region -> Stores.keyValue());
            stats[i] = cluster.run(null);
            assertTrue(stats[i].converged(), "replicas converged, batch " + batch[i]);
            assertTrue(stats[i].statesIdentical(), "replica states identical, batch " + batch[i]);
        }
        final double batchedPerInstance = (double)stats[0].completed() / (stats[0].fastPath() + stats[0].slowPath());
        final double plainPerInstance = (double)stats[1].completed() / (stats[1].fastPath() + stats[1].slowPath());
        assertTrue(batchedPerInstance > 1.5, "commands per instance with batching: " + batchedPerInstance);
        assertTrue(plainPerInstance < 1.01, "commands per instance without: " + plainPerInstance);
        final double batchedMessages = (double)stats[0].messagesSent() / stats[0].completed();
        final double plainMessages = (double)stats[1].messagesSent() / stats[1].completed();
        assertTrue(batchedMessages < plainMessages / 1.5, "messages per command: " + batchedMessages + " batched, " +
            plainMessages + " not");
    }

    @Test
    @Timeout(60)
    void shouldRunOnWriteAheadLogsAndChronicleStateWithFsyncGroupCommit(@TempDir final Path dir) throws Exception
    {
        final WanProfile profile = WanProfile.resolve("lan", Paths.get(System.getProperty("geo.config.dir", "config")));
        final EmbeddedCluster cluster = new EmbeddedCluster(new DemoOptions(2, 30, 20, 3, 11).validate(), profile,
            region -> Stores.wal(dir.resolve("region-" + region), Durability.SYNC),
            region -> Stores.chronicle(dir.resolve("region-" + region).resolve("state")));
        final DemoStats stats;
        try
        {
            stats = cluster.run(null);
        }
        finally
        {
            cluster.close();
        }
        assertTrue(stats.completed() > 50, "commands completed: " + stats.completed());
        assertTrue(stats.syncs() > 0, "group commits");
        assertTrue(stats.statesIdentical(), "replica states identical");
    }

    @Test
    @Timeout(60)
    void shouldRunRegionGroupsOnRegionLogsAndConvergeOnEveryNode(@TempDir final Path dir) throws Exception
    {
        final WanProfile profile = WanProfile.resolve("lan", Paths.get(System.getProperty("geo.config.dir", "config")));
        final EmbeddedCluster cluster = new EmbeddedCluster(new DemoOptions(2, 30, 20, 3, 13, 3).validate(), profile,
            null, node -> new io.geo.router.host.WalSyncableLogStore(dir.resolve("node-" + node), Durability.SYNC),
            node -> Stores.chronicle(dir.resolve("node-" + node).resolve("state")));
        final DemoStats stats;
        try
        {
            stats = cluster.run(null);
        }
        finally
        {
            cluster.close();
        }
        assertTrue(stats.completed() > 50, "commands completed: " + stats.completed());
        assertEquals(0, stats.codecErrors());
        assertTrue(stats.fastPath() + stats.slowPath() > 0);
        assertTrue(stats.converged(), "every node's replica copy executed the same instances");
        assertTrue(stats.statesIdentical(), "every node's state identical");
    }
}
