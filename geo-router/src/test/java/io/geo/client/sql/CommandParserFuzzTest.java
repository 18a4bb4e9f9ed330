package io.geo.client.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The parser against random text: token soup from the grammar's vocabulary and mutations of valid statements either
 * parse or fail with a {@link CommandSyntaxException} whose position lies in [1, length + 1], never anything else and
 * never a hang; and random valid statements, rendered with random case, spacing and comments, parse to exactly the
 * statement they were rendered from. The seed is printed in every failure; {@code -Dseed=N} replays one.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CommandParserFuzzTest
{
    private static final int INPUTS = 20_000;
    private static final int RENDERED_STATEMENTS = 5_000;

    private static final String[] VOCABULARY =
    {
        "SELECT", "select", "value", "VALUE", "key", "Key", "*", "FROM", "ks", "Accounts_2", "WHERE", "=", "IN", "(",
        ")", ",", "?", "'str'", "'it''s'", "''", "'unterminated", "'", "42", "-7", "007", "-", "+",
        "99999999999999999999",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "UPSERT", "INSERT", "INTO", "VALUES",
        "UPDATE", "SET", "AND", "OR", "RETURNING", "DELETE", "NULL", "null", ";", "-- comment\n", "--", "\n", "\t",
        " ", "\r\n", "'ключ \uD83D\uDD11'", "\"", "\"ks\"", "1.5", "12abc", ".", "/*", "*/", ":k", "$1", "\u0000",
        "\uD800", "\uDC00", "\uD83D\uDD11", "\u00A0", "é", "_x", "`", ">", "<=", "!=", "%", "\\", "'a\nb'", "e5",
    };

    private static final String[] SEPARATORS = {" ", " ", " ", "  ", "\n", "\t", "\r\n", " -- a comment\n", "\f"};

    private final long seed = Long.getLong("seed", System.nanoTime());
    private final Random random = new Random(seed);

    @Test
    void shouldParseOrRejectWithPositionEveryRandomInput()
    {
        final List<String> valid = CommandParserTest.validStatements()
            .map((arguments) -> (String)arguments.get()[0])
            .toList();

        int accepted = 0;
        for (int i = 0; i < INPUTS; i++)
        {
            final String input = random.nextInt(3) == 0 ? tokenSoup() : mutate(valid.get(random.nextInt(valid.size())));
            if (parseOrReject(i, input))
            {
                accepted++;
            }
        }

        // Some mutations (case changes, a dropped ';', an added space) keep a statement valid: both paths must run.
        assertTrue(accepted > 0 && accepted < INPUTS, "seed=" + seed + " accepted " + accepted + " of " + INPUTS);
    }

    @Test
    void shouldParseRandomValidStatementsToTheStatementsTheyWereRenderedFrom()
    {
        for (int i = 0; i < RENDERED_STATEMENTS; i++)
        {
            final Rendering rendering = new Rendering();
            final Statement expected = rendering.statement();
            final String sql = rendering.sql();
            try
            {
                assertEquals(expected, CommandParser.parse(sql), "seed=" + seed + " #" + i + " " + escape(sql));
            }
            catch (final CommandSyntaxException ex)
            {
                fail("seed=" + seed + " #" + i + " rejected " + escape(sql) + ": " + ex.getMessage(), ex);
            }
        }
    }

    /** True if the input parsed. */
    private boolean parseOrReject(final int i, final String input)
    {
        final String context = "seed=" + seed + " input #" + i + " " + escape(input);
        try
        {
            final Statement statement = CommandParser.parse(input);
            assertEquals(statement, CommandParser.parse(input), context);

            return true;
        }
        catch (final CommandSyntaxException ex)
        {
            final String message = ex.getMessage();
            assertTrue(ex.position() >= 1 && ex.position() <= input.length() + 1,
                context + ": position " + ex.position() + " out of range: " + message);
            assertTrue(null != ex.token() && !ex.token().isEmpty(), context + ": no token: " + message);
            assertTrue(message.startsWith("syntax error at position " + ex.position() + " near "),
                context + ": " + message);
            assertTrue(message.indexOf('\n') < 0 && message.indexOf('\r') < 0, context + ": " + message);
            if (CommandSyntaxException.END_OF_INPUT.equals(ex.token()))
            {
                assertEquals(input.length() + 1, ex.position(), context + ": " + message);
            }

            return false;
        }
        catch (final Throwable ex)
        {
            fail(context + " threw " + ex, ex);
            return false;
        }
    }

    private String tokenSoup()
    {
        final StringBuilder sql = new StringBuilder();
        final int tokens = 1 + random.nextInt(30);
        for (int t = 0; t < tokens; t++)
        {
            sql.append(VOCABULARY[random.nextInt(VOCABULARY.length)]);
            if (random.nextInt(3) != 0)
            {
                sql.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
            }
        }

        return sql.toString();
    }

    private String mutate(final String statement)
    {
        final StringBuilder sql = new StringBuilder(statement);
        final int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++)
        {
            final int at = sql.length() == 0 ? 0 : random.nextInt(sql.length());
            switch (random.nextInt(7))
            {
                case 0:
                    if (sql.length() > 0)
                    {
                        sql.setCharAt(at, randomChar());
                    }
                    break;

                case 1:
                    sql.setLength(at);
                    break;

                case 2:
                    sql.insert(at, VOCABULARY[random.nextInt(VOCABULARY.length)]);
                    break;

                case 3:
                    sql.insert(at, randomChar());
                    break;

                case 4:
                    sql.delete(at, Math.min(sql.length(), at + 1 + random.nextInt(8)));
                    break;

                case 5:
                {
                    final int end = Math.min(sql.length(), at + 1 + random.nextInt(16));
                    sql.insert(random.nextInt(sql.length() + 1), sql.substring(at, end));
                    break;
                }

                default:
                    if (sql.length() > 0)
                    {
                        final char c = sql.charAt(at);
                        sql.setCharAt(at,
                            Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
                    }
                    break;
            }
        }

        return sql.toString();
    }

    private char randomChar()
    {
        switch (random.nextInt(4))
        {
            case 0:
                return (char)(0x20 + random.nextInt(0x5F));

            case 1:
                return "'?(),;=+-*\n\" ".charAt(random.nextInt(13));

            case 2:
                return (char)random.nextInt(0x20);

            default:
                return (char)random.nextInt(0x10000);
        }
    }

    private static String escape(final String sql)
    {
        final StringBuilder escaped = new StringBuilder("\"");
        final int shown = Math.min(sql.length(), 2000);
        for (int i = 0; i < shown; i++)
        {
            final char c = sql.charAt(i);
            if (c == '"' || c == '\\')
            {
                escaped.append('\\').append(c);
            }
            else if (c < 0x20 || c > 0x7E)
            {
                escaped.append(String.format(Locale.ROOT, "\\u%04X", (int)c));
            }
            else
            {
                escaped.append(c);
            }
        }

        return escaped.append(shown < sql.length() ? "\"..." : "\"").toString();
    }

    /** One random valid statement: its text, built token by token, and the AST the parser must give for it. */
    private final class Rendering
    {
        private final StringBuilder sql = new StringBuilder();
        private int parameterCount;

        Statement statement()
        {
            switch (random.nextInt(6))
            {
                case 0:
                    return select();

                case 1:
                case 2:
                {
                    final boolean insert = random.nextBoolean();
                    word(insert ? "insert" : "upsert");
                    word("into");
                    final String keyspace = keyspace();
                    final boolean valueFirst = random.nextInt(3) == 0;
                    if (random.nextBoolean() || valueFirst)
                    {
                        token("(");
                        word(valueFirst ? "value" : "key");
                        token(",");
                        word(valueFirst ? "key" : "value");
                        token(")");
                    }
                    word("values");
                    token("(");
                    final Expr first = expr();
                    token(",");
                    final Expr second = expr();
                    token(")");
                    end();
                    final Expr key = valueFirst ? second : first;
                    final Expr value = valueFirst ? first : second;

                    return insert ? new Insert(keyspace, key, value, parameterCount) :
                        new Upsert(keyspace, key, value, parameterCount);
                }

                case 3:
                {
                    final String keyspace = update();
                    final Expr newValue = expr();
                    word("where");
                    final boolean keyFirst = random.nextBoolean();
                    word(keyFirst ? "key" : "value");
                    token("=");
                    final Expr first = expr();
                    word("and");
                    word(keyFirst ? "value" : "key");
                    token("=");
                    final Expr second = expr();
                    end();

                    return new CompareAndSet(keyspace, keyFirst ? first : second, newValue, keyFirst ? second : first,
                        parameterCount);
                }

                case 4:
                {
                    final String keyspace = update();
                    word("value");
                    final boolean negate = random.nextBoolean();
                    token(negate ? "-" : "+");
                    final Expr delta = random.nextBoolean() ? parameter() : integer();
                    word("where");
                    word("key");
                    token("=");
                    final Expr key = expr();
                    final boolean returning = random.nextBoolean();
                    if (returning)
                    {
                        word("returning");
                        word("value");
                    }
                    end();

                    return new Increment(keyspace, key, delta, negate, returning, parameterCount);
                }

                default:
                {
                    word("delete");
                    word("from");
                    final String keyspace = keyspace();
                    word("where");
                    word("key");
                    token("=");
                    final Expr key = expr();
                    end();

                    return new Delete(keyspace, key, parameterCount);
                }
            }
        }

        String sql()
        {
            return sql.toString();
        }

        private Select select()
        {
            word("select");
            final List<Column> columns;
            switch (random.nextInt(5))
            {
                case 0:
                    token("*");
                    columns = List.of(Column.KEY, Column.VALUE);
                    break;

                case 1:
                    word("value");
                    columns = List.of(Column.VALUE);
                    break;

                case 2:
                    word("key");
                    columns = List.of(Column.KEY);
                    break;

                case 3:
                    word("key");
                    token(",");
                    word("value");
                    columns = List.of(Column.KEY, Column.VALUE);
                    break;

                default:
                    word("value");
                    token(",");
                    word("key");
                    columns = List.of(Column.VALUE, Column.KEY);
                    break;
            }
            word("from");
            final String keyspace = keyspace();
            word("where");
            word("key");

            final List<Expr> keys = new ArrayList<>();
            if (random.nextBoolean())
            {
                token("=");
                keys.add(expr());
            }
            else
            {
                word("in");
                token("(");
                final int count = random.nextInt(50) == 0 ? CommandParser.MAX_IN_KEYS : 1 + random.nextInt(12);
                for (int k = 0; k < count; k++)
                {
                    if (k > 0)
                    {
                        token(",");
                    }
                    keys.add(expr());
                }
                token(")");
            }
            end();

            return new Select(keyspace, columns, keys, parameterCount);
        }

        private String update()
        {
            word("update");
            final String keyspace = keyspace();
            word("set");
            word("value");
            token("=");

            return keyspace;
        }

        private String keyspace()
        {
            while (true)
            {
                final String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";
                final StringBuilder name = new StringBuilder();
                name.append(alphabet.charAt(random.nextInt(53)));
                final int length = random.nextInt(12);
                for (int i = 0; i < length; i++)
                {
                    name.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                final String lower = name.toString().toLowerCase(Locale.ROOT);
                if (!List.of("select", "from", "where", "in", "upsert", "insert", "into", "values", "update", "set",
                    "and", "delete", "returning", "null").contains(lower))
                {
                    word(name.toString());
                    return lower;
                }
            }
        }

        private Expr expr()
        {
            switch (random.nextInt(3))
            {
                case 0:
                    return parameter();

                case 1:
                    return integer();

                default:
                    return string();
            }
        }

        private Expr parameter()
        {
            token("?");
            parameterCount++;

            return new Expr.Parameter(parameterCount);
        }

        private Expr integer()
        {
            final long value;
            switch (random.nextInt(4))
            {
                case 0:
                    value = Long.MIN_VALUE;
                    break;

                case 1:
                    value = Long.MAX_VALUE;
                    break;

                case 2:
                    value = random.nextInt(2001) - 1000;
                    break;

                default:
                    value = random.nextLong();
                    break;
            }

            final String zeros = "0".repeat(random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0);
            if (value < 0)
            {
                token("-");
                token(zeros + Long.toString(value).substring(1));
            }
            else
            {
                token(zeros + value);
            }

            return new Expr.Literal(Long.toString(value));
        }

        private Expr string()
        {
            final String alphabet = "ab Z09'-;?()\"\n\t\u00E9\u00A0\u4E2D\u0000";
            final StringBuilder text = new StringBuilder();
            final int length = random.nextInt(10);
            for (int i = 0; i < length; i++)
            {
                if (random.nextInt(8) == 0)
                {
                    text.append("\uD83D\uDD11");
                }
                else
                {
                    text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            token("'" + text.toString().replace("'", "''") + "'");

            return new Expr.Literal(text.toString());
        }

        private void end()
        {
            if (random.nextBoolean())
            {
                token(";");
            }
            if (random.nextInt(4) == 0)
            {
                sql.append(random.nextBoolean() ? " -- the end" : "\n");
            }
        }

        /** A keyword or name in random case. */
        private void word(final String word)
        {
            final StringBuilder cased = new StringBuilder(word.length());
            for (int i = 0; i < word.length(); i++)
            {
                final char c = word.charAt(i);
                cased.append(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
            }
            separator(cased.charAt(0));
            sql.append(cased);
        }

        private void token(final String token)
        {
            separator(token.charAt(0));
            sql.append(token);
        }

        private void separator(final char next)
        {
            if (sql.length() == 0)
            {
                if (random.nextInt(8) == 0)
                {
                    sql.append("-- leading comment\n");
                }
                return;
            }

            // Words and numbers need a separator from a word or number before them; punctuation does not. Two '-'
            // must never touch: that starts a comment.
            final char last = sql.charAt(sql.length() - 1);
            final boolean needed = (last == '-' && next == '-') ||
                (CommandLexer.isIdentifierPart(last) && CommandLexer.isIdentifierPart(next));
            if (needed || random.nextInt(3) != 0)
            {
                sql.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
            }
        }
    }
}
