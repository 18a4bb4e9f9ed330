package io.geo.router.demo;

import io.geo.wan.WanProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
}
