package io.geo.wan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkModelTest
{
    private static final long SEED = 0x5EED_CAFEL;
    private static final int SAMPLES_PER_LINK = 200_000;
    private static final int LOSS_SAMPLES = 1_000_000;
    private static final double SIGMAS = 5.0;

    @TempDir
    Path tempDir;

    @Test
    void shouldGiveTheSameSamplesForTheSameSeed()
    {
        final LinkModel model = new LinkModel(TestConfig.shipped("seven-regions"));
        final SplittableRandom first = new SplittableRandom(SEED);
        final SplittableRandom second = new SplittableRandom(SEED);
        final SplittableRandom other = new SplittableRandom(SEED + 1);
        final int n = model.profile().regionCount();

        boolean differsForOtherSeed = false;
        for (int i = 0; i < 10_000; i++)
        {
            final int from = i % n;
            final int to = (i / n) % n;
            final long delayNs = model.sampleOneWayDelayNs(from, to, first);
            assertEquals(delayNs, model.sampleOneWayDelayNs(from, to, second));
            assertEquals(model.sampleLoss(from, to, first), model.sampleLoss(from, to, second));
            differsForOtherSeed |= delayNs != model.sampleOneWayDelayNs(from, to, other);
            model.sampleLoss(from, to, other);
        }
        assertTrue(differsForOtherSeed);
    }

    @Test
    void shouldConsumeExactlyOneDrawPerSample()
    {
        final LinkModel model = new LinkModel(TestConfig.shipped("epaxos-5"));
        final SplittableRandom sampled = new SplittableRandom(SEED);
        final SplittableRandom reference = new SplittableRandom(SEED);

        model.sampleOneWayDelayNs(0, 4, sampled);
        model.sampleOneWayDelayNs(2, 2, sampled);
        model.sampleLoss(1, 3, sampled);
        model.sampleLoss(3, 3, sampled);
        for (int i = 0; i < 4; i++)
        {
            reference.nextDouble();
        }

        assertEquals(reference.nextLong(), sampled.nextLong());
    }

    @Test
    void shouldAverageHalfTheRttOnEveryLink()
    {
        for (final String name : new String[]{ "epaxos-5", "seven-regions", "three-regions", "lan" })
        {
            final WanProfile profile = TestConfig.shipped(name);
            final LinkModel model = new LinkModel(profile);
            final SplittableRandom random = new SplittableRandom(SEED);
            for (int from = 0; from < profile.regionCount(); from++)
            {
                for (int to = 0; to < profile.regionCount(); to++)
                {
                    if (from == to)
                    {
                        continue;
                    }

                    final double halfRttNs = profile.rttMs(from, to) * 1e6 / 2.0;
                    assertEquals(Math.round(halfRttNs), model.meanOneWayDelayNs(from, to));

                    double sumNs = 0.0;
                    double sumSquaresNs = 0.0;
                    for (int i = 0; i < SAMPLES_PER_LINK; i++)
                    {
                        final double delayNs = model.sampleOneWayDelayNs(from, to, random);
                        sumNs += delayNs;
                        sumSquaresNs += delayNs * delayNs;
                    }
                    final double meanNs = sumNs / SAMPLES_PER_LINK;
                    final double standardDeviationNs = Math.sqrt(sumSquaresNs / SAMPLES_PER_LINK - meanNs * meanNs);
                    final String link = name + " " + profile.regions().get(from) + "->" + profile.regions().get(to);

                    assertEquals(halfRttNs, meanNs, 0.01 * halfRttNs, link + " mean");
                    // Two one-way delays make a round trip with the profile's jitter as standard deviation.
                    final double expectedStandardDeviationNs = profile.jitterMs(from, to) * 1e6 / Math.sqrt(2.0);
                    assertEquals(expectedStandardDeviationNs, standardDeviationNs, 0.05 * expectedStandardDeviationNs,
                        link + " standard deviation");
                }
            }
        }
    }

    @Test
    void shouldSkewPositivelyAboveAFloor()
    {
        final WanProfile profile = TestConfig.shipped("epaxos-5");
        final LinkModel model = new LinkModel(profile);
        final SplittableRandom random = new SplittableRandom(SEED);
        final int eu = 2;
        final int jp = 4;
        final long[] samplesNs = new long[SAMPLES_PER_LINK];
        for (int i = 0; i < samplesNs.length; i++)
        {
            samplesNs[i] = model.sampleOneWayDelayNs(eu, jp, random);
        }
        Arrays.sort(samplesNs);

        final long medianNs = samplesNs[samplesNs.length / 2];
        assertTrue(medianNs < model.meanOneWayDelayNs(eu, jp), "median " + medianNs + " should be below the mean");
        assertTrue(samplesNs[0] >= model.minOneWayDelayNs(eu, jp));
        final double sigmaNs = profile.jitterMs(eu, jp) * 1e6 / Math.sqrt(2.0);
        assertEquals(profile.rttMs(eu, jp) * 1e6 / 2.0 - sigmaNs, model.minOneWayDelayNs(eu, jp), 1.0);
    }

    @Test
    void shouldNeverGoBelowTheFloorOrNegative() throws Exception
    {
        // Jitter far above the RTT: sigma is capped at rtt / 2, so the floor is 0 and the mean stays rtt / 2.
        final Path file = tempDir.resolve("wild.wan");
        Files.writeString(file, "profile wild\nregions a b c\npair a b rttMs=1 jitterMs=50\n" +
            "pair a c rttMs=0 jitterMs=3\npair b c rttMs=100 jitterMs=0\n");
        final LinkModel model = new LinkModel(WanProfile.load(file));
        final SplittableRandom random = new SplittableRandom(SEED);

        assertEquals(0, model.minOneWayDelayNs(0, 1));
        double sumNs = 0.0;
        for (int i = 0; i < SAMPLES_PER_LINK; i++)
        {
            final long delayNs = model.sampleOneWayDelayNs(0, 1, random);
            assertTrue(delayNs >= 0, "negative delay " + delayNs);
            sumNs += delayNs;
            assertEquals(0, model.sampleOneWayDelayNs(0, 2, random));
            assertEquals(50_000_000L, model.sampleOneWayDelayNs(2, 1, random));
        }
        assertEquals(500_000.0, sumNs / SAMPLES_PER_LINK, 0.02 * 500_000.0);

        for (final String name : new String[]{ "seven-regions", "lan" })
        {
            final LinkModel shipped = new LinkModel(TestConfig.shipped(name));
            final int n = shipped.profile().regionCount();
            for (int i = 0; i < SAMPLES_PER_LINK; i++)
            {
                final int from = random.nextInt(n);
                final int to = random.nextInt(n);
                final long delayNs = shipped.sampleOneWayDelayNs(from, to, random);
                assertTrue(delayNs >= shipped.minOneWayDelayNs(from, to) && delayNs >= 0, name + " " + delayNs);
            }
        }
    }

    @Test
    void shouldUseTheLocalDelayWithinARegion()
    {
        final LinkModel model = new LinkModel(TestConfig.shipped("epaxos-5"));
        final SplittableRandom random = new SplittableRandom(SEED);
        for (int region = 0; region < 5; region++)
        {
            assertEquals(LinkModel.LOCAL_DELAY_NS, model.meanOneWayDelayNs(region, region));
            assertEquals(LinkModel.LOCAL_DELAY_NS, model.minOneWayDelayNs(region, region));
            for (int i = 0; i < 100; i++)
            {
                assertEquals(LinkModel.LOCAL_DELAY_NS, model.sampleOneWayDelayNs(region, region, random));
                assertFalse(model.sampleLoss(region, region, random));
            }
        }
    }

    @Test
    void shouldLoseMessagesAtTheProfileRate() throws Exception
    {
        final Path file = tempDir.resolve("lossy.wan");
        Files.writeString(file, "profile lossy\nregions a b c d\n" +
            "pair a b rttMs=10 jitterMs=1 loss=0.01\n" +
            "pair a c rttMs=10 jitterMs=1 loss=0.3\n" +
            "pair a d rttMs=10 jitterMs=1 loss=1\n" +
            "default rttMs=10 jitterMs=1\n");
        final WanProfile profile = WanProfile.load(file);
        final LinkModel model = new LinkModel(profile);
        final SplittableRandom random = new SplittableRandom(SEED);

        for (final int to : new int[]{ 1, 2 })
        {
            final double probability = profile.lossProbability(0, to);
            int lost = 0;
            for (int i = 0; i < LOSS_SAMPLES; i++)
            {
                lost += model.sampleLoss(0, to, random) ? 1 : 0;
            }
            final double expected = probability * LOSS_SAMPLES;
            final double sigma = Math.sqrt(LOSS_SAMPLES * probability * (1.0 - probability));
            assertEquals(expected, lost, SIGMAS * sigma, "losses at probability " + probability);
        }

        for (int i = 0; i < 10_000; i++)
        {
            assertTrue(model.sampleLoss(3, 0, random));
            assertFalse(model.sampleLoss(1, 2, random));
        }
    }

    @Test
    void shouldRejectOutOfRangeRegions()
    {
        final LinkModel model = new LinkModel(TestConfig.shipped("three-regions"));
        final SplittableRandom random = new SplittableRandom(SEED);
        assertThrows(IndexOutOfBoundsException.class, () -> model.sampleOneWayDelayNs(0, 3, random));
        assertThrows(IndexOutOfBoundsException.class, () -> model.sampleLoss(-1, 0, random));
        assertThrows(IndexOutOfBoundsException.class, () -> model.meanOneWayDelayNs(3, 0));
    }
}
