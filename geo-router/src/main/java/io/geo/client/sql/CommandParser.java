package io.geo.client.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses one statement of the command language (grammar and meaning: docs/command-language.md) into an immutable
 * {@link Statement}. A hand-written recursive descent over {@link CommandLexer}'s tokens with one token of look-ahead;
 * the grammar has no nesting, so the call depth is fixed and no input can exhaust the stack.
 *
 * <p>Thread-safe: {@link #parse(String)} keeps its state in an instance of its own and shares nothing mutable. Time
 * and memory are linear in the length of the text, which is at most {@link #MAX_STATEMENT_LENGTH}.
 */
public final class CommandParser
{
    /** Longest statement text accepted, in {@code char}s. */
    public static final int MAX_STATEMENT_LENGTH = 1_048_576;

    /** Most keys one {@code SELECT ... WHERE key IN (...)} can read. */
    public static final int MAX_IN_KEYS = 1024;

    /**
     * Most {@code ?} parameters in one statement. With {@link #MAX_IN_KEYS} at 1024 no statement of this grammar
     * gets near it (the most is 1024, in an IN list); it bounds the parser whatever the grammar becomes.
     */
    public static final int MAX_PARAMETERS = 65_535;

    private static final String STATEMENT_KEYWORDS = "SELECT, UPSERT, INSERT, UPDATE or DELETE";
    private static final String EXPR_FORMS = "?, a 'string' or an integer";
    private static final String NULL_NOT_A_VALUE =
        "NULL is not a value here: keys and values are never null; use DELETE to remove a key";
    private static final String RETURNING_ONLY_INCREMENT =
        "RETURNING is only supported by an increment (SET value = value + <delta>)";
    private static final String ONE_KEY = "; use addBatch to change several keys in one atomic batch";

    /** Words that cannot name a keyspace: every keyword of the grammar except the column names. */
    private static final Set<String> RESERVED_WORDS = Set.of(
        "select", "from", "where", "in", "upsert", "insert", "into", "values", "update", "set", "and", "delete",
        "returning", "null");

    private final String sql;
    private final CommandLexer lexer;
    private final int maxInKeys;
    private final int maxParameters;
    private Token token;
    private int parameterCount;

    private CommandParser(final String sql, final int maxInKeys, final int maxParameters)
    {
        this.sql = sql;
        this.lexer = new CommandLexer(sql);
        this.maxInKeys = maxInKeys;
        this.maxParameters = maxParameters;
    }

    /**
     * Parses one statement, with at most one trailing {@code ;}.
     *
     * @param sql the statement text; null is reported as a {@link CommandSyntaxException} at position 1.
     * @return the statement, never null.
     * @throws CommandSyntaxException for any text that is not exactly one valid statement. Nothing else is thrown,
     *                                whatever the text.
     */
    public static Statement parse(final String sql) throws CommandSyntaxException
    {
        return parse(sql, MAX_STATEMENT_LENGTH, MAX_IN_KEYS, MAX_PARAMETERS);
    }

    /** {@link #parse(String)} with other limits, so tests can reach each limit. */
    static Statement parse(final String sql, final int maxStatementLength, final int maxInKeys, final int maxParameters)
        throws CommandSyntaxException
    {
        if (null == sql)
        {
            throw new CommandSyntaxException(1, null, "no statement: the SQL text is null");
        }

        if (sql.length() > maxStatementLength)
        {
            throw error(sql, maxStatementLength, sql.length(), "statement of " + sql.length() +
                " characters is longer than the limit of " + maxStatementLength + " characters");
        }

        return new CommandParser(sql, maxInKeys, maxParameters).statement();
    }

    /** Whether the text is what {@link Long#toString(long)} writes for some long: an integer literal's text. */
    static boolean isCanonicalLong(final String text)
    {
        try
        {
            return Long.toString(Long.parseLong(text)).equals(text);
        }
        catch (final NumberFormatException ignore)
        {
            return false;
        }
    }

    /** An error about the characters [start, end) of the text. */
    static CommandSyntaxException error(final String sql, final int start, final int end, final String detail)
    {
        return new CommandSyntaxException(start + 1, shown(sql, start, end), detail);
    }

    private Statement statement() throws CommandSyntaxException
    {
        advance();
        if (token.kind() == Token.Kind.END)
        {
            throw errorHere("empty statement: expected " + STATEMENT_KEYWORDS);
        }

        if (token.isKeyword("select"))
        {
            return select();
        }
        if (token.isKeyword("upsert"))
        {
            return upsertOrInsert(false);
        }
        if (token.isKeyword("insert"))
        {
            return upsertOrInsert(true);
        }
        if (token.isKeyword("update"))
        {
            return update();
        }
        if (token.isKeyword("delete"))
        {
            return delete();
        }

        throw errorHere("expected " + STATEMENT_KEYWORDS);
    }

    private Select select() throws CommandSyntaxException
    {
        advance();
        final List<Column> columns;
        if (token.kind() == Token.Kind.STAR)
        {
            advance();
            columns = List.of(Column.KEY, Column.VALUE);
        }
        else
        {
            final Column first = column("expected the columns to read: value, key, value, value, key or *");
            advance();
            if (token.kind() == Token.Kind.COMMA)
            {
                advance();
                final Column second = column("expected a second column: key or value");
                if (second == first)
                {
                    throw errorHere("column " + second.columnName() + " is listed twice");
                }
                advance();
                columns = List.of(first, second);
            }
            else
            {
                columns = List.of(first);
            }
        }

        expectKeyword("from", "expected FROM");
        final String keyspace = keyspace();
        expectKeyword("where", "expected WHERE key = <key> or WHERE key IN (<key>, ...): a SELECT names the keys " +
            "it reads, scans are not supported");
        keyCondition("expected key: a SELECT finds its rows by key, not by value");

        final List<Expr> keys;
        if (token.kind() == Token.Kind.EQUALS)
        {
            advance();
            keys = List.of(expr("a key"));
        }
        else if (token.isKeyword("in"))
        {
            advance();
            expect(Token.Kind.LEFT_PAREN, "expected ( to start the list of keys");
            keys = keyList();
        }
        else
        {
            throw errorHere("expected = or IN");
        }

        if (token.isKeyword("and") || token.isKeyword("or"))
        {
            throw errorHere("expected end of input: a SELECT has one condition; use WHERE key IN (<key>, ...) to " +
                "read several keys");
        }
        end("expected end of input");

        return new Select(keyspace, columns, keys, parameterCount);
    }

    private List<Expr> keyList() throws CommandSyntaxException
    {
        final ArrayList<Expr> keys = new ArrayList<>();
        while (true)
        {
            if (keys.size() == maxInKeys)
            {
                throw errorHere("too many keys in IN: one SELECT reads at most " + maxInKeys + " keys");
            }
            keys.add(expr("a key"));

            if (token.kind() == Token.Kind.COMMA)
            {
                advance();
            }
            else if (token.kind() == Token.Kind.RIGHT_PAREN)
            {
                advance();
                return keys;
            }
            else
            {
                throw errorHere("expected , or ) in the list of keys");
            }
        }
    }

    private Statement upsertOrInsert(final boolean insert) throws CommandSyntaxException
    {
        advance();
        expectKeyword("into", "expected INTO");
        final String keyspace = keyspace();

        boolean valueFirst = false;
        if (token.kind() == Token.Kind.LEFT_PAREN)
        {
            advance();
            final Column first = column("expected the columns: (key, value) or (value, key)");
            advance();
            expect(Token.Kind.COMMA, "expected , and a second column: the column list names both key and value");
            final Column second = column("expected a second column: the column list names both key and value");
            if (second == first)
            {
                throw errorHere("column " + second.columnName() + " is listed twice: the column list names both " +
                    "key and value");
            }
            advance();
            expect(Token.Kind.RIGHT_PAREN, "expected ): a keyspace has only the columns key and value");
            valueFirst = first == Column.VALUE;
        }

        expectKeyword("values", "expected VALUES (<key>, <value>)");
        expect(Token.Kind.LEFT_PAREN, "expected ( after VALUES");
        final Expr first = expr(valueFirst ? "a value" : "a key");
        expect(Token.Kind.COMMA, "expected , and a second value: VALUES takes a key and a value");
        final Expr second = expr(valueFirst ? "a key" : "a value");
        expect(Token.Kind.RIGHT_PAREN, "expected ): VALUES takes exactly two values, a key and a value");

        if (token.kind() == Token.Kind.COMMA)
        {
            throw errorHere("expected end of input: one row per statement; use addBatch to write several rows " +
                "in one atomic batch");
        }
        end("expected end of input");

        final Expr key = valueFirst ? second : first;
        final Expr value = valueFirst ? first : second;

        return insert ? new Insert(keyspace, key, value, parameterCount) :
            new Upsert(keyspace, key, value, parameterCount);
    }

    private Statement update() throws CommandSyntaxException
    {
        advance();
        final String keyspace = keyspace();
        expectKeyword("set", "expected SET");
        if (column("expected value (SET value = ...)") == Column.KEY)
        {
            throw errorHere("a key cannot be changed: expected SET value = ...; to move a value, DELETE the old key " +
                "and INSERT the new one");
        }
        advance();
        expect(Token.Kind.EQUALS, "expected =");

        return token.isKeyword("value") ? increment(keyspace) : compareAndSet(keyspace);
    }

    private Increment increment(final String keyspace) throws CommandSyntaxException
    {
        advance();
        final boolean negate;
        if (token.kind() == Token.Kind.PLUS)
        {
            negate = false;
        }
        else if (token.kind() == Token.Kind.MINUS)
        {
            negate = true;
        }
        else
        {
            throw errorHere("expected + or - after value: SET value = value + <delta> increments, " +
                "SET value = <new value> ... AND value = <expected> compares and sets");
        }
        advance();
        final Expr delta = delta();

        expectKeyword("where", "expected WHERE key = <key>");
        keyCondition("expected key: an increment has no condition on value");
        expect(Token.Kind.EQUALS, "expected =: an UPDATE changes one key" + ONE_KEY);
        final Expr key = expr("a key");

        boolean returning = false;
        if (token.isKeyword("returning"))
        {
            advance();
            if (!token.isKeyword("value"))
            {
                throw errorHere("expected value: RETURNING value gives the new value");
            }
            advance();
            returning = true;
        }
        else if (token.isKeyword("and"))
        {
            throw errorHere("expected RETURNING or end of input: an increment has no condition on value");
        }
        end(returning ? "expected end of input" : "expected RETURNING value or end of input");

        return new Increment(keyspace, key, delta, negate, returning, parameterCount);
    }

    private CompareAndSet compareAndSet(final String keyspace) throws CommandSyntaxException
    {
        final Expr newValue = expr("the new value");
        expectKeyword("where", "expected WHERE key = <key> AND value = <expected>: an UPDATE is a compare-and-set; " +
            "use UPSERT for an unconditional write");

        final Column first = column("expected key = <key> or value = <expected>");
        advance();
        expect(Token.Kind.EQUALS, first == Column.KEY ? "expected =: an UPDATE changes one key" + ONE_KEY :
            "expected =");
        Expr key = null;
        Expr expected = null;
        if (first == Column.KEY)
        {
            key = expr("a key");
        }
        else
        {
            expected = expected();
        }

        if (token.isKeyword("returning"))
        {
            throw errorHere(RETURNING_ONLY_INCREMENT);
        }
        if (!token.isKeyword("and"))
        {
            throw errorHere(first == Column.KEY ?
                "expected AND value = <expected> for a compare-and-set (an UPDATE sets the value only if the key " +
                "holds the expected one); use UPSERT INTO " + keyspace + " (key, value) VALUES (<key>, <value>) " +
                "for an unconditional write" :
                "expected AND key = <key>: an UPDATE names the key it changes");
        }
        advance();

        final Column other = first == Column.KEY ? Column.VALUE : Column.KEY;
        final Column second = column("expected " + other.columnName() + " =");
        if (second == first)
        {
            throw errorHere("column " + first.columnName() + " is compared twice: expected " + other.columnName() +
                " =");
        }
        advance();
        expect(Token.Kind.EQUALS, "expected =");
        if (second == Column.KEY)
        {
            key = expr("a key");
        }
        else
        {
            expected = expected();
        }

        if (token.isKeyword("returning"))
        {
            throw errorHere(RETURNING_ONLY_INCREMENT);
        }
        end("expected end of input");

        return new CompareAndSet(keyspace, key, newValue, expected, parameterCount);
    }

    private Delete delete() throws CommandSyntaxException
    {
        advance();
        expectKeyword("from", "expected FROM");
        final String keyspace = keyspace();
        expectKeyword("where", "expected WHERE key = <key>: a DELETE removes one key");
        keyCondition("expected key: a DELETE finds its row by key, not by value");
        expect(Token.Kind.EQUALS, "expected =: a DELETE removes one key" + ONE_KEY);
        final Expr key = expr("a key");
        end("expected end of input");

        return new Delete(keyspace, key, parameterCount);
    }

    /** Consumes {@code key} at the start of a WHERE clause that can only name the key. */
    private void keyCondition(final String whenValue) throws CommandSyntaxException
    {
        if (column("expected key") == Column.VALUE)
        {
            throw errorHere(whenValue);
        }
        advance();
    }

    /** The current token as a column name; does not consume it. */
    private Column column(final String expected) throws CommandSyntaxException
    {
        if (token.kind() == Token.Kind.IDENTIFIER)
        {
            if (token.isKeyword("key"))
            {
                return Column.KEY;
            }
            if (token.isKeyword("value"))
            {
                return Column.VALUE;
            }
            if (!RESERVED_WORDS.contains(token.text()))
            {
                throw errorHere("unknown column '" + raw() + "': a keyspace has only the columns key and value");
            }
        }

        throw errorHere(expected);
    }

    private String keyspace() throws CommandSyntaxException
    {
        if (token.kind() == Token.Kind.IDENTIFIER)
        {
            if (RESERVED_WORDS.contains(token.text()))
            {
                throw errorHere("expected a keyspace name (" + token.text().toUpperCase(Locale.ROOT) +
                    " is a reserved word)");
            }
            final String name = token.text();
            advance();

            return name;
        }

        if (token.kind() == Token.Kind.STRING)
        {
            throw errorHere("expected a keyspace name: keyspace names are identifiers, not quoted strings");
        }

        throw errorHere("expected a keyspace name");
    }

    /** The expected current value of a compare-and-set. */
    private Expr expected() throws CommandSyntaxException
    {
        if (token.isKeyword("null"))
        {
            throw errorHere(NULL_NOT_A_VALUE + "; INSERT writes a key only if it is absent");
        }

        return expr("the expected value");
    }

    private Expr delta() throws CommandSyntaxException
    {
        switch (token.kind())
        {
            case PARAMETER:
            case INTEGER:
            case MINUS:
                return expr("the increment");

            case STRING:
                throw errorHere("the increment must be an integer literal or ?, not a string");

            default:
                if (token.isKeyword("null"))
                {
                    throw errorHere(NULL_NOT_A_VALUE);
                }
                throw errorHere("expected the increment: ? or an integer");
        }
    }

    private Expr expr(final String role) throws CommandSyntaxException
    {
        switch (token.kind())
        {
            case PARAMETER:
            {
                if (parameterCount == maxParameters)
                {
                    throw errorHere("too many parameters: a statement has at most " + maxParameters);
                }
                parameterCount++;
                advance();

                return new Expr.Parameter(parameterCount);
            }

            case STRING:
            {
                final Expr.Literal literal = new Expr.Literal(token.text());
                advance();

                return literal;
            }

            case INTEGER:
            case MINUS:
                return integer();

            case IDENTIFIER:
                if (token.isKeyword("null"))
                {
                    throw errorHere(NULL_NOT_A_VALUE);
                }
                if (!RESERVED_WORDS.contains(token.text()) && !token.isKeyword("key") && !token.isKeyword("value"))
                {
                    throw errorHere("expected " + role + ": " + EXPR_FORMS + " (text is quoted: '" + raw() + "')");
                }
                throw errorHere("expected " + role + ": " + EXPR_FORMS);

            default:
                throw errorHere("expected " + role + ": " + EXPR_FORMS);
        }
    }

    /** {@code [-] digits}: a literal holding the value's canonical decimal text. */
    private Expr.Literal integer() throws CommandSyntaxException
    {
        final int start = token.start();
        final boolean negative = token.kind() == Token.Kind.MINUS;
        if (negative)
        {
            advance();
            if (token.kind() == Token.Kind.PARAMETER)
            {
                throw errorHere("a parameter cannot be negated: bind a negative value instead");
            }
            if (token.kind() != Token.Kind.INTEGER)
            {
                throw errorHere("expected digits after -");
            }
        }

        // Accumulate negatively: the negative range is the larger one, so Long.MIN_VALUE parses too.
        final String digits = token.text();
        long value = 0;
        for (int i = 0; i < digits.length(); i++)
        {
            final int digit = digits.charAt(i) - '0';
            if (value < Long.MIN_VALUE / 10 || value * 10 < Long.MIN_VALUE + digit)
            {
                throw outOfRange(start);
            }
            value = value * 10 - digit;
        }
        if (!negative)
        {
            if (value == Long.MIN_VALUE)
            {
                throw outOfRange(start);
            }
            value = -value;
        }
        advance();

        return new Expr.Literal(Long.toString(value));
    }

    private CommandSyntaxException outOfRange(final int start)
    {
        return error(sql, start, token.end(), "integer literal out of range: integers must fit in a signed 64-bit " +
            "long (" + Long.MIN_VALUE + " to " + Long.MAX_VALUE + "); quote it ('...') to store it as text");
    }

    private void end(final String expected) throws CommandSyntaxException
    {
        if (token.kind() == Token.Kind.SEMICOLON)
        {
            advance();
            if (token.kind() != Token.Kind.END)
            {
                throw errorHere("expected end of input after ;: one statement at a time");
            }
        }
        else if (token.kind() != Token.Kind.END)
        {
            throw errorHere(expected);
        }
    }

    private void expect(final Token.Kind kind, final String expected) throws CommandSyntaxException
    {
        if (token.kind() != kind)
        {
            throw errorHere(expected);
        }
        advance();
    }

    private void expectKeyword(final String keyword, final String expected) throws CommandSyntaxException
    {
        if (!token.isKeyword(keyword))
        {
            throw errorHere(expected);
        }
        advance();
    }

    private void advance() throws CommandSyntaxException
    {
        token = lexer.next();
    }

    private String raw()
    {
        return sql.substring(token.start(), token.end());
    }

    private CommandSyntaxException errorHere(final String detail)
    {
        if (token.kind() == Token.Kind.END)
        {
            return new CommandSyntaxException(sql.length() + 1, null, detail);
        }

        return error(sql, token.start(), token.end(), detail);
    }

    /**
     * The characters [start, end) as quoted in a message: at most {@link CommandSyntaxException#TOKEN_SHOWN_MAX}
     * of them, then {@code ...}; control characters escaped so that the message stays on one line.
     */
    private static String shown(final String sql, final int start, final int end)
    {
        int cut = Math.min(end, start + CommandSyntaxException.TOKEN_SHOWN_MAX);
        if (cut < end && cut > start && Character.isHighSurrogate(sql.charAt(cut - 1)))
        {
            cut--;
        }

        final StringBuilder shown = new StringBuilder(cut - start + 3);
        for (int i = start; i < cut; i++)
        {
            final char c = sql.charAt(i);
            switch (c)
            {
                case '\n':
                    shown.append("\\n");
                    break;

                case '\r':
                    shown.append("\\r");
                    break;

                case '\t':
                    shown.append("\\t");
                    break;

                default:
                    if (Character.isISOControl(c))
                    {
                        shown.append(String.format(Locale.ROOT, "\\u%04X", (int)c));
                    }
                    else
                    {
                        shown.append(c);
                    }
                    break;
            }
        }
        if (cut < end)
        {
            shown.append("...");
        }

        return shown.toString();
    }
}
