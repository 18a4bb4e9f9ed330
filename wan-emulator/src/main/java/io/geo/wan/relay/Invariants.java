package io.geo.wan.relay;

/**
 * Checks of invariants that stay on in production (Java's {@code assert} is off by default). Primitive overloads,
 * so a passing check on the hot path does not allocate.
 */
final class Invariants
{
    private Invariants()
    {
    }

    static void check(final boolean condition, final String what, final long value)
    {
        if (!condition)
        {
            throw new IllegalStateException("invariant broken: " + what + " (value " + value + ")");
        }
    }

    static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new IllegalStateException("invariant broken: " + what);
        }
    }
}
