package io.geo.router.config;

import io.geo.epaxos.regionlog.RegionLogConfig;
import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.router.storage.Durability;
import io.geo.wan.WanProfile;
import io.geo.wan.WanProfileException;
import io.geo.wan.relay.RelayConfig;
import io.geo.wan.relay.RelayConfigException;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and validates the lines of one {@code .cluster} file (format: {@code docs/cluster-config.md}). Lines may
 * come in any order: each line is checked on its own as it is read, then {@link #build()} checks the whole (nodes
 * against the WAN profile and the relay, the replica settings of every node). Every error is a
 * {@link ClusterConfigException} naming the file, the line and the bad value. Single use, not thread-safe.
 */
final class ClusterConfigParser
{
    static final int MAX_LINE_LENGTH = 8192;
    static final long MAX_SECRET_FILE_BYTES = 64 * 1024;
    /** Largest node id: {@link ReplicaConfig} allows at most 99 replicas. */
    static final int MAX_NODE_ID = 98;

    private static final String NODE_SYNTAX =
        "node <id> region <region> endpoint <address>:<port> client <address>:<port> data <dir>";
    private static final String MAKE_SECRET = "head -c 32 /dev/urandom | xxd -p -c 64";
    private static final String ADDRESS_RULE = "expected <IPv4 address>:<port>, such as 127.0.0.1:29400";
    private static final int QUOTE_LENGTH_MAX = 80;
    private static final int MISSING_SHOWN_MAX = 3;

    /** The keys that take one value, with their syntax, in the order the docs list them. */
    private static final Map<String, String> SYNTAX_BY_KEY = new LinkedHashMap<>();

    static
    {
        SYNTAX_BY_KEY.put("cluster", "cluster <name>");
        SYNTAX_BY_KEY.put("cluster-id", "cluster-id <integer>");
        SYNTAX_BY_KEY.put("secret", "secret <hex digits>");
        SYNTAX_BY_KEY.put("secret-file", "secret-file <path>");
        SYNTAX_BY_KEY.put("wan", "wan <profile name or path to a .wan file>");
        SYNTAX_BY_KEY.put("relay", "relay <path to a .relay file>");
        SYNTAX_BY_KEY.put("stream", "stream <integer>");
        SYNTAX_BY_KEY.put("term-length", "term-length <bytes, or with suffix k or m>");
        SYNTAX_BY_KEY.put("durability", "durability sync|none");
        SYNTAX_BY_KEY.put("fast-path-timeout-ms", "fast-path-timeout-ms <ms>");
        SYNTAX_BY_KEY.put("retransmit-timeout-ms", "retransmit-timeout-ms <ms>");
        SYNTAX_BY_KEY.put("recovery-timeout-ms", "recovery-timeout-ms <ms>");
        SYNTAX_BY_KEY.put("max-in-flight", "max-in-flight <integer>");
        SYNTAX_BY_KEY.put("max-live-instances", "max-live-instances <integer>");
        SYNTAX_BY_KEY.put("seed", "seed <integer>");
        SYNTAX_BY_KEY.put("max-clients", "max-clients <integer>");
        SYNTAX_BY_KEY.put("idle-max-park-us", "idle-max-park-us <microseconds>");
        SYNTAX_BY_KEY.put("client-password-file", "client-password-file <path>");
        SYNTAX_BY_KEY.put("snapshot-every-slots", "snapshot-every-slots <integer>");
        SYNTAX_BY_KEY.put("batch-max-commands", "batch-max-commands <integer>");
        SYNTAX_BY_KEY.put("batch-in-flight", "batch-in-flight <integer>");
    }

    private static final String KEYSPACE_SYNTAX = "keyspace <name> global|regional:<region>";
    private static final String REGIONAL_SCOPE = "regional";
    /** Node counts a region log accepts ({@link RegionLogConfig#conclude()}): a majority of 2F + 1 nodes. */
    private static final String REGION_GROUP_SIZES = "1, 3, 5 or 7";
    private static final int MAX_REGION_GROUP_NODES = 7;
    private static final int REGION_GROUP_SHOWN_MAX = 8;
    static final int MAX_KEYSPACES = 256;
    static final int MAX_CLIENTS_LIMIT = 65_536;

    /** {@link ReplicaConfig}'s setting names (in its error messages) to the keys of this format. */
    private static final Map<String, String> KEY_BY_REPLICA_SETTING = Map.of(
        "retransmitTimeoutNs", "retransmit-timeout-ms",
        "fastPathTimeoutNs", "fast-path-timeout-ms",
        "recoveryTimeoutNs", "recovery-timeout-ms",
        "maxInFlightCommands", "max-in-flight",
        "maxLiveInstances", "max-live-instances");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ADDRESS =
        Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3}):(\\d{1,12})");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,19}");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})([kKmM]?)");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final String source;
    private final Path folder;
    private final Path configDir;

    /** Line of each single-valued key given so far, to reject a second one and to name it in later errors. */
    private final HashMap<String, Integer> lineByKey = new HashMap<>();
    private final HashMap<String, String> valueByKey = new HashMap<>();

    private String name;
    private long clusterId;
    private byte[] secret;
    private WanProfile wanProfile;
    private RelayConfig relay;
    private int streamId = ClusterConfig.DEFAULT_STREAM_ID;
    private int termLengthBytes = ClusterConfig.DEFAULT_TERM_LENGTH_BYTES;
    private Durability durability = Durability.SYNC;
    private long fastPathTimeoutMs = -1;
    private long retransmitTimeoutMs = -1;
    private long recoveryTimeoutMs = -1;
    private int maxInFlightCommands = new ReplicaConfig().maxInFlightCommands();
    private int maxLiveInstances = new ReplicaConfig().maxLiveInstances();
    private long seed = ClusterConfig.DEFAULT_SEED;
    private int maxClients = ClusterConfig.DEFAULT_MAX_CLIENTS;
    private long idleMaxParkUs = ClusterConfig.DEFAULT_IDLE_MAX_PARK_US;
    private long snapshotEverySlots = ClusterConfig.DEFAULT_SNAPSHOT_EVERY_SLOTS;
    private int batchMaxCommands = ClusterConfig.DEFAULT_BATCH_MAX_COMMANDS;
    private int batchInFlight = ClusterConfig.DEFAULT_BATCH_IN_FLIGHT;
    private byte[] clientPassword;
    private final ArrayList<KeyspaceLine> keyspaceLines = new ArrayList<>();
    private final HashMap<String, Integer> lineByKeyspace = new HashMap<>();

    private final ArrayList<NodeLine> nodeLines = new ArrayList<>();
    private final HashMap<Integer, NodeLine> nodeLineById = new HashMap<>();
    /** Endpoint and client addresses to the line that uses them, to reject the same address twice. */
    private final HashMap<InetSocketAddress, Integer> lineByAddress = new HashMap<>();
    private final HashMap<Path, Integer> lineByDataDir = new HashMap<>();

    /** A node line as read, before its region is looked up in the WAN profile (which may come later). */
    private record NodeLine(
        int id, String region, InetSocketAddress endpoint, InetSocketAddress client, Path dataDir, int line)
    {
    }

    /** A keyspace line as read; a regional one's region (null for global) is looked up in build(), as for nodes. */
    private record KeyspaceLine(String name, String region, int line)
    {
    }

    /**
     * @param source    the file as the user named it, for messages.
     * @param folder    the config file's folder (absolute): relative paths are resolved against it.
     * @param configDir the config directory holding {@code wan/}; may be null.
     */
    ClusterConfigParser(final String source, final Path folder, final Path configDir)
    {
        this.source = source;
        this.folder = folder;
        this.configDir = configDir;
    }

    ClusterConfig parse(final List<String> lines) throws ClusterConfigException
    {
        for (int i = 0; i < lines.size(); i++)
        {
            parseLine(lines.get(i), i + 1);
        }

        return build();
    }

    private void parseLine(final String line, final int lineNumber) throws ClusterConfigException
    {
        if (line.length() > MAX_LINE_LENGTH)
        {
            throw error(lineNumber, "line of " + line.length() + " characters is longer than the limit of " +
                MAX_LINE_LENGTH);
        }

        final int commentStart = line.indexOf('#');
        final String content = (commentStart >= 0 ? line.substring(0, commentStart) : line).strip();
        if (content.isEmpty())
        {
            return;
        }

        final String[] tokens = WHITESPACE.split(content);
        final String key = tokens[0];
        if ("node".equals(key))
        {
            parseNode(tokens, lineNumber);
            return;
        }
        if ("keyspace".equals(key))
        {
            parseKeyspace(tokens, lineNumber);
            return;
        }

        final String syntax = SYNTAX_BY_KEY.get(key);
        if (null == syntax)
        {
            throw error(lineNumber, "unknown key " + quote(key) + " in line " + quote(content) + ": expected one of " +
                String.join(", ", SYNTAX_BY_KEY.keySet()) + ", keyspace or node");
        }
        if (tokens.length != 2)
        {
            throw error(lineNumber, "malformed " + key + " line " + quote(content) + ": expected '" + syntax + "'");
        }
        final Integer earlier = lineByKey.get(key);
        if (null != earlier)
        {
            throw error(lineNumber, "second " + key + " line (the first is line " + earlier + ")");
        }
        final String other = "secret".equals(key) ? "secret-file" : "secret-file".equals(key) ? "secret" : null;
        if (null != other && lineByKey.containsKey(other))
        {
            throw error(lineNumber, "both secret and secret-file lines (" + other + " on line " +
                lineByKey.get(other) + "): give one of them");
        }

        parseValue(key, tokens[1], lineNumber);
        lineByKey.put(key, lineNumber);
        valueByKey.put(key, tokens[1]);
    }

    private void parseValue(final String key, final String value, final int lineNumber) throws ClusterConfigException
    {
        switch (key)
        {
            case "cluster" -> name = parseName(value, lineNumber);
            case "cluster-id" -> clusterId = parseLong(key, value, Long.MIN_VALUE, Long.MAX_VALUE, lineNumber);
            case "secret" -> secret = parseSecretHex(value, "", lineNumber);
            case "secret-file" -> secret = readSecretFile(value, lineNumber);
            case "wan" -> wanProfile = loadWanProfile(value, lineNumber);
            case "relay" -> relay = loadRelay(value, lineNumber);
            case "stream" -> streamId = (int)parseLong(key, value, 1, Integer.MAX_VALUE, lineNumber);
            case "term-length" -> termLengthBytes = parseTermLength(value, lineNumber);
            case "durability" -> durability = parseDurability(value, lineNumber);
            case "fast-path-timeout-ms" ->
                fastPathTimeoutMs = parseLong(key, value, 0, ClusterConfig.MAX_TIMEOUT_MS, lineNumber);
            case "retransmit-timeout-ms" ->
                retransmitTimeoutMs = parseLong(key, value, 1, ClusterConfig.MAX_TIMEOUT_MS, lineNumber);
            case "recovery-timeout-ms" ->
                recoveryTimeoutMs = parseLong(key, value, 1, ClusterConfig.MAX_TIMEOUT_MS, lineNumber);
            // The ranges of the limits are ReplicaConfig's: conclude() checks them in build().
            case "max-in-flight" ->
                maxInFlightCommands = (int)parseLong(key, value, Integer.MIN_VALUE, Integer.MAX_VALUE, lineNumber);
            case "max-live-instances" ->
                maxLiveInstances = (int)parseLong(key, value, Integer.MIN_VALUE, Integer.MAX_VALUE, lineNumber);
            case "seed" -> seed = parseLong(key, value, Long.MIN_VALUE, Long.MAX_VALUE, lineNumber);
            case "max-clients" -> maxClients = (int)parseLong(key, value, 1, MAX_CLIENTS_LIMIT, lineNumber);
            case "idle-max-park-us" -> idleMaxParkUs = parseLong(key, value, 1, 100_000, lineNumber);
            case "client-password-file" -> clientPassword = readClientPassword(value, lineNumber);
            case "snapshot-every-slots" -> snapshotEverySlots = parseLong(key, value,
                ClusterConfig.MIN_SNAPSHOT_EVERY_SLOTS, ClusterConfig.MAX_SNAPSHOT_EVERY_SLOTS, lineNumber);
            case "batch-max-commands" -> batchMaxCommands = (int)parseLong(key, value, 1,
                io.geo.epaxos.primitives.Command.MAX_BATCH_MEMBERS, lineNumber);
            case "batch-in-flight" -> batchInFlight = (int)parseLong(key, value, 1, ClusterConfig.MAX_BATCH_IN_FLIGHT,
                lineNumber);
            default -> throw new IllegalStateException("no parser for key " + key);
        }
    }

    private void parseKeyspace(final String[] tokens, final int lineNumber) throws ClusterConfigException
    {
        if (tokens.length < 3)
        {
            throw error(lineNumber, "malformed keyspace line " + quote(String.join(" ", tokens)) + ": expected '" +
                KEYSPACE_SYNTAX + "'");
        }
        final String keyspaceName = tokens[1];
        if (!Keyspace.NAME.matcher(keyspaceName).matches())
        {
            throw error(lineNumber, "keyspace name " + quote(keyspaceName) + " is not valid: expected a lower-case " +
                "identifier of 1 to 64 characters (letters a-z, digits, '_'; not starting with a digit)");
        }
        final Integer earlier = lineByKeyspace.get(keyspaceName);
        if (null != earlier)
        {
            throw error(lineNumber, "keyspace " + quote(keyspaceName) + " declared twice (first on line " + earlier +
                ")");
        }
        final String scope = tokens[2];
        String region = null;
        if (scope.startsWith(REGIONAL_SCOPE))
        {
            final String prefix = REGIONAL_SCOPE + ":";
            region = scope.startsWith(prefix) ? scope.substring(prefix.length()) : "";
            if (region.isEmpty() || region.indexOf(':') >= 0)
            {
                throw error(lineNumber, "malformed scope " + quote(scope) + " of keyspace " + quote(keyspaceName) +
                    ": expected 'regional:<region>', a region of the WAN profile by name or alias, without spaces " +
                    "(such as 'regional:us-east-1')");
            }
        }
        else if (!"global".equals(scope))
        {
            throw error(lineNumber, "malformed keyspace line " + quote(String.join(" ", tokens)) + ": expected '" +
                KEYSPACE_SYNTAX + "'");
        }
        if (tokens.length != 3)
        {
            throw error(lineNumber, "malformed keyspace line " + quote(String.join(" ", tokens)) + ": expected '" +
                KEYSPACE_SYNTAX + "'");
        }
        if (keyspaceLines.size() >= MAX_KEYSPACES)
        {
            throw error(lineNumber, "more than " + MAX_KEYSPACES + " keyspaces");
        }
        keyspaceLines.add(new KeyspaceLine(keyspaceName, region, lineNumber));
        lineByKeyspace.put(keyspaceName, lineNumber);
    }

    private byte[] readClientPassword(final String value, final int lineNumber) throws ClusterConfigException
    {
        final Path file = folder.resolve(value);
        try
        {
            if (Files.size(file) > MAX_SECRET_FILE_BYTES)
            {
                throw error(lineNumber, "client password file " + quote(value) + " is larger than " +
                    MAX_SECRET_FILE_BYTES + " bytes");
            }
            final String password = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (password.isEmpty())
            {
                throw error(lineNumber, "client password file " + quote(value) + " is empty");
            }
            return password.getBytes(StandardCharsets.UTF_8);
        }
        catch (final IOException | java.io.UncheckedIOException ex)
        {
            throw error(lineNumber, "cannot read client password file " + quote(value) + " (" + file + "): " +
                ex.getMessage());
        }
    }

    private void parseNode(final String[] tokens, final int lineNumber) throws ClusterConfigException
    {
        if (tokens.length != 10)
        {
            throw error(lineNumber, "malformed node line " + quote(String.join(" ", tokens)) + ": expected '" +
                NODE_SYNTAX + "'");
        }

        final int id = (int)parseLong("node id", tokens[1], 0, MAX_NODE_ID, lineNumber);
        final NodeLine earlier = nodeLineById.get(id);
        if (null != earlier)
        {
            throw error(lineNumber, "duplicate node id " + quote(tokens[1]) + " (first given on line " +
                earlier.line() + ")");
        }

        String region = null;
        String endpointText = null;
        String clientText = null;
        String dataText = null;
        for (int i = 2; i < tokens.length; i += 2)
        {
            final String attribute = tokens[i];
            final String value = tokens[i + 1];
            final boolean duplicate;
            switch (attribute)
            {
                case "region" ->
                {
                    duplicate = null != region;
                    region = value;
                }
                case "endpoint" ->
                {
                    duplicate = null != endpointText;
                    endpointText = value;
                }
                case "client" ->
                {
                    duplicate = null != clientText;
                    clientText = value;
                }
                case "data" ->
                {
                    duplicate = null != dataText;
                    dataText = value;
                }
                default -> throw error(lineNumber, "unknown attribute " + quote(attribute) + " in node line: " +
                    "expected '" + NODE_SYNTAX + "'");
            }
            if (duplicate)
            {
                throw error(lineNumber, "duplicate attribute " + quote(attribute) + " in node line: expected '" +
                    NODE_SYNTAX + "'");
            }
        }

        final InetSocketAddress endpoint = parseAddress("endpoint", endpointText, lineNumber);
        claimAddress(endpoint, endpointText, lineNumber);
        final InetSocketAddress client = parseAddress("client", clientText, lineNumber);
        claimAddress(client, clientText, lineNumber);
        final Path dataDir = resolvePath(dataText, "data folder", lineNumber);
        final Integer dataDirLine = lineByDataDir.putIfAbsent(dataDir, lineNumber);
        if (null != dataDirLine)
        {
            throw error(lineNumber, "data folder " + quote(dataText) + " (" + dataDir + ") is already used on line " +
                dataDirLine + ": every node needs a data folder of its own");
        }

        final NodeLine node = new NodeLine(id, region, endpoint, client, dataDir, lineNumber);
        nodeLines.add(node);
        nodeLineById.put(id, node);
    }

    private ClusterConfig build() throws ClusterConfigException
    {
        requireLine("cluster");
        requireLine("cluster-id");
        if (null == secret)
        {
            throw error(ClusterConfigException.NO_LINE, "no secret: add a line 'secret-file <path>' (or 'secret " +
                "<hex digits>'); make a secret with '" + MAKE_SECRET + "'");
        }
        requireLine("wan");
        if (nodeLines.isEmpty())
        {
            throw error(ClusterConfigException.NO_LINE, "no node lines: add '" + NODE_SYNTAX + "' lines (at least " +
                "one per region of WAN profile " + quote(wanProfile.name()) + ")");
        }

        final int n = nodeLines.size();
        for (final NodeLine node : nodeLines)
        {
            if (node.id() >= n)
            {
                final ArrayList<String> missing = new ArrayList<>();
                for (int id = 0; id < n; id++)
                {
                    if (!nodeLineById.containsKey(id))
                    {
                        missing.add(Integer.toString(id));
                    }
                }
                throw error(node.line(), "node id '" + node.id() + "' leaves a gap: the " + n + " nodes need the " +
                    "ids 0.." + (n - 1) + " (missing: " + describe(missing) + ")");
            }
        }
        final int regionCount = wanProfile.regionCount();
        final int[] regionById = new int[n];
        final int[] nodeCountByRegion = new int[regionCount];
        final int[] firstNodeByRegion = new int[regionCount];
        NodeLine firstGroupLine = null;
        for (final NodeLine line : nodeLines)
        {
            final int region;
            try
            {
                region = wanProfile.regionIndex(line.region());
            }
            catch (final WanProfileException ex)
            {
                throw error(line.line(), ex.getMessage());
            }
            regionById[line.id()] = region;
            if (0 == nodeCountByRegion[region])
            {
                firstNodeByRegion[region] = line.id();
            }
            else if (null == firstGroupLine)
            {
                firstGroupLine = line;
            }
            nodeCountByRegion[region]++;
        }
        final List<Keyspace> keyspaces = resolveKeyspaces();

        if (null != firstGroupLine && null != relay)
        {
            final int region = regionById[firstGroupLine.id()];
            final int other = firstNodeByRegion[region];
            throw error(firstGroupLine.line(), "node " + firstGroupLine.id() + " is in region " +
                quote(wanProfile.regions().get(region)) + " like node " + other + " (line " +
                nodeLineById.get(other).line() + "): region groups cannot go through the relay (relay line " +
                lineByKey.get("relay") + "), which has one endpoint per region; drop the relay line so that the " +
                "nodes send to each other's endpoints directly");
        }
        for (int region = 0; region < regionCount; region++)
        {
            final int count = nodeCountByRegion[region];
            if (count > 0 && (count % 2 == 0 || count > MAX_REGION_GROUP_NODES))
            {
                throw error(ClusterConfigException.NO_LINE, "region " + quote(wanProfile.regions().get(region)) +
                    " has " + count + " nodes (" + describeRegionNodes(regionById, region) + "): a region group " +
                    "needs " + REGION_GROUP_SIZES + " nodes (a region log of 2F + 1 nodes tolerates F failures)");
            }
        }
        if (regionCount % 2 == 0)
        {
            throw error(ClusterConfigException.NO_LINE, regionCount + " regions in WAN profile " +
                quote(wanProfile.name()) + ": the region count must be odd (each region is an EPaxos replica; 2F + 1 " +
                "regions tolerate F failures)");
        }
        // One node per region: today's message. With region groups an odd number of regions of odd sizes is odd,
        // so only a region without nodes can make the count even: reported below, by name.
        if (null == firstGroupLine && n % 2 == 0)
        {
            throw error(ClusterConfigException.NO_LINE, n + " nodes: the node count must be odd (2F + 1 nodes " +
                "tolerate F failures)");
        }
        final ArrayList<String> empty = new ArrayList<>();
        for (int region = 0; region < regionCount; region++)
        {
            if (0 == nodeCountByRegion[region])
            {
                empty.add(wanProfile.regions().get(region));
            }
        }
        if (!empty.isEmpty())
        {
            throw error(ClusterConfigException.NO_LINE, n + " nodes for the " + regionCount + " regions of WAN " +
                "profile " + quote(wanProfile.name()) + ": every region needs at least one node (no node in " +
                describe(empty) + ")");
        }

        boolean hydra = null != firstGroupLine;
        for (final Keyspace keyspace : keyspaces)
        {
            hydra |= keyspace.isRegional();
        }

        final ClusterNode[] nodes = new ClusterNode[n];
        final int[] nextIndexByRegion = new int[regionCount];
        for (int id = 0; id < n; id++)
        {
            // Ids ascending: a node's index in its region is its rank by id there.
            final NodeLine line = nodeLineById.get(id);
            final int region = regionById[id];
            nodes[id] = new ClusterNode(id, region, nextIndexByRegion[region]++, wanProfile.regions().get(region),
                line.endpoint(), line.client(), line.dataDir(), line.line());
        }

        final InetSocketAddress[] sendAddresses = new InetSocketAddress[n * n];
        if (null != relay)
        {
            checkRelay(nodes);
        }
        for (int from = 0; from < n; from++)
        {
            for (int to = 0; to < n; to++)
            {
                if (from != to)
                {
                    sendAddresses[from * n + to] = null == relay ? nodes[to].endpoint() :
                        relay.listenAddress(nodes[from].regionIndex(), nodes[to].regionIndex());
                }
            }
        }

        // The EPaxos replicas and their regions: flat, one per node; Hydra, one per region.
        final int[] replicaRegions = new int[hydra ? regionCount : n];
        for (int replica = 0; replica < replicaRegions.length; replica++)
        {
            replicaRegions[replica] = hydra ? replica : regionById[replica];
        }
        final long[] fastPathTimeoutsMs = new long[n];
        for (int node = 0; node < n; node++)
        {
            final int replica = hydra ? regionById[node] : node;
            fastPathTimeoutsMs[node] = fastPathTimeoutMs >= 0 ? fastPathTimeoutMs :
                derivedFastPathTimeoutMs(wanProfile, replicaRegions, replica) +
                (hydra ? ClusterConfig.REGION_LOG_MARGIN_MS : 0);
        }
        final double maxRttMs = maxRttMs(wanProfile, replicaRegions);
        final long retransmitMs = retransmitTimeoutMs > 0 ? retransmitTimeoutMs : derivedTimeoutMs(
            maxRttMs, ClusterConfig.RETRANSMIT_RTT_FACTOR, ClusterConfig.RETRANSMIT_MARGIN_MS);
        final long recoveryMs = recoveryTimeoutMs > 0 ? recoveryTimeoutMs : derivedTimeoutMs(
            maxRttMs, ClusterConfig.RECOVERY_RTT_FACTOR, ClusterConfig.RECOVERY_MARGIN_MS);

        final ClusterConfig config = new ClusterConfig(
            source,
            name,
            clusterId,
            secret,
            wanProfile,
            relay,
            Arrays.asList(nodes),
            hydra,
            sendAddresses,
            streamId,
            termLengthBytes,
            durability,
            fastPathTimeoutsMs,
            retransmitMs,
            recoveryMs,
            maxInFlightCommands,
            maxLiveInstances,
            seed,
            keyspaces,
            maxClients,
            clientPassword,
            idleMaxParkUs,
            snapshotEverySlots,
            batchMaxCommands,
            batchInFlight);
        for (int node = 0; node < n; node++)
        {
            concludeReplicaConfig(config, node);
            if (hydra)
            {
                concludeRegionLogConfig(config, node);
            }
        }

        return config;
    }

    /** The declared keyspaces with their regions looked up in the WAN profile; {@code kv} alone when none is. */
    private List<Keyspace> resolveKeyspaces() throws ClusterConfigException
    {
        if (keyspaceLines.isEmpty())
        {
            return List.of(Keyspace.global(Keyspace.DEFAULT_NAME));
        }
        final ArrayList<Keyspace> resolved = new ArrayList<>(keyspaceLines.size());
        for (final KeyspaceLine line : keyspaceLines)
        {
            if (null == line.region())
            {
                resolved.add(Keyspace.global(line.name()));
                continue;
            }
            try
            {
                final int region = wanProfile.regionIndex(line.region());
                resolved.add(Keyspace.regional(line.name(), wanProfile.regions().get(region)));
            }
            catch (final WanProfileException ex)
            {
                throw error(line.line(), "keyspace " + quote(line.name()) + ": " + ex.getMessage());
            }
        }
        return List.copyOf(resolved);
    }

    /** {@code node 0 on line 5, node 3 on line 8}: the nodes of one region in id order, at most a few. */
    private String describeRegionNodes(final int[] regionById, final int region)
    {
        final ArrayList<String> items = new ArrayList<>();
        for (int id = 0; id < regionById.length; id++)
        {
            if (regionById[id] == region)
            {
                items.add("node " + id + " on line " + nodeLineById.get(id).line());
            }
        }
        return describe(items, REGION_GROUP_SHOWN_MAX);
    }

    /** The relay must emulate the cluster's WAN, forward to the nodes' endpoints and listen on fixed ports. */
    private void checkRelay(final ClusterNode[] nodes) throws ClusterConfigException
    {
        final int relayLine = lineByKey.get("relay");
        final WanProfile relayProfile = relay.profile();
        if (!relayProfile.name().equals(wanProfile.name()) || !relayProfile.regions().equals(wanProfile.regions()))
        {
            throw error(relayLine, "relay config " + quote(relay.source()) + " emulates WAN profile " +
                quote(relayProfile.name()) + " " + relayProfile.regions() + ", but the cluster's wan line names " +
                quote(wanProfile.name()) + " " + wanProfile.regions() + ": use the same profile in both");
        }

        for (final ClusterNode node : nodes)
        {
            final InetSocketAddress relayEndpoint = relay.endpoint(node.regionIndex());
            if (!relayEndpoint.equals(node.endpoint()))
            {
                throw error(node.line(), "endpoint " + quote(format(node.endpoint())) + " of node " + node.id() +
                    " differs from the endpoint of region " + node.regionName() + " in the relay config, " +
                    quote(format(relayEndpoint)) + " (" + relay.source() + ":" +
                    relay.endpointLine(node.regionIndex()) +
                    "): the relay forwards to its endpoint, so the two must be equal");
            }
            if (node.client().equals(relay.controlAddress()))
            {
                throw error(node.line(), "client address " + quote(format(node.client())) + " of node " +
                    node.id() + " is the relay's control address (" + relay.source() + ":" + relay.controlLine() +
                    "): give the node another port");
            }
        }

        for (final ClusterNode from : nodes)
        {
            for (final ClusterNode to : nodes)
            {
                if (from == to)
                {
                    continue;
                }
                final InetSocketAddress listen = relay.listenAddress(from.regionIndex(), to.regionIndex());
                final String where = relay.source() + ":" + relay.linkLine(from.regionIndex(), to.regionIndex());
                if (0 == listen.getPort())
                {
                    throw error(relayLine, "the relay's link " + from.regionName() + " -> " + to.regionName() +
                        " listens on port 0, any free port (" + where + "): a cluster needs fixed link ports to " +
                        "send to");
                }
                for (final ClusterNode node : nodes)
                {
                    if (node.client().equals(listen))
                    {
                        throw error(node.line(), "client address " + quote(format(node.client())) + " of node " +
                            node.id() + " is the relay's listen address of link " + from.regionName() + " -> " +
                            to.regionName() + " (" + where + "): give the node another port");
                    }
                }
            }
        }
    }

    private void concludeReplicaConfig(final ClusterConfig config, final int node) throws ClusterConfigException
    {
        try
        {
            config.unconcludedReplicaConfig(node).conclude();
        }
        catch (final IllegalArgumentException ex)
        {
            final String message = ex.getMessage();
            final String setting = replicaSettingName(message);
            final String key = null == setting ? null : KEY_BY_REPLICA_SETTING.get(setting);
            final Integer line = null == key ? null : lineByKey.get(key);
            if (null == line)
            {
                throw error(ClusterConfigException.NO_LINE, (null == key ? "" : key + " (default) ") +
                    "rejected by the replica settings of node " + node + ": " + message, ex);
            }
            throw error(line, key + " " + quote(valueByKey.get(key)) + " rejected by the replica settings of node " +
                node + ": " + message, ex);
        }
    }

    /** The region log settings of a node of a Hydra config; the parser checked the region sizes already. */
    private void concludeRegionLogConfig(final ClusterConfig config, final int node) throws ClusterConfigException
    {
        try
        {
            config.unconcludedRegionLogConfig(node).conclude();
        }
        catch (final IllegalArgumentException ex)
        {
            throw error(config.node(node).line(), "region log settings of node " + node + " rejected: " +
                ex.getMessage(), ex);
        }
    }

    /** {@code maxLiveInstances} from {@code "bad setting maxLiveInstances=7: expected ..."}, else null. */
    private static String replicaSettingName(final String message)
    {
        final String prefix = "bad setting ";
        if (null == message || !message.startsWith(prefix))
        {
            return null;
        }
        final int equals = message.indexOf('=', prefix.length());
        return equals < 0 ? null : message.substring(prefix.length(), equals);
    }

    /** Largest RTT between the regions of two replicas, in ms; 0 for one replica. */
    static double maxRttMs(final WanProfile profile, final int[] replicaRegions)
    {
        double max = 0;
        for (final int a : replicaRegions)
        {
            for (final int b : replicaRegions)
            {
                max = Math.max(max, profile.rttMs(a, b));
            }
        }
        return max;
    }

    /**
     * The fast-path timeout of a replica (a node in a flat config, a region in a Hydra one, before the region log
     * margin): 1.25 x the RTT after which it has heard from a fast quorum (itself and the fast quorum size - 1
     * nearest other replicas), + 10 ms, rounded up to the millisecond.
     *
     * @param replicaRegions the region of each replica, by replica id.
     */
    static long derivedFastPathTimeoutMs(final WanProfile profile, final int[] replicaRegions, final int replica)
    {
        final int others = ReplicaConfig.fastQuorum(replicaRegions.length) - 1;
        double quorumRttMs = 0;
        if (others > 0)
        {
            final double[] rttsMs = new double[replicaRegions.length - 1];
            int count = 0;
            for (int other = 0; other < replicaRegions.length; other++)
            {
                if (other != replica)
                {
                    rttsMs[count++] = profile.rttMs(replicaRegions[replica], replicaRegions[other]);
                }
            }
            Arrays.sort(rttsMs);
            quorumRttMs = rttsMs[others - 1];
        }
        return derivedTimeoutMs(quorumRttMs, ClusterConfig.FAST_PATH_RTT_FACTOR, ClusterConfig.FAST_PATH_MARGIN_MS);
    }

    static long derivedTimeoutMs(final double rttMs, final double factor, final long marginMs)
    {
        return (long)Math.ceil(rttMs * factor) + marginMs;
    }

    private String parseName(final String value, final int lineNumber) throws ClusterConfigException
    {
        if (!NAME.matcher(value).matches())
        {
            throw error(lineNumber, "bad cluster name " + quote(value) + ": use letters, digits, '.', '_' and '-', " +
                "start with a letter or digit, at most 64 characters");
        }
        return value;
    }

    private long parseLong(final String key, final String value, final long min, final long max, final int lineNumber)
        throws ClusterConfigException
    {
        if (!INTEGER.matcher(value).matches())
        {
            throw error(lineNumber, key + " is not an integer: " + quote(value));
        }

        final long parsed;
        try
        {
            parsed = Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw error(lineNumber, key + " is out of range: " + quote(value));
        }
        if (parsed < min || parsed > max)
        {
            throw error(lineNumber, key + " must be within [" + min + ", " + max + "]: " + quote(value));
        }
        return parsed;
    }

    private int parseTermLength(final String value, final int lineNumber) throws ClusterConfigException
    {
        final Matcher matcher = SIZE.matcher(value);
        final String rule = "term-length must be a power of two within 64k..16m (" +
            ClusterConfig.MIN_TERM_LENGTH_BYTES + ".." + ClusterConfig.MAX_TERM_LENGTH_BYTES + " bytes): ";
        if (!matcher.matches())
        {
            throw error(lineNumber, rule + quote(value));
        }
        final String unit = matcher.group(2).toLowerCase(Locale.ROOT);
        final long multiplier = unit.isEmpty() ? 1 : "k".equals(unit) ? 1024 : 1024 * 1024;
        final long bytes = Long.parseLong(matcher.group(1)) * multiplier;
        if (bytes < ClusterConfig.MIN_TERM_LENGTH_BYTES || bytes > ClusterConfig.MAX_TERM_LENGTH_BYTES ||
            Long.bitCount(bytes) != 1)
        {
            throw error(lineNumber, rule + quote(value));
        }
        return (int)bytes;
    }

    private Durability parseDurability(final String value, final int lineNumber) throws ClusterConfigException
    {
        return switch (value)
        {
            case "sync" -> Durability.SYNC;
            case "none" -> Durability.NONE;
            default -> throw error(lineNumber, "durability must be sync or none: " + quote(value));
        };
    }

    /**
     * Hex digits to bytes. The messages never quote the secret: only its length or the one character that is not
     * a hex digit.
     */
    private byte[] parseSecretHex(final String hex, final String where, final int lineNumber)
        throws ClusterConfigException
    {
        for (int i = 0; i < hex.length(); i++)
        {
            if (hexValue(hex.charAt(i)) < 0)
            {
                throw error(lineNumber, where + "malformed secret: character " + quote(String.valueOf(hex.charAt(i))) +
                    " at position " + (i + 1) + " is not a hex digit (the secret itself is never printed)");
            }
        }
        if (hex.length() % 2 != 0)
        {
            throw error(lineNumber, where + "malformed secret: an odd number of hex digits " +
                quote(Integer.toString(hex.length())) + ", two per byte");
        }
        final int bytes = hex.length() / 2;
        if (bytes < ClusterConfig.MIN_SECRET_BYTES || bytes > ClusterConfig.MAX_SECRET_BYTES)
        {
            throw error(lineNumber, where + "malformed secret: " + quote(Integer.toString(hex.length())) +
                " hex digits, expected " + 2 * ClusterConfig.MIN_SECRET_BYTES + " to " +
                2 * ClusterConfig.MAX_SECRET_BYTES + " (" + ClusterConfig.MIN_SECRET_BYTES + " to " +
                ClusterConfig.MAX_SECRET_BYTES + " bytes); make one with '" + MAKE_SECRET + "'");
        }

        final byte[] secretBytes = new byte[bytes];
        for (int i = 0; i < bytes; i++)
        {
            secretBytes[i] = (byte)((hexValue(hex.charAt(2 * i)) << 4) | hexValue(hex.charAt(2 * i + 1)));
        }
        return secretBytes;
    }

    /** 0..15 for an ASCII hex digit, else -1 (Character.digit would also accept non-ASCII digits). */
    private static int hexValue(final char c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f')
        {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F')
        {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** One line of hex digits; {@code #} comments and blank lines around it are allowed. */
    private byte[] readSecretFile(final String text, final int lineNumber) throws ClusterConfigException
    {
        final Path file = resolvePath(text, "secret file", lineNumber);
        final String what = "secret file " + quote(text);
        final List<String> lines;
        try
        {
            final long sizeBytes = Files.size(file);
            if (sizeBytes > MAX_SECRET_FILE_BYTES)
            {
                throw error(lineNumber, what + " of " + sizeBytes + " bytes is larger than the limit of " +
                    MAX_SECRET_FILE_BYTES + " bytes");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            throw error(lineNumber, what + " not found (" + file + "); make one with '" + MAKE_SECRET + " > " +
                text + "'", ex);
        }
        catch (final MalformedInputException ex)
        {
            throw error(lineNumber, what + " is not UTF-8 text (" + file + ")", ex);
        }
        catch (final IOException ex)
        {
            throw error(lineNumber, what + " cannot be read (" + file + "): " + ex, ex);
        }

        String hex = null;
        int hexLine = 0;
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i);
            final int commentStart = line.indexOf('#');
            final String content = (commentStart >= 0 ? line.substring(0, commentStart) : line).strip();
            if (content.isEmpty())
            {
                continue;
            }
            if (null != hex)
            {
                throw error(lineNumber, what + " has more than one line of content (lines " + hexLine + " and " +
                    (i + 1) + "): expected one line of hex digits");
            }
            hex = content;
            hexLine = i + 1;
        }
        if (null == hex)
        {
            throw error(lineNumber, what + " holds no secret (" + file + "): expected one line of hex digits; " +
                "make one with '" + MAKE_SECRET + "'");
        }

        return parseSecretHex(hex, what + " line " + hexLine + ": ", lineNumber);
    }

    private WanProfile loadWanProfile(final String nameOrPath, final int lineNumber) throws ClusterConfigException
    {
        final boolean isPath = nameOrPath.endsWith(WanProfile.FILE_EXTENSION) || nameOrPath.indexOf('/') >= 0 ||
            nameOrPath.indexOf(File.separatorChar) >= 0;
        try
        {
            final String resolved = isPath ? resolvePath(nameOrPath, "WAN profile path", lineNumber).toString() :
                nameOrPath;
            return WanProfile.resolve(resolved, configDir);
        }
        catch (final WanProfileException ex)
        {
            // A name's error names the profile already ("unknown WAN profile 'x' ..."); a file's error starts with
            // the file's path and line.
            throw error(lineNumber, (isPath ? "WAN profile " : "") + ex.getMessage(), ex);
        }
    }

    private RelayConfig loadRelay(final String path, final int lineNumber) throws ClusterConfigException
    {
        final Path file = resolvePath(path, "relay config path", lineNumber);
        try
        {
            return RelayConfig.load(file, configDir);
        }
        catch (final RelayConfigException ex)
        {
            throw error(lineNumber, "relay config " + ex.getMessage(), ex);
        }
    }

    /** A path relative to the config file's folder unless absolute, normalized. */
    private Path resolvePath(final String text, final String what, final int lineNumber) throws ClusterConfigException
    {
        try
        {
            final Path path = Path.of(text);
            return (path.isAbsolute() || null == folder ? path.toAbsolutePath() : folder.resolve(path)).normalize();
        }
        catch (final InvalidPathException ex)
        {
            throw error(lineNumber, "invalid " + what + " " + quote(text) + ": " + ex.getReason());
        }
    }

    private InetSocketAddress parseAddress(final String attribute, final String text, final int lineNumber)
        throws ClusterConfigException
    {
        final Matcher matcher = ADDRESS.matcher(text);
        if (!matcher.matches())
        {
            throw error(lineNumber, "bad " + attribute + " address " + quote(text) + ": " + ADDRESS_RULE);
        }

        final byte[] octets = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            final int octet = Integer.parseInt(matcher.group(i + 1));
            if (octet > 255)
            {
                throw error(lineNumber, "bad " + attribute + " address " + quote(text) + ": " + octet +
                    " is not an IPv4 octet (0..255)");
            }
            octets[i] = (byte)octet;
        }
        final long port = Long.parseLong(matcher.group(5));
        if (port < 1 || port > 65535)
        {
            throw error(lineNumber, "bad port in " + attribute + " address " + quote(text) + ": " + port +
                " is not within 1..65535 (a node listens on a fixed port)");
        }

        try
        {
            // A literal: no name lookup happens.
            return new InetSocketAddress(InetAddress.getByAddress(octets), (int)port);
        }
        catch (final UnknownHostException ex)
        {
            throw error(lineNumber, "bad " + attribute + " address " + quote(text) + ": " + ex.getMessage());
        }
    }

    private void claimAddress(final InetSocketAddress address, final String text, final int lineNumber)
        throws ClusterConfigException
    {
        final Integer earlier = lineByAddress.putIfAbsent(address, lineNumber);
        if (null != earlier)
        {
            throw error(lineNumber, "address " + quote(text) + " is already used on line " + earlier +
                ": every endpoint and client address needs a port of its own");
        }
    }

    private void requireLine(final String key) throws ClusterConfigException
    {
        if (!lineByKey.containsKey(key))
        {
            throw error(ClusterConfigException.NO_LINE, "missing " + key + " line: add '" + SYNTAX_BY_KEY.get(key) +
                "'");
        }
    }

    private ClusterConfigException error(final int lineNumber, final String detail)
    {
        return new ClusterConfigException(source, lineNumber, detail);
    }

    private ClusterConfigException error(final int lineNumber, final String detail, final Throwable cause)
    {
        return new ClusterConfigException(source, lineNumber, detail, cause);
    }

    private static String describe(final List<String> items)
    {
        return describe(items, MISSING_SHOWN_MAX);
    }

    private static String describe(final List<String> items, final int shownMax)
    {
        final int shown = Math.min(items.size(), shownMax);
        final String more = items.size() > shown ? " and " + (items.size() - shown) + " more" : "";
        return String.join(", ", items.subList(0, shown)) + more;
    }

    static String format(final InetSocketAddress address)
    {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    private static String quote(final String value)
    {
        final String shown = value.length() > QUOTE_LENGTH_MAX ? value.substring(0, QUOTE_LENGTH_MAX) + "..." : value;
        return "'" + shown + "'";
    }
}
