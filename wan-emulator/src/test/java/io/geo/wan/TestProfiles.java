package io.geo.wan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** Small profiles built in code, for tests that need exact link figures rather than measured ones. */
final class TestProfiles
{
    private TestProfiles()
    {
    }

    /** {@code regions} regions named r0, r1, ...; every pair of them has the same link. */
    static WanProfile uniform(final int regions, final double rttMs, final double jitterMs, final double loss)
    {
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < regions; i++)
        {
            names.add("r" + i);
        }
        final double[] rtt = new double[regions * regions];
        final double[] jitter = new double[regions * regions];
        final double[] lossProbability = new double[regions * regions];
        for (int a = 0; a < regions; a++)
        {
            for (int b = 0; b < regions; b++)
            {
                if (a != b)
                {
                    rtt[a * regions + b] = rttMs;
                    jitter[a * regions + b] = jitterMs;
                    lossProbability[a * regions + b] = loss;
                }
            }
        }
        return new WanProfile("uniform-" + regions, names, Map.of(), rtt, jitter, lossProbability);
    }

    /** A clock the test moves by hand; single-threaded use. */
    static final class ManualClock implements LongSupplier
    {
        long nowNs;

        ManualClock(final long startNs)
        {
            nowNs = startNs;
        }

        @Override
        public long getAsLong()
        {
            return nowNs;
        }

        long advanceNs(final long deltaNs)
        {
            nowNs += deltaNs;
            return nowNs;
        }
    }
}
