package io.geo.router.config;

import io.geo.epaxos.regionlog.RegionLogConfig;
import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.router.storage.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.geo.router.config.ClusterTestConfig.VALID;
import static io.geo.router.config.ClusterTestConfig.append;
import static io.geo.router.config.ClusterTestConfig.configDir;
import static io.geo.router.config.ClusterTestConfig.node;
import static io.geo.router.config.ClusterTestConfig.regionGroups;
import static io.geo.router.config.ClusterTestConfig.replace;
import static io.geo.router.config.ClusterTestConfig.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterConfigTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldLoadEveryShippedClusterConfig() throws Exception
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(configDir().resolve("cluster"), "*.cluster"))
        {
            stream.forEach(files::add);
        }
        assertTrue(files.size() >= 3, "shipped cluster configs: " + files);

        for (final Path file : files)
        {
            final ClusterConfig config = ClusterConfig.load(file);
            assertEquals(config.wanProfile().regionCount(), config.regionCount(), file.toString());
            assertEquals(config.hydra(), config.nodeCount() > config.regionCount() ||
                config.keyspaces().stream().anyMatch(Keyspace::isRegional), file.toString());
            assertEquals(32, config.secret().length, file.toString());
            for (int node = 0; node < config.nodeCount(); node++)
            {
                final ReplicaConfig replica = config.replicaConfig(node);
                assertEquals(config.hydra() ? config.node(node).regionIndex() : node, replica.replicaId());
                assertEquals(config.hydra() ? config.regionCount() : config.nodeCount(), replica.replicaCount());
                if (config.hydra())
                {
                    assertEquals(config.node(node).indexInRegion(), config.regionLogConfig(node).nodeId());
                }
                for (int to = 0; to < config.nodeCount(); to++)
                {
                    if (to != node)
                    {
                        final int port = config.sendAddress(node, to).getPort();
                        assertTrue(port >= 29100 && port < 29500, file + ": port " + port);
                    }
                }
                final int clientPort = config.node(node).clientPort();
                assertTrue(clientPort >= 29400 && clientPort < 29500, file + ": client port " + clientPort);
            }
        }
    }

    @Test
    void shouldSendThroughTheRelayLinkPortsWhenTheConfigHasARelay() throws Exception
    {
        final ClusterConfig config = ClusterConfig.load(configDir().resolve("cluster/three-regions.cluster"));

        assertTrue(config.relay().isPresent());
        // Relay links in profile order: VA->EU 29120, VA->JP 29121, EU->VA 29122, EU->JP 29123, JP->VA 29124, ...
        assertEquals(new InetSocketAddress("127.0.0.1", 29120), config.sendAddress(0, 1));
        assertEquals(new InetSocketAddress("127.0.0.1", 29121), config.sendAddress(0, 2));
        assertEquals(new InetSocketAddress("127.0.0.1", 29122), config.sendAddress(1, 0));
        assertEquals(new InetSocketAddress("127.0.0.1", 29123), config.sendAddress(1, 2));
        assertEquals(new InetSocketAddress("127.0.0.1", 29124), config.sendAddress(2, 0));
        assertEquals(new InetSocketAddress("127.0.0.1", 29125), config.sendAddress(2, 1));
        for (final ClusterNode node : config.nodes())
        {
            assertEquals(config.relay().orElseThrow().endpoint(node.regionIndex()), node.endpoint());
        }
        assertThrows(IllegalArgumentException.class, () -> config.sendAddress(1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> config.sendAddress(0, 3));
    }

    @Test
    void shouldSendToThePeersEndpointWithoutARelay() throws Exception
    {
        final ClusterConfig config = ClusterConfig.load(configDir().resolve("cluster/three-regions-direct.cluster"));

        assertFalse(config.relay().isPresent());
        assertEquals("lan", config.wanProfile().name());
        for (int from = 0; from < 3; from++)
        {
            for (int to = 0; to < 3; to++)
            {
                if (from != to)
                {
                    assertEquals(config.node(to).endpoint(), config.sendAddress(from, to));
                }
            }
        }
        assertEquals("127.0.0.1", config.node(2).endpointHost());
        assertEquals(29422, config.node(2).endpointPort());
        assertEquals(29432, config.node(2).clientPort());
        assertEquals("ap-northeast-1", config.node(2).regionName());
        assertEquals(2, config.node(2).regionIndex());
    }

    @Test
    void shouldDeriveTimeoutsFromTheWanProfile() throws Exception
    {
        final ClusterConfig config = ClusterConfig.load(configDir().resolve("cluster/three-regions.cluster"));

        // Max RTT 204.439 ms (EU-JP): 2 x 204.439 = 408.878 -> 409 + 100; 4 x 204.439 = 817.756 -> 818 + 500.
        assertEquals(509, config.retransmitTimeoutMs());
        assertEquals(1318, config.recoveryTimeoutMs());
        // Fast quorum of 3 is 2: the leader and its nearest peer. VA and EU: 70.505 x 1.25 = 88.13 -> 89 + 10;
        // JP: nearest is VA, 152.425 x 1.25 = 190.53 -> 191 + 10.
        assertEquals(99, config.fastPathTimeoutMs(0));
        assertEquals(99, config.fastPathTimeoutMs(1));
        assertEquals(201, config.fastPathTimeoutMs(2));

        final ReplicaConfig replica = config.replicaConfig(2);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(201), replica.fastPathTimeoutNs());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(509), replica.retransmitTimeoutNs());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1318), replica.recoveryTimeoutNs());

        final ClusterConfig lan = ClusterConfig.load(configDir().resolve("cluster/three-regions-direct.cluster"));
        assertEquals(101, lan.retransmitTimeoutMs());
        assertEquals(501, lan.recoveryTimeoutMs());
        assertEquals(11, lan.fastPathTimeoutMs(0));
    }

    @Test
    void shouldDeriveTheFastPathTimeoutFromTheNearestFastQuorumOfFive() throws Exception
    {
        final Path file = write(tempDir.resolve("five.cluster"), List.of(
            "cluster five",
            "cluster-id 5",
            "secret 00112233445566778899aabbccddeeff",
            "wan epaxos-5",
            "node 0 region CA endpoint 127.0.0.1:29400 client 127.0.0.1:29450 data n0",
            "node 1 region VA endpoint 127.0.0.1:29401 client 127.0.0.1:29451 data n1",
            "node 2 region EU endpoint 127.0.0.1:29402 client 127.0.0.1:29452 data n2",
            "node 3 region OR endpoint 127.0.0.1:29403 client 127.0.0.1:29453 data n3",
            "node 4 region JP endpoint 127.0.0.1:29404 client 127.0.0.1:29454 data n4"));
        final ClusterConfig config = ClusterConfig.load(file, configDir());

        // N = 5: fast quorum 3, so CA waits for its 2nd nearest peer: OR 21.127, VA 59.912 -> 74.89 -> 75 + 10.
        assertEquals(85, config.fastPathTimeoutMs(0));
        // EU: VA 70.505, OR 127.279 -> 159.1 -> 160 + 10.
        assertEquals(170, config.fastPathTimeoutMs(2));
        // Max RTT EU-JP 204.439.
        assertEquals(509, config.retransmitTimeoutMs());
        assertEquals(5, config.replicaConfig(4).replicaCount());
    }

    @Test
    void shouldDeclareKeyspacesAndClientSettings() throws Exception
    {
        final Path passwordFile = tempDir.resolve("clients.password");
        java.nio.file.Files.writeString(passwordFile, "  open sesame \n");
        final Path file = write(tempDir.resolve("x.cluster"), append(
            "keyspace accounts global",
            "keyspace kv global",
            "max-clients 10",
            "client-password-file clients.password"));
        final ClusterConfig config = ClusterConfig.load(file, configDir());

        assertEquals(List.of(Keyspace.global("accounts"), Keyspace.global("kv")), config.keyspaces());
        assertEquals(10, config.maxClients());
        assertEquals("open sesame", new String(config.clientPassword().orElseThrow()));
        assertEquals("accounts/k", new String(config.keyspaces().get(0).replicatedKey("k".getBytes())));
    }

    @Test
    void shouldHaveOneGlobalKeyspaceNamedKvAndNoClientPasswordByDefault() throws Exception
    {
        final ClusterConfig config = ClusterConfig.load(write(tempDir.resolve("x.cluster"), append()), configDir());
        assertEquals(List.of(Keyspace.global("kv")), config.keyspaces());
        assertEquals(ClusterConfig.DEFAULT_MAX_CLIENTS, config.maxClients());
        assertTrue(config.clientPassword().isEmpty());
        assertEquals(64, config.batchMaxCommands());
        assertEquals(new io.geo.epaxos.hydra.HydraNode.Batching(64, 1), config.hydraBatching());
    }

    @Test
    void shouldReadBatchingSettings() throws Exception
    {
        final ClusterConfig config = ClusterConfig.load(write(tempDir.resolve("x.cluster"), append(
            "batch-max-commands 200", "batch-in-flight 3")), configDir());
        assertEquals(200, config.batchMaxCommands());
        assertEquals(3, config.batchInFlight());
        assertEquals(new io.geo.epaxos.hydra.HydraNode.Batching(200, 3), config.hydraBatching());
        final ClusterConfig off = ClusterConfig.load(write(tempDir.resolve("y.cluster"), append(
            "batch-max-commands 1")), configDir());
        assertEquals(io.geo.epaxos.hydra.HydraNode.Batching.NONE, off.hydraBatching());
    }

    @Test
    void shouldUseExplicitTimeoutsLimitsAndSettings() throws Exception
    {
        final Path file = write(tempDir.resolve("x.cluster"), append(
            "fast-path-timeout-ms 0",
            "retransmit-timeout-ms 250",
            "recovery-timeout-ms 2000",
            "max-in-flight 100",
            "max-live-instances 1000",
            "stream 7",
            "term-length 64k",
            "durability none",
            "seed 42"));
        final ClusterConfig config = ClusterConfig.load(file, configDir());

        assertEquals(0, config.fastPathTimeoutMs(0));
        assertEquals(0, config.fastPathTimeoutMs(2));
        assertEquals(250, config.retransmitTimeoutMs());
        assertEquals(2000, config.recoveryTimeoutMs());
        assertEquals(7, config.streamId());
        assertEquals(64 * 1024, config.termLengthBytes());
        assertEquals(Durability.NONE, config.durability());

        final ReplicaConfig replica = config.replicaConfig(1);
        assertEquals(100, replica.maxInFlightCommands());
        assertEquals(1000, replica.maxLiveInstances());
        assertEquals(43, replica.randomSeed());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(2000), replica.recoveryTimeoutNs());
    }

    @Test
    void shouldApplyDefaults() throws Exception
    {
        final ClusterConfig config = ClusterConfig.load(write(tempDir.resolve("x.cluster"), VALID), configDir());

        assertEquals("test", config.name());
        assertEquals(7, config.clusterId());
        assertArrayEquals(HexFormat.of().parseHex("00112233445566778899aabbccddeeff"), config.secret());
        assertEquals(ClusterConfig.DEFAULT_STREAM_ID, config.streamId());
        assertEquals(1024 * 1024, config.termLengthBytes());
        assertEquals(Durability.SYNC, config.durability());
        assertEquals(1, config.seed());
        assertEquals(new ReplicaConfig().maxInFlightCommands(), config.maxInFlightCommands());
        assertEquals(new ReplicaConfig().maxLiveInstances(), config.maxLiveInstances());
        assertEquals(1, config.replicaConfig(0).randomSeed());
        assertEquals(3, config.replicaConfig(2).randomSeed());
        assertFalse(config.toString().contains("00112233445566778899aabbccddeeff"), config.toString());
    }

    @Test
    void shouldAcceptLinesInAnyOrderAndRegionsByAlias() throws Exception
    {
        final List<String> lines = new ArrayList<>(List.of(
            "node 2 region JP endpoint 127.0.0.1:29112 client 127.0.0.1:29412 data n2",
            "node 0 data n0 client 127.0.0.1:29410 endpoint 127.0.0.1:29110 region VA   # attributes in any order",
            "wan three-regions",
            "node 1 region EU endpoint 127.0.0.1:29111 client 127.0.0.1:29411 data n1",
            "",
            "cluster-id -3",
            "secret 00112233445566778899AABBCCDDEEFF",
            "cluster test"));
        final ClusterConfig config = ClusterConfig.load(write(tempDir.resolve("x.cluster"), lines), configDir());

        assertEquals(-3, config.clusterId());
        assertEquals("us-east-1", config.node(0).regionName());
        assertEquals(1, config.node(1).regionIndex());
        assertEquals(2, config.node(0).line());
    }

    @Test
    void shouldResolveRelativePathsAgainstTheConfigFolder() throws Exception
    {
        final Path configDir = configDir();
        final Path folder = tempDir.resolve("deploy/conf");
        write(tempDir.resolve("deploy/keys/s.hex"), List.of("# a test secret", "", "  0123456789abcdef0123456789ABCDEF  "));
        Files.createDirectories(tempDir.resolve("deploy/wan"));
        Files.copy(configDir.resolve("wan/three-regions.wan"), tempDir.resolve("deploy/wan/mine.wan"));
        Files.createDirectories(tempDir.resolve("deploy/relay"));
        Files.copy(configDir.resolve("relay/three-regions.relay"), tempDir.resolve("deploy/relay/r.relay"));

        final Path file = write(folder.resolve("x.cluster"), List.of(
            "cluster rel",
            "cluster-id 1",
            "secret-file ../keys/s.hex",
            "wan ../wan/mine.wan",
            "relay ../relay/r.relay",
            "node 0 region us-east-1 endpoint 127.0.0.1:29110 client 127.0.0.1:29410 data data/n0",
            "node 1 region eu-west-1 endpoint 127.0.0.1:29111 client 127.0.0.1:29411 data ../n1",
            "node 2 region ap-northeast-1 endpoint 127.0.0.1:29112 client 127.0.0.1:29412 data " +
                tempDir.resolve("abs/n2").toAbsolutePath()));
        // The relay file names its profile 'three-regions': found in the config dir, like the cluster's would be.
        final ClusterConfig config = ClusterConfig.load(file, configDir);

        final Path absoluteFolder = folder.toAbsolutePath().normalize();
        assertEquals(absoluteFolder.resolve("data/n0"), config.node(0).dataDir());
        assertEquals(absoluteFolder.getParent().resolve("n1"), config.node(1).dataDir());
        assertEquals(tempDir.resolve("abs/n2").toAbsolutePath().normalize(), config.node(2).dataDir());
        assertArrayEquals(HexFormat.of().parseHex("0123456789abcdef0123456789abcdef"), config.secret());
        assertEquals("three-regions", config.wanProfile().name());
        assertEquals(new InetSocketAddress("127.0.0.1", 29123), config.sendAddress(1, 2));
        assertFalse(Files.exists(absoluteFolder.resolve("data")), "loading creates no data folder");
    }

    @Test
    void shouldFindTheWanProfileByNameInTheParentOfTheConfigFolder() throws IOException, ClusterConfigException
    {
        Files.createDirectories(tempDir.resolve("wan"));
        Files.copy(configDir().resolve("wan/lan.wan"), tempDir.resolve("wan/lan.wan"));
        final Path file = write(tempDir.resolve("cluster/x.cluster"), replace(4, "wan lan"));

        assertEquals("lan", ClusterConfig.load(file).wanProfile().name());
    }

    @Test
    void shouldLoadThreeRegionsOfThreeNodesAsOneReplicaPerRegion() throws Exception
    {
        final ClusterConfig config = ClusterConfig.load(configDir().resolve("cluster/three-by-three.cluster"));

        assertTrue(config.hydra());
        assertEquals(9, config.nodeCount());
        assertEquals(3, config.regionCount());
        assertEquals("eu-west-1", config.regionName(1));
        assertEquals(List.of(config.node(3), config.node(4), config.node(5)), config.regionNodes(1));
        assertThrows(UnsupportedOperationException.class, () -> config.regionNodes(1).remove(0));
        assertThrows(IndexOutOfBoundsException.class, () -> config.regionNodes(3));
        assertThrows(IndexOutOfBoundsException.class, () -> config.regionName(-1));
        for (final ClusterNode node : config.nodes())
        {
            assertEquals(node.id() / 3, node.regionIndex(), node.toString());
            assertEquals(node.id() % 3, node.indexInRegion(), node.toString());
            assertEquals(config.regionName(node.regionIndex()), node.regionName());
        }
        assertEquals(List.of(Keyspace.global("kv"), Keyspace.regional("local_us", "us-east-1")), config.keyspaces());

        final ReplicaConfig replica = config.replicaConfig(7);
        assertEquals(2, replica.replicaId());
        assertEquals(3, replica.replicaCount());
        assertEquals(1 + 2, replica.randomSeed());
        // lan: 1.25 x 0.2 ms -> 1 + 10 ms, + 5 ms for the region log rounds; 2 x 0.2 -> 1 + 100; 4 x 0.2 -> 1 + 500.
        assertEquals(TimeUnit.MILLISECONDS.toNanos(16), replica.fastPathTimeoutNs());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(101), replica.retransmitTimeoutNs());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(501), replica.recoveryTimeoutNs());

        final RegionLogConfig log = config.regionLogConfig(7);
        assertEquals(1, log.nodeId());
        assertEquals(3, log.nodeCount());
        assertEquals(1 + 7, log.randomSeed());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(ClusterConfig.REGION_LOG_ELECTION_TIMEOUT_MS),
            log.electionTimeoutNs());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(ClusterConfig.REGION_LOG_HEARTBEAT_MS), log.heartbeatIntervalNs());
        // a batch of entries fits in one message between nodes (the codec's fixed fields take under 128 bytes)
        assertEquals(config.maxMessageBytes() - io.geo.router.transport.FrameCodec.HEADER_LENGTH - 128,
            log.maxBatchBytes());
        assertEquals(log.maxBatchBytes(), log.maxPayloadBytes());
        // every EPaxos frame the transport lets through fits in one entry: its message and a kind byte
        assertEquals(log.maxPayloadBytes(),
            config.maxReplicaFrameBytes() - io.geo.router.transport.FrameCodec.HEADER_LENGTH + 1);
        // a command leaves room for 16 KiB of other fields and deps (2,000 deps) at the default term length
        assertEquals(config.maxReplicaFrameBytes() - io.geo.router.transport.FrameCodec.HEADER_LENGTH - 16 * 1024,
            config.maxCommandBytes());
        assertEquals(0, config.regionLogConfig(6).nodeId());
        assertEquals(2, config.regionLogConfig(8).nodeId());
        assertThrows(IndexOutOfBoundsException.class, () -> config.regionLogConfig(9));
    }

    @Test
    void shouldGiveEveryNodeOfARegionEqualReplicaSettings() throws Exception
    {
        final List<String> lines = new ArrayList<>(regionGroups("three-regions", 3, "VA", "EU", "JP"));
        lines.add("seed 40");
        final ClusterConfig config = ClusterConfig.load(write(tempDir.resolve("x.cluster"), lines), configDir());

        for (int region = 0; region < config.regionCount(); region++)
        {
            final List<ClusterNode> nodes = config.regionNodes(region);
            assertEquals(3, nodes.size());
            final List<Object> expected = settings(config.replicaConfig(nodes.get(0).id()));
            assertEquals(region, expected.get(0));
            assertEquals(40L + region, expected.get(2));
            for (final ClusterNode node : nodes)
            {
                assertEquals(expected, settings(config.replicaConfig(node.id())), node.toString());
                assertEquals(40L + node.id(), config.regionLogConfig(node.id()).randomSeed());
            }
        }
    }

    @Test
    void shouldDeriveTheFastPathTimeoutPerRegionWithTheRegionLogMargin() throws Exception
    {
        final ClusterConfig config = ClusterConfig.load(
            write(tempDir.resolve("x.cluster"), regionGroups("three-regions", 3, "VA", "EU", "JP")), configDir());

        // As for one node per region (VA 99, EU 99, JP 201: the nearest other region), + 5 ms, on every node.
        for (int node = 0; node < 3; node++)
        {
            assertEquals(104, config.fastPathTimeoutMs(node));
            assertEquals(104, config.fastPathTimeoutMs(node + 3));
            assertEquals(206, config.fastPathTimeoutMs(node + 6));
        }
        assertEquals(TimeUnit.MILLISECONDS.toNanos(206), config.replicaConfig(8).fastPathTimeoutNs());
        assertEquals(509, config.retransmitTimeoutMs());
        assertEquals(1318, config.recoveryTimeoutMs());

        final List<String> explicit = new ArrayList<>(regionGroups("three-regions", 3, "VA", "EU", "JP"));
        explicit.add("fast-path-timeout-ms 50");
        final ClusterConfig overridden = ClusterConfig.load(write(tempDir.resolve("y.cluster"), explicit), configDir());
        assertEquals(50, overridden.fastPathTimeoutMs(8));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(50), overridden.replicaConfig(0).fastPathTimeoutNs());
    }

    @Test
    void shouldRankNodesInTheirRegionByIdWhateverTheLineOrderAndRegionSizes() throws Exception
    {
        // us-east-1: nodes 1, 4, 5 (3 nodes); eu-west-1: node 0; ap-northeast-1: nodes 2, 3, 6, 7, 8 (5 nodes).
        final List<String> lines = new ArrayList<>(VALID.subList(0, 4));
        lines.add(node(8, "JP"));
        lines.add(node(5, "us-east-1"));
        lines.add(node(0, "EU"));
        lines.add(node(3, "JP"));
        lines.add(node(1, "VA"));
        lines.add(node(7, "JP"));
        lines.add(node(4, "VA"));
        lines.add(node(2, "JP"));
        lines.add(node(6, "JP"));
        final ClusterConfig config = ClusterConfig.load(write(tempDir.resolve("x.cluster"), lines), configDir());

        assertTrue(config.hydra());
        assertEquals(List.of(config.node(1), config.node(4), config.node(5)), config.regionNodes(0));
        assertEquals(List.of(config.node(0)), config.regionNodes(1));
        assertEquals(List.of(2, 3, 6, 7, 8), config.regionNodes(2).stream().map(ClusterNode::id).toList());
        assertEquals(2, config.node(5).indexInRegion());
        assertEquals(0, config.node(0).indexInRegion());
        assertEquals(3, config.node(7).indexInRegion());
        assertEquals(5, config.regionLogConfig(7).nodeCount());
        assertEquals(3, config.regionLogConfig(7).nodeId());
        assertEquals(1, config.regionLogConfig(0).nodeCount());
        assertEquals(0, config.regionLogConfig(0).nodeId());
        assertEquals(1, config.replicaConfig(0).replicaId());
        assertEquals(6, config.node(5).line());
    }

    @Test
    void shouldMakeARegionalKeyspaceAHydraConfigEvenWithOneNodePerRegion() throws Exception
    {
        final ClusterConfig config = ClusterConfig.load(
            write(tempDir.resolve("x.cluster"), append("keyspace shared global", "keyspace eu_only regional:EU")),
            configDir());

        assertTrue(config.hydra());
        final Keyspace regional = config.keyspaces().get(1);
        assertEquals(Keyspace.regional("eu_only", "eu-west-1"), regional);
        assertTrue(regional.isRegional());
        assertEquals(Keyspace.Scope.REGIONAL, regional.scope());
        assertEquals("eu-west-1", regional.region());
        assertFalse(config.keyspaces().get(0).isRegional());
        assertNull(config.keyspaces().get(0).region());
        for (int node = 0; node < 3; node++)
        {
            assertEquals(node, config.replicaConfig(node).replicaId());
            assertEquals(0, config.node(node).indexInRegion());
            assertEquals(1, config.regionLogConfig(node).nodeCount());
            assertEquals(0, config.regionLogConfig(node).nodeId());
        }
        // 99 + 5 ms for the region log rounds.
        assertEquals(104, config.fastPathTimeoutMs(0));
    }

    @Test
    void shouldKeepAFlatConfigFlat() throws Exception
    {
        final ClusterConfig config = ClusterConfig.load(write(tempDir.resolve("x.cluster"), VALID), configDir());

        assertFalse(config.hydra());
        assertEquals(3, config.regionCount());
        for (final ClusterNode node : config.nodes())
        {
            assertEquals(0, node.indexInRegion());
            assertEquals(List.of(node), config.regionNodes(node.regionIndex()));
        }
        assertEquals(99, config.fastPathTimeoutMs(0));
        assertEquals(201, config.fastPathTimeoutMs(2));
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> config.regionLogConfig(0));
        assertTrue(ex.getMessage().contains("flat"), ex.getMessage());
    }

    @Test
    void shouldRequireARegionForARegionalKeyspaceOnly()
    {
        assertThrows(IllegalArgumentException.class, () -> new Keyspace("x", Keyspace.Scope.REGIONAL));
        assertThrows(IllegalArgumentException.class, () -> new Keyspace("x", Keyspace.Scope.GLOBAL, "us-east-1"));
        assertEquals(Keyspace.global("x"), new Keyspace("x", Keyspace.Scope.GLOBAL));
    }

    /** Every setting of a replica config, in a list that compares by value (ReplicaConfig has no equals). */
    private static List<Object> settings(final ReplicaConfig config)
    {
        return List.of(
            config.replicaId(),
            config.replicaCount(),
            config.randomSeed(),
            config.retransmitTimeoutNs(),
            config.fastPathTimeoutNs(),
            config.recoveryTimeoutNs(),
            config.gcIntervalNs(),
            config.maxOpsPerCommand(),
            config.maxKeyBytes(),
            config.maxValueBytes(),
            config.maxCommandBytes(),
            config.maxInFlightCommands(),
            config.maxLiveInstances(),
            config.maxTrackedInstances(),
            config.maxRecoveriesPerTick());
    }
}
