package io.geo.jdbc;

import io.geo.client.ClientOp;
import io.geo.client.ClientResult;
import io.geo.client.sql.Column;
import io.geo.client.sql.CommandParser;
import io.geo.client.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The statement to ops translation and the results to outcome mapping, with hand-made results: no node. */
class StatementTranslatorTest
{
    private static final StatementTranslator.Limits LIMITS =
        new StatementTranslator.Limits(List.of("kv", "other"), 4, 8, 16);

    @Test
    void shouldReadEachDistinctKeyOnceInListedOrder() throws Exception
    {
        final Statement select = parse("SELECT key, value FROM kv WHERE key IN (?, 'b', ?, 'b')");
        final List<ClientOp> ops = StatementTranslator.ops(select, params("c", "a"));

        assertEquals(List.of(ClientOp.get("kv", bytes("c")), ClientOp.get("kv", bytes("b")),
            ClientOp.get("kv", bytes("a"))), ops);
    }

    @Test
    void shouldReturnRowsForFoundKeysOnlyInOrderWithTheStatementsColumns() throws Exception
    {
        final Statement select = parse("SELECT value FROM kv WHERE key IN ('c', 'b', 'a')");
        final List<ClientOp> ops = StatementTranslator.ops(select, new byte[0][]);
        final List<ClientResult> results = List.of(
            new ClientResult(true, bytes("3")), new ClientResult(false, null), new ClientResult(true, bytes("1")));

        final StatementTranslator.Outcome outcome = StatementTranslator.outcome(select, ops, results, 0);

        assertNull(outcome.failure());
        assertEquals(List.of(Column.VALUE), outcome.rows().columns());
        assertEquals("kv", outcome.rows().keyspace());
        assertEquals(List.of("3", "1"), strings(outcome.rows().values(), 0));
    }

    @Test
    void shouldProjectKeyAndValueForStar() throws Exception
    {
        final Statement select = parse("SELECT * FROM kv WHERE key = 'k'");
        final List<ClientOp> ops = StatementTranslator.ops(select, new byte[0][]);

        final StatementTranslator.Outcome outcome =
            StatementTranslator.outcome(select, ops, List.of(new ClientResult(true, bytes("v"))), 0);

        assertEquals(List.of(Column.KEY, Column.VALUE), outcome.rows().columns());
        assertEquals(List.of("k"), strings(outcome.rows().values(), 0));
        assertEquals(List.of("v"), strings(outcome.rows().values(), 1));
    }

    @Test
    void shouldTranslateWritesToOneOpEach() throws Exception
    {
        assertEquals(List.of(ClientOp.put("kv", bytes("k"), bytes("v"))),
            StatementTranslator.ops(parse("UPSERT INTO kv (key, value) VALUES (?, ?)"), params("k", "v")));
        assertEquals(List.of(ClientOp.cas("kv", bytes("k"), null, bytes("v"))),
            StatementTranslator.ops(parse("INSERT INTO kv (key, value) VALUES ('k', 'v')"), new byte[0][]));
        assertEquals(List.of(ClientOp.cas("kv", bytes("k"), bytes("old"), bytes("new"))),
            StatementTranslator.ops(parse("UPDATE kv SET value = ? WHERE key = ? AND value = ?"),
                params("new", "k", "old")));
        assertEquals(List.of(ClientOp.incr("kv", bytes("k"), 5)),
            StatementTranslator.ops(parse("UPDATE kv SET value = value + ? WHERE key = ?"), params("5", "k")));
        assertEquals(List.of(ClientOp.incr("kv", bytes("k"), -7)),
            StatementTranslator.ops(parse("UPDATE kv SET value = value - 7 WHERE key = 'k'"), new byte[0][]));
        assertEquals(List.of(ClientOp.delete("kv", bytes("k"))),
            StatementTranslator.ops(parse("DELETE FROM kv WHERE key = ?"), params("k")));
    }

    @Test
    void shouldCountWritesFromTheirResults() throws Exception
    {
        assertEquals(1, count("UPSERT INTO kv (key, value) VALUES ('k', 'v')", new ClientResult(true, null)));
        assertEquals(1, count("INSERT INTO kv (key, value) VALUES ('k', 'v')", new ClientResult(true, null)));
        assertEquals(1, count("UPDATE kv SET value = 'n' WHERE key = 'k' AND value = 'o'",
            new ClientResult(true, null)));
        assertEquals(0, count("UPDATE kv SET value = 'n' WHERE key = 'k' AND value = 'o'",
            new ClientResult(false, bytes("x"))));
        assertEquals(1, count("DELETE FROM kv WHERE key = 'k'", new ClientResult(true, null)));
        assertEquals(0, count("DELETE FROM kv WHERE key = 'k'", new ClientResult(false, null)));
        assertEquals(1, count("UPDATE kv SET value = value + 1 WHERE key = 'k'", new ClientResult(true, bytes("8"))));
    }

    @Test
    void shouldFailAnInsertOfAnExistingKeyWith23505NamingKeyAndKeyspace() throws Exception
    {
        final StatementTranslator.Outcome outcome =
            outcome("INSERT INTO kv (key, value) VALUES ('user:1', 'v')", new ClientResult(false, bytes("old")));

        final SQLIntegrityConstraintViolationException failure =
            assertInstanceOf(SQLIntegrityConstraintViolationException.class, outcome.failure());
        assertEquals("23505", failure.getSQLState());
        assertEquals("key 'user:1' already exists in keyspace kv", failure.getMessage());
    }

    @Test
    void shouldReturnTheNewValueOfAnIncrementWithReturning() throws Exception
    {
        final StatementTranslator.Outcome outcome = outcome("UPDATE kv SET value = value + 2 WHERE key = 'c' " +
            "RETURNING value", new ClientResult(true, bytes("42")));

        assertEquals(List.of(Column.VALUE), outcome.rows().columns());
        assertEquals(List.of("42"), strings(outcome.rows().values(), 0));
    }

    @Test
    void shouldTellANonNumberFromAnOverflowWhenAnIncrementFails() throws Exception
    {
        final SQLException notNumber =
            outcome("UPDATE kv SET value = value + 1 WHERE key = 'c'", new ClientResult(false, bytes("abc")))
                .failure();
        assertEquals("22018", notNumber.getSQLState());
        assertTrue(notNumber.getMessage().contains("'abc' is not a decimal long"), notNumber.getMessage());
        assertTrue(notNumber.getMessage().contains("key 'c' in keyspace kv"), notNumber.getMessage());

        final SQLException overflow = outcome("UPDATE kv SET value = value + 1 WHERE key = 'c'",
            new ClientResult(false, bytes(Long.toString(Long.MAX_VALUE)))).failure();
        assertEquals("22003", overflow.getSQLState());
        assertTrue(overflow.getMessage().contains("overflows"), overflow.getMessage());
        assertInstanceOf(SQLDataException.class, overflow);
    }

    @ParameterizedTest
    @CsvSource({
        "+, 9223372036854775807, 9223372036854775807",
        "+, -9223372036854775808, -9223372036854775808",
        "-, 9223372036854775807, -9223372036854775807",
        "-, -9223372036854775807, 9223372036854775807",
        "+, 0042, 42",
        "-, +3, -3",
    })
    void shouldParseAndNegateDeltas(final String sign, final String delta, final long expected) throws Exception
    {
        final Statement increment = parse("UPDATE kv SET value = value " + sign + " ? WHERE key = 'c'");

        assertEquals(expected, StatementTranslator.ops(increment, params(delta, null)).get(0).delta());
    }

    @Test
    void shouldAddTheSmallestLongLiteral() throws Exception
    {
        // "value - 9223372036854775808" does not parse (the literal is out of range); adding MIN_VALUE does.
        final Statement increment = parse("UPDATE kv SET value = value + -9223372036854775808 WHERE key = 'c'");

        assertEquals(Long.MIN_VALUE, StatementTranslator.ops(increment, new byte[0][]).get(0).delta());
    }

    @ParameterizedTest
    @CsvSource({
        "-, -9223372036854775808, 22003",
        "+, 9223372036854775808, 22003",
        "+, 123456789012345678901234567890123456789012345678901234567890, 22003",
        "+, 1.5, 22018",
        "+, abc, 22018",
        "+, '', 22018",
        "+, ' 1', 22018",
        "+, -, 22018",
    })
    void shouldRejectDeltasThatAreNotLongs(final String sign, final String delta, final String sqlState)
        throws Exception
    {
        final Statement increment = parse("UPDATE kv SET value = value " + sign + " ? WHERE key = 'c'");

        final SQLException ex =
            assertThrows(SQLDataException.class, () -> StatementTranslator.ops(increment, params(delta, "c")));
        assertEquals(sqlState, ex.getSQLState());
        assertTrue(ex.getMessage().startsWith("delta"), ex.getMessage());
    }

    @Test
    void shouldNameTheMissingParameter() throws Exception
    {
        final Statement upsert = parse("UPSERT INTO kv (key, value) VALUES (?, ?)");

        final SQLException ex =
            assertThrows(SQLException.class, () -> StatementTranslator.ops(upsert, params("k", null)));
        assertEquals("07001", ex.getSQLState());
        assertEquals("parameter 2 is not set", ex.getMessage());
    }

    @Test
    void shouldRejectAnUnknownKeyspaceListingTheKnownOnes() throws Exception
    {
        final List<ClientOp> ops = StatementTranslator.ops(parse("DELETE FROM nope WHERE key = 'k'"), new byte[0][]);

        final SQLSyntaxErrorException ex =
            assertThrows(SQLSyntaxErrorException.class, () -> StatementTranslator.checkLimits(ops, LIMITS));
        assertEquals("42P01", ex.getSQLState());
        assertEquals("unknown keyspace 'nope' (known: kv, other)", ex.getMessage());
    }

    @Test
    void shouldRejectCommandsBeyondTheLimitsNamingLimitAndSize() throws Exception
    {
        assertLimit("SELECT value FROM kv WHERE key IN ('a', 'b', 'c', 'd', 'e')", "command of 5 ops",
            "limit of 4 ops (maxOps)");
        assertLimit("DELETE FROM kv WHERE key = '123456789'", "key of 9 bytes", "limit of 8 bytes (maxKeyBytes)");
        assertLimit("UPSERT INTO kv (key, value) VALUES ('k', '12345678901234567')", "value of 17 bytes",
            "limit of 16 bytes (maxValueBytes)");
        assertLimit("UPDATE kv SET value = 'n' WHERE key = 'k' AND value = '12345678901234567'",
            "expected value of 17 bytes", "(maxValueBytes)");
    }

    @Test
    void shouldAcceptCommandsAtTheLimits() throws Exception
    {
        StatementTranslator.checkLimits(StatementTranslator.ops(parse("SELECT value FROM other WHERE key IN " +
            "('12345678', 'b', 'c', 'd')"), new byte[0][]), LIMITS);
        StatementTranslator.checkLimits(StatementTranslator.ops(parse("UPSERT INTO kv (key, value) VALUES " +
            "('12345678', '1234567890123456')"), new byte[0][]), LIMITS);
        StatementTranslator.checkBatchSize(4, LIMITS);
    }

    @Test
    void shouldRejectABatchBeyondMaxOpsWith54000() throws Exception
    {
        final SQLException ex = assertThrows(SQLException.class, () -> StatementTranslator.checkBatchSize(5, LIMITS));
        assertEquals("54000", ex.getSQLState());
        assertEquals("too many statements in one batch: 5 (limit 4, maxOps)", ex.getMessage());
    }

    @Test
    void shouldMapResultsOfABatchFromTheStatementsOffset() throws Exception
    {
        final Statement delete = parse("DELETE FROM kv WHERE key = 'k'");
        final List<ClientOp> ops = StatementTranslator.ops(delete, new byte[0][]);
        final List<ClientResult> results = List.of(new ClientResult(true, null), new ClientResult(false, null));

        assertEquals(1, StatementTranslator.outcome(delete, ops, results, 0).updateCount());
        assertEquals(0, StatementTranslator.outcome(delete, ops, results, 1).updateCount());
    }

    @Test
    void shouldTypeTheIncrementDeltaParameterAsBigint() throws Exception
    {
        assertArrayEquals(new int[]{ Types.BIGINT, Types.VARCHAR },
            StatementTranslator.parameterTypes(parse("UPDATE kv SET value = value + ? WHERE key = ?")));
        assertArrayEquals(new int[]{ Types.VARCHAR, Types.VARCHAR },
            StatementTranslator.parameterTypes(parse("UPSERT INTO kv (key, value) VALUES (?, ?)")));
    }

    @Test
    void shouldDescribePrintableTextQuotedAndBinaryAsHex()
    {
        assertEquals("'user:1'", StatementTranslator.describe(bytes("user:1")));
        assertEquals("0x00ff10", StatementTranslator.describe(new byte[]{ 0, (byte)0xff, 0x10 }));
        assertEquals("0x0a", StatementTranslator.describe(new byte[]{ '\n' }));
        final String longText = "x".repeat(100);
        assertEquals("'" + "x".repeat(StatementTranslator.MAX_DESCRIBED_CHARS) + "...'",
            StatementTranslator.describe(bytes(longText)));
        final byte[] longBinary = new byte[100];
        assertEquals("0x" + "00".repeat(StatementTranslator.MAX_DESCRIBED_CHARS / 2) + "...",
            StatementTranslator.describe(longBinary));
    }

    private static void assertLimit(final String sql, final String size, final String limit) throws Exception
    {
        final List<ClientOp> ops = StatementTranslator.ops(parse(sql), new byte[0][]);
        final SQLDataException ex =
            assertThrows(SQLDataException.class, () -> StatementTranslator.checkLimits(ops, LIMITS));
        assertEquals("22001", ex.getSQLState());
        assertTrue(ex.getMessage().contains(size), ex.getMessage());
        assertTrue(ex.getMessage().contains(limit), ex.getMessage());
    }

    private static int count(final String sql, final ClientResult result) throws Exception
    {
        final StatementTranslator.Outcome outcome = outcome(sql, result);
        assertNull(outcome.failure());
        assertNull(outcome.rows());
        return outcome.updateCount();
    }

    private static StatementTranslator.Outcome outcome(final String sql, final ClientResult result) throws Exception
    {
        final Statement statement = parse(sql);
        final List<ClientOp> ops = StatementTranslator.ops(statement, new byte[0][]);
        assertEquals(1, ops.size());
        return StatementTranslator.outcome(statement, ops, List.of(result), 0);
    }

    private static Statement parse(final String sql) throws Exception
    {
        return CommandParser.parse(sql);
    }

    private static byte[][] params(final String... values)
    {
        final byte[][] params = new byte[values.length][];
        for (int i = 0; i < values.length; i++)
        {
            params[i] = values[i] == null ? null : bytes(values[i]);
        }
        return params;
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(final List<byte[][]> rows, final int column)
    {
        final List<String> values = new ArrayList<>();
        for (final byte[][] row : rows)
        {
            values.add(new String(row[column], StandardCharsets.UTF_8));
        }
        return values;
    }
}
