package io.geo.router.cli;

import io.geo.wan.relay.LinkStatus;
import io.geo.wan.relay.RelayConfig;
import io.geo.wan.relay.RelayConfigException;
import io.geo.wan.relay.RelayControlClient;
import io.geo.wan.relay.RelayStartException;
import io.geo.wan.relay.WanRelay;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code geo wan}: the UDP relay that puts an emulated WAN between processes ({@code geo wan relay}), and the
 * commands that cut, heal and re-time its links while it runs. Exit codes: 0 ok, 1 the relay answered an error or
 * is unreachable (or could not start), 2 bad usage.
 */
@Command(
    name = "wan",
    mixinStandardHelpOptions = true,
    description = {
        "Emulated WAN between processes: a UDP relay and its fault control.",
        "The relay listens on a UDP port per ordered pair of regions and forwards",
        "datagrams after the WAN profile's delay. Start it with",
        "'geo wan relay --config FILE'; the other commands reach it through the",
        "control address of the same config (--config FILE) or directly",
        "(--control HOST:PORT). Format and limits: docs/wan-relay.md."},
    subcommands = {
        WanCommand.Relay.class,
        WanCommand.Cut.class,
        WanCommand.Heal.class,
        WanCommand.CutRegion.class,
        WanCommand.HealRegion.class,
        WanCommand.HealAll.class,
        WanCommand.SetDelay.class,
        WanCommand.Status.class})
final class WanCommand implements Runnable
{
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The config directory holding {@code wan/}: the option, else {@code -Dgeo.config.dir}, else from the file. */
    static Path configDirectory(final Path option)
    {
        if (null != option)
        {
            return option;
        }
        final String property = System.getProperty("geo.config.dir");
        return null == property || property.isBlank() ? null : Paths.get(property);
    }

    /** {@code geo wan relay}: runs a relay in the foreground until SIGINT or SIGTERM. */
    @Command(
        name = "relay",
        mixinStandardHelpOptions = true,
        description = {
            "Run a relay in the foreground until SIGINT (Ctrl-C) or SIGTERM.",
            "Prints the bound ports and the control address. Exits 1 if an address",
            "is in use, 2 on a bad config."})
    static final class Relay implements Callable<Integer>
    {
        @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "Relay config file, such as config/relay/three-regions.relay.")
        Path config;

        @Option(names = "--config-dir", paramLabel = "DIR",
            description = "Directory holding wan/ for a profile given by name (default: the project's config/).")
        Path configDir;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException
        {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            final RelayConfig relayConfig;
            try
            {
                relayConfig = RelayConfig.load(config, configDirectory(configDir));
            }
            catch (final RelayConfigException ex)
            {
                err.println("geo wan relay: " + ex.getMessage());
                return EXIT_USAGE;
            }

            final WanRelay relay;
            try
            {
                relay = WanRelay.start(relayConfig);
            }
            catch (final RelayStartException ex)
            {
                err.println("geo wan relay: " + ex.getMessage());
                return EXIT_FAILED;
            }

            printStarted(out, relay);
            final Thread shutdownHook = new Thread(() ->
            {
                relay.close();
                out.println("wan relay stopped");
                out.flush();
            }, "wan-relay-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);

            relay.awaitTermination();
            final Throwable failure = relay.failure();
            if (null != failure)
            {
                err.println("geo wan relay: stopped on an error: " + failure);
                return EXIT_FAILED;
            }
            return EXIT_OK;
        }

        private static void printStarted(final PrintWriter out, final WanRelay relay)
        {
            final RelayConfig config = relay.config();
            final InetSocketAddress control = relay.controlAddress();
            out.printf(Locale.ROOT, "wan relay: profile %s, %d regions, %d links, config %s%n",
                config.profile().name(), config.profile().regionCount(), relay.boundPorts().size() - 1,
                config.source());
            out.printf(Locale.ROOT, "control %s:%d (geo wan status --control %s:%d)%n",
                control.getAddress().getHostAddress(), control.getPort(),
                control.getAddress().getHostAddress(), control.getPort());
            for (int region = 0; region < config.profile().regionCount(); region++)
            {
                final InetSocketAddress endpoint = config.endpoint(region);
                out.printf(Locale.ROOT, "endpoint %-16s %s:%d%n", config.profile().regions().get(region),
                    endpoint.getAddress().getHostAddress(), endpoint.getPort());
            }
            for (final LinkStatus link : relay.status().links())
            {
                out.printf(Locale.ROOT, "link %-16s -> %-16s listen %s:%d  delay %s ms  jitter %s ms  loss %s%n",
                    link.from(), link.to(), link.listenAddress().getAddress().getHostAddress(),
                    link.listenAddress().getPort(), decimal(link.delayMs()), decimal(link.jitterMs()),
                    decimal(link.lossProbability()));
            }
            out.println("relay running; stop with Ctrl-C (SIGINT) or SIGTERM");
            out.flush();
        }
    }

    /** How a control command finds the relay. */
    static final class ControlTarget
    {
        @Option(names = "--config", paramLabel = "FILE",
            description = "Relay config whose control address to use.")
        Path config;

        @Option(names = "--control", paramLabel = "HOST:PORT",
            description = "Control address of the relay, such as 127.0.0.1:29100.")
        String control;

        @Option(names = "--config-dir", paramLabel = "DIR",
            description = "Directory holding wan/ for the config's profile (default: the project's config/).")
        Path configDir;

        @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "5000",
            description = "How long to wait for the relay (default: ${DEFAULT-VALUE}).")
        int timeoutMs;

        InetSocketAddress resolve()
        {
            if (timeoutMs < 1 || timeoutMs > 600_000)
            {
                throw new UsageException("--timeout-ms must be 1..600000; got " + timeoutMs);
            }
            if ((null == config) == (null == control))
            {
                throw new UsageException(null == config ?
                    "give --config FILE or --control HOST:PORT to find the relay" :
                    "give --config FILE or --control HOST:PORT, not both");
            }
            if (null != config)
            {
                try
                {
                    return RelayConfig.load(config, configDirectory(configDir)).controlAddress();
                }
                catch (final RelayConfigException ex)
                {
                    throw new UsageException(ex.getMessage());
                }
            }

            final int colon = control.lastIndexOf(':');
            if (colon <= 0 || colon == control.length() - 1)
            {
                throw new UsageException("--control must be HOST:PORT, such as 127.0.0.1:29100; got '" + control + "'");
            }
            final int port;
            try
            {
                port = Integer.parseInt(control.substring(colon + 1));
            }
            catch (final NumberFormatException ex)
            {
                throw new UsageException("--control port is not a number: '" + control + "'");
            }
            if (port < 1 || port > 65535)
            {
                throw new UsageException("--control port must be 1..65535; got '" + control + "'");
            }
            final InetSocketAddress address = new InetSocketAddress(control.substring(0, colon), port);
            if (address.isUnresolved())
            {
                throw new UsageException("--control host is unknown: '" + control + "'");
            }
            return address;
        }
    }

    /** A command sent over the control protocol; prints the reply. */
    abstract static class ControlCommand implements Callable<Integer>
    {
        @Mixin
        ControlTarget target;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** The protocol line to send; throws {@link UsageException} for a bad argument. */
        abstract String commandLine();

        @Override
        public Integer call()
        {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            final String name = spec.qualifiedName();
            final InetSocketAddress control;
            final String line;
            try
            {
                control = target.resolve();
                line = commandLine();
            }
            catch (final UsageException ex)
            {
                err.println(name + ": " + ex.getMessage());
                return EXIT_USAGE;
            }

            final List<String> reply;
            try
            {
                reply = RelayControlClient.send(control, line, target.timeoutMs);
            }
            catch (final ConnectException ex)
            {
                err.println(name + ": no relay answering at " + format(control) + " (connection refused)");
                return EXIT_FAILED;
            }
            catch (final SocketTimeoutException ex)
            {
                err.println(name + ": no answer from the relay at " + format(control) + " within " +
                    target.timeoutMs + " ms");
                return EXIT_FAILED;
            }
            catch (final IOException ex)
            {
                err.println(name + ": cannot reach the relay at " + format(control) + ": " + ex.getMessage());
                return EXIT_FAILED;
            }

            if (!RelayControlClient.isOk(reply))
            {
                final String last = reply.get(reply.size() - 1);
                err.println(name + ": " + (last.startsWith("error ") ? last.substring("error ".length()) : last));
                return EXIT_FAILED;
            }
            for (final String replyLine : reply)
            {
                out.println(replyLine);
            }
            out.flush();
            return EXIT_OK;
        }

        private static String format(final InetSocketAddress address)
        {
            return address.getHostString() + ":" + address.getPort();
        }
    }

    @Command(name = "cut", mixinStandardHelpOptions = true,
        description = {"Cut the link FROM -> TO (both ways with --both).",
            "Its datagrams, also those in flight, are dropped until healed."})
    static final class Cut extends ControlCommand
    {
        @Parameters(index = "0", paramLabel = "FROM", description = "Source region (name or alias).")
        String from;

        @Parameters(index = "1", paramLabel = "TO", description = "Destination region (name or alias).")
        String to;

        @Option(names = "--both", description = "Also cut the reverse direction.")
        boolean both;

        @Override
        String commandLine()
        {
            return "cut " + word(from) + " " + word(to) + (both ? " both" : "");
        }
    }

    @Command(name = "heal", mixinStandardHelpOptions = true,
        description = "Heal the link FROM -> TO (both ways with --both).")
    static final class Heal extends ControlCommand
    {
        @Parameters(index = "0", paramLabel = "FROM", description = "Source region (name or alias).")
        String from;

        @Parameters(index = "1", paramLabel = "TO", description = "Destination region (name or alias).")
        String to;

        @Option(names = "--both", description = "Also heal the reverse direction.")
        boolean both;

        @Override
        String commandLine()
        {
            return "heal " + word(from) + " " + word(to) + (both ? " both" : "");
        }
    }

    @Command(name = "cut-region", mixinStandardHelpOptions = true,
        description = "Cut every link from and to REGION (partition it away).")
    static final class CutRegion extends ControlCommand
    {
        @Parameters(index = "0", paramLabel = "REGION", description = "Region (name or alias).")
        String region;

        @Override
        String commandLine()
        {
            return "cut-region " + word(region);
        }
    }

    @Command(name = "heal-region", mixinStandardHelpOptions = true,
        description = "Heal every link from and to REGION.")
    static final class HealRegion extends ControlCommand
    {
        @Parameters(index = "0", paramLabel = "REGION", description = "Region (name or alias).")
        String region;

        @Override
        String commandLine()
        {
            return "heal-region " + word(region);
        }
    }

    @Command(name = "heal-all", mixinStandardHelpOptions = true, description = "Heal every link.")
    static final class HealAll extends ControlCommand
    {
        @Override
        String commandLine()
        {
            return "heal-all";
        }
    }

    @Command(name = "set-delay", mixinStandardHelpOptions = true,
        description = {
            "Set the one-way delay, jitter and loss of FROM -> TO.",
            "MS is the mean one-way delay in milliseconds (both ways with --both);",
            "--jitter the standard deviation of that delay (capped at MS); --loss the",
            "probability that a datagram is lost. Values not given keep their current",
            "setting. Applies to datagrams arriving from now on."})
    static final class SetDelay extends ControlCommand
    {
        @Parameters(index = "0", paramLabel = "FROM", description = "Source region (name or alias).")
        String from;

        @Parameters(index = "1", paramLabel = "TO", description = "Destination region (name or alias).")
        String to;

        @Parameters(index = "2", paramLabel = "MS", description = "Mean one-way delay in milliseconds, 0..60000.")
        double delayMs;

        @Option(names = "--jitter", paramLabel = "MS", description = "Standard deviation of the delay, 0..60000 ms.")
        Double jitterMs;

        @Option(names = "--loss", paramLabel = "P", description = "Loss probability, 0..1.")
        Double loss;

        @Option(names = "--both", description = "Also set the reverse direction.")
        boolean both;

        @Override
        String commandLine()
        {
            checkRange("MS", delayMs, 60_000);
            final StringBuilder line = new StringBuilder("set-delay ")
                .append(word(from)).append(' ').append(word(to)).append(' ').append(decimal(delayMs));
            if (null != jitterMs)
            {
                checkRange("--jitter", jitterMs, 60_000);
                line.append(" jitter ").append(decimal(jitterMs));
            }
            if (null != loss)
            {
                checkRange("--loss", loss, 1);
                line.append(" loss ").append(decimal(loss));
            }
            if (both)
            {
                line.append(" both");
            }
            return line.toString();
        }

        private static void checkRange(final String name, final double value, final double max)
        {
            if (!(value >= 0 && value <= max))
            {
                throw new UsageException(name + " must be within [0, " + decimal(max) + "]; got " + value);
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print every link's delay, jitter, loss, state and counters.")
    static final class Status extends ControlCommand
    {
        @Override
        String commandLine()
        {
            return "status";
        }
    }

    /** A region argument is one word of the protocol line. */
    static String word(final String value)
    {
        if (value.isEmpty() || value.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)))
        {
            throw new UsageException("a region is one word; got '" + value + "'");
        }
        return value;
    }

    /** Plain decimal without exponent or trailing zeros: 80, 0.01, 35.2525. */
    static String decimal(final double value)
    {
        final String text = new BigDecimal(String.format(Locale.ROOT, "%.6f", value)).stripTrailingZeros()
            .toPlainString();
        return "-0".equals(text) ? "0" : text;
    }
}
