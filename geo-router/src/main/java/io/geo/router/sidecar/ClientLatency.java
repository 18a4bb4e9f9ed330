package io.geo.router.sidecar;

import io.geo.router.client.ClientRouter;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * Latency histograms of the client requests a node answers (HdrHistogram, 3 significant digits, up to 10 minutes):
 * commit latency (request arrival to commit at this node, the command leader) and answer latency of writes and
 * linearizable reads (arrival to response). Recorded and read on the duty-cycle thread.
 */
final class ClientLatency implements ClientRouter.LatencyRecorder
{
    private static final long HIGHEST_NS = TimeUnit.MINUTES.toNanos(10);

    final Histogram commit = new Histogram(HIGHEST_NS, 3);
    final Histogram write = new Histogram(HIGHEST_NS, 3);
    final Histogram read = new Histogram(HIGHEST_NS, 3);

    @Override
    public void onCommitted(final long latencyNs, final boolean fastPath)
    {
        commit.recordValue(clamp(latencyNs));
    }

    @Override
    public void onAnswered(final long latencyNs, final boolean isWrite)
    {
        (isWrite ? write : read).recordValue(clamp(latencyNs));
    }

    private static long clamp(final long latencyNs)
    {
        return Math.max(0, Math.min(HIGHEST_NS, latencyNs));
    }

    /** Appends a Prometheus summary (quantiles 0.5, 0.99, 0.999, sum and count) of {@code histogram} in seconds. */
    static void summary(
        final StringBuilder sb, final String name, final String help, final String labels, final Histogram histogram)
    {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(" summary\n");
        final String open = labels.substring(0, labels.length() - 1);
        for (final double quantile : new double[] {0.5, 0.99, 0.999})
        {
            final long valueNs = histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(quantile * 100);
            sb.append(name).append(open).append(",quantile=\"").append(quantile).append("\"} ")
                .append(valueNs / 1e9).append('\n');
        }
        final double sumSeconds = histogram.getTotalCount() == 0 ? 0 :
            histogram.getMean() * histogram.getTotalCount() / 1e9;
        sb.append(name).append("_sum").append(labels).append(' ').append(sumSeconds).append('\n')
            .append(name).append("_count").append(labels).append(' ').append(histogram.getTotalCount()).append('\n');
    }

    /** "p50 1.2 ms, p99 3.4 ms (n=100)" for the status line. */
    static String describe(final Histogram histogram)
    {
        if (histogram.getTotalCount() == 0)
        {
            return "none";
        }
        return String.format("p50 %.1f ms, p99 %.1f ms (n=%d)", histogram.getValueAtPercentile(50) / 1e6,
            histogram.getValueAtPercentile(99) / 1e6, histogram.getTotalCount());
    }
}
