package io.geo.epaxos.check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The JSON-lines encoding of history events (docs/history-format.md): a writer and a parser for exactly that
 * format, so the module needs no JSON library. The parser is iterative (nesting in unknown fields is skipped with
 * an explicit stack), accepts any JSON whitespace and ignores unknown fields.
 */
final class HistoryJson
{
    private static final int MAX_SKIPPED_NESTING_DEPTH = 64;
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private final String line;
    private final int lineNumber;
    private int position;

    private HistoryJson(final String line, final int lineNumber)
    {
        this.line = line;
        this.lineNumber = lineNumber;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Writing
    // ----------------------------------------------------------------------------------------------------------------

    /** Append the event as one JSON object, without a line terminator. */
    static StringBuilder appendEvent(final StringBuilder out, final HistoryEvent event)
    {
        out.append("{\"process\":").append(event.process())
            .append(",\"type\":\"").append(event.type().jsonName())
            .append("\",\"f\":\"").append(event.f().jsonName()).append('"');
        if (event.f() == HistoryEvent.Function.BATCH)
        {
            out.append(",\"ops\":[");
            final List<BatchOp> ops = event.ops();
            for (int i = 0; i < ops.size(); i++)
            {
                if (i > 0)
                {
                    out.append(',');
                }
                appendBatchOp(out, ops.get(i));
            }
            out.append(']');
        }
        else
        {
            out.append(",\"key\":");
            appendString(out, event.key());
            out.append(",\"value\":");
            appendValue(out, event.f(), event.value());
            out.append(",\"expected\":");
            appendString(out, event.expected());
        }
        return out.append(",\"time\":").append(event.timeNs()).append('}');
    }

    /** Append one op of a batch as a JSON object. */
    static StringBuilder appendBatchOp(final StringBuilder out, final BatchOp op)
    {
        out.append("{\"f\":\"").append(op.f().jsonName()).append("\",\"key\":");
        appendString(out, op.key());
        out.append(",\"value\":");
        appendValue(out, op.f(), op.value());
        out.append(",\"expected\":");
        appendString(out, op.expected());
        if (op.ok() != null)
        {
            out.append(",\"ok\":").append(op.ok().booleanValue());
        }
        return out.append('}');
    }

    private static void appendValue(final StringBuilder out, final HistoryEvent.Function f, final String value)
    {
        if (value != null && f == HistoryEvent.Function.INCR)
        {
            // Validated as a decimal long when the event was built; written as a JSON number.
            out.append(value);
        }
        else
        {
            appendString(out, value);
        }
    }

    /**
     * Append {@code value} as a JSON string literal, or {@code null}. Escapes quote, backslash, control characters,
     * U+2028/U+2029 and unpaired surrogates (which UTF-8 cannot carry); other characters are appended as they are.
     */
    static StringBuilder appendString(final StringBuilder out, final String value)
    {
        if (value == null)
        {
            return out.append("null");
        }
        out.append('"');
        final int length = value.length();
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029')
                    {
                        appendUnicodeEscape(out, c);
                    }
                    else if (Character.isHighSurrogate(c) && i + 1 < length &&
                        Character.isLowSurrogate(value.charAt(i + 1)))
                    {
                        out.append(c).append(value.charAt(i + 1));
                        i++;
                    }
                    else if (Character.isSurrogate(c))
                    {
                        appendUnicodeEscape(out, c);
                    }
                    else
                    {
                        out.append(c);
                    }
                    break;
            }
        }
        return out.append('"');
    }

    private static void appendUnicodeEscape(final StringBuilder out, final char c)
    {
        out.append("\\u")
            .append(HEX_DIGITS[(c >> 12) & 0xF])
            .append(HEX_DIGITS[(c >> 8) & 0xF])
            .append(HEX_DIGITS[(c >> 4) & 0xF])
            .append(HEX_DIGITS[c & 0xF]);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Parsing
    // ----------------------------------------------------------------------------------------------------------------

    /**
     * Parse one line holding one event.
     *
     * @throws HistoryFormatException naming {@code lineNumber} and the column if the line is not a valid event.
     */
    static HistoryEvent parseEvent(final String line, final int lineNumber) throws HistoryFormatException
    {
        return new HistoryJson(line, lineNumber).event();
    }

    private HistoryEvent event() throws HistoryFormatException
    {
        long process = 0;
        long timeNs = 0;
        HistoryEvent.Type type = null;
        HistoryEvent.Function f = null;
        String key = null;
        String value = null;
        String expected = null;
        List<BatchOp> ops = null;
        final HashSet<String> seen = new HashSet<>();

        skipWhitespace();
        expect('{');
        skipWhitespace();
        if (peek() == '}')
        {
            throw error("empty object");
        }
        while (true)
        {
            skipWhitespace();
            final int nameColumn = position + 1;
            final String name = parseString();
            if (!seen.add(name))
            {
                throw new HistoryFormatException(lineNumber, nameColumn, "duplicate field \"" + name + "\"");
            }
            skipWhitespace();
            expect(':');
            skipWhitespace();
            switch (name)
            {
                case "process":
                    process = parseLong();
                    break;
                case "type":
                    type = parseType();
                    break;
                case "f":
                    f = parseFunction();
                    break;
                case "key":
                    key = parseStringOrNull();
                    break;
                case "value":
                    value = parseScalarText();
                    break;
                case "expected":
                    expected = parseScalarText();
                    break;
                case "ops":
                    ops = parseOps();
                    break;
                case "time":
                    timeNs = parseLong();
                    break;
                default:
                    skipValue();
                    break;
            }
            skipWhitespace();
            final char separator = next("',' or '}'");
            if (separator == '}')
            {
                break;
            }
            if (separator != ',')
            {
                position--;
                throw error("expected ',' or '}'");
            }
        }
        skipWhitespace();
        if (position < line.length())
        {
            throw error("unexpected text after the event object");
        }

        requireField(seen, "process");
        requireField(seen, "type");
        requireField(seen, "f");
        requireField(seen, "time");
        try
        {
            if (f == HistoryEvent.Function.BATCH)
            {
                if (key != null || value != null || expected != null)
                {
                    throw new IllegalArgumentException("a batch event carries ops, not key, value or expected");
                }
                return HistoryEvent.batch(process, type, ops, timeNs);
            }
            if (ops != null)
            {
                throw new IllegalArgumentException("only a batch event carries ops");
            }
            return HistoryEvent.of(process, type, f, key, value, expected, timeNs);
        }
        catch (final IllegalArgumentException | NullPointerException ex)
        {
            throw new HistoryFormatException(lineNumber, 0, ex.getMessage());
        }
    }

    private void requireField(final HashSet<String> seen, final String name) throws HistoryFormatException
    {
        if (!seen.contains(name))
        {
            throw new HistoryFormatException(lineNumber, 0, "missing field \"" + name + "\"");
        }
    }

    private HistoryEvent.Type parseType() throws HistoryFormatException
    {
        final int column = position + 1;
        final String name = parseString();
        try
        {
            return HistoryEvent.Type.fromJsonName(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new HistoryFormatException(lineNumber, column, ex.getMessage());
        }
    }

    private HistoryEvent.Function parseFunction() throws HistoryFormatException
    {
        final int column = position + 1;
        final String name = parseString();
        try
        {
            return HistoryEvent.Function.fromJsonName(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new HistoryFormatException(lineNumber, column, ex.getMessage());
        }
    }

    private List<BatchOp> parseOps() throws HistoryFormatException
    {
        if (tryLiteral("null"))
        {
            return null;
        }
        expect('[');
        final ArrayList<BatchOp> ops = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']')
        {
            position++;
            return ops;
        }
        while (true)
        {
            skipWhitespace();
            ops.add(parseBatchOp());
            skipWhitespace();
            final char separator = next("',' or ']'");
            if (separator == ']')
            {
                return ops;
            }
            if (separator != ',')
            {
                position--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private BatchOp parseBatchOp() throws HistoryFormatException
    {
        final int column = position + 1;
        HistoryEvent.Function f = null;
        String key = null;
        String value = null;
        String expected = null;
        Boolean ok = null;
        final HashSet<String> seen = new HashSet<>();

        expect('{');
        skipWhitespace();
        if (peek() == '}')
        {
            throw error("empty batch op");
        }
        while (true)
        {
            skipWhitespace();
            final int nameColumn = position + 1;
            final String name = parseString();
            if (!seen.add(name))
            {
                throw new HistoryFormatException(lineNumber, nameColumn, "duplicate field \"" + name + "\"");
            }
            skipWhitespace();
            expect(':');
            skipWhitespace();
            switch (name)
            {
                case "f":
                    f = parseFunction();
                    break;
                case "key":
                    key = parseStringOrNull();
                    break;
                case "value":
                    value = parseScalarText();
                    break;
                case "expected":
                    expected = parseScalarText();
                    break;
                case "ok":
                    ok = parseBooleanOrNull();
                    break;
                default:
                    skipValue();
                    break;
            }
            skipWhitespace();
            final char separator = next("',' or '}'");
            if (separator == '}')
            {
                break;
            }
            if (separator != ',')
            {
                position--;
                throw error("expected ',' or '}'");
            }
        }
        if (f == null)
        {
            throw new HistoryFormatException(lineNumber, column, "batch op without \"f\"");
        }
        if (key == null)
        {
            throw new HistoryFormatException(lineNumber, column, "batch op without \"key\"");
        }
        try
        {
            return BatchOp.of(f, key, value, expected, ok);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new HistoryFormatException(lineNumber, column, ex.getMessage());
        }
    }

    private Boolean parseBooleanOrNull() throws HistoryFormatException
    {
        if (tryLiteral("true"))
        {
            return Boolean.TRUE;
        }
        if (tryLiteral("false"))
        {
            return Boolean.FALSE;
        }
        if (tryLiteral("null"))
        {
            return null;
        }
        throw error("expected true, false or null");
    }

    private String parseStringOrNull() throws HistoryFormatException
    {
        if (tryLiteral("null"))
        {
            return null;
        }
        return parseString();
    }

    /** A string, an integer (returned as its canonical decimal text) or null. */
    private String parseScalarText() throws HistoryFormatException
    {
        final char c = peek();
        if (c == '"')
        {
            return parseString();
        }
        if (c == '-' || (c >= '0' && c <= '9'))
        {
            return Long.toString(parseLong());
        }
        if (tryLiteral("null"))
        {
            return null;
        }
        throw error("expected a string, an integer or null");
    }

    private long parseLong() throws HistoryFormatException
    {
        final int start = position;
        final String token = parseNumberToken();
        for (int i = 0; i < token.length(); i++)
        {
            final char c = token.charAt(i);
            if (c == '.' || c == 'e' || c == 'E')
            {
                position = start;
                throw errorAtColumn("expected an integer, found " + token);
            }
        }
        try
        {
            return Long.parseLong(token);
        }
        catch (final NumberFormatException ex)
        {
            position = start;
            throw errorAtColumn("integer out of range: " + token);
        }
    }

    /** Consume a JSON number and return its text: -?digits(.digits)?([eE][+-]?digits)? */
    private String parseNumberToken() throws HistoryFormatException
    {
        final int start = position;
        if (peek() == '-')
        {
            position++;
        }
        if (!skipDigits())
        {
            throw error("expected a number");
        }
        if (peek() == '.')
        {
            position++;
            if (!skipDigits())
            {
                throw error("expected a digit after '.'");
            }
        }
        final char e = peek();
        if (e == 'e' || e == 'E')
        {
            position++;
            final char sign = peek();
            if (sign == '+' || sign == '-')
            {
                position++;
            }
            if (!skipDigits())
            {
                throw error("expected a digit in the exponent");
            }
        }
        return line.substring(start, position);
    }

    private boolean skipDigits()
    {
        final int start = position;
        while (position < line.length() && line.charAt(position) >= '0' && line.charAt(position) <= '9')
        {
            position++;
        }
        return position > start;
    }

    private String parseString() throws HistoryFormatException
    {
        if (peek() != '"')
        {
            throw error("expected a string");
        }
        position++;
        final StringBuilder out = new StringBuilder();
        while (true)
        {
            if (position >= line.length())
            {
                throw errorAtColumn("unterminated string");
            }
            final char c = line.charAt(position++);
            if (c == '"')
            {
                return out.toString();
            }
            if (c < 0x20)
            {
                position--;
                throw error("unescaped control character in string");
            }
            if (c != '\\')
            {
                out.append(c);
                continue;
            }
            if (position >= line.length())
            {
                throw errorAtColumn("unterminated escape");
            }
            final char escaped = line.charAt(position++);
            switch (escaped)
            {
                case '"':
                case '\\':
                case '/':
                    out.append(escaped);
                    break;
                case 'b':
                    out.append('\b');
                    break;
                case 'f':
                    out.append('\f');
                    break;
                case 'n':
                    out.append('\n');
                    break;
                case 'r':
                    out.append('\r');
                    break;
                case 't':
                    out.append('\t');
                    break;
                case 'u':
                    out.append(parseHex4());
                    break;
                default:
                    position -= 2;
                    throw errorAtColumn("invalid escape \\" + escaped);
            }
        }
    }

    private char parseHex4() throws HistoryFormatException
    {
        if (position + 4 > line.length())
        {
            throw errorAtColumn("truncated \\u escape");
        }
        int code = 0;
        for (int i = 0; i < 4; i++)
        {
            final int digit = Character.digit(line.charAt(position), 16);
            if (digit < 0)
            {
                throw error("invalid hex digit in \\u escape");
            }
            code = (code << 4) | digit;
            position++;
        }
        return (char)code;
    }

    /**
     * Skip any JSON value (an unknown field), iteratively: brackets are matched with an explicit stack, whose depth
     * is limited so a hostile line cannot exhaust memory.
     */
    private void skipValue() throws HistoryFormatException
    {
        final StringBuilder openBrackets = new StringBuilder();
        boolean expectValue = true;
        do
        {
            skipWhitespace();
            final char c = peek();
            if (c == '{' || c == '[')
            {
                if (openBrackets.length() >= MAX_SKIPPED_NESTING_DEPTH)
                {
                    throw errorAtColumn("nesting deeper than " + MAX_SKIPPED_NESTING_DEPTH);
                }
                openBrackets.append(c);
                position++;
                expectValue = true;
                skipWhitespace();
                final char close = c == '{' ? '}' : ']';
                if (peek() == close)
                {
                    openBrackets.setLength(openBrackets.length() - 1);
                    position++;
                    expectValue = false;
                }
                else if (c == '{')
                {
                    parseString();
                    skipWhitespace();
                    expect(':');
                }
            }
            else if (!expectValue && (c == '}' || c == ']'))
            {
                final char open = openBrackets.charAt(openBrackets.length() - 1);
                if ((open == '{') != (c == '}'))
                {
                    throw errorAtColumn("mismatched '" + c + "'");
                }
                openBrackets.setLength(openBrackets.length() - 1);
                position++;
            }
            else if (!expectValue && c == ',')
            {
                position++;
                expectValue = true;
                if (openBrackets.charAt(openBrackets.length() - 1) == '{')
                {
                    skipWhitespace();
                    parseString();
                    skipWhitespace();
                    expect(':');
                }
            }
            else if (expectValue)
            {
                skipScalar();
                expectValue = false;
            }
            else
            {
                throw error("expected ',' or a closing bracket");
            }
        }
        while (openBrackets.length() > 0);
    }

    private void skipScalar() throws HistoryFormatException
    {
        final char c = peek();
        if (c == '"')
        {
            parseString();
        }
        else if (c == '-' || (c >= '0' && c <= '9'))
        {
            parseNumberToken();
        }
        else if (!tryLiteral("true") && !tryLiteral("false") && !tryLiteral("null"))
        {
            throw error("expected a value");
        }
    }

    private boolean tryLiteral(final String literal)
    {
        if (line.startsWith(literal, position))
        {
            position += literal.length();
            return true;
        }
        return false;
    }

    private void skipWhitespace()
    {
        while (position < line.length())
        {
            final char c = line.charAt(position);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            {
                return;
            }
            position++;
        }
    }

    /** The next character, or 0 at the end of the line (never valid where a token is expected). */
    private char peek()
    {
        return position < line.length() ? line.charAt(position) : 0;
    }

    private char next(final String what) throws HistoryFormatException
    {
        if (position >= line.length())
        {
            throw error("expected " + what + ", found end of line");
        }
        return line.charAt(position++);
    }

    private void expect(final char c) throws HistoryFormatException
    {
        if (peek() != c)
        {
            throw error("expected '" + c + "'");
        }
        position++;
    }

    /** An error at the current column, saying which character was found there. */
    private HistoryFormatException error(final String reason)
    {
        final String found = position < line.length() ?
            ", found '" + line.charAt(position) + "'" : ", found end of line";
        return errorAtColumn(reason + found);
    }

    private HistoryFormatException errorAtColumn(final String reason)
    {
        return new HistoryFormatException(lineNumber, position + 1, reason);
    }
}
