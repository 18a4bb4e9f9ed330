package io.geo.client.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.geo.client.sql.Column.KEY;
import static io.geo.client.sql.Column.VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Valid statements parse to exactly the expected AST. */
class CommandParserTest
{
    private static final List<Column> KV = List.of(KEY, VALUE);
    private static final List<Column> V = List.of(VALUE);

    static Stream<Arguments> validStatements()
    {
        return Stream.of(
            // SELECT: columns, case, whitespace, comments, terminators.
            arguments("SELECT value FROM ks WHERE key = ?", new Select("ks", V, List.of(p(1)), 1)),
            arguments("select value from ks where key = ?", new Select("ks", V, List.of(p(1)), 1)),
            arguments("SeLeCt VaLuE FrOm MyKeySpace WhErE KeY = ?", new Select("mykeyspace", V, List.of(p(1)), 1)),
            arguments("SELECT key, value FROM ks WHERE key = 'a'", new Select("ks", KV, List.of(lit("a")), 0)),
            arguments("SELECT value, key FROM ks WHERE key = 'a'",
                new Select("ks", List.of(VALUE, KEY), List.of(lit("a")), 0)),
            arguments("SELECT * FROM ks WHERE key = 'a'", new Select("ks", KV, List.of(lit("a")), 0)),
            arguments("SELECT key FROM ks WHERE key = ?", new Select("ks", List.of(KEY), List.of(p(1)), 1)),
            arguments("SELECT value,key FROM ks WHERE key=?", new Select("ks", List.of(VALUE, KEY), List.of(p(1)), 1)),
            arguments("SELECT value FROM ks WHERE key = ?;", new Select("ks", V, List.of(p(1)), 1)),
            arguments("SELECT value FROM ks WHERE key = ? ;  -- trailing comment",
                new Select("ks", V, List.of(p(1)), 1)),
            arguments("-- leading comment\nSELECT value FROM ks WHERE key = ?", new Select("ks", V, List.of(p(1)), 1)),
            arguments("SELECT -- the column\n value FROM ks -- keyspace\r\n WHERE key = ? -- no newline at the end",
                new Select("ks", V, List.of(p(1)), 1)),
            arguments("  SELECT\tvalue\nFROM\r\nks\fWHERE\u000Bkey=?  ", new Select("ks", V, List.of(p(1)), 1)),
            arguments("SELECT value FROM ks -- a comment ends at a lone CR\rWHERE key = ?",
                new Select("ks", V, List.of(p(1)), 1)),
            arguments("SELECT value FROM ks_2 WHERE key = ?", new Select("ks_2", V, List.of(p(1)), 1)),
            arguments("SELECT value FROM _Accounts_EU WHERE key = ?", new Select("_accounts_eu", V, List.of(p(1)), 1)),
            arguments("SELECT value FROM value WHERE key = ?", new Select("value", V, List.of(p(1)), 1)),

            // SELECT ... IN: order kept, duplicates kept, parameters numbered in order of appearance.
            arguments("SELECT value FROM ks WHERE key IN (?)", new Select("ks", V, List.of(p(1)), 1)),
            arguments("SELECT value FROM ks WHERE key IN (?, ?, ?)", new Select("ks", V, List.of(p(1), p(2), p(3)), 3)),
            arguments("SELECT * FROM ks WHERE key in ('a', ?, 42, -7, ?)",
                new Select("ks", KV, List.of(lit("a"), p(1), lit("42"), lit("-7"), p(2)), 2)),
            arguments("SELECT value FROM ks WHERE key IN ('b', 'a', 'b')",
                new Select("ks", V, List.of(lit("b"), lit("a"), lit("b")), 0)),
            arguments("SELECT value FROM ks WHERE key IN(?,?);", new Select("ks", V, List.of(p(1), p(2)), 2)),

            // String and integer literals.
            arguments("SELECT value FROM ks WHERE key = 'it''s'", new Select("ks", V, List.of(lit("it's")), 0)),
            arguments("SELECT value FROM ks WHERE key = ''", new Select("ks", V, List.of(lit("")), 0)),
            arguments("SELECT value FROM ks WHERE key = ''''", new Select("ks", V, List.of(lit("'")), 0)),
            arguments("SELECT value FROM ks WHERE key = 'ключ 鍵 \uD83D\uDD11'",
                new Select("ks", V, List.of(lit("ключ 鍵 \uD83D\uDD11")), 0)),
            arguments("SELECT value FROM ks WHERE key = '-- not a comment'",
                new Select("ks", V, List.of(lit("-- not a comment")), 0)),
            arguments("SELECT value FROM ks WHERE key = 'a;b ? \"c\" SELECT'",
                new Select("ks", V, List.of(lit("a;b ? \"c\" SELECT")), 0)),
            arguments("SELECT value FROM ks WHERE key = 'Two\nlines'",
                new Select("ks", V, List.of(lit("Two\nlines")), 0)),
            arguments("SELECT value FROM ks WHERE key = 007", new Select("ks", V, List.of(lit("7")), 0)),
            arguments("SELECT value FROM ks WHERE key = -0", new Select("ks", V, List.of(lit("0")), 0)),
            arguments("SELECT value FROM ks WHERE key = - 42", new Select("ks", V, List.of(lit("-42")), 0)),
            arguments("SELECT value FROM ks WHERE key = 9223372036854775807",
                new Select("ks", V, List.of(lit("9223372036854775807")), 0)),
            arguments("SELECT value FROM ks WHERE key = -9223372036854775808",
                new Select("ks", V, List.of(lit("-9223372036854775808")), 0)),

            // UPSERT and INSERT: optional column list in either order, values mapped to it.
            arguments("UPSERT INTO ks (key, value) VALUES (?, ?)", new Upsert("ks", p(1), p(2), 2)),
            arguments("UPSERT INTO ks VALUES (?, ?)", new Upsert("ks", p(1), p(2), 2)),
            arguments("UPSERT INTO ks (value, key) VALUES (?, ?)", new Upsert("ks", p(2), p(1), 2)),
            arguments("upsert into KS(key,value)values('k','v');", new Upsert("ks", lit("k"), lit("v"), 0)),
            arguments("UPSERT INTO ks (VALUE, KEY) VALUES ('v', 'k')", new Upsert("ks", lit("k"), lit("v"), 0)),
            arguments("UPSERT INTO ks VALUES (1, -1)", new Upsert("ks", lit("1"), lit("-1"), 0)),
            arguments("UPSERT INTO ks VALUES ('k', ?)", new Upsert("ks", lit("k"), p(1), 1)),
            arguments("UPSERT INTO ks VALUES ('a\u0000b', '')", new Upsert("ks", lit("a\u0000b"), lit(""), 0)),
            arguments("INSERT INTO ks (key, value) VALUES (?, ?)", new Insert("ks", p(1), p(2), 2)),
            arguments("INSERT INTO ks VALUES ('k', 'multi\nline') -- new row",
                new Insert("ks", lit("k"), lit("multi\nline"), 0)),
            arguments("INSERT INTO ks (value, key) VALUES (?, 'k')", new Insert("ks", lit("k"), p(1), 1)),
            arguments("Insert Into ks Values (?, 12);", new Insert("ks", p(1), lit("12"), 1)),

            // UPDATE ... AND value = ...: compare-and-set, conditions in either order.
            arguments("UPDATE ks SET value = ? WHERE key = ? AND value = ?",
                new CompareAndSet("ks", p(2), p(1), p(3), 3)),
            arguments("UPDATE ks SET value = ? WHERE value = ? AND key = ?",
                new CompareAndSet("ks", p(3), p(1), p(2), 3)),
            arguments("update ks set value = 'new' where key = 'k' and value = 'old';",
                new CompareAndSet("ks", lit("k"), lit("new"), lit("old"), 0)),
            arguments("UPDATE ks SET value = 5 WHERE key = ? AND value = 4",
                new CompareAndSet("ks", p(1), lit("5"), lit("4"), 1)),
            arguments("UPDATE ks SET value = ? WHERE value = '' AND key = 'k'",
                new CompareAndSet("ks", lit("k"), p(1), lit(""), 1)),

            // UPDATE ... value = value +/- delta: increment.
            arguments("UPDATE ks SET value = value + ? WHERE key = ?",
                new Increment("ks", p(2), p(1), false, false, 2)),
            arguments("UPDATE ks SET value = value - ? WHERE key = ?", new Increment("ks", p(2), p(1), true, false, 2)),
            arguments("UPDATE ks SET value = value + 1 WHERE key = 'c' RETURNING value",
                new Increment("ks", lit("c"), lit("1"), false, true, 0)),
            arguments("update ks set value = value - 5 where key = ? returning VALUE;",
                new Increment("ks", p(1), lit("5"), true, true, 1)),
            arguments("UPDATE ks SET value = value + -5 WHERE key = ?",
                new Increment("ks", p(1), lit("-5"), false, false, 1)),
            arguments("UPDATE ks SET value = value - -5 WHERE key = ?",
                new Increment("ks", p(1), lit("-5"), true, false, 1)),
            arguments("UPDATE ks SET value=value-5 WHERE key=?", new Increment("ks", p(1), lit("5"), true, false, 1)),
            arguments("UPDATE ks SET value = value + 9223372036854775807 WHERE key = ?",
                new Increment("ks", p(1), lit("9223372036854775807"), false, false, 1)),

            // DELETE.
            arguments("DELETE FROM ks WHERE key = ?", new Delete("ks", p(1), 1)),
            arguments("delete from KS where KEY = 'k' ; -- done", new Delete("ks", lit("k"), 0)),
            arguments("DELETE FROM ks WHERE key = -1", new Delete("ks", lit("-1"), 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validStatements")
    void shouldParseValidStatementToExpectedAst(final String sql, final Statement expected) throws Exception
    {
        assertEquals(expected, CommandParser.parse(sql));
    }

    @Test
    void shouldHaveAtLeastFortyValidRows()
    {
        assertTrue(validStatements().count() >= 40);
    }

    @Test
    void shouldReportQueriesForSelectAndIncrementReturningOnly() throws Exception
    {
        assertTrue(CommandParser.parse("SELECT * FROM ks WHERE key = ?").isQuery());
        assertTrue(CommandParser.parse("UPDATE ks SET value = value + 1 WHERE key = ? RETURNING value").isQuery());
        assertFalse(CommandParser.parse("UPDATE ks SET value = value + 1 WHERE key = ?").isQuery());
        assertFalse(CommandParser.parse("UPDATE ks SET value = ? WHERE key = ? AND value = ?").isQuery());
        assertFalse(CommandParser.parse("UPSERT INTO ks VALUES (?, ?)").isQuery());
        assertFalse(CommandParser.parse("INSERT INTO ks VALUES (?, ?)").isQuery());
        assertFalse(CommandParser.parse("DELETE FROM ks WHERE key = ?").isQuery());
    }

    @Test
    void shouldAcceptExactlyMaxInKeys() throws Exception
    {
        final String sql = "SELECT value FROM ks WHERE key IN (" +
            Stream.generate(() -> "?").limit(CommandParser.MAX_IN_KEYS).collect(Collectors.joining(", ")) + ")";

        final Select select = (Select)CommandParser.parse(sql);

        assertEquals(CommandParser.MAX_IN_KEYS, select.keys().size());
        assertEquals(CommandParser.MAX_IN_KEYS, select.parameterCount());
        assertEquals(p(CommandParser.MAX_IN_KEYS), select.keys().get(CommandParser.MAX_IN_KEYS - 1));
    }

    @Test
    void shouldAcceptStatementOfExactlyMaxLength() throws Exception
    {
        final String prefix = "UPSERT INTO ks VALUES ('k', '";
        final String suffix = "')";
        final String value = "x".repeat(CommandParser.MAX_STATEMENT_LENGTH - prefix.length() - suffix.length());
        final String sql = prefix + value + suffix;
        assertEquals(CommandParser.MAX_STATEMENT_LENGTH, sql.length());

        assertEquals(new Upsert("ks", lit("k"), lit(value), 0), CommandParser.parse(sql));
    }

    @Test
    void shouldAcceptParametersUpToTheLimit() throws Exception
    {
        final String sql = "SELECT value FROM ks WHERE key IN (?, ?, ?)";

        assertEquals(3, CommandParser.parse(sql, CommandParser.MAX_STATEMENT_LENGTH, 10, 3).parameterCount());
    }

    @Test
    void shouldGiveEqualResultsFromManyThreads() throws Exception
    {
        final List<String> sqls = validStatements().map((arguments) -> (String)arguments.get()[0]).toList();
        final List<Statement> expected = new ArrayList<>();
        for (final String sql : sqls)
        {
            expected.add(CommandParser.parse(sql));
        }

        final ExecutorService executor = Executors.newFixedThreadPool(8);
        try
        {
            final List<Future<List<Statement>>> futures = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++)
            {
                futures.add(executor.submit(() ->
                {
                    List<Statement> last = null;
                    for (int round = 0; round < 200; round++)
                    {
                        final List<Statement> parsed = new ArrayList<>();
                        for (final String sql : sqls)
                        {
                            parsed.add(CommandParser.parse(sql));
                        }
                        last = parsed;
                    }
                    return last;
                }));
            }
            for (final Future<List<Statement>> future : futures)
            {
                assertEquals(expected, future.get());
            }
        }
        finally
        {
            executor.shutdownNow();
        }
    }

    @Test
    void shouldRejectRecordsWhoseParametersDoNotMatchTheirCount()
    {
        assertThrows(IllegalArgumentException.class, () -> new Delete("ks", p(1), 0));
        assertThrows(IllegalArgumentException.class, () -> new Delete("ks", lit("k"), 1));
        assertThrows(IllegalArgumentException.class, () -> new Upsert("ks", p(1), p(1), 2));
        assertThrows(IllegalArgumentException.class, () -> new Upsert("ks", p(1), p(3), 2));
        assertThrows(IllegalArgumentException.class, () -> new Select("ks", List.of(), List.of(p(1)), 1));
        assertThrows(IllegalArgumentException.class, () -> new Select("ks", List.of(KEY, KEY), List.of(p(1)), 1));
        assertThrows(IllegalArgumentException.class, () -> new Select("ks", V, List.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> new Increment("ks", p(1), lit("x"), false, false, 1));
        assertThrows(IllegalArgumentException.class, () -> new Increment("ks", p(1), lit("007"), false, false, 1));
        assertThrows(IllegalArgumentException.class, () -> new Expr.Parameter(0));
        assertThrows(IllegalArgumentException.class, () -> new Delete("", p(1), 1));
        assertThrows(NullPointerException.class, () -> new Delete("ks", null, 0));
    }

    @Test
    void shouldKeepSelectListsImmutable() throws Exception
    {
        final Select select = (Select)CommandParser.parse("SELECT * FROM ks WHERE key IN (?, ?)");

        assertThrows(UnsupportedOperationException.class, () -> select.keys().add(p(3)));
        assertThrows(UnsupportedOperationException.class, () -> select.columns().clear());
    }

    /** The package ships in a dependency-free driver jar: its sources may import only java.* and itself. */
    @Test
    void shouldImportOnlyJavaPackages() throws IOException
    {
        final Path folder = Path.of("src/main/java/io/geo/client/sql");
        assertTrue(Files.isDirectory(folder), "run from the geo-router module folder: " + folder.toAbsolutePath());
        final List<String> offending = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder))
        {
            for (final Path file : files.filter((path) -> path.toString().endsWith(".java")).toList())
            {
                for (final String line : Files.readAllLines(file))
                {
                    final String trimmed = line.trim();
                    if (trimmed.startsWith("import ") && !trimmed.startsWith("import java.") &&
                        !trimmed.startsWith("import static java.") && !trimmed.startsWith("import io.geo.client.sql."))
                    {
                        offending.add(file.getFileName() + ": " + trimmed);
                    }
                }
            }
        }

        assertEquals(List.of(), offending);
    }

    static Expr.Parameter p(final int index)
    {
        return new Expr.Parameter(index);
    }

    static Expr.Literal lit(final String text)
    {
        return new Expr.Literal(text);
    }
}
