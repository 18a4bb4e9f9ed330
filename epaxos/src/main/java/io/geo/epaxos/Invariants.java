package io.geo.epaxos;

/**
 * Invariant checks that stay on in production (Java assert is off by default). Overloads take primitives so a
 * passing check does not allocate.
 */
public final class Invariants
{
    private Invariants()
    {
    }

    public static void check(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalStateException("invariant violated: " + message);
        }
    }

    public static void check(final boolean condition, final String message, final long a)
    {
        if (!condition)
        {
            throw new IllegalStateException("invariant violated: " + message + " [" + a + "]");
        }
    }

    public static void check(final boolean condition, final String message, final long a, final long b)
    {
        if (!condition)
        {
            throw new IllegalStateException("invariant violated: " + message + " [" + a + ", " + b + "]");
        }
    }
}
