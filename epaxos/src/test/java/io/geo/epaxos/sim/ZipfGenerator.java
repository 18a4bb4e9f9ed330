package io.geo.epaxos.sim;

import java.util.SplittableRandom;

/** Zipfian ranks 0..n-1 with skew s, sampled by inverse CDF over a precomputed table (deterministic given the random). */
final class ZipfGenerator
{
    private final double[] cdf;

    ZipfGenerator(final int n, final double skew)
    {
        cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += 1.0 / StrictMath.pow(i + 1, skew);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++)
        {
            cdf[i] /= sum;
        }
    }

    int next(final SplittableRandom random)
    {
        final double u = random.nextDouble();
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
