package io.geo.wan.relay;

import io.geo.wan.WanProfile;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, validated relay config: the WAN profile, the control address, each region's real endpoint and the
 * relay's listen address for every ordered pair of regions, plus limits. Loaded from a {@code .relay} file whose
 * format is described in {@code docs/wan-relay.md}; every config that loads is complete (an endpoint per region, a
 * link per ordered pair) and valid (addresses well formed, no address used twice, limits within range).
 * <p>
 * Addresses are IPv4 literals; port 0 in a {@code control} or {@code link} line means "any free port", which the
 * running {@link WanRelay} reports (tests use it). Safe to share between threads.
 */
public final class RelayConfig
{
    /** Files larger than this are rejected before reading. */
    public static final long MAX_FILE_BYTES = 1024 * 1024;

    /** File name extension of relay configs. */
    public static final String FILE_EXTENSION = ".relay";

    /** Default most datagrams waiting in the delay queue at once. */
    public static final int DEFAULT_QUEUED_DATAGRAMS = 8192;

    /** Default most bytes waiting in the delay queue at once (the size of its preallocated ring). */
    public static final int DEFAULT_QUEUED_BYTES = 8 * 1024 * 1024;

    /** Default most distinct senders (source addresses) per link, each with a forwarding socket of its own. */
    public static final int DEFAULT_SENDERS_PER_LINK = 64;

    /** Default time after which a silent sender's forwarding socket is closed. */
    public static final long DEFAULT_SENDER_IDLE_MS = 60_000;

    /** Default seed of the jitter and loss draws. */
    public static final long DEFAULT_SEED = 1;

    static final int MAX_QUEUED_DATAGRAMS = 1 << 20;
    static final int MIN_QUEUED_BYTES = 1024;
    static final int MAX_QUEUED_BYTES = 1 << 30;
    static final int MAX_SENDERS_PER_LINK = 1024;
    static final long MIN_SENDER_IDLE_MS = 1_000;
    static final long MAX_SENDER_IDLE_MS = 86_400_000;

    private final String source;
    private final WanProfile profile;
    private final InetSocketAddress controlAddress;
    private final int controlLine;
    private final InetSocketAddress[] endpoints;
    private final int[] endpointLines;
    private final InetSocketAddress[] listenAddresses;
    private final int[] linkLines;
    private final long seed;
    private final boolean fifo;
    private final int maxQueuedDatagrams;
    private final int maxQueuedBytes;
    private final int maxSendersPerLink;
    private final long senderIdleMs;

    /** Takes ownership of the arrays; the parser guarantees they are complete and valid. */
    RelayConfig(
        final String source,
        final WanProfile profile,
        final InetSocketAddress controlAddress,
        final int controlLine,
        final InetSocketAddress[] endpoints,
        final int[] endpointLines,
        final InetSocketAddress[] listenAddresses,
        final int[] linkLines,
        final long seed,
        final boolean fifo,
        final int maxQueuedDatagrams,
        final int maxQueuedBytes,
        final int maxSendersPerLink,
        final long senderIdleMs)
    {
        this.source = source;
        this.profile = profile;
        this.controlAddress = controlAddress;
        this.controlLine = controlLine;
        this.endpoints = endpoints;
        this.endpointLines = endpointLines;
        this.listenAddresses = listenAddresses;
        this.linkLines = linkLines;
        this.seed = seed;
        this.fifo = fifo;
        this.maxQueuedDatagrams = maxQueuedDatagrams;
        this.maxQueuedBytes = maxQueuedBytes;
        this.maxSendersPerLink = maxSendersPerLink;
        this.senderIdleMs = senderIdleMs;
    }

    /**
     * Read, parse and validate a relay config file. Blocking file I/O; no side effects (nothing is bound).
     * <p>
     * A {@code profile} line naming a profile ({@code three-regions}) finds it in {@code <configDir>/wan/}; one
     * giving a path (containing {@code /} or ending in {@code .wan}) is relative to the config file's folder.
     *
     * @param file      a {@code .relay} file.
     * @param configDir the config directory holding {@code wan/}; null means the parent of the file's folder
     *                  (so {@code config/relay/x.relay} finds {@code config/wan/}).
     * @return the config, complete and valid.
     * @throws RelayConfigException if the file cannot be read or is not valid; the message names the file, the
     *                              line and the bad value.
     */
    public static RelayConfig load(final Path file, final Path configDir) throws RelayConfigException
    {
        Objects.requireNonNull(file, "file");
        final String source = file.toString();
        if (Files.isDirectory(file))
        {
            throw new RelayConfigException(source, RelayConfigException.NO_LINE, "is a directory, not a relay config");
        }

        final List<String> lines;
        try
        {
            final long sizeBytes = Files.size(file);
            if (sizeBytes > MAX_FILE_BYTES)
            {
                throw new RelayConfigException(source, RelayConfigException.NO_LINE,
                    "file of " + sizeBytes + " bytes is larger than the limit of " + MAX_FILE_BYTES + " bytes");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            throw new RelayConfigException(source, RelayConfigException.NO_LINE, "no such relay config file", ex);
        }
        catch (final MalformedInputException ex)
        {
            throw new RelayConfigException(source, RelayConfigException.NO_LINE, "not UTF-8 text", ex);
        }
        catch (final IOException ex)
        {
            throw new RelayConfigException(source, RelayConfigException.NO_LINE, "cannot read: " + ex, ex);
        }

        final Path folder = file.toAbsolutePath().getParent();
        final Path effectiveConfigDir = null != configDir ? configDir : (null == folder ? null : folder.getParent());
        return parse(source, lines, folder, effectiveConfigDir);
    }

    /**
     * Parse and validate the lines of a relay config held in memory (tests and tools generate them).
     *
     * @param source    the name used in error messages, such as a file name.
     * @param lines     the config's lines.
     * @param baseDir   folder that a relative profile path is resolved against; null means the working directory.
     * @param configDir the config directory holding {@code wan/}, for a profile given by name; may be null if the
     *                  profile is given by path.
     * @return the config, complete and valid.
     * @throws RelayConfigException if the config is not valid, naming the source, the line and the bad value.
     */
    public static RelayConfig parse(
        final String source, final List<String> lines, final Path baseDir, final Path configDir)
        throws RelayConfigException
    {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(lines, "lines");
        return new RelayConfigParser(source, baseDir, configDir).parse(lines);
    }

    /** Where this config came from (a file name), for messages. */
    public String source()
    {
        return source;
    }

    /** The WAN profile whose regions and links the relay emulates. */
    public WanProfile profile()
    {
        return profile;
    }

    /** The TCP address of the control interface, a loopback address; port 0 means any free port. */
    public InetSocketAddress controlAddress()
    {
        return controlAddress;
    }

    /** The config line of the {@code control} address. */
    public int controlLine()
    {
        return controlLine;
    }

    /**
     * The real endpoint of a region: where its receiver listens, and where the relay forwards what other regions
     * send to it. Never port 0.
     *
     * @throws IndexOutOfBoundsException if the index is outside the profile's regions.
     */
    public InetSocketAddress endpoint(final int region)
    {
        return endpoints[Objects.checkIndex(region, endpoints.length)];
    }

    /** The config line of a region's endpoint. */
    public int endpointLine(final int region)
    {
        return endpointLines[Objects.checkIndex(region, endpointLines.length)];
    }

    /**
     * The address the relay listens on for datagrams that region {@code from} sends to region {@code to}; port 0
     * means any free port (ask the running relay for the bound one).
     *
     * @throws IndexOutOfBoundsException if an index is outside the profile's regions.
     * @throws IllegalArgumentException  if {@code from == to}: a region to itself has no link.
     */
    public InetSocketAddress listenAddress(final int from, final int to)
    {
        return listenAddresses[cell(from, to)];
    }

    /** The config line of a link. */
    public int linkLine(final int from, final int to)
    {
        return linkLines[cell(from, to)];
    }

    /** Seed of the relay's jitter and loss draws. */
    public long seed()
    {
        return seed;
    }

    /** Whether each link delivers its datagrams in the order they arrived, even when jitter would reorder them. */
    public boolean fifo()
    {
        return fifo;
    }

    /** Most datagrams waiting in the delay queue at once; more are dropped and counted. */
    public int maxQueuedDatagrams()
    {
        return maxQueuedDatagrams;
    }

    /** Most bytes waiting in the delay queue at once (its preallocated ring); more are dropped and counted. */
    public int maxQueuedBytes()
    {
        return maxQueuedBytes;
    }

    /** Most distinct senders per link; datagrams from more are dropped and counted. */
    public int maxSendersPerLink()
    {
        return maxSendersPerLink;
    }

    /** Time after which a silent sender's forwarding socket is closed, in milliseconds. */
    public long senderIdleMs()
    {
        return senderIdleMs;
    }

    @Override
    public String toString()
    {
        return "RelayConfig{source=" + source + ", profile=" + profile.name() + ", control=" +
            RelayConfigParser.format(controlAddress) + "}";
    }

    private int cell(final int from, final int to)
    {
        final int n = profile.regionCount();
        Objects.checkIndex(from, n);
        Objects.checkIndex(to, n);
        if (from == to)
        {
            throw new IllegalArgumentException("no link from region " + profile.regions().get(from) + " to itself");
        }
        return from * n + to;
    }
}
