package io.geo.wan.relay;

import java.net.InetSocketAddress;

/**
 * Configuration and counters of one ordered link, a snapshot taken on the relay thread.
 *
 * @param from            source region name.
 * @param to              destination region name.
 * @param listenAddress   the bound address the source's senders send to.
 * @param endpoint        the destination region's real endpoint.
 * @param cut             whether the link drops everything.
 * @param delayMs         mean one-way delay in milliseconds.
 * @param jitterMs        standard deviation of the one-way delay in milliseconds.
 * @param lossProbability probability that one datagram is lost.
 * @param senders         distinct senders with a forwarding socket on this link.
 * @param counters        the link's counters.
 */
public record LinkStatus(
    String from,
    String to,
    InetSocketAddress listenAddress,
    InetSocketAddress endpoint,
    boolean cut,
    double delayMs,
    double jitterMs,
    double lossProbability,
    int senders,
    LinkCounters counters)
{
}
