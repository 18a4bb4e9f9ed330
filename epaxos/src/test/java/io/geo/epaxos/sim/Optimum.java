package io.geo.epaxos.sim;

import io.geo.epaxos.replica.ReplicaConfig;
import io.geo.wan.WanProfile;

import java.util.Arrays;

/** Latency lower bounds that physics allows for a command leader in each region of a profile. */
public final class Optimum
{
    private Optimum()
    {
    }

    /** One round trip to the nearest fast quorum (the (FQ-1)-th nearest other region). */
    public static double fastPathMs(final WanProfile profile, final int replicas, final int region)
    {
        return nearestRttMs(profile, replicas, region, ReplicaConfig.fastQuorum(replicas) - 1);
    }

    /** Two round trips to the nearest majority (PreAccept, then Accept). */
    public static double slowPathMs(final WanProfile profile, final int replicas, final int region)
    {
        return 2 * nearestRttMs(profile, replicas, region, ReplicaConfig.slowQuorum(replicas) - 1);
    }

    private static double nearestRttMs(final WanProfile profile, final int replicas, final int region, final int k)
    {
        if (k <= 0)
        {
            return 0;
        }
        final double[] rtts = new double[replicas - 1];
        int n = 0;
        for (int i = 0; i < replicas; i++)
        {
            if (i != region)
            {
                rtts[n++] = profile.rttMs(region, i);
            }
        }
        Arrays.sort(rtts);
        return rtts[k - 1];
    }
}
