package io.geo.wan.relay;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;

/**
 * One source address seen on a link's listening socket, with the forwarding socket the relay sends its datagrams
 * from. The destination's replies arrive on the forwarding socket and go back to {@link #address} from the link's
 * listening socket, so the sender sees replies from the address it sent to.
 * <p>
 * Owned by the relay thread; not thread-safe.
 */
final class Sender
{
    final RelayLink link;
    final InetSocketAddress address;
    final DatagramChannel channel;
    SelectionKey key;
    long lastActiveNs;
    /** Datagrams queued to leave from {@link #channel}: the channel stays open while there are any. */
    int queuedForward;

    Sender(final RelayLink link, final InetSocketAddress address, final DatagramChannel channel, final long nowNs)
    {
        this.link = link;
        this.address = address;
        this.channel = channel;
        this.lastActiveNs = nowNs;
    }
}
