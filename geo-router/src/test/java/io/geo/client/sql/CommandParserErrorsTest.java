package io.geo.client.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every rejection names the position where the problem starts, the offending token and what was expected. Positions
 * are 1-based; a problem at the end of the text is one past its last character, with the token "end of input".
 */
class CommandParserErrorsTest
{
    private static final String END = CommandSyntaxException.END_OF_INPUT;
    private static final String IN_PREFIX = "SELECT value FROM ks WHERE key IN (";

    static Stream<Arguments> invalidStatements()
    {
        return Stream.of(
            row("null text", null, 1, END, "no statement: the SQL text is null"),
            // The token is what lies beyond the limit: the last 34 x's and the closing quote.
            row("statement over the length limit",
                "SELECT value FROM ks WHERE key = '" + "x".repeat(CommandParser.MAX_STATEMENT_LENGTH) + "'",
                CommandParser.MAX_STATEMENT_LENGTH + 1, "x".repeat(34) + "'",
                "statement of 1048611 characters is longer than the limit of 1048576 characters"),
            row("more than 1024 keys in IN", inList(CommandParser.MAX_IN_KEYS + 1), IN_PREFIX.length() + 3 * 1024 + 1,
                "?", "too many keys in IN: one SELECT reads at most 1024 keys"),
            row("empty input", "", 1, END, "empty statement: expected SELECT, UPSERT, INSERT, UPDATE or DELETE"),
            row("only whitespace and a comment", "  -- nothing here\n", 19, END, "empty statement"),
            row("only a semicolon", ";", 1, ";", "expected SELECT, UPSERT, INSERT, UPDATE or DELETE"),
            row("misspelt SELECT", "SELEKT value FROM ks WHERE key = ?", 1, "SELEKT",
                "expected SELECT, UPSERT, INSERT, UPDATE or DELETE"),
            row("unsupported statement", "CREATE TABLE ks (key, value)", 1, "CREATE", "expected SELECT, UPSERT"),
            row("misspelt FROM", "SELECT value FORM ks WHERE key = ?", 14, "FORM", "expected FROM"),
            row("misspelt WHERE", "SELECT value FROM ks WERE key = ?", 22, "WERE",
                "expected WHERE key = <key> or WHERE key IN"),
            row("SELECT without WHERE", "SELECT * FROM ks", 17, END, "scans are not supported"),
            row("SELECT without columns", "SELECT FROM ks WHERE key = ?", 8, "FROM",
                "expected the columns to read: value, key, value, value, key or *"),
            row("unknown column in SELECT", "SELECT vaule FROM ks WHERE key = ?", 8, "vaule",
                "unknown column 'vaule'", "only the columns key and value"),
            row("column listed twice", "SELECT value, value FROM ks WHERE key = ?", 15, "value",
                "column value is listed twice"),
            row("three columns", "SELECT key, value, key FROM ks WHERE key = ?", 18, ",", "expected FROM"),
            row("star and a column", "SELECT *, key FROM ks WHERE key = ?", 9, ",", "expected FROM"),
            row("SELECT by value", "SELECT value FROM ks WHERE value = ?", 28, "value",
                "a SELECT finds its rows by key"),
            row("unknown column in WHERE", "SELECT value FROM ks WHERE id = ?", 28, "id", "unknown column 'id'"),
            row("comparison other than =", "SELECT value FROM ks WHERE key > ?", 32, ">",
                "keys are compared only with = and IN"),
            row("LIKE", "SELECT * FROM ks WHERE key LIKE 'a%'", 28, "LIKE", "expected = or IN"),
            row("WHERE key without a condition", "SELECT * FROM ks WHERE key", 27, END, "expected = or IN"),
            row("two conditions in SELECT", "SELECT value FROM ks WHERE key = ? AND key = ?", 36, "AND",
                "use WHERE key IN (<key>, ...)"),
            row("empty IN list", "SELECT value FROM ks WHERE key IN ()", 36, ")",
                "expected a key: ?, a 'string' or an integer"),
            row("unclosed IN list", "SELECT value FROM ks WHERE key IN (?, ?", 40, END,
                "expected , or ) in the list of keys"),
            row("IN without parentheses", "SELECT value FROM ks WHERE key IN ?", 35, "?",
                "expected ( to start the list of keys"),
            row("missing comma in IN", "SELECT value FROM ks WHERE key IN (? ?)", 38, "?", "expected , or )"),
            row("trailing comma in IN", "SELECT value FROM ks WHERE key IN (?, )", 39, ")", "expected a key"),
            row("unterminated string", "SELECT value FROM ks WHERE key = 'abc", 34, "'abc",
                "unterminated string literal", "expected a closing '"),
            row("unterminated string ending in an escaped quote",
                "SELECT value FROM ks WHERE key = 'it''s", 34, "'it''s",
                "unterminated string literal"),
            row("unterminated string shows a shortened token",
                "DELETE FROM ks WHERE key = '" + "x".repeat(100), 28, "'" + "x".repeat(39) + "...",
                "unterminated"),
            row("integer overflow", "SELECT value FROM ks WHERE key = 99999999999999999999", 34, "99999999999999999999",
                "integer literal out of range", "9223372036854775807"),
            row("integer one above Long.MAX_VALUE",
                "SELECT value FROM ks WHERE key = 9223372036854775808", 34, "9223372036854775808",
                "out of range"),
            row("integer one below Long.MIN_VALUE",
                "SELECT value FROM ks WHERE key = -9223372036854775809", 34, "-9223372036854775809",
                "out of range"),
            row("decimal number", "SELECT value FROM ks WHERE key = 1.5", 34, "1.5", "malformed number", "('1.5')"),
            row("number followed by letters", "SELECT value FROM ks WHERE key = 12abc", 34, "12abc",
                "malformed number"),
            row("minus without digits", "DELETE FROM ks WHERE key = -", 29, END, "expected digits after -"),
            row("NULL as a key", "SELECT value FROM ks WHERE key = NULL", 34, "NULL",
                "NULL is not a value here: keys and values are never null; use DELETE to remove a key"),
            row("NULL as a value", "UPSERT INTO ks VALUES ('k', null)", 29, "null", "NULL is not a value here"),
            row("NULL in an IN list", "SELECT * FROM ks WHERE key IN (?, NULL)", 35, "NULL",
                "NULL is not a value here"),
            row("NULL as the expected value", "UPDATE ks SET value = ? WHERE key = ? AND value = NULL", 51, "NULL",
                "NULL is not a value here", "INSERT writes a key only if it is absent"),
            row("NULL as the increment", "UPDATE ks SET value = value + NULL WHERE key = ?", 31, "NULL",
                "NULL is not a value here"),
            row("plain UPDATE", "UPDATE ks SET value = ? WHERE key = ?", 38, END,
                "expected AND value = <expected>",
                "use UPSERT INTO ks (key, value) VALUES (<key>, <value>) for an unconditional write"),
            row("plain UPDATE with a semicolon", "UPDATE ks SET value = ? WHERE key = ?;", 38, ";",
                "expected AND value = <expected>", "use UPSERT"),
            row("UPDATE naming only the value", "UPDATE ks SET value = ? WHERE value = ?", 40, END,
                "expected AND key = <key>"),
            row("UPDATE without WHERE", "UPDATE ks SET value = ?", 24, END,
                "expected WHERE key = <key> AND value = <expected>", "use UPSERT"),
            row("UPDATE of the key", "UPDATE ks SET key = ? WHERE key = ? AND value = ?", 15, "key",
                "a key cannot be changed"),
            row("UPDATE of an unknown column", "UPDATE ks SET foo = ?", 15, "foo", "unknown column 'foo'"),
            row("UPDATE without SET", "UPDATE ks value = ?", 11, "value", "expected SET"),
            row("UPDATE comparing the key twice", "UPDATE ks SET value = ? WHERE key = ? AND key = ?", 43, "key",
                "column key is compared twice: expected value ="),
            row("UPDATE with OR", "UPDATE ks SET value = ? WHERE key = ? OR value = ?", 39, "OR",
                "expected AND value = <expected>"),
            row("UPDATE with a third condition",
                "UPDATE ks SET value = ? WHERE key = ? AND value = ? AND value = ?", 53, "AND",
                "expected end of input"),
            row("compare-and-set with RETURNING",
                "UPDATE ks SET value = ? WHERE key = ? AND value = ? RETURNING value", 53, "RETURNING",
                "RETURNING is only supported by an increment"),
            row("UPDATE IN", "UPDATE ks SET value = value + 1 WHERE key IN (?)", 43, "IN",
                "an UPDATE changes one key", "addBatch"),
            row("increment by a string", "UPDATE ks SET value = value + 'x' WHERE key = ?", 31, "'x'",
                "the increment must be an integer literal or ?"),
            row("increment without a sign", "UPDATE ks SET value = value WHERE key = ?", 29, "WHERE",
                "expected + or - after value"),
            row("increment with a value condition",
                "UPDATE ks SET value = value + 1 WHERE key = ? AND value = ?", 47, "AND",
                "an increment has no condition on value"),
            row("increment found by value", "UPDATE ks SET value = value + 1 WHERE value = ?", 39, "value",
                "an increment has no condition on value"),
            row("RETURNING key", "UPDATE ks SET value = value + 1 WHERE key = ? RETURNING key", 57, "key",
                "expected value: RETURNING value gives the new value"),
            row("misspelt RETURNING", "UPDATE ks SET value = value + 1 WHERE key = ? RETURN value", 47, "RETURN",
                "expected RETURNING value or end of input"),
            row("negated parameter", "UPDATE ks SET value = value + -? WHERE key = ?", 32, "?",
                "a parameter cannot be negated"),
            row("increment overflow",
                "UPDATE ks SET value = value + 9223372036854775808 WHERE key = ?", 31, "9223372036854775808",
                "out of range"),
            row("unknown column in INSERT", "INSERT INTO ks (key, val) VALUES (?, ?)", 22, "val",
                "unknown column 'val'"),
            row("INSERT naming only the key", "INSERT INTO ks (key) VALUES (?, ?)", 20, ")",
                "the column list names both key and value"),
            row("UPSERT naming the key twice", "UPSERT INTO ks (key, key) VALUES (?, ?)", 22, "key",
                "column key is listed twice"),
            row("UPSERT with three columns", "UPSERT INTO ks (key, value, x) VALUES (?, ?)", 27, ",",
                "expected ): a keyspace has only the columns key and value"),
            row("UPSERT without INTO", "UPSERT ks VALUES (?, ?)", 8, "ks", "expected INTO"),
            row("INSERT without VALUES", "INSERT INTO ks (key, value) (?, ?)", 29, "(", "expected VALUES"),
            row("VALUES without parentheses", "INSERT INTO ks VALUES ?, ?", 23, "?", "expected ( after VALUES"),
            row("VALUES not closed", "INSERT INTO ks VALUES (?, ?", 28, END,
                "expected ): VALUES takes exactly two values"),
            row("one value", "UPSERT INTO ks VALUES (?)", 25, ")", "expected , and a second value"),
            row("three values", "UPSERT INTO ks VALUES (?, ?, ?)", 28, ",", "VALUES takes exactly two values"),
            row("two rows", "UPSERT INTO ks VALUES (?, ?), (?, ?)", 29, ",", "one row per statement; use addBatch"),
            row("INSERT with a trailing clause", "INSERT INTO ks VALUES ('k', 'v') ON CONFLICT DO NOTHING", 34, "ON",
                "expected end of input"),
            row("DELETE without WHERE", "DELETE FROM ks", 15, END,
                "expected WHERE key = <key>: a DELETE removes one key"),
            row("DELETE IN", "DELETE FROM ks WHERE key IN (?, ?)", 26, "IN", "a DELETE removes one key", "addBatch"),
            row("misspelt FROM in DELETE", "DELETE FRM ks WHERE key = ?", 8, "FRM", "expected FROM"),
            row("missing keyspace", "DELETE FROM WHERE key = ?", 13, "WHERE",
                "expected a keyspace name (WHERE is a reserved word)"),
            row("quoted keyspace", "DELETE FROM 'ks' WHERE key = ?", 13, "'ks'",
                "keyspace names are identifiers, not quoted strings"),
            row("double-quoted identifier", "DELETE FROM \"ks\" WHERE key = ?", 13, "\"",
                "string literals use single quotes"),
            row("qualified keyspace", "DELETE FROM db.ks WHERE key = ?", 15, ".", "without a schema or a dot"),
            row("keyspace starting with a digit", "DELETE FROM 1ks WHERE key = ?", 13, "1ks",
                "names cannot start with a digit"),
            row("trailing garbage", "DELETE FROM ks WHERE key = ? garbage", 30, "garbage", "expected end of input"),
            row("two statements", "DELETE FROM ks WHERE key = ?; DELETE FROM ks WHERE key = ?", 31, "DELETE",
                "one statement at a time"),
            row("two semicolons", "DELETE FROM ks WHERE key = ?;;", 30, ";", "one statement at a time"),
            row("unquoted text as a key", "DELETE FROM ks WHERE key = abc", 28, "abc",
                "expected a key: ?, a 'string' or an integer (text is quoted: 'abc')"),
            row("missing key", "DELETE FROM ks WHERE key =", 27, END, "expected a key: ?, a 'string' or an integer"),
            row("named parameter", "DELETE FROM ks WHERE key = :k", 28, ":", "parameters are written ?"),
            row("numbered parameter", "DELETE FROM ks WHERE key = ?1", 29, "1", "expected end of input"),
            row("control character", "DELETE FROM ks WHERE key = ?\u0001", 29, "\\u0001",
                "unexpected character U+0001"),
            row("no-break space", "DELETE\u00A0FROM ks WHERE key = ?", 7, "\u00A0",
                "unexpected character U+00A0", "only ASCII spaces"),
            row("unpaired surrogate in a string", "DELETE FROM ks WHERE key = 'a\uD800b'", 30, "\uD800",
                "unpaired surrogate U+D800", "no UTF-8 encoding"),
            row("emoji outside a string", "DELETE FROM ks WHERE key = \uD83D\uDD11", 28, "\uD83D\uDD11",
                "unexpected character U+1F511"),
            row("block comment", "/* comment */ SELECT value FROM ks WHERE key = ?", 1, "/", "only -- comments"),
            row("comment swallowing the rest", "DELETE FROM ks WHERE key = -- ?\n", 33, END, "expected a key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidStatements")
    void shouldRejectInvalidStatementNamingPositionTokenAndExpectation(
        final String name, final String sql, final int position, final String token, final List<String> fragments)
    {
        final CommandSyntaxException error = assertThrows(CommandSyntaxException.class, () -> CommandParser.parse(sql));

        assertEquals(position, error.position(), error.getMessage());
        assertEquals(token, error.token(), error.getMessage());
        final String near = END.equals(token) ? "near end of input: " : "near '" + token + "': ";
        assertTrue(error.getMessage().startsWith("syntax error at position " + position + " " + near),
            error.getMessage());
        assertTrue(error.getMessage().endsWith(error.detail()), error.getMessage());
        for (final String fragment : fragments)
        {
            assertTrue(error.getMessage().contains(fragment), "expected '" + fragment + "' in: " + error.getMessage());
        }
    }

    @Test
    void shouldHaveAtLeastFortyInvalidRows()
    {
        assertTrue(invalidStatements().count() >= 40);
    }

    @Test
    void shouldRejectTheParameterBeyondTheLimit()
    {
        // With MAX_IN_KEYS at 1024 no statement reaches MAX_PARAMETERS, so lift the key limit to reach it.
        final String sql = inList(CommandParser.MAX_PARAMETERS + 1);

        final CommandSyntaxException error = assertThrows(CommandSyntaxException.class,
            () -> CommandParser.parse(sql, CommandParser.MAX_STATEMENT_LENGTH, Integer.MAX_VALUE,
                CommandParser.MAX_PARAMETERS));

        assertEquals(IN_PREFIX.length() + 3 * CommandParser.MAX_PARAMETERS + 1, error.position(), error.getMessage());
        assertEquals("?", error.token());
        assertTrue(error.getMessage().contains("too many parameters: a statement has at most 65535"),
            error.getMessage());
    }

    @Test
    void shouldRejectTheParameterBeyondASmallLimit()
    {
        final String sql = "UPDATE ks SET value = ? WHERE key = ? AND value = ?";

        final CommandSyntaxException error = assertThrows(CommandSyntaxException.class,
            () -> CommandParser.parse(sql, CommandParser.MAX_STATEMENT_LENGTH, CommandParser.MAX_IN_KEYS, 2));

        assertEquals(51, error.position());
        assertEquals("?", error.token());
        assertTrue(error.getMessage().contains("too many parameters: a statement has at most 2"), error.getMessage());
    }

    @Test
    void shouldKeepMessagesOnOneLine()
    {
        invalidStatements().forEach((arguments) ->
        {
            final String sql = (String)arguments.get()[1];
            try
            {
                CommandParser.parse(sql);
                fail("parsed: " + sql);
            }
            catch (final CommandSyntaxException ex)
            {
                assertTrue(ex.getMessage().indexOf('\n') < 0 && ex.getMessage().indexOf('\r') < 0,
                    ex.getMessage());
            }
        });
    }

    private static String inList(final int keys)
    {
        return IN_PREFIX + Stream.generate(() -> "?").limit(keys).collect(Collectors.joining(", ")) + ")";
    }

    private static Arguments row(
        final String name, final String sql, final int position, final String token, final String... fragments)
    {
        return arguments(name, sql, position, token, List.of(fragments));
    }
}
