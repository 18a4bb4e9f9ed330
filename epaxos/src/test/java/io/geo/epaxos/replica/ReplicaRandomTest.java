package io.geo.epaxos.replica;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReplicaRandomTest
{
    @Test
    void drawsWhatSplittableRandomDraws()
    {
        final long[] bounds = {1, 2, 3, 7, 64, 1000, 30_000_000L, (1L << 40) + 1, Long.MAX_VALUE};
        for (long seed = -50; seed < 50; seed++)
        {
            final SplittableRandom expected = new SplittableRandom(seed * 0x5DEECE66DL);
            final ReplicaRandom actual = new ReplicaRandom(seed * 0x5DEECE66DL);
            for (int i = 0; i < 2_000; i++)
            {
                final long bound = bounds[i % bounds.length];
                assertEquals(expected.nextLong(bound), actual.nextLong(bound), "seed " + seed + " draw " + i);
            }
        }
    }

    @Test
    void aCopyFromTheStateDrawsTheSame()
    {
        final ReplicaRandom original = new ReplicaRandom(42);
        for (int i = 0; i < 17; i++)
        {
            original.nextLong(1000);
        }
        final ReplicaRandom copy = new ReplicaRandom(original.state());
        for (int i = 0; i < 1_000; i++)
        {
            assertEquals(original.nextLong(12_345), copy.nextLong(12_345));
        }
    }

    @Test
    void refusesANonPositiveBound()
    {
        assertThrows(IllegalArgumentException.class, () -> new ReplicaRandom(1).nextLong(0));
    }
}
