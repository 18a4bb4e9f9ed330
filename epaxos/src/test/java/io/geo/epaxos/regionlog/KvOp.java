package io.geo.epaxos.regionlog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A simulated client's key-value operation, carried as the payload of a region log entry: one line of text
 * {@code "client number kind key [value [expected]]"}, then optional padding after a newline (to reach a payload
 * size). Naming the client and its operation number in the payload lets the simulator recognise an applied entry
 * whatever sequence the node gave it. Immutable.
 */
public record KvOp(long client, long number, Kind kind, String key, String value, String expected)
{
    /** The operations of the workload. */
    public enum Kind
    {
        /** Set key to value. */
        PUT,
        /** Read key (absent reads as null). */
        GET,
        /** Set key to value iff it holds expected (null expected: iff absent). */
        CAS
    }

    /** What applying an operation to a node's state returned. */
    public record Result(boolean ok, String value)
    {
    }

    private static final String ABSENT = "~";
    private static final byte PADDING = '.';

    public static KvOp put(final long client, final long number, final String key, final String value)
    {
        return new KvOp(client, number, Kind.PUT, key, value, null);
    }

    public static KvOp get(final long client, final long number, final String key)
    {
        return new KvOp(client, number, Kind.GET, key, null, null);
    }

    public static KvOp cas(
        final long client, final long number, final String key, final String expected, final String value)
    {
        return new KvOp(client, number, Kind.CAS, key, value, expected);
    }

    /** The payload: the operation's line, padded with '.' after a newline up to {@code minBytes}. */
    public byte[] encode(final int minBytes)
    {
        final StringBuilder sb = new StringBuilder(64).append(client).append(' ').append(number).append(' ')
            .append(kind.name()).append(' ').append(key);
        if (kind != Kind.GET)
        {
            sb.append(' ').append(value);
        }
        if (kind == Kind.CAS)
        {
            sb.append(' ').append(expected == null ? ABSENT : expected);
        }
        final byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
        if (text.length + 1 >= minBytes)
        {
            return text;
        }
        final byte[] padded = Arrays.copyOf(text, minBytes);
        padded[text.length] = '\n';
        Arrays.fill(padded, text.length + 1, minBytes, PADDING);
        return padded;
    }

    /** Parses a payload made by {@link #encode}; null when it is not one (a corrupted or foreign payload). */
    public static KvOp decode(final byte[] payload)
    {
        int end = 0;
        while (end < payload.length && payload[end] != '\n')
        {
            end++;
        }
        final String[] parts = new String(payload, 0, end, StandardCharsets.US_ASCII).split(" ");
        try
        {
            final long client = Long.parseLong(parts[0]);
            final long number = Long.parseLong(parts[1]);
            final Kind kind = Kind.valueOf(parts[2]);
            final int expectedParts = kind == Kind.GET ? 4 : kind == Kind.PUT ? 5 : 6;
            if (parts.length != expectedParts)
            {
                return null;
            }
            return switch (kind)
            {
                case GET -> get(client, number, parts[3]);
                case PUT -> put(client, number, parts[3], parts[4]);
                case CAS -> cas(client, number, parts[3], ABSENT.equals(parts[5]) ? null : parts[5], parts[4]);
            };
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
    }

    /** Applies the operation to a node's key-value state and returns what the client is told. */
    public Result applyTo(final Map<String, String> state)
    {
        final String current = state.get(key);
        return switch (kind)
        {
            case GET -> new Result(true, current);
            case PUT ->
            {
                state.put(key, value);
                yield new Result(true, value);
            }
            case CAS ->
            {
                if (expected == null ? current == null : expected.equals(current))
                {
                    state.put(key, value);
                    yield new Result(true, value);
                }
                yield new Result(false, current);
            }
        };
    }

    /**
     * Applies the operation and records what its client was told in the state's session table (a key per client,
     * below every workload key), as a production host keeps the last result per client session: a node that gets the
     * operation's effect inside a snapshot can still answer the client.
     */
    public Result applyWithSession(final Map<String, String> state)
    {
        final Result result = applyTo(state);
        state.put(sessionKey(client), number + "|" + (result.ok() ? "1" : "0") + "|" +
            (result.value() == null ? "-" : "v" + result.value()));
        return result;
    }

    /** What the client's operation {@code number} returned, from the session table; null if it is not there. */
    public static Result sessionResult(final Map<String, String> state, final long client, final long number)
    {
        final String record = state.get(sessionKey(client));
        if (record == null)
        {
            return null;
        }
        final String[] parts = record.split("\\|", 3);
        if (parts.length != 3 || Long.parseLong(parts[0]) != number)
        {
            return null;
        }
        return new Result("1".equals(parts[1]), parts[2].equals("-") ? null : parts[2].substring(1));
    }

    static String sessionKey(final long client)
    {
        return "\u0001session/" + client;
    }

    /** Short text for traces and failure messages. */
    public static String describe(final LogEntry entry)
    {
        if (entry == null)
        {
            return "nothing";
        }
        if (entry.isNoop())
        {
            return "noop";
        }
        final KvOp op = decode(entry.payload());
        return entry.origin() + "#" + entry.sequence() + "[" + (op == null ? entry.payload().length + " B" :
            op.client + "." + op.number + " " + op.kind + " " + op.key) + "]";
    }
}
