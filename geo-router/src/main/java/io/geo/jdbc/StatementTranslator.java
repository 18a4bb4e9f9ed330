package io.geo.jdbc;

import io.geo.client.ClientOp;
import io.geo.client.ClientResult;
import io.geo.client.WireMessage;
import io.geo.client.sql.Column;
import io.geo.client.sql.CompareAndSet;
import io.geo.client.sql.Delete;
import io.geo.client.sql.Expr;
import io.geo.client.sql.Increment;
import io.geo.client.sql.Insert;
import io.geo.client.sql.Select;
import io.geo.client.sql.Statement;
import io.geo.client.sql.Upsert;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The pure half of executing a statement: a parsed statement and its bound parameters become the ops of one command;
 * the command's results become an update count, rows, or a failure. No I/O and no state, so every mapping is tested
 * without a node (the connection and statements only add the round trip).
 * <p>
 * Keys and values are bytes: a literal or a string parameter is its UTF-8 encoding, an integer its decimal text.
 */
final class StatementTranslator
{
    /** Longest rendering of a key or value in an error message, in characters. */
    static final int MAX_DESCRIBED_CHARS = 64;

    /** Digits beyond which a decimal integer is out of every supported range (a long has 19). */
    private static final int MAX_INTEGER_DIGITS = 40;
    private static final BigInteger OUT_OF_RANGE = BigInteger.ONE.shiftLeft(MAX_INTEGER_DIGITS * 4);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The limits of the connected cluster, from its HELLO answer; checked before a command is sent. */
    record Limits(List<String> keyspaces, int maxOps, int maxKeyBytes, int maxValueBytes)
    {
        Limits
        {
            keyspaces = List.copyOf(keyspaces);
        }

        static Limits of(final WireMessage.HelloOk hello)
        {
            return new Limits(hello.keyspaces(), hello.maxOps(), hello.maxKeyBytes(), hello.maxValueBytes());
        }
    }

    /**
     * Rows of a result: {@code values.get(row)[column]} holds the bytes of {@code columns.get(column)}; never null.
     * The arrays are owned by the rows once constructed.
     */
    record Rows(String keyspace, List<Column> columns, List<byte[][]> values)
    {
        Rows
        {
            columns = List.copyOf(columns);
            values = List.copyOf(values);
        }
    }

    /** What one statement came to: exactly one of an update count (>= 0), rows, or a failure. */
    record Outcome(int updateCount, Rows rows, SQLException failure)
    {
        static Outcome count(final int updateCount)
        {
            return new Outcome(updateCount, null, null);
        }

        static Outcome rows(final Rows rows)
        {
            return new Outcome(-1, rows, null);
        }

        static Outcome failed(final SQLException failure)
        {
            return new Outcome(-1, null, failure);
        }
    }

    private StatementTranslator()
    {
    }

    /**
     * The ops of one statement. A SELECT becomes one GET per distinct key, in the order the keys are listed (a key
     * listed twice is read, and returned, once); every other statement becomes one op.
     *
     * @param parameters {@code parameters[i - 1]} holds parameter {@code i}; null when not set.
     * @throws SQLException 07001 when a parameter is not set; 22018/22003 when an INCR delta is not a long.
     */
    static List<ClientOp> ops(final Statement statement, final byte[][] parameters) throws SQLException
    {
        final String keyspace = statement.keyspace();
        if (statement instanceof Select select)
        {
            final List<ClientOp> ops = new ArrayList<>(select.keys().size());
            final Set<ByteBuffer> seen = new HashSet<>(); // membership only: order comes from the list
            for (final Expr keyExpr : select.keys())
            {
                final byte[] key = resolve(keyExpr, parameters);
                if (seen.add(ByteBuffer.wrap(key)))
                {
                    ops.add(ClientOp.get(keyspace, key));
                }
            }
            return ops;
        }
        if (statement instanceof Upsert upsert)
        {
            return List.of(ClientOp.put(keyspace, resolve(upsert.key(), parameters),
                resolve(upsert.value(), parameters)));
        }
        if (statement instanceof Insert insert)
        {
            return List.of(ClientOp.cas(keyspace, resolve(insert.key(), parameters), null,
                resolve(insert.value(), parameters)));
        }
        if (statement instanceof CompareAndSet cas)
        {
            final byte[] key = resolve(cas.key(), parameters);
            final byte[] newValue = resolve(cas.newValue(), parameters);
            return List.of(ClientOp.cas(keyspace, key, resolve(cas.expected(), parameters), newValue));
        }
        if (statement instanceof Increment increment)
        {
            final byte[] key = resolve(increment.key(), parameters);
            return List.of(ClientOp.incr(keyspace, key, delta(increment, parameters)));
        }
        final Delete delete = (Delete)statement;
        return List.of(ClientOp.delete(keyspace, resolve(delete.key(), parameters)));
    }

    /**
     * Checks a command against the cluster's limits before it is sent: every keyspace is known, the op count, and
     * the sizes of keys, values and expected values.
     *
     * @throws SQLSyntaxErrorException 42P01 for an unknown keyspace.
     * @throws SQLDataException 22001 for a limit exceeded, naming the limit and the size.
     */
    static void checkLimits(final List<ClientOp> ops, final Limits limits) throws SQLException
    {
        if (ops.size() > limits.maxOps())
        {
            throw new SQLDataException("command of " + ops.size() + " ops exceeds the limit of " + limits.maxOps() +
                " ops (maxOps)", "22001");
        }
        String lastKeyspace = null;
        for (final ClientOp op : ops)
        {
            if (!op.keyspace().equals(lastKeyspace))
            {
                if (!limits.keyspaces().contains(op.keyspace()))
                {
                    throw new SQLSyntaxErrorException("unknown keyspace '" + op.keyspace() + "' (known: " +
                        String.join(", ", limits.keyspaces()) + ")", "42P01");
                }
                lastKeyspace = op.keyspace();
            }
            if (op.key().length > limits.maxKeyBytes())
            {
                throw new SQLDataException("key of " + op.key().length + " bytes exceeds the limit of " +
                    limits.maxKeyBytes() + " bytes (maxKeyBytes)", "22001");
            }
            checkValue(op, op.value(), "value", limits);
            checkValue(op, op.expected(), "expected value", limits);
        }
    }

    /**
     * Checks the number of statements of a batch (one op each) against the cluster's op limit.
     *
     * @throws SQLException 54000 when the batch is too large.
     */
    static void checkBatchSize(final int statements, final Limits limits) throws SQLException
    {
        if (statements > limits.maxOps())
        {
            throw new SQLException("too many statements in one batch: " + statements + " (limit " +
                limits.maxOps() + ", maxOps)", "54000");
        }
    }

    /**
     * What a statement came to, from the results of its ops: {@code results.get(from + i)} answers
     * {@code ops.get(i)}.
     * <ul>
     *     <li>SELECT: a row per key found, in the order of the ops, with the statement's columns.</li>
     *     <li>UPSERT: 1. INSERT: 1, or 23505 when the key exists. UPDATE ... AND value = ?: 1 if swapped, else 0.
     *     DELETE: 1 if the key existed, else 0.</li>
     *     <li>UPDATE ... value + ?: 1, or a row holding the new value with RETURNING; 22018 when the current value is
     *     not a decimal long, 22003 when the sum overflows.</li>
     * </ul>
     */
    static Outcome outcome(
        final Statement statement, final List<ClientOp> ops, final List<ClientResult> results, final int from)
    {
        if (statement instanceof Select select)
        {
            final List<byte[][]> rows = new ArrayList<>();
            for (int i = 0; i < ops.size(); i++)
            {
                final ClientResult result = results.get(from + i);
                if (result.ok())
                {
                    rows.add(project(select.columns(), ops.get(i).key(), result.value()));
                }
            }
            return Outcome.rows(new Rows(select.keyspace(), select.columns(), rows));
        }
        final ClientOp op = ops.get(0);
        final ClientResult result = results.get(from);
        if (statement instanceof Upsert)
        {
            return Outcome.count(1);
        }
        if (statement instanceof Insert)
        {
            return result.ok() ? Outcome.count(1) : Outcome.failed(new SQLIntegrityConstraintViolationException(
                "key " + describe(op.key()) + " already exists in keyspace " + op.keyspace(), "23505"));
        }
        if (statement instanceof Increment increment)
        {
            if (!result.ok())
            {
                return Outcome.failed(incrementFailure(op, result.value()));
            }
            if (!increment.returning())
            {
                return Outcome.count(1);
            }
            final byte[][] row = { result.value() == null ? new byte[0] : result.value() };
            return Outcome.rows(new Rows(increment.keyspace(), List.of(Column.VALUE), List.<byte[][]>of(row)));
        }
        return Outcome.count(result.ok() ? 1 : 0); // CompareAndSet: swapped; Delete: existed
    }

    /** The SQL type of each parameter ({@code types[i - 1]} for parameter i): BIGINT for an INCR delta. */
    static int[] parameterTypes(final Statement statement)
    {
        final int[] types = new int[statement.parameterCount()];
        Arrays.fill(types, Types.VARCHAR);
        if (statement instanceof Increment increment && increment.delta() instanceof Expr.Parameter parameter &&
            parameter.index() >= 1 && parameter.index() <= types.length)
        {
            types[parameter.index() - 1] = Types.BIGINT;
        }
        return types;
    }

    /**
     * The delta an INCR applies, negated for {@code value - ?}.
     *
     * @throws SQLDataException 22018 when the delta is not a decimal integer, 22003 when it (or its negation) is
     * out of the range of a long.
     */
    static long delta(final Increment increment, final byte[][] parameters) throws SQLException
    {
        final String text = new String(resolve(increment.delta(), parameters), StandardCharsets.UTF_8);
        BigInteger delta = parseInteger(text, "delta");
        if (increment.negate())
        {
            delta = delta.negate();
        }
        if (delta.bitLength() > 63)
        {
            throw new SQLDataException("delta " + (increment.negate() ? "-(" + abbreviate(text) + ")" :
                abbreviate(text)) + " is out of the range of a long", "22003");
        }
        return delta.longValue();
    }

    /**
     * Parses decimal text ({@code [+-]digits}) for an integer conversion; very long numbers come back as a value out
     * of every supported range instead of being parsed (bounded work).
     *
     * @param what names the text in the error message.
     * @throws SQLDataException 22018 when the text is not a decimal integer.
     */
    static BigInteger parseInteger(final String text, final String what) throws SQLDataException
    {
        final int start = !text.isEmpty() && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
        boolean digits = text.length() > start;
        for (int i = start; digits && i < text.length(); i++)
        {
            final char c = text.charAt(i);
            digits = c >= '0' && c <= '9';
        }
        if (!digits)
        {
            throw new SQLDataException(what + " '" + abbreviate(text) + "' is not a decimal integer", "22018");
        }
        if (text.length() - start > MAX_INTEGER_DIGITS)
        {
            return text.charAt(0) == '-' ? OUT_OF_RANGE.negate() : OUT_OF_RANGE;
        }
        return new BigInteger(text);
    }

    /**
     * A key or value for an error message: quoted UTF-8 text when it is printable, else hex; at most
     * {@link #MAX_DESCRIBED_CHARS} characters, then "...".
     */
    static String describe(final byte[] bytes)
    {
        try
        {
            final String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
            boolean printable = true;
            for (int i = 0; printable && i < text.length(); i++)
            {
                printable = !Character.isISOControl(text.charAt(i));
            }
            if (printable)
            {
                return "'" + abbreviate(text) + "'";
            }
        }
        catch (final CharacterCodingException ignore)
        {
            // not UTF-8: shown as hex below
        }
        final int shown = Math.min(bytes.length, MAX_DESCRIBED_CHARS / 2);
        final StringBuilder hex = new StringBuilder(2 + shown * 2 + 3).append("0x");
        for (int i = 0; i < shown; i++)
        {
            hex.append(HEX[(bytes[i] >> 4) & 0xf]).append(HEX[bytes[i] & 0xf]);
        }
        return shown < bytes.length ? hex.append("...").toString() : hex.toString();
    }

    static String abbreviate(final String text)
    {
        return text.length() <= MAX_DESCRIBED_CHARS ? text : text.substring(0, MAX_DESCRIBED_CHARS) + "...";
    }

    private static byte[] resolve(final Expr expr, final byte[][] parameters) throws SQLException
    {
        if (expr instanceof Expr.Literal literal)
        {
            return literal.text().getBytes(StandardCharsets.UTF_8);
        }
        final int index = ((Expr.Parameter)expr).index();
        if (index < 1 || index > parameters.length)
        {
            throw new SQLException("parameter " + index + " is not set (the statement was given " +
                parameters.length + " parameters)", "07001");
        }
        final byte[] value = parameters[index - 1];
        if (value == null)
        {
            throw new SQLException("parameter " + index + " is not set", "07001");
        }
        return value;
    }

    private static void checkValue(final ClientOp op, final byte[] value, final String what, final Limits limits)
        throws SQLDataException
    {
        if (value != null && value.length > limits.maxValueBytes())
        {
            throw new SQLDataException(what + " of " + value.length + " bytes for key " + describe(op.key()) +
                " exceeds the limit of " + limits.maxValueBytes() + " bytes (maxValueBytes)", "22001");
        }
    }

    private static byte[][] project(final List<Column> columns, final byte[] key, final byte[] value)
    {
        final byte[][] row = new byte[columns.size()][];
        for (int i = 0; i < row.length; i++)
        {
            row[i] = columns.get(i) == Column.KEY ? key : (value == null ? new byte[0] : value);
        }
        return row;
    }

    private static SQLDataException incrementFailure(final ClientOp op, final byte[] current)
    {
        final String text = current == null ? null : new String(current, StandardCharsets.UTF_8);
        if (text != null)
        {
            try
            {
                Long.parseLong(text);
                return new SQLDataException("incrementing key " + describe(op.key()) + " in keyspace " +
                    op.keyspace() + " by " + op.delta() + " overflows a long (current value " + text + ")", "22003");
            }
            catch (final NumberFormatException ignore)
            {
                // not a number: reported below
            }
        }
        return new SQLDataException("cannot increment key " + describe(op.key()) + " in keyspace " + op.keyspace() +
            ": its value " + (current == null ? "(none)" : describe(current)) + " is not a decimal long", "22018");
    }
}
