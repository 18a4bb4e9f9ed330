package io.geo.client.sql;

/**
 * A statement could not be parsed. The message is one line meant for a person and always has the form
 * {@code syntax error at position <n> near '<token>': <what was expected or what is wrong>}, or
 * {@code syntax error at position <n> near end of input: <...>} when the text ended too early.
 *
 * <p>{@link #position()} counts {@code char}s of the Java string (UTF-16 code units) from 1; {@link #token()} is the
 * offending token as written, shortened to {@value #TOKEN_SHOWN_MAX} characters (then ending in {@code ...}) with
 * control characters escaped, so that the message stays on one line. The JDBC driver reports it with SQLState 42601.
 */
public final class CommandSyntaxException extends Exception
{
    private static final long serialVersionUID = 1L;

    /** What {@link #token()} returns when the problem is that the text ended. */
    public static final String END_OF_INPUT = "end of input";

    /** Longest token text quoted in a message; longer tokens are cut and end in {@code ...}. */
    public static final int TOKEN_SHOWN_MAX = 40;

    private final int position;
    private final String token;
    private final String detail;

    /**
     * @param position 1-based character offset where the problem starts.
     * @param token    the offending token as shown (already shortened), or null when the text ended too early.
     * @param detail   what was expected or what is wrong.
     */
    CommandSyntaxException(final int position, final String token, final String detail)
    {
        super("syntax error at position " + position + " near " + (null == token ? END_OF_INPUT : "'" + token + "'") +
            ": " + detail);
        this.position = position;
        this.token = null == token ? END_OF_INPUT : token;
        this.detail = detail;
    }

    /**
     * The 1-based character offset where the problem starts: the first character of the offending token, or one
     * past the last character of the text when it ended too early.
     */
    public int position()
    {
        return position;
    }

    /** The offending token as written (shortened, control characters escaped), or {@link #END_OF_INPUT}. */
    public String token()
    {
        return token;
    }

    /** The part of the message after the position and token: what was expected or what is wrong. */
    public String detail()
    {
        return detail;
    }
}
