package io.geo.wan.relay;

/**
 * Counters of one ordered link, a snapshot taken on the relay thread. Datagrams travelling in the link's direction
 * count here, including replies that come back through the reverse link's forwarding sockets.
 *
 * @param received        datagrams the relay read for this direction.
 * @param forwarded       datagrams sent on after their delay.
 * @param forwardedBytes  payload bytes of the forwarded datagrams.
 * @param droppedLoss     datagrams dropped by the link's loss probability.
 * @param droppedCut      datagrams dropped because the link was cut (on arrival, or while queued).
 * @param droppedOverload datagrams dropped because the delay queue was full, the link had too many senders, or the
 *                        operating system refused to send them.
 */
public record LinkCounters(
    long received,
    long forwarded,
    long forwardedBytes,
    long droppedLoss,
    long droppedCut,
    long droppedOverload)
{
    /** All drops: loss, cut and overload. */
    public long dropped()
    {
        return droppedLoss + droppedCut + droppedOverload;
    }
}
