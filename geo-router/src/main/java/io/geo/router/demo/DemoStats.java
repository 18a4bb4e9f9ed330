package io.geo.router.demo;

import org.agrona.collections.LongArrayList;

import java.util.Arrays;
import java.util.List;

/** What an embedded demo run measured: latencies per region, path counts, traffic. */
public final class DemoStats
{
    private final List<String> regions;
    private final LongArrayList[] commitNs;
    private final LongArrayList[] replyNs;
    long completed;
    long rejected;
    long fastPath;
    long slowPath;
    long recoveries;
    long syncs;
    long messagesSent;
    long messagesDropped;
    long bytesSent;
    long codecErrors;
    long elapsedNs;
    boolean converged;
    boolean statesIdentical;

    DemoStats(final List<String> regions)
    {
        this.regions = regions;
        this.commitNs = new LongArrayList[regions.size()];
        this.replyNs = new LongArrayList[regions.size()];
        for (int r = 0; r < regions.size(); r++)
        {
            commitNs[r] = new LongArrayList();
            replyNs[r] = new LongArrayList();
        }
    }

    void recordCommit(final int region, final long latencyNs)
    {
        commitNs[region].addLong(latencyNs);
    }

    void recordReply(final int region, final long latencyNs)
    {
        replyNs[region].addLong(latencyNs);
        completed++;
    }

    public List<String> regions()
    {
        return regions;
    }

    public double commitPercentileMs(final int region, final double percentile)
    {
        return percentileMs(commitNs[region], percentile);
    }

    public double replyPercentileMs(final int region, final double percentile)
    {
        return percentileMs(replyNs[region], percentile);
    }

    public long completed(final int region)
    {
        return replyNs[region].size();
    }

    private static double percentileMs(final LongArrayList samples, final double percentile)
    {
        if (samples.isEmpty())
        {
            return Double.NaN;
        }
        final long[] sorted = samples.toLongArray();
        Arrays.sort(sorted);
        final int index = (int)Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** slow / (fast + slow): commands led here that could not take the fast path. */
    public double conflictRate()
    {
        final long total = fastPath + slowPath;
        return total == 0 ? 0 : (double)slowPath / total;
    }

    public long completed()
    {
        return completed;
    }

    public long rejected()
    {
        return rejected;
    }

    public long fastPath()
    {
        return fastPath;
    }

    public long slowPath()
    {
        return slowPath;
    }

    public long recoveries()
    {
        return recoveries;
    }

    public long syncs()
    {
        return syncs;
    }

    public long messagesSent()
    {
        return messagesSent;
    }

    public long bytesSent()
    {
        return bytesSent;
    }

    public long codecErrors()
    {
        return codecErrors;
    }

    /** After the run, every replica committed what it knew and executed the same instances. */
    public boolean converged()
    {
        return converged;
    }

    /** After convergence, every replica's state machine had the same digest. */
    public boolean statesIdentical()
    {
        return statesIdentical;
    }

    public long elapsedNs()
    {
        return elapsedNs;
    }
}
