package io.geo.wan;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Deterministic sampling of one-way delays and losses on the links of a {@link WanProfile}. All randomness comes
 * from the caller's {@link SplittableRandom}, so the same seed gives the same samples; every sampling call consumes
 * exactly one {@code nextDouble()}, whatever the link, so the random stream stays aligned when a profile changes.
 * Only {@link StrictMath} is used, so samples are bit-identical on every JVM and platform.
 * <p>
 * The one-way delay on a link of round-trip mean {@code rtt} and jitter {@code j} (the RTT's standard deviation,
 * ping's mdev) is a shifted exponential:
 * <pre>
 *   delay = floor + Exp(mean = sigma)    sigma = min(j / sqrt(2), rtt / 2)    floor = rtt / 2 - sigma
 * </pre>
 * Its mean is {@code rtt / 2} (within a nanosecond of rounding) and its standard deviation {@code sigma}: two
 * independent one-way delays add up to a round trip of mean {@code rtt} and standard deviation {@code j} (when
 * {@code j / sqrt(2) <= rtt / 2}; larger jitter is capped so the floor stays at or above zero). Measured ping times look like this: a hard floor set by the
 * path length and a positive-skewed tail of queueing delay. The delay is never below {@code rtt / 2 - sigma} (see
 * {@link #minOneWayDelayNs(int, int)}), never negative, and never above about {@code floor + 37 sigma} (the largest
 * value the 53-bit uniform draw can reach). A region to itself is a fixed {@link #LOCAL_DELAY_NS}.
 * <p>
 * Immutable and thread-safe; sampling does not allocate. Indices outside [0, regionCount) throw
 * {@link IndexOutOfBoundsException}.
 */
public final class LinkModel
{
    /** One-way delay between two nodes of the same region: a same-host or same-rack hop. */
    public static final long LOCAL_DELAY_NS = 20_000;

    private static final double NS_PER_MS = 1_000_000.0;

    private final WanProfile profile;
    private final int regionCount;
    private final long[] floorNs;
    private final double[] tailMeanNs;
    private final long[] meanNs;
    private final double[] lossProbability;

    /**
     * @param profile the profile whose links to model; its figures are read once, here.
     */
    public LinkModel(final WanProfile profile)
    {
        this.profile = Objects.requireNonNull(profile, "profile");
        regionCount = profile.regionCount();
        final int cells = regionCount * regionCount;
        floorNs = new long[cells];
        tailMeanNs = new double[cells];
        meanNs = new long[cells];
        lossProbability = new double[cells];

        for (int from = 0; from < regionCount; from++)
        {
            for (int to = 0; to < regionCount; to++)
            {
                final int cell = from * regionCount + to;
                if (from == to)
                {
                    floorNs[cell] = LOCAL_DELAY_NS;
                    meanNs[cell] = LOCAL_DELAY_NS;
                    continue;
                }

                final double oneWayMeanNs = profile.rttMs(from, to) * NS_PER_MS / 2.0;
                final double sigmaNs = Math.min(profile.jitterMs(from, to) * NS_PER_MS / StrictMath.sqrt(2.0),
                    oneWayMeanNs);
                floorNs[cell] = (long)Math.floor(oneWayMeanNs - sigmaNs);
                // The tail makes up what rounding the floor down took, so the mean stays rtt / 2.
                tailMeanNs[cell] = oneWayMeanNs - floorNs[cell];
                meanNs[cell] = Math.round(oneWayMeanNs);
                lossProbability[cell] = profile.lossProbability(from, to);
            }
        }
    }

    /** The profile this model samples. */
    public WanProfile profile()
    {
        return profile;
    }

    /**
     * Sample the one-way delay of one message. Consumes exactly one {@code nextDouble()} from {@code random}.
     *
     * @param from   sending region index.
     * @param to     receiving region index.
     * @param random the caller's random stream, advanced by one draw.
     * @return the delay in nanoseconds: at least {@link #minOneWayDelayNs(int, int)}, never negative;
     *         {@link #LOCAL_DELAY_NS} when {@code from == to}.
     */
    public long sampleOneWayDelayNs(final int from, final int to, final SplittableRandom random)
    {
        final int cell = cell(from, to);
        final double uniform = random.nextDouble();
        // Inverse CDF of the exponential: 1 - uniform is in (0, 1], so the logarithm is finite and at most 0.
        return floorNs[cell] + (long)(-tailMeanNs[cell] * StrictMath.log1p(-uniform));
    }

    /**
     * Sample whether one message is lost. Consumes exactly one {@code nextDouble()} from {@code random}.
     *
     * @return true with the link's {@link WanProfile#lossProbability(int, int)}; never when {@code from == to}.
     */
    public boolean sampleLoss(final int from, final int to, final SplittableRandom random)
    {
        final int cell = cell(from, to);
        return random.nextDouble() < lossProbability[cell];
    }

    /** Mean one-way delay in nanoseconds: {@code rttMs / 2} rounded, or {@link #LOCAL_DELAY_NS} for one region. */
    public long meanOneWayDelayNs(final int from, final int to)
    {
        return meanNs[cell(from, to)];
    }

    /**
     * The least delay {@link #sampleOneWayDelayNs} returns for this link: {@code rtt / 2 - min(jitter / sqrt(2),
     * rtt / 2)} rounded down, so at least 0; {@link #LOCAL_DELAY_NS} for one region.
     */
    public long minOneWayDelayNs(final int from, final int to)
    {
        return floorNs[cell(from, to)];
    }

    private int cell(final int from, final int to)
    {
        Objects.checkIndex(from, regionCount);
        Objects.checkIndex(to, regionCount);
        return from * regionCount + to;
    }
}
