package io.geo.wan.relay;

import java.util.List;

/**
 * State of a running relay, a snapshot taken on the relay thread.
 *
 * @param profile            name of the WAN profile.
 * @param queuedDatagrams    delay-queue slots in use.
 * @param queuedBytes        delay-queue bytes in use.
 * @param maxQueuedDatagrams the delay queue's slot limit.
 * @param maxQueuedBytes     the delay queue's byte limit.
 * @param links              every ordered link, by source region then destination region in profile order.
 */
public record RelayStatus(
    String profile,
    int queuedDatagrams,
    int queuedBytes,
    int maxQueuedDatagrams,
    int maxQueuedBytes,
    List<LinkStatus> links)
{
    public RelayStatus
    {
        links = List.copyOf(links);
    }
}
