package io.geo.wan.relay;

import io.geo.wan.WanProfile;
import io.geo.wan.WanProfileException;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and validates the lines of one {@code .relay} file (format: {@code docs/wan-relay.md}). One pass: the
 * {@code profile} line must come before the lines naming regions. Every error is a {@link RelayConfigException}
 * naming the file, the line and the bad value. Single use, not thread-safe.
 */
final class RelayConfigParser
{
    static final int MAX_LINE_LENGTH = 8192;

    private static final String PROFILE_SYNTAX = "profile <name or path to a .wan file>";
    private static final String CONTROL_SYNTAX = "control <loopback address>:<port>";
    private static final String ENDPOINT_SYNTAX = "endpoint <region> <address>:<port>";
    private static final String LINK_SYNTAX = "link <from region> <to region> <address>:<port>";
    private static final String SEED_SYNTAX = "seed <integer>";
    private static final String FIFO_SYNTAX = "fifo on|off";
    private static final String LIMITS_SYNTAX =
        "limits [queuedDatagrams=<n>] [queuedBytes=<n>] [sendersPerLink=<n>] [senderIdleMs=<ms>]";
    private static final String ADDRESS_RULE = "expected <IPv4 address>:<port>, such as 127.0.0.1:29120";
    private static final int QUOTE_LENGTH_MAX = 80;
    private static final int MISSING_SHOWN_MAX = 3;

    private static final Pattern ADDRESS =
        Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3}):(\\d{1,12})");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,19}");
    private static final Pattern AROUND_EQUALS = Pattern.compile("\\s*=\\s*");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final String source;
    private final Path baseDir;
    private final Path configDir;

    private WanProfile profile;
    private int profileLine;
    private InetSocketAddress controlAddress;
    private int controlLine;
    private InetSocketAddress[] endpoints;
    private int[] endpointLines;
    private InetSocketAddress[] listenAddresses;
    private int[] linkLines;
    private long seed = RelayConfig.DEFAULT_SEED;
    private int seedLine;
    private boolean fifo = true;
    private int fifoLine;
    private int limitsLine;
    private int maxQueuedDatagrams = RelayConfig.DEFAULT_QUEUED_DATAGRAMS;
    private int maxQueuedBytes = RelayConfig.DEFAULT_QUEUED_BYTES;
    private int maxSendersPerLink = RelayConfig.DEFAULT_SENDERS_PER_LINK;
    private long senderIdleMs = RelayConfig.DEFAULT_SENDER_IDLE_MS;
    /** UDP address (with a fixed port) to the line that uses it, to reject the same address twice. */
    private final HashMap<InetSocketAddress, Integer> lineByUdpAddress = new HashMap<>();

    RelayConfigParser(final String source, final Path baseDir, final Path configDir)
    {
        this.source = source;
        this.baseDir = baseDir;
        this.configDir = configDir;
    }

    RelayConfig parse(final List<String> lines) throws RelayConfigException
    {
        for (int i = 0; i < lines.size(); i++)
        {
            parseLine(lines.get(i), i + 1);
        }

        return build();
    }

    private void parseLine(final String line, final int lineNumber) throws RelayConfigException
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

        final String[] tokens = WHITESPACE.split(AROUND_EQUALS.matcher(content).replaceAll("="));
        switch (tokens[0])
        {
            case "profile" -> parseProfile(tokens, lineNumber);
            case "control" -> parseControl(tokens, lineNumber);
            case "endpoint" -> parseEndpoint(tokens, lineNumber);
            case "link" -> parseLink(tokens, lineNumber);
            case "seed" -> parseSeed(tokens, lineNumber);
            case "fifo" -> parseFifo(tokens, lineNumber);
            case "limits" -> parseLimits(tokens, lineNumber);
            default -> throw error(lineNumber, "malformed line " + quote(content) +
                ": expected a line starting with profile, control, endpoint, link, seed, fifo or limits");
        }
    }

    private void parseProfile(final String[] tokens, final int lineNumber) throws RelayConfigException
    {
        if (tokens.length != 2)
        {
            throw malformed(tokens, lineNumber, PROFILE_SYNTAX);
        }
        if (null != profile)
        {
            throw error(lineNumber, "second profile line (the first is line " + profileLine + ")");
        }

        final String nameOrPath = tokens[1];
        final boolean isPath = nameOrPath.endsWith(WanProfile.FILE_EXTENSION) || nameOrPath.indexOf('/') >= 0 ||
            nameOrPath.indexOf(File.separatorChar) >= 0;
        try
        {
            if (isPath)
            {
                final Path path = Path.of(nameOrPath);
                profile = WanProfile.load(path.isAbsolute() || null == baseDir ? path : baseDir.resolve(path));
            }
            else
            {
                profile = WanProfile.resolve(nameOrPath, configDir);
            }
        }
        catch (final InvalidPathException ex)
        {
            throw error(lineNumber, "invalid WAN profile path " + quote(nameOrPath) + ": " + ex.getReason());
        }
        catch (final WanProfileException ex)
        {
            // A name's error names the profile already ("unknown WAN profile 'x' ..."); a file's error starts with
            // the file's path and line.
            throw error(lineNumber, (isPath ? "WAN profile " : "") + ex.getMessage());
        }

        profileLine = lineNumber;
        final int n = profile.regionCount();
        endpoints = new InetSocketAddress[n];
        endpointLines = new int[n];
        listenAddresses = new InetSocketAddress[n * n];
        linkLines = new int[n * n];
    }

    private void parseControl(final String[] tokens, final int lineNumber) throws RelayConfigException
    {
        if (tokens.length != 2)
        {
            throw malformed(tokens, lineNumber, CONTROL_SYNTAX);
        }
        if (null != controlAddress)
        {
            throw error(lineNumber, "second control line (the first is line " + controlLine + ")");
        }

        final InetSocketAddress address = parseAddress(tokens[1], lineNumber);
        if (!address.getAddress().isLoopbackAddress())
        {
            throw error(lineNumber, "control address " + quote(tokens[1]) + " is not a loopback address: the " +
                "control interface has no authentication, so it listens on 127.0.0.1 (or another 127.x address) only");
        }

        controlAddress = address;
        controlLine = lineNumber;
    }

    private void parseEndpoint(final String[] tokens, final int lineNumber) throws RelayConfigException
    {
        if (tokens.length != 3)
        {
            throw malformed(tokens, lineNumber, ENDPOINT_SYNTAX);
        }
        checkProfileFirst(tokens[0], lineNumber);

        final int region = lookUpRegion(tokens[1], lineNumber);
        if (null != endpoints[region])
        {
            throw error(lineNumber, "duplicate endpoint for region " + quote(regionName(region)) +
                " (first given on line " + endpointLines[region] + ")");
        }

        final InetSocketAddress address = parseAddress(tokens[2], lineNumber);
        if (0 == address.getPort())
        {
            throw error(lineNumber, "bad port in endpoint " + quote(tokens[2]) + ": an endpoint is where the " +
                "region's receiver listens, so it needs a real port (1..65535), not 0");
        }
        claimUdpAddress(address, tokens[2], lineNumber);

        endpoints[region] = address;
        endpointLines[region] = lineNumber;
    }

    private void parseLink(final String[] tokens, final int lineNumber) throws RelayConfigException
    {
        if (tokens.length != 4)
        {
            throw malformed(tokens, lineNumber, LINK_SYNTAX);
        }
        checkProfileFirst(tokens[0], lineNumber);

        final int from = lookUpRegion(tokens[1], lineNumber);
        final int to = lookUpRegion(tokens[2], lineNumber);
        if (from == to)
        {
            throw error(lineNumber, "link from region " + quote(regionName(from)) + " to itself: a link joins two " +
                "different regions");
        }

        final int cell = from * profile.regionCount() + to;
        if (null != listenAddresses[cell])
        {
            throw error(lineNumber, "duplicate link " + regionName(from) + " -> " + regionName(to) +
                " (first given on line " + linkLines[cell] + ")");
        }

        final InetSocketAddress address = parseAddress(tokens[3], lineNumber);
        claimUdpAddress(address, tokens[3], lineNumber);
        listenAddresses[cell] = address;
        linkLines[cell] = lineNumber;
    }

    private void parseSeed(final String[] tokens, final int lineNumber) throws RelayConfigException
    {
        if (tokens.length != 2)
        {
            throw malformed(tokens, lineNumber, SEED_SYNTAX);
        }
        if (0 != seedLine)
        {
            throw error(lineNumber, "second seed line (the first is line " + seedLine + ")");
        }
        if (!INTEGER.matcher(tokens[1]).matches())
        {
            throw error(lineNumber, "seed is not an integer: " + quote(tokens[1]));
        }

        try
        {
            seed = Long.parseLong(tokens[1]);
        }
        catch (final NumberFormatException ex)
        {
            throw error(lineNumber, "seed is out of range: " + quote(tokens[1]));
        }
        seedLine = lineNumber;
    }

    private void parseFifo(final String[] tokens, final int lineNumber) throws RelayConfigException
    {
        if (tokens.length != 2)
        {
            throw malformed(tokens, lineNumber, FIFO_SYNTAX);
        }
        if (0 != fifoLine)
        {
            throw error(lineNumber, "second fifo line (the first is line " + fifoLine + ")");
        }

        switch (tokens[1])
        {
            case "on" -> fifo = true;
            case "off" -> fifo = false;
            default -> throw error(lineNumber, "fifo must be on or off: " + quote(tokens[1]));
        }
        fifoLine = lineNumber;
    }

    private void parseLimits(final String[] tokens, final int lineNumber) throws RelayConfigException
    {
        if (0 != limitsLine)
        {
            throw error(lineNumber, "second limits line (the first is line " + limitsLine + ")");
        }
        if (tokens.length < 2)
        {
            throw malformed(tokens, lineNumber, LIMITS_SYNTAX);
        }

        final HashMap<String, Integer> seen = new HashMap<>();
        for (int i = 1; i < tokens.length; i++)
        {
            final String token = tokens[i];
            final int equals = token.indexOf('=');
            if (equals <= 0 || equals == token.length() - 1 || token.indexOf('=', equals + 1) >= 0)
            {
                throw error(lineNumber, "malformed attribute " + quote(token) + ": expected '" + LIMITS_SYNTAX + "'");
            }

            final String key = token.substring(0, equals);
            final String value = token.substring(equals + 1);
            if (null != seen.put(key, i))
            {
                throw error(lineNumber, "duplicate attribute " + key + " on one line");
            }
            switch (key)
            {
                case "queuedDatagrams" -> maxQueuedDatagrams =
                    (int)parseLimit(key, value, 1, RelayConfig.MAX_QUEUED_DATAGRAMS, lineNumber);
                case "queuedBytes" -> maxQueuedBytes =
                    (int)parseLimit(key, value, RelayConfig.MIN_QUEUED_BYTES, RelayConfig.MAX_QUEUED_BYTES, lineNumber);
                case "sendersPerLink" -> maxSendersPerLink =
                    (int)parseLimit(key, value, 1, RelayConfig.MAX_SENDERS_PER_LINK, lineNumber);
                case "senderIdleMs" -> senderIdleMs = parseLimit(
                    key, value, RelayConfig.MIN_SENDER_IDLE_MS, RelayConfig.MAX_SENDER_IDLE_MS, lineNumber);
                default -> throw error(lineNumber, "unknown attribute " + quote(key) + " in " + quote(token) +
                    ": expected queuedDatagrams, queuedBytes, sendersPerLink or senderIdleMs");
            }
        }
        limitsLine = lineNumber;
    }

    private long parseLimit(final String key, final String value, final long min, final long max, final int lineNumber)
        throws RelayConfigException
    {
        if (!INTEGER.matcher(value).matches())
        {
            throw error(lineNumber, key + " is not an integer: " + quote(value));
        }

        final long limit;
        try
        {
            limit = Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw error(lineNumber, key + " is out of range: " + quote(value));
        }
        if (limit < min || limit > max)
        {
            throw error(lineNumber, key + " must be within [" + min + ", " + max + "]: " + quote(value));
        }

        return limit;
    }

    private RelayConfig build() throws RelayConfigException
    {
        if (null == profile)
        {
            throw error(RelayConfigException.NO_LINE, "no WAN profile: no line '" + PROFILE_SYNTAX + "'");
        }
        if (null == controlAddress)
        {
            throw error(RelayConfigException.NO_LINE, "no control address: no line '" + CONTROL_SYNTAX + "'");
        }

        final int n = profile.regionCount();
        final ArrayList<String> missingEndpoints = new ArrayList<>();
        for (int region = 0; region < n; region++)
        {
            if (null == endpoints[region])
            {
                missingEndpoints.add(regionName(region));
            }
        }
        if (!missingEndpoints.isEmpty())
        {
            throw error(RelayConfigException.NO_LINE, "missing endpoint for region " +
                describe(missingEndpoints) + ": add '" + ENDPOINT_SYNTAX + "' lines (one per region of profile " +
                quote(profile.name()) + ")");
        }

        final ArrayList<String> missingLinks = new ArrayList<>();
        for (int from = 0; from < n; from++)
        {
            for (int to = 0; to < n; to++)
            {
                if (from != to && null == listenAddresses[from * n + to])
                {
                    missingLinks.add(regionName(from) + " -> " + regionName(to));
                }
            }
        }
        if (!missingLinks.isEmpty())
        {
            throw error(RelayConfigException.NO_LINE, "missing link " + describe(missingLinks) + ": add '" +
                LINK_SYNTAX + "' lines (one per ordered pair of regions)");
        }

        if (maxQueuedDatagrams > maxQueuedBytes)
        {
            throw error(limitsLine, "queuedDatagrams " + maxQueuedDatagrams + " is more than queuedBytes " +
                maxQueuedBytes + ": every queued datagram holds at least one byte");
        }

        return new RelayConfig(
            source,
            profile,
            controlAddress,
            controlLine,
            endpoints,
            endpointLines,
            listenAddresses,
            linkLines,
            seed,
            fifo,
            maxQueuedDatagrams,
            maxQueuedBytes,
            maxSendersPerLink,
            senderIdleMs);
    }

    private void checkProfileFirst(final String keyword, final int lineNumber) throws RelayConfigException
    {
        if (null == profile)
        {
            throw error(lineNumber, keyword + " line before the profile line: put '" + PROFILE_SYNTAX +
                "' first, it declares the regions");
        }
    }

    private int lookUpRegion(final String nameOrAlias, final int lineNumber) throws RelayConfigException
    {
        try
        {
            return profile.regionIndex(nameOrAlias);
        }
        catch (final WanProfileException ex)
        {
            throw error(lineNumber, ex.getMessage());
        }
    }

    private void claimUdpAddress(final InetSocketAddress address, final String text, final int lineNumber)
        throws RelayConfigException
    {
        if (0 == address.getPort())
        {
            return;
        }

        final Integer earlier = lineByUdpAddress.putIfAbsent(address, lineNumber);
        if (null != earlier)
        {
            throw error(lineNumber, "address " + quote(text) + " is already used on line " + earlier +
                ": every endpoint and link needs an address of its own");
        }
    }

    private InetSocketAddress parseAddress(final String text, final int lineNumber) throws RelayConfigException
    {
        final Matcher matcher = ADDRESS.matcher(text);
        if (!matcher.matches())
        {
            throw error(lineNumber, "bad address " + quote(text) + ": " + ADDRESS_RULE);
        }

        final byte[] octets = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            final int octet = Integer.parseInt(matcher.group(i + 1));
            if (octet > 255)
            {
                throw error(lineNumber, "bad address " + quote(text) + ": " + octet + " is not an IPv4 octet " +
                    "(0..255)");
            }
            octets[i] = (byte)octet;
        }
        final long port = Long.parseLong(matcher.group(5));
        if (port > 65535)
        {
            throw error(lineNumber, "bad port in " + quote(text) + ": " + port + " is not within 0..65535");
        }

        try
        {
            // A literal: no name lookup happens.
            return new InetSocketAddress(InetAddress.getByAddress(octets), (int)port);
        }
        catch (final UnknownHostException ex)
        {
            throw error(lineNumber, "bad address " + quote(text) + ": " + ex.getMessage());
        }
    }

    private String regionName(final int region)
    {
        return profile.regions().get(region);
    }

    private RelayConfigException malformed(final String[] tokens, final int lineNumber, final String syntax)
    {
        return error(lineNumber, "malformed " + tokens[0] + " line " + quote(String.join(" ", tokens)) +
            ": expected '" + syntax + "'");
    }

    private RelayConfigException error(final int lineNumber, final String detail)
    {
        return new RelayConfigException(source, lineNumber, detail);
    }

    private static String describe(final List<String> missing)
    {
        final int shown = Math.min(missing.size(), MISSING_SHOWN_MAX);
        final String more = missing.size() > shown ? " and " + (missing.size() - shown) + " more" : "";
        return String.join(", ", missing.subList(0, shown)) + more;
    }

    /** {@code 127.0.0.1:29120}: the literal address without a host name. */
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
