/**
 * A UDP relay that puts a WAN between real processes: {@link io.geo.wan.relay.WanRelay} listens on one UDP port
 * per ordered pair of regions and forwards datagrams to the destination region's endpoint after the WAN profile's
 * one-way delay, with jitter and loss, and replies back the same way; links are cut, healed and re-timed at run
 * time through a text control protocol ({@link io.geo.wan.relay.RelayControlClient}). Configured by a
 * {@code config/relay/*.relay} file ({@link io.geo.wan.relay.RelayConfig}); format and limits in
 * {@code docs/wan-relay.md}.
 */
package io.geo.wan.relay;
