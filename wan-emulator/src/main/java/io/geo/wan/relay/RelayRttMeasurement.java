package io.geo.wan.relay;

import io.geo.wan.WanProfile;
import io.geo.wan.WanProfileException;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures what the relay adds: plain UDP ping-pong through a relay started in this JVM on a WAN profile (default
 * {@code three-regions}), every port from the OS. For every ordered link A -> B a client in A sends pings to the
 * relay's A -> B port; an echo socket on B's endpoint sends each ping back to where it came from (the relay's
 * forwarding socket), so the pong returns over B -> A. Prints, per link, the profile's RTT against the measured RTT
 * (mean, p50, p99, max) and the relay thread's CPU time per forwarded datagram. One measuring thread, sleeping in a
 * selector between pings; the measured RTT includes its wake-up latency.
 * <p>
 * Usage: {@code RelayRttMeasurement [--profile NAME] [--config-dir DIR] [--pings N] [--interval-ms MS]
 * [--fifo on|off]}; exit 2 on bad usage, 1 if pings went missing.
 */
public final class RelayRttMeasurement
{
    private static final String USAGE =
        "usage: RelayRttMeasurement [--profile NAME] [--config-dir DIR] [--pings N] [--interval-ms MS] [--fifo on|off]";
    private static final long NS_PER_MS = 1_000_000L;
    private static final int PING_BYTES = 64;
    private static final int WARM_UP_PINGS = 100;
    private static final long DRAIN_NS = 3_000L * NS_PER_MS;

    private final WanProfile profile;
    private final RelayConfig config;
    private final int linkCount;
    private final int[] linkFrom;
    private final int[] linkTo;

    private RelayMeasurementSockets sockets;

    private RelayRttMeasurement(final WanProfile profile, final RelayConfig config)
    {
        this.profile = profile;
        this.config = config;
        final int n = profile.regionCount();
        linkCount = n * (n - 1);
        linkFrom = new int[linkCount];
        linkTo = new int[linkCount];
        int link = 0;
        for (int from = 0; from < n; from++)
        {
            for (int to = 0; to < n; to++)
            {
                if (from != to)
                {
                    linkFrom[link] = from;
                    linkTo[link] = to;
                    link++;
                }
            }
        }
    }

    public static void main(final String[] args) throws Exception
    {
        String profileName = "three-regions";
        String configDirText = System.getProperty("geo.config.dir", "config");
        int pings = 1000;
        int intervalMs = 5;
        boolean fifo = true;
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                final String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--profile" -> profileName = required(args[i], value);
                    case "--config-dir" -> configDirText = required(args[i], value);
                    case "--pings" -> pings = number(args[i], value, 10, 1_000_000);
                    case "--interval-ms" -> intervalMs = number(args[i], value, 1, 10_000);
                    case "--fifo" -> fifo = onOff(args[i], value);
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
                i++;
            }
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("RelayRttMeasurement: " + ex.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }

        final Path configDir = Path.of(configDirText);
        final WanProfile profile;
        try
        {
            profile = WanProfile.resolve(profileName, configDir);
        }
        catch (final WanProfileException ex)
        {
            System.err.println("RelayRttMeasurement: " + ex.getMessage());
            System.exit(2);
            return;
        }

        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        final boolean complete = run(profile, configDir, pings, intervalMs, fifo, out);
        System.exit(complete ? 0 : 1);
    }

    private static boolean run(
        final WanProfile profile,
        final Path configDir,
        final int pings,
        final int intervalMs,
        final boolean fifo,
        final PrintStream out)
        throws IOException, RelayConfigException, RelayStartException
    {
        try (RelayMeasurementSockets sockets = new RelayMeasurementSockets(profile.regionCount()))
        {
            final ArrayList<String> lines = new ArrayList<>();
            lines.add("profile " + profile.name());
            lines.add("control 127.0.0.1:0");
            lines.add("fifo " + (fifo ? "on" : "off"));
            for (int region = 0; region < profile.regionCount(); region++)
            {
                lines.add("endpoint " + profile.regions().get(region) + " 127.0.0.1:" + sockets.endpointPort(region));
            }
            for (final String from : profile.regions())
            {
                for (final String to : profile.regions())
                {
                    if (!from.equals(to))
                    {
                        lines.add("link " + from + " " + to + " 127.0.0.1:0");
                    }
                }
            }
            final RelayConfig config = RelayConfig.parse("measurement", lines, null, configDir);
            final RelayRttMeasurement measurement = new RelayRttMeasurement(profile, config);
            measurement.sockets = sockets;
            return measurement.measure(pings, intervalMs, out);
        }
    }

    private boolean measure(final int pings, final int intervalMs, final PrintStream out) throws IOException,
        RelayStartException
    {
        try (WanRelay relay = WanRelay.start(config))
        {
            sockets.openClients(relay, linkFrom, linkTo, profile);

            // Warm up the JIT of both sides, then measure from a clean baseline of counters and CPU time.
            pingPong(WARM_UP_PINGS, intervalMs);
            final long forwardedBefore = forwarded(relay);
            final long cpuBeforeNs = relay.threadCpuTimeNs();
            final long startNs = System.nanoTime();
            final long[][] roundTripNs = pingPong(pings, intervalMs);
            final long elapsedNs = System.nanoTime() - startNs;
            final long cpuNs = relay.threadCpuTimeNs() - cpuBeforeNs;
            final long forwarded = forwarded(relay) - forwardedBefore;

            out.printf(Locale.ROOT, "profile %s, fifo %s, %d pings per link every %d ms, %d links at once, %.1f s%n",
                profile.name(), config.fifo() ? "on" : "off", pings, intervalMs, linkCount, elapsedNs / 1e9);
            out.println();
            out.println("| link (ping out, pong back)         | configured RTT ms | mean ms | p50 ms  | p99 ms  " +
                "| max ms  | lost |");
            out.println("|------------------------------------|------------------:|--------:|--------:|--------:" +
                "|--------:|-----:|");
            boolean complete = true;
            for (int link = 0; link < linkCount; link++)
            {
                final long[] samples = received(roundTripNs[link]);
                complete &= samples.length == pings;
                Arrays.sort(samples);
                out.printf(Locale.ROOT, "| %-34s | %17.3f | %7.3f | %7.3f | %7.3f | %7.3f | %4d |%n",
                    profile.regions().get(linkFrom[link]) + " -> " + profile.regions().get(linkTo[link]),
                    profile.rttMs(linkFrom[link], linkTo[link]),
                    mean(samples) / 1e6,
                    percentile(samples, 50) / 1e6,
                    percentile(samples, 99) / 1e6,
                    samples.length == 0 ? Double.NaN : samples[samples.length - 1] / 1e6,
                    pings - samples.length);
            }
            out.println();
            if (cpuNs >= 0 && forwarded > 0)
            {
                out.printf(Locale.ROOT, "relay thread: %d datagrams forwarded, %.1f ms CPU, %.1f us CPU per " +
                    "forwarded datagram (%.1f%% of one core)%n", forwarded, cpuNs / 1e6, cpuNs / 1e3 / forwarded,
                    100.0 * cpuNs / elapsedNs);
            }
            else
            {
                out.println("relay thread: CPU time not measured by this JVM");
            }
            return complete;
        }
    }

    /**
     * Send {@code pings} pings on every link, one per link every {@code intervalMs}, echo them at the endpoints and
     * collect the round trips; waits up to three seconds after the last ping for stragglers.
     *
     * @return per link, per ping, the round trip in nanoseconds, or -1 if the pong never came.
     */
    private long[][] pingPong(final int pings, final int intervalMs) throws IOException
    {
        final long[][] roundTripNs = new long[linkCount][pings];
        for (final long[] row : roundTripNs)
        {
            Arrays.fill(row, -1);
        }
        final ByteBuffer buffer = ByteBuffer.allocateDirect(PING_BYTES);
        final long intervalNs = intervalMs * NS_PER_MS;
        long nextSendNs = System.nanoTime();
        int sent = 0;
        int outstanding = 0;
        long drainDeadlineNs = Long.MAX_VALUE;
        final Selector selector = sockets.selector;
        while (sent < pings || (outstanding > 0 && System.nanoTime() - drainDeadlineNs < 0))
        {
            final long nowNs = System.nanoTime();
            if (sent < pings && nowNs - nextSendNs >= 0)
            {
                for (int link = 0; link < linkCount; link++)
                {
                    buffer.clear();
                    buffer.putInt(link).putInt(sent).putLong(System.nanoTime());
                    buffer.position(PING_BYTES).flip();
                    sockets.clients[link].send(buffer, sockets.clientTargets[link]);
                }
                sent++;
                outstanding += linkCount;
                nextSendNs += intervalNs;
                if (sent == pings)
                {
                    drainDeadlineNs = nowNs + DRAIN_NS;
                }
            }

            final long waitNs = sent < pings ? nextSendNs - System.nanoTime() : drainDeadlineNs - System.nanoTime();
            if (waitNs >= NS_PER_MS)
            {
                selector.select(waitNs / NS_PER_MS);
            }
            else
            {
                selector.selectNow();
            }
            for (final SelectionKey key : selector.selectedKeys())
            {
                final DatagramChannel channel = (DatagramChannel)key.channel();
                final Object attachment = key.attachment();
                InetSocketAddress source;
                while (true)
                {
                    buffer.clear();
                    source = (InetSocketAddress)channel.receive(buffer);
                    if (null == source)
                    {
                        break;
                    }
                    buffer.flip();
                    if (attachment instanceof Integer)
                    {
                        // An endpoint: echo the ping to where it came from (the relay's forwarding socket).
                        channel.send(buffer, source);
                    }
                    else
                    {
                        final long receivedNs = System.nanoTime();
                        final int link = buffer.getInt();
                        final int sequence = buffer.getInt();
                        final long sentNs = buffer.getLong();
                        if (roundTripNs[link][sequence] < 0)
                        {
                            roundTripNs[link][sequence] = receivedNs - sentNs;
                            outstanding--;
                        }
                    }
                }
            }
            selector.selectedKeys().clear();
        }
        return roundTripNs;
    }

    private static long forwarded(final WanRelay relay)
    {
        long forwarded = 0;
        for (final LinkStatus link : relay.status().links())
        {
            forwarded += link.counters().forwarded();
        }
        return forwarded;
    }

    private static long[] received(final long[] samples)
    {
        return Arrays.stream(samples).filter(sample -> sample >= 0).toArray();
    }

    private static double mean(final long[] sorted)
    {
        return sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).average().orElse(Double.NaN);
    }

    /** Nearest-rank percentile of sorted samples. */
    private static double percentile(final long[] sorted, final int percent)
    {
        if (sorted.length == 0)
        {
            return Double.NaN;
        }
        final int rank = (int)Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static String required(final String option, final String value)
    {
        if (null == value)
        {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static boolean onOff(final String option, final String value)
    {
        return switch (required(option, value))
        {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(option + " must be on or off: '" + value + "'");
        };
    }

    private static int number(final String option, final String value, final int min, final int max)
    {
        final String text = required(option, value);
        final int number;
        try
        {
            number = Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " is not a whole number: '" + text + "'");
        }
        if (number < min || number > max)
        {
            throw new IllegalArgumentException(option + " must be " + min + ".." + max + ": " + number);
        }
        return number;
    }

    /** The measuring thread's sockets: an echo socket per region's endpoint and a client per link. */
    private static final class RelayMeasurementSockets implements AutoCloseable
    {
        final Selector selector;
        final DatagramChannel[] endpoints;
        DatagramChannel[] clients = new DatagramChannel[0];
        InetSocketAddress[] clientTargets = new InetSocketAddress[0];
        private final List<DatagramChannel> opened = new ArrayList<>();

        RelayMeasurementSockets(final int regionCount) throws IOException
        {
            selector = Selector.open();
            endpoints = new DatagramChannel[regionCount];
            for (int region = 0; region < regionCount; region++)
            {
                endpoints[region] = open();
                endpoints[region].register(selector, SelectionKey.OP_READ, region);
            }
        }

        int endpointPort(final int region) throws IOException
        {
            return ((InetSocketAddress)endpoints[region].getLocalAddress()).getPort();
        }

        void openClients(final WanRelay relay, final int[] linkFrom, final int[] linkTo, final WanProfile profile)
            throws IOException
        {
            clients = new DatagramChannel[linkFrom.length];
            clientTargets = new InetSocketAddress[linkFrom.length];
            for (int link = 0; link < linkFrom.length; link++)
            {
                clients[link] = open();
                clients[link].register(selector, SelectionKey.OP_READ, "client");
                clientTargets[link] = relay.listenAddress(
                    profile.regions().get(linkFrom[link]), profile.regions().get(linkTo[link]));
            }
        }

        private DatagramChannel open() throws IOException
        {
            final DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
            opened.add(channel);
            channel.configureBlocking(false);
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return channel;
        }

        @Override
        public void close()
        {
            for (final DatagramChannel channel : opened)
            {
                RelayEngine.closeQuietly(channel);
            }
            RelayEngine.closeQuietly(selector);
        }
    }
}
