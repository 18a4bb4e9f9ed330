package io.geo.client.sql;

import java.util.Objects;

/**
 * A value in a statement: a positional parameter ({@code ?}) bound at execution, or a literal written in the text.
 * Immutable.
 */
public sealed interface Expr permits Expr.Parameter, Expr.Literal
{
    /**
     * A {@code ?}. Parameters are numbered 1, 2, 3, ... in the order they appear in the statement text, whatever role
     * they play: in {@code UPSERT INTO ks (value, key) VALUES (?, ?)} the value is parameter 1 and the key parameter 2.
     *
     * @param index the 1-based index a JDBC {@code setString(index, ...)} binds.
     */
    record Parameter(int index) implements Expr
    {
        public Parameter
        {
            if (index < 1)
            {
                throw new IllegalArgumentException("parameter index must be at least 1: " + index);
            }
        }
    }

    /**
     * A literal. For a string literal ({@code 'it''s'}) the text between the quotes with {@code ''} unescaped
     * ({@code it's}); for an integer literal ({@code -007}) its canonical decimal text ({@code -7}): the value as
     * {@link Long#toString(long)} writes it. Keys and values are stored as the UTF-8 bytes of this text.
     *
     * @param text the literal's text, never null; may be empty.
     */
    record Literal(String text) implements Expr
    {
        public Literal
        {
            Objects.requireNonNull(text, "text");
        }
    }
}
