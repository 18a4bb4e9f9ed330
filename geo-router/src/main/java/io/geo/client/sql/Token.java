package io.geo.client.sql;

/**
 * One token of a statement, as {@link CommandLexer} produces it.
 *
 * @param kind  what the token is.
 * @param start index in the text of its first character (0-based).
 * @param end   index one past its last character.
 * @param text  for an identifier its name in lower case, for a string literal the unescaped text, for an integer its
 *              digits; empty for the others.
 */
record Token(Kind kind, int start, int end, String text)
{
    enum Kind
    {
        /** A word: keyword, keyspace name or column name. */
        IDENTIFIER,

        /** {@code '...'}. */
        STRING,

        /** Unsigned decimal digits; a leading minus is its own token. */
        INTEGER,

        /** {@code ?}. */
        PARAMETER,

        LEFT_PAREN,
        RIGHT_PAREN,
        COMMA,
        EQUALS,
        PLUS,
        MINUS,
        STAR,
        SEMICOLON,

        /** The text ended: whitespace and comments only after the last token. */
        END
    }

    boolean isKeyword(final String keyword)
    {
        return kind == Kind.IDENTIFIER && text.equals(keyword);
    }
}
