package io.geo.wan.relay;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.SplittableRandom;

/**
 * One ordered link of the relay, from region {@code from} to region {@code to}: its listening socket, the senders
 * seen on it, its delay/jitter/loss settings, whether it is cut, and its counters. Datagrams travelling from
 * {@code from} to {@code to} are accounted here, whether they arrived on this link's listening socket or came back
 * through a forwarding socket of the reverse link (replies such as Aeron status messages and NAKs).
 * <p>
 * Owned by the relay thread; not thread-safe.
 */
final class RelayLink
{
    private static final double NS_PER_MS = 1_000_000.0;

    final int from;
    final int to;
    final String fromName;
    final String toName;
    final InetSocketAddress endpoint;
    final int configLine;
    final SplittableRandom random;

    DatagramChannel listenChannel;
    InetSocketAddress boundListenAddress;
    RelayLink reverse;

    double delayMs;
    double jitterMs;
    double lossProbability;
    private long floorNs;
    private double tailMeanNs;

    boolean cut;
    /** Latest due time given to a datagram on this link, so FIFO mode never lets a later one overtake it. */
    long lastDueNs = Long.MIN_VALUE;

    long received;
    long forwarded;
    long forwardedBytes;
    long droppedLoss;
    long droppedCut;
    long droppedOverload;

    final HashMap<InetSocketAddress, Sender> senderByAddress = new HashMap<>();
    /** The same senders as the map, in the order they were first seen (iteration order must not leak from a hash). */
    final ArrayList<Sender> senders = new ArrayList<>();

    RelayLink(
        final int from,
        final int to,
        final String fromName,
        final String toName,
        final InetSocketAddress endpoint,
        final int configLine,
        final SplittableRandom random)
    {
        this.from = from;
        this.to = to;
        this.fromName = fromName;
        this.toName = toName;
        this.endpoint = endpoint;
        this.configLine = configLine;
        this.random = random;
    }

    /**
     * Set the delay model from the figures of {@link io.geo.wan.LinkModel}: the least one-way delay and the mean.
     * The tail above the floor is exponential with mean {@code meanNs - floorNs}, as in LinkModel.
     */
    void modelNs(final long floorNs, final long meanNs, final double lossProbability)
    {
        this.floorNs = floorNs;
        this.tailMeanNs = Math.max(0.0, (double)(meanNs - floorNs));
        this.delayMs = meanNs / NS_PER_MS;
        this.jitterMs = tailMeanNs / NS_PER_MS;
        this.lossProbability = lossProbability;
    }

    /**
     * Set the delay model by hand: mean one-way delay {@code delayMs} with standard deviation {@code jitterMs}
     * (capped at {@code delayMs}, so the delay is never negative), and a loss probability.
     */
    void settingsMs(final double delayMs, final double jitterMs, final double lossProbability)
    {
        final double sigmaMs = Math.min(jitterMs, delayMs);
        final long meanNs = Math.round(delayMs * NS_PER_MS);
        final long floorNs = (long)Math.floor((delayMs - sigmaMs) * NS_PER_MS);
        modelNs(floorNs, meanNs, lossProbability);
        this.delayMs = delayMs;
        this.jitterMs = sigmaMs;
    }

    /**
     * One draw: whether the next datagram is lost. Always consumes one {@code nextDouble()}, so the random
     * stream stays aligned whatever the loss setting.
     */
    boolean sampleLoss()
    {
        return random.nextDouble() < lossProbability;
    }

    /** One draw: the next datagram's one-way delay, the shifted exponential of LinkModel; at least the floor. */
    long sampleDelayNs()
    {
        final double uniform = random.nextDouble();
        return floorNs + (long)(-tailMeanNs * StrictMath.log1p(-uniform));
    }

    /** Least delay {@link #sampleDelayNs()} returns. */
    long floorNs()
    {
        return floorNs;
    }

    String describe()
    {
        return fromName + " -> " + toName;
    }

    LinkCounters counters()
    {
        return new LinkCounters(received, forwarded, forwardedBytes, droppedLoss, droppedCut, droppedOverload);
    }
}
