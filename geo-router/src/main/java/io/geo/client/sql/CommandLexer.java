package io.geo.client.sql;

import java.util.Locale;

/**
 * Splits a statement into {@link Token}s on demand, one {@link #next()} at a time, so memory stays bounded by the
 * tokens the parser holds (one look-ahead), not by the length of the text. Skips whitespace and {@code --} comments.
 * Single use, not thread-safe.
 */
final class CommandLexer
{
    private final String sql;
    private int offset;

    CommandLexer(final String sql)
    {
        this.sql = sql;
    }

    /**
     * The next token; {@link Token.Kind#END} (at the text's length) once the text is used up, and again on every
     * later call.
     *
     * @throws CommandSyntaxException for a character no token starts with, a malformed number or a malformed string.
     */
    Token next() throws CommandSyntaxException
    {
        skipWhitespaceAndComments();
        final int length = sql.length();
        final int start = offset;
        if (start >= length)
        {
            return new Token(Token.Kind.END, length, length, "");
        }

        final char c = sql.charAt(start);
        switch (c)
        {
            case '(':
                return single(Token.Kind.LEFT_PAREN);

            case ')':
                return single(Token.Kind.RIGHT_PAREN);

            case ',':
                return single(Token.Kind.COMMA);

            case '=':
                return single(Token.Kind.EQUALS);

            case '+':
                return single(Token.Kind.PLUS);

            case '-':
                return single(Token.Kind.MINUS);

            case '*':
                return single(Token.Kind.STAR);

            case ';':
                return single(Token.Kind.SEMICOLON);

            case '?':
                return single(Token.Kind.PARAMETER);

            case '\'':
                return string();

            default:
                break;
        }

        if (isIdentifierStart(c))
        {
            int end = start + 1;
            while (end < length && isIdentifierPart(sql.charAt(end)))
            {
                end++;
            }
            offset = end;

            return new Token(Token.Kind.IDENTIFIER, start, end, sql.substring(start, end).toLowerCase(Locale.ROOT));
        }

        if (isDigit(c))
        {
            return integer();
        }

        throw unexpectedCharacter(start);
    }

    /** The text of the statement, for messages. */
    String sql()
    {
        return sql;
    }

    private Token single(final Token.Kind kind)
    {
        final int start = offset;
        offset++;

        return new Token(kind, start, start + 1, "");
    }

    private Token integer() throws CommandSyntaxException
    {
        final int length = sql.length();
        final int start = offset;
        int end = start;
        while (end < length && isDigit(sql.charAt(end)))
        {
            end++;
        }

        if (end < length && (isIdentifierPart(sql.charAt(end)) || sql.charAt(end) == '.'))
        {
            // 1.5, 1e3, 0x1F, 12abc: quote the whole run rather than complain about its second half.
            int runEnd = end;
            while (runEnd < length && (isIdentifierPart(sql.charAt(runEnd)) || sql.charAt(runEnd) == '.'))
            {
                runEnd++;
            }
            throw CommandParser.error(sql, start, runEnd, "malformed number: integers are digits with an optional " +
                "leading - and names cannot start with a digit; quote text ('" + sql.substring(start, runEnd) +
                "') to use it as a string");
        }
        offset = end;

        return new Token(Token.Kind.INTEGER, start, end, sql.substring(start, end));
    }

    private Token string() throws CommandSyntaxException
    {
        final int length = sql.length();
        final int start = offset;
        final StringBuilder text = new StringBuilder();
        int i = start + 1;
        while (true)
        {
            if (i >= length)
            {
                throw CommandParser.error(sql, start, length, "unterminated string literal: expected a closing ' " +
                    "(write '' for a quote inside a string)");
            }

            final char c = sql.charAt(i);
            if (c == '\'')
            {
                if (i + 1 < length && sql.charAt(i + 1) == '\'')
                {
                    text.append('\'');
                    i += 2;
                    continue;
                }
                offset = i + 1;

                return new Token(Token.Kind.STRING, start, i + 1, text.toString());
            }

            if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(sql.charAt(i + 1)))
            {
                text.append(c).append(sql.charAt(i + 1));
                i += 2;
                continue;
            }

            if (Character.isSurrogate(c))
            {
                // Keys and values are stored as UTF-8, which has no encoding for half a surrogate pair.
                throw CommandParser.error(sql, i, i + 1, "string literal holds an unpaired surrogate " +
                    codePointName(c) + ", which has no UTF-8 encoding");
            }

            text.append(c);
            i++;
        }
    }

    private void skipWhitespaceAndComments()
    {
        final int length = sql.length();
        while (offset < length)
        {
            final char c = sql.charAt(offset);
            if (isWhitespace(c))
            {
                offset++;
            }
            else if (c == '-' && offset + 1 < length && sql.charAt(offset + 1) == '-')
            {
                offset += 2;
                while (offset < length && sql.charAt(offset) != '\n' && sql.charAt(offset) != '\r')
                {
                    offset++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private CommandSyntaxException unexpectedCharacter(final int start)
    {
        final int codePoint = sql.codePointAt(start);
        final int end = start + Character.charCount(codePoint);
        final String detail;
        if (codePoint == '"' || codePoint == '`')
        {
            detail = "unexpected character: string literals use single quotes ('...') and quoted identifiers are " +
                "not supported";
        }
        else if (codePoint == '.')
        {
            detail = "unexpected character: keyspace names are plain identifiers, without a schema or a dot";
        }
        else if (codePoint == '<' || codePoint == '>' || codePoint == '!')
        {
            detail = "unexpected character: keys are compared only with = and IN";
        }
        else if (codePoint == '/')
        {
            detail = "unexpected character: only -- comments (to the end of the line) are supported";
        }
        else if (codePoint == '$' || codePoint == ':')
        {
            detail = "unexpected character: parameters are written ? and numbered by position";
        }
        else if (Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint))
        {
            detail = "unexpected character " + codePointName(codePoint) + ": only ASCII spaces, tabs and line " +
                "breaks separate tokens";
        }
        else
        {
            detail = "unexpected character " + codePointName(codePoint) + ": expected a keyword, an identifier, " +
                "?, a 'string', an integer or one of ( ) , = + - * ;";
        }

        return CommandParser.error(sql, start, end, detail);
    }

    static String codePointName(final int codePoint)
    {
        return String.format(Locale.ROOT, "U+%04X", codePoint);
    }

    static boolean isWhitespace(final char c)
    {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    static boolean isIdentifierStart(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static boolean isIdentifierPart(final char c)
    {
        return isIdentifierStart(c) || isDigit(c);
    }

    static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }
}
