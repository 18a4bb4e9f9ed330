package io.geo.router.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.geo.router.config.ClusterTestConfig.VALID;
import static io.geo.router.config.ClusterTestConfig.append;
import static io.geo.router.config.ClusterTestConfig.configDir;
import static io.geo.router.config.ClusterTestConfig.node;
import static io.geo.router.config.ClusterTestConfig.regionGroups;
import static io.geo.router.config.ClusterTestConfig.replace;
import static io.geo.router.config.ClusterTestConfig.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every validation error is one line naming the file, the line (when one is at fault) and the bad value. */
class ClusterConfigErrorsTest
{
    private static final String NODE_0 = "node 0 region us-east-1 endpoint 127.0.0.1:29110 client 127.0.0.1:29410 data n0";
    private static final String NODE_1 = "node 1 region eu-west-1 endpoint 127.0.0.1:29111 client 127.0.0.1:29411 data n1";
    private static final String NODE_2 =
        "node 2 region ap-northeast-1 endpoint 127.0.0.1:29112 client 127.0.0.1:29412 data n2";

    @TempDir
    Path tempDir;

    static Stream<Arguments> lineErrors()
    {
        return Stream.of(
            arguments("unknown key", append("frobnicate 3"), 8, List.of("unknown key 'frobnicate'", "expected one of")),
            arguments("keyspace without scope", append("keyspace accounts"), 8,
                List.of("malformed keyspace line 'keyspace accounts'", "keyspace <name> global|regional:<region>")),
            arguments("keyspace with a bad name", append("keyspace Accounts global"), 8,
                List.of("keyspace name 'Accounts' is not valid", "lower-case")),
            arguments("keyspace declared twice", append("keyspace kv global", "keyspace kv global"), 9,
                List.of("keyspace 'kv' declared twice", "line 8")),
            arguments("regional scope with a space before the region", append("keyspace local regional us-east-1"), 8,
                List.of("malformed scope 'regional' of keyspace 'local'", "expected 'regional:<region>'")),
            arguments("regional scope without a region", append("keyspace local regional:"), 8,
                List.of("malformed scope 'regional:' of keyspace 'local'", "expected 'regional:<region>'")),
            arguments("regional scope with two colons", append("keyspace local regional:VA:EU"), 8,
                List.of("malformed scope 'regional:VA:EU'")),
            arguments("regional scope misspelt", append("keyspace local regionalVA"), 8,
                List.of("malformed scope 'regionalVA'")),
            arguments("regional keyspace with an extra word", append("keyspace local regional:VA now"), 8,
                List.of("malformed keyspace line 'keyspace local regional:VA now'")),
            arguments("regional keyspace of an unknown region", append("keyspace local regional:mars"), 8,
                List.of("keyspace 'local': unknown region 'mars' in WAN profile 'three-regions'",
                    "known: us-east-1 (VA), eu-west-1 (EU), ap-northeast-1 (JP)")),
            arguments("unknown keyspace scope", append("keyspace kv everywhere"), 8,
                List.of("malformed keyspace line 'keyspace kv everywhere'")),
            arguments("max-clients out of range", append("max-clients 0"), 8, List.of("max-clients", "'0'")),
            arguments("batch-max-commands out of range", append("batch-max-commands 5000"), 8,
                List.of("batch-max-commands", "'5000'")),
            arguments("batch-in-flight out of range", append("batch-in-flight 0"), 8,
                List.of("batch-in-flight", "'0'")),
            arguments("missing client password file", append("client-password-file nope.txt"), 8,
                List.of("cannot read client password file 'nope.txt'")),
            arguments("second cluster line", append("cluster again"), 8, List.of("second cluster line", "line 1")),
            arguments("malformed single-valued line", replace(2, "cluster-id 1 2"), 2,
                List.of("malformed cluster-id line 'cluster-id 1 2'")),
            arguments("bad cluster name", replace(1, "cluster -x"), 1, List.of("bad cluster name '-x'")),
            arguments("cluster id not an integer", replace(2, "cluster-id 1.5"), 2,
                List.of("cluster-id is not an integer: '1.5'")),
            arguments("cluster id out of int64", replace(2, "cluster-id 9223372036854775808"), 2,
                List.of("cluster-id is out of range: '9223372036854775808'")),
            arguments("duplicate node id", replace(6, NODE_1.replace("node 1", "node 0")), 6,
                List.of("duplicate node id '0'", "line 5")),
            arguments("node id out of range", replace(7, NODE_2.replace("node 2", "node 99")), 7,
                List.of("node id must be within [0, 98]: '99'")),
            arguments("gap in node ids", replace(7, NODE_2.replace("node 2", "node 3")), 7,
                List.of("node id '3' leaves a gap", "missing: 2")),
            arguments("duplicate endpoint", replace(6, NODE_1.replace("29111", "29110")), 6,
                List.of("address '127.0.0.1:29110' is already used on line 5")),
            arguments("client equal to another node's endpoint", replace(6, NODE_1.replace("29411", "29110")), 6,
                List.of("address '127.0.0.1:29110' is already used on line 5")),
            arguments("port out of range", replace(5, NODE_0.replace("29110", "70000")), 5,
                List.of("bad port in endpoint address '127.0.0.1:70000'", "1..65535")),
            arguments("port 0", replace(5, NODE_0.replace("29410", "0")), 5,
                List.of("bad port in client address '127.0.0.1:0'")),
            arguments("host name instead of an IPv4 literal", replace(5, NODE_0.replace("127.0.0.1:29110", "localhost:1")),
                5, List.of("bad endpoint address 'localhost:1'")),
            arguments("bad octet", replace(5, NODE_0.replace("127.0.0.1:29110", "127.0.0.256:1")), 5,
                List.of("bad endpoint address '127.0.0.256:1'", "256")),
            arguments("unknown region", replace(6, NODE_1.replace("eu-west-1", "eu-wset-1")), 6,
                List.of("unknown region 'eu-wset-1'", "known: us-east-1 (VA), eu-west-1 (EU), ap-northeast-1 (JP)")),
            arguments("malformed node line", replace(5, "node 0 region us-east-1 endpoint 127.0.0.1:29110"), 5,
                List.of("malformed node line", "expected 'node <id> region <region>")),
            arguments("unknown node attribute", replace(5, NODE_0.replace("client", "clients")), 5,
                List.of("unknown attribute 'clients'")),
            arguments("duplicate node attribute", replace(5, NODE_0.replace("client", "endpoint")), 5,
                List.of("duplicate attribute 'endpoint'")),
            arguments("shared data folder", replace(6, NODE_1.replace("data n1", "data ./n0")), 6,
                List.of("data folder './n0'", "already used on line 5")),
            arguments("secret not hex", replace(3, "secret 0011223344556677889zaabbccddeeff"), 3,
                List.of("malformed secret: character 'z' at position 20")),
            arguments("secret too short", replace(3, "secret 00112233445566778899aabbccddee"), 3,
                List.of("malformed secret: '30' hex digits", "head -c 32 /dev/urandom | xxd -p -c 64")),
            arguments("secret of odd length", replace(3, "secret 00112233445566778899aabbccddeeff0"), 3,
                List.of("malformed secret: an odd number of hex digits '33'")),
            arguments("secret and secret-file", append("secret-file dev.hex"), 8,
                List.of("both secret and secret-file lines (secret on line 3)")),
            arguments("missing secret file", replace(3, "secret-file nowhere.hex"), 3,
                List.of("secret file 'nowhere.hex' not found")),
            arguments("unknown WAN profile", replace(4, "wan three-regoins"), 4,
                List.of("unknown WAN profile 'three-regoins'", "three-regions")),
            arguments("missing WAN profile file", replace(4, "wan ./nowhere.wan"), 4,
                List.of("WAN profile", "nowhere.wan", "no such WAN profile file")),
            arguments("stream 0", append("stream 0"), 8, List.of("stream must be within [1, 2147483647]: '0'")),
            arguments("term length not a power of two", append("term-length 1000000"), 8,
                List.of("term-length must be a power of two within 64k..16m", "'1000000'")),
            arguments("term length too large", append("term-length 32m"), 8, List.of("'32m'")),
            arguments("bad durability", append("durability fast"), 8,
                List.of("durability must be sync or none: 'fast'")),
            arguments("negative timeout", append("retransmit-timeout-ms -5"), 8,
                List.of("retransmit-timeout-ms must be within [1, 600000]: '-5'")),
            arguments("timeout too long", append("recovery-timeout-ms 600001"), 8,
                List.of("recovery-timeout-ms must be within [1, 600000]: '600001'")),
            arguments("live instances below in-flight (ReplicaConfig)", append("max-live-instances 100"), 8,
                List.of("max-live-instances '100' rejected", "maxLiveInstances=100", ">= maxInFlightCommands")),
            arguments("live instances above 65535 (ReplicaConfig)", append("max-live-instances 70000"), 8,
                List.of("max-live-instances '70000' rejected", "<= 65535")),
            arguments("in-flight 0 (ReplicaConfig)", append("max-in-flight 0"), 8,
                List.of("max-in-flight '0' rejected", "maxInFlightCommands=0")),
            arguments("line too long", append("# " + "x".repeat(9000)), 8, List.of("longer than the limit of 8192")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lineErrors")
    void shouldNameTheFileTheLineAndTheBadValue(
        final String name, final List<String> lines, final int line, final List<String> fragments)
    {
        final Path file = write(tempDir.resolve("bad.cluster"), lines);
        final ClusterConfigException ex = assertThrows(
            ClusterConfigException.class, () -> ClusterConfig.load(file, configDir()), name);

        final String message = ex.getMessage();
        assertTrue(message.startsWith(file + ":" + line + ": "), message);
        assertEquals(line, ex.lineNumber());
        assertEquals(file.toString(), ex.file());
        assertFalse(message.contains("\n"), message);
        for (final String fragment : fragments)
        {
            assertTrue(message.contains(fragment), "expected '" + fragment + "' in: " + message);
        }
    }

    static Stream<Arguments> fileErrors()
    {
        return Stream.of(
            arguments("missing cluster line", replace(1, null), List.of("missing cluster line", "cluster <name>")),
            arguments("missing cluster-id line", replace(2, null), List.of("missing cluster-id line")),
            arguments("missing secret", replace(3, null), List.of("no secret", "secret-file <path>")),
            arguments("missing wan line", replace(4, null), List.of("missing wan line")),
            arguments("no nodes", VALID.subList(0, 4), List.of("no node lines")),
            arguments("even node count", replace(7, null), List.of("2 nodes: the node count must be odd")),
            arguments("node count not the region count", List.of(
                    "cluster test", "cluster-id 7", "secret 00112233445566778899aabbccddeeff", "wan epaxos-5",
                    "node 0 region CA endpoint 127.0.0.1:29400 client 127.0.0.1:29450 data n0",
                    "node 1 region VA endpoint 127.0.0.1:29401 client 127.0.0.1:29451 data n1",
                    "node 2 region EU endpoint 127.0.0.1:29402 client 127.0.0.1:29452 data n2"),
                List.of("3 nodes for the 5 regions of WAN profile 'epaxos-5'", "no node in us-west-2, ap-northeast-1")),
            arguments("two nodes in one region", replace(6, NODE_1.replace("eu-west-1", "VA")),
                List.of("region 'us-east-1' has 2 nodes (node 0 on line 5, node 1 on line 6)",
                    "a region group needs 1, 3, 5 or 7 nodes")),
            arguments("four nodes in one region", regionGroups("three-regions", 4, "VA", "EU", "JP"),
                List.of("region 'us-east-1' has 4 nodes (node 0 on line 5, node 1 on line 6, node 2 on line 7, " +
                    "node 3 on line 8)", "1, 3, 5 or 7")),
            arguments("nine nodes in one region", regionGroups("three-regions", 9, "VA", "EU", "JP"),
                List.of("region 'us-east-1' has 9 nodes (node 0 on line 5, ", "node 7 on line 12 and 1 more)",
                    "1, 3, 5 or 7")),
            arguments("a region without nodes next to region groups", regionGroups("three-regions", 3, "VA", "EU"),
                List.of("6 nodes for the 3 regions of WAN profile 'three-regions'",
                    "every region needs at least one node (no node in ap-northeast-1)")),
            arguments("in-flight above the default live instances", append("max-in-flight 61000"),
                List.of("max-live-instances (default) rejected", "maxLiveInstances=60000")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fileErrors")
    void shouldNameTheFileWhenNoLineIsAtFault(final String name, final List<String> lines, final List<String> fragments)
    {
        final Path file = write(tempDir.resolve("bad.cluster"), lines);
        final ClusterConfigException ex = assertThrows(
            ClusterConfigException.class, () -> ClusterConfig.load(file, configDir()), name);

        final String message = ex.getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        assertEquals(ClusterConfigException.NO_LINE, ex.lineNumber());
        for (final String fragment : fragments)
        {
            assertTrue(message.contains(fragment), "expected '" + fragment + "' in: " + message);
        }
    }

    @Test
    void shouldNeverPrintTheSecret()
    {
        final String secret = "00112233445566778899aabbccddeeff0";
        final Path file = write(tempDir.resolve("bad.cluster"), replace(3, "secret " + secret));
        final ClusterConfigException ex =
            assertThrows(ClusterConfigException.class, () -> ClusterConfig.load(file, configDir()));

        assertFalse(ex.getMessage().contains(secret.substring(0, 16)), ex.getMessage());
    }

    @Test
    void shouldReportAMalformedSecretFileWithItsLine()
    {
        write(tempDir.resolve("s.hex"), List.of("# comment", "not-hex-at-all-0123456789abcdef0123"));
        final Path file = write(tempDir.resolve("bad.cluster"), replace(3, "secret-file s.hex"));
        final ClusterConfigException ex =
            assertThrows(ClusterConfigException.class, () -> ClusterConfig.load(file, configDir()));

        assertTrue(ex.getMessage().startsWith(file + ":3: secret file 's.hex' line 2: malformed secret: " +
            "character 'n' at position 1"), ex.getMessage());
    }

    @Test
    void shouldRejectNodeEndpointsThatDifferFromTheRelays()
    {
        final Path relay = configDir().resolve("relay/three-regions.relay").toAbsolutePath();
        final List<String> lines = new ArrayList<>(List.of("relay " + relay));
        lines.addAll(replace(6, NODE_1.replace("29111", "29401")));
        final Path file = write(tempDir.resolve("bad.cluster"), lines);

        final ClusterConfigException ex =
            assertThrows(ClusterConfigException.class, () -> ClusterConfig.load(file, configDir()));
        assertTrue(ex.getMessage().startsWith(file + ":7: endpoint '127.0.0.1:29401' of node 1 differs from the " +
            "endpoint of region eu-west-1 in the relay config, '127.0.0.1:29111' (" + relay + ":15)"),
            ex.getMessage());
    }

    @Test
    void shouldRejectARelayOfAnotherWanProfile()
    {
        final Path relay = configDir().resolve("relay/three-regions.relay").toAbsolutePath();
        final List<String> lines = new ArrayList<>(replace(4, "wan lan"));
        lines.add("relay " + relay);
        final Path file = write(tempDir.resolve("bad.cluster"), lines);

        final ClusterConfigException ex =
            assertThrows(ClusterConfigException.class, () -> ClusterConfig.load(file, configDir()));
        assertTrue(ex.getMessage().startsWith(file + ":8: relay config"), ex.getMessage());
        assertTrue(ex.getMessage().contains("emulates WAN profile 'three-regions'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("names 'lan'"), ex.getMessage());
    }

    @Test
    void shouldRejectAClientAddressTheRelayListensOn()
    {
        final Path relay = configDir().resolve("relay/three-regions.relay").toAbsolutePath();
        final List<String> lines = new ArrayList<>(replace(6, NODE_1.replace("29411", "29122")));
        lines.add("relay " + relay);
        final Path file = write(tempDir.resolve("bad.cluster"), lines);

        final ClusterConfigException ex =
            assertThrows(ClusterConfigException.class, () -> ClusterConfig.load(file, configDir()));
        assertTrue(ex.getMessage().startsWith(file + ":6: client address '127.0.0.1:29122' of node 1 is the " +
            "relay's listen address of link eu-west-1 -> us-east-1"), ex.getMessage());
    }

    @Test
    void shouldRejectAnEvenRegionCount()
    {
        write(tempDir.resolve("four.wan"), List.of(
            "profile four",
            "regions us-east-1 eu-west-1 ap-northeast-1 sa-east-1",
            "default rttMs=1 jitterMs=0"));
        final List<String> lines = new ArrayList<>(replace(4, "wan four.wan"));
        lines.add(node(3, "sa-east-1"));
        final Path file = write(tempDir.resolve("bad.cluster"), lines);

        final ClusterConfigException ex =
            assertThrows(ClusterConfigException.class, () -> ClusterConfig.load(file, configDir()));
        assertEquals(ClusterConfigException.NO_LINE, ex.lineNumber());
        assertTrue(ex.getMessage().startsWith(file + ": 4 regions in WAN profile 'four': the region count must be " +
            "odd"), ex.getMessage());
    }

    @Test
    void shouldRejectRegionGroupsBehindTheRelay()
    {
        final Path relay = configDir().resolve("relay/three-regions.relay").toAbsolutePath();
        final List<String> lines = new ArrayList<>(List.of("relay " + relay));
        lines.addAll(append(node(3, "VA"), node(4, "VA")));
        final Path file = write(tempDir.resolve("bad.cluster"), lines);

        final ClusterConfigException ex =
            assertThrows(ClusterConfigException.class, () -> ClusterConfig.load(file, configDir()));
        assertTrue(ex.getMessage().startsWith(file + ":9: node 3 is in region 'us-east-1' like node 0 (line 6): " +
            "region groups cannot go through the relay (relay line 1)"), ex.getMessage());
        assertTrue(ex.getMessage().contains("drop the relay line"), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
    }

    @Test
    void shouldAcceptARegionalKeyspaceBehindTheRelayWithOneNodePerRegion() throws Exception
    {
        final Path relay = configDir().resolve("relay/three-regions.relay").toAbsolutePath();
        final List<String> lines = new ArrayList<>(List.of("relay " + relay));
        lines.addAll(append("keyspace jp regional:JP"));

        final ClusterConfig config = ClusterConfig.load(write(tempDir.resolve("ok.cluster"), lines), configDir());
        assertTrue(config.hydra());
        assertEquals("ap-northeast-1", config.keyspaces().get(0).region());
    }

    @Test
    void shouldReportAMissingFileWithoutALine()
    {
        final Path file = tempDir.resolve("none.cluster");
        final ClusterConfigException ex = assertThrows(ClusterConfigException.class, () -> ClusterConfig.load(file));
        assertEquals(file + ": no such cluster config file", ex.getMessage());
    }
}
