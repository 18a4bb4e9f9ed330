package io.geo.epaxos.primitives;

import java.util.Arrays;

/** Dependency sets are sorted arrays of distinct instance ids; these helpers keep them so. */
public final class Deps
{
    public static final long[] EMPTY = new long[0];

    private Deps()
    {
    }

    /** Sorted union of two sorted sets. Returns {@code a} itself when {@code b} adds nothing. */
    public static long[] union(final long[] a, final long[] b)
    {
        if (b.length == 0 || Arrays.equals(a, b))
        {
            return a;
        }
        if (a.length == 0)
        {
            return b;
        }
        final long[] out = new long[a.length + b.length];
        int i = 0, j = 0, n = 0;
        while (i < a.length && j < b.length)
        {
            if (a[i] < b[j])
            {
                out[n++] = a[i++];
            }
            else if (a[i] > b[j])
            {
                out[n++] = b[j++];
            }
            else
            {
                out[n++] = a[i++];
                j++;
            }
        }
        while (i < a.length)
        {
            out[n++] = a[i++];
        }
        while (j < b.length)
        {
            out[n++] = b[j++];
        }
        return n == a.length ? a : Arrays.copyOf(out, n);
    }

    public static boolean contains(final long[] deps, final long instanceId)
    {
        return Arrays.binarySearch(deps, instanceId) >= 0;
    }

    /** True when the array is strictly increasing (sorted, no duplicates). */
    public static boolean isSortedSet(final long[] deps)
    {
        for (int i = 1; i < deps.length; i++)
        {
            if (deps[i - 1] >= deps[i])
            {
                return false;
            }
        }
        return true;
    }

    public static String toString(final long[] deps)
    {
        final StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < deps.length; i++)
        {
            sb.append(i == 0 ? "" : ",").append(InstanceId.toString(deps[i]));
        }
        return sb.append(']').toString();
    }
}
