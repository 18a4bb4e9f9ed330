package io.geo.wan.relay;

import io.geo.wan.WanProfile;
import io.geo.wan.WanProfileException;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The relay's text control protocol: one command per line, a reply of one or more lines of which the last starts
 * with {@code ok} or {@code error}. Commands (regions by name or alias):
 * <pre>
 *   cut A B [both]            heal A B [both]
 *   cut-region R              heal-region R              heal-all
 *   set-delay A B MS [jitter MS] [loss P] [both]
 *   status                    help
 * </pre>
 * Runs on the relay thread only. Format details: {@code docs/wan-relay.md}.
 */
final class ControlProtocol
{
    /** Largest delay or jitter {@code set-delay} accepts, as in a WAN profile. */
    static final double MAX_DELAY_MS = 60_000.0;

    static final String COMMANDS = "cut, heal, cut-region, heal-region, heal-all, set-delay, status, help";

    private static final String CUT_SYNTAX = "cut <from region> <to region> [both]";
    private static final String HEAL_SYNTAX = "heal <from region> <to region> [both]";
    private static final String CUT_REGION_SYNTAX = "cut-region <region>";
    private static final String HEAL_REGION_SYNTAX = "heal-region <region>";
    private static final String SET_DELAY_SYNTAX =
        "set-delay <from region> <to region> <delay ms> [jitter <ms>] [loss <0..1>] [both]";
    private static final int QUOTE_LENGTH_MAX = 64;
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    /** A bad command: its message becomes the {@code error} reply. */
    private static final class CommandException extends Exception
    {
        private static final long serialVersionUID = 1L;

        CommandException(final String message)
        {
            super(message, null, false, false);
        }
    }

    private ControlProtocol()
    {
    }

    /**
     * Run one command line.
     *
     * @return the reply lines, each ending in a newline; empty for a blank line (no reply).
     */
    static String execute(final RelayEngine engine, final String line)
    {
        final String content = line.strip();
        if (content.isEmpty())
        {
            return "";
        }

        final String[] tokens = WHITESPACE.split(content);
        try
        {
            return switch (tokens[0])
            {
                case "cut" -> cut(engine, tokens, true, CUT_SYNTAX);
                case "heal" -> cut(engine, tokens, false, HEAL_SYNTAX);
                case "cut-region" -> cutRegion(engine, tokens, true, CUT_REGION_SYNTAX);
                case "heal-region" -> cutRegion(engine, tokens, false, HEAL_REGION_SYNTAX);
                case "heal-all" -> healAll(engine, tokens);
                case "set-delay" -> setDelay(engine, tokens);
                case "status" -> status(engine, tokens);
                case "help" -> help(tokens);
                default -> throw new CommandException("unknown command " + quote(tokens[0]) + " (commands: " +
                    COMMANDS + ")");
            };
        }
        catch (final CommandException ex)
        {
            return "error " + ex.getMessage() + "\n";
        }
    }

    private static String cut(final RelayEngine engine, final String[] tokens, final boolean cut, final String syntax)
        throws CommandException
    {
        if (tokens.length < 3 || tokens.length > 4 || (4 == tokens.length && !"both".equals(tokens[3])))
        {
            throw usage(syntax);
        }

        final int from = region(engine, tokens[1]);
        final int to = region(engine, tokens[2]);
        checkDifferent(engine, from, to);
        final boolean both = 4 == tokens.length;
        engine.setCut(from, to, cut);
        if (both)
        {
            engine.setCut(to, from, cut);
        }

        return "ok " + (cut ? "cut " : "healed ") + name(engine, from) + (both ? " <-> " : " -> ") +
            name(engine, to) + "\n";
    }

    private static String cutRegion(
        final RelayEngine engine, final String[] tokens, final boolean cut, final String syntax)
        throws CommandException
    {
        if (tokens.length != 2)
        {
            throw usage(syntax);
        }

        final int region = region(engine, tokens[1]);
        final int count = engine.setRegionCut(region, cut);
        return "ok " + (cut ? "cut" : "healed") + " region " + name(engine, region) + ": " + count +
            " links to and from it\n";
    }

    private static String healAll(final RelayEngine engine, final String[] tokens) throws CommandException
    {
        if (tokens.length != 1)
        {
            throw usage("heal-all");
        }

        return "ok healed all " + engine.healAll() + " links\n";
    }

    private static String setDelay(final RelayEngine engine, final String[] tokens) throws CommandException
    {
        if (tokens.length < 4)
        {
            throw usage(SET_DELAY_SYNTAX);
        }

        final int from = region(engine, tokens[1]);
        final int to = region(engine, tokens[2]);
        checkDifferent(engine, from, to);
        final double delayMs = number("delay", tokens[3], 0.0, MAX_DELAY_MS);
        double jitterMs = Double.NaN;
        double loss = Double.NaN;
        boolean both = false;
        for (int i = 4; i < tokens.length; i++)
        {
            switch (tokens[i])
            {
                case "jitter" ->
                {
                    if (!Double.isNaN(jitterMs) || i + 1 == tokens.length)
                    {
                        throw usage(SET_DELAY_SYNTAX);
                    }
                    jitterMs = number("jitter", tokens[++i], 0.0, MAX_DELAY_MS);
                }
                case "loss" ->
                {
                    if (!Double.isNaN(loss) || i + 1 == tokens.length)
                    {
                        throw usage(SET_DELAY_SYNTAX);
                    }
                    loss = number("loss", tokens[++i], 0.0, 1.0);
                }
                case "both" ->
                {
                    if (both)
                    {
                        throw usage(SET_DELAY_SYNTAX);
                    }
                    both = true;
                }
                default -> throw new CommandException("unexpected " + quote(tokens[i]) + ": usage: " +
                    SET_DELAY_SYNTAX);
            }
        }

        final StringBuilder reply = new StringBuilder("ok ");
        applyDelay(engine, from, to, delayMs, jitterMs, loss, reply);
        if (both)
        {
            reply.append("; ");
            applyDelay(engine, to, from, delayMs, jitterMs, loss, reply);
        }
        return reply.append('\n').toString();
    }

    /** Jitter or loss not given (NaN) keep the link's current value. */
    private static void applyDelay(
        final RelayEngine engine,
        final int from,
        final int to,
        final double delayMs,
        final double jitterMs,
        final double loss,
        final StringBuilder reply)
    {
        final RelayLink link = engine.link(from, to);
        engine.setLink(from, to, delayMs, Double.isNaN(jitterMs) ? link.jitterMs : jitterMs,
            Double.isNaN(loss) ? link.lossProbability : loss);
        reply.append(link.describe())
            .append(" delayMs=").append(decimal(link.delayMs))
            .append(" jitterMs=").append(decimal(link.jitterMs))
            .append(" loss=").append(decimal(link.lossProbability));
    }

    private static String status(final RelayEngine engine, final String[] tokens) throws CommandException
    {
        if (tokens.length != 1)
        {
            throw usage("status");
        }

        final RelayStatus status = engine.status();
        final RelayConfig config = engine.config();
        final StringBuilder reply = new StringBuilder();
        reply.append("relay profile=").append(status.profile())
            .append(" config=").append(config.source())
            .append(" control=").append(RelayConfigParser.format(engine.boundControlAddress()))
            .append(" queued=").append(status.queuedDatagrams()).append('/').append(status.maxQueuedDatagrams())
            .append(" queuedBytes=").append(status.queuedBytes()).append('/').append(status.maxQueuedBytes())
            .append(" fifo=").append(config.fifo() ? "on" : "off")
            .append(" seed=").append(config.seed())
            .append('\n');
        for (final LinkStatus link : status.links())
        {
            appendLink(reply, link);
        }
        return reply.append("ok ").append(status.links().size()).append(" links\n").toString();
    }

    static void appendLink(final StringBuilder out, final LinkStatus link)
    {
        final LinkCounters counters = link.counters();
        out.append("link ").append(link.from()).append(" -> ").append(link.to())
            .append(" listen=").append(RelayConfigParser.format(link.listenAddress()))
            .append(" endpoint=").append(RelayConfigParser.format(link.endpoint()))
            .append(" state=").append(link.cut() ? "cut" : "up")
            .append(" delayMs=").append(decimal(link.delayMs()))
            .append(" jitterMs=").append(decimal(link.jitterMs()))
            .append(" loss=").append(decimal(link.lossProbability()))
            .append(" senders=").append(link.senders())
            .append(" received=").append(counters.received())
            .append(" forwarded=").append(counters.forwarded())
            .append(" bytes=").append(counters.forwardedBytes())
            .append(" droppedLoss=").append(counters.droppedLoss())
            .append(" droppedCut=").append(counters.droppedCut())
            .append(" droppedOverload=").append(counters.droppedOverload())
            .append('\n');
    }

    private static String help(final String[] tokens) throws CommandException
    {
        if (tokens.length != 1)
        {
            throw usage("help");
        }

        return "usage " + CUT_SYNTAX + "\n" +
            "usage " + HEAL_SYNTAX + "\n" +
            "usage " + CUT_REGION_SYNTAX + "\n" +
            "usage " + HEAL_REGION_SYNTAX + "\n" +
            "usage heal-all\n" +
            "usage " + SET_DELAY_SYNTAX + "\n" +
            "usage status\n" +
            "ok 8 commands\n";
    }

    private static int region(final RelayEngine engine, final String nameOrAlias) throws CommandException
    {
        try
        {
            return engine.profile().regionIndex(nameOrAlias);
        }
        catch (final WanProfileException ex)
        {
            throw new CommandException(ex.getMessage());
        }
    }

    private static void checkDifferent(final RelayEngine engine, final int from, final int to)
        throws CommandException
    {
        if (from == to)
        {
            throw new CommandException("no link from region " + name(engine, from) + " to itself: give two " +
                "different regions");
        }
    }

    private static double number(final String what, final String value, final double min, final double max)
        throws CommandException
    {
        if (!NUMBER.matcher(value).matches())
        {
            throw new CommandException(what + " is not a number: " + quote(value));
        }
        final double number = Double.parseDouble(value) + 0.0;
        if (!(number >= min && number <= max))
        {
            throw new CommandException(what + " must be within [" + decimal(min) + ", " + decimal(max) + "]: " +
                quote(value));
        }
        return number;
    }

    private static String name(final RelayEngine engine, final int region)
    {
        final WanProfile profile = engine.profile();
        return profile.regions().get(region);
    }

    private static CommandException usage(final String syntax)
    {
        return new CommandException("usage: " + syntax);
    }

    /** Up to six decimals, no trailing zeros, no exponent: 35.2525, 0.01, 80. */
    static String decimal(final double value)
    {
        final String text = new BigDecimal(String.format(Locale.ROOT, "%.6f", value)).stripTrailingZeros()
            .toPlainString();
        return "-0".equals(text) ? "0" : text;
    }

    private static String quote(final String value)
    {
        return "'" + (value.length() > QUOTE_LENGTH_MAX ? value.substring(0, QUOTE_LENGTH_MAX) + "..." : value) + "'";
    }
}
