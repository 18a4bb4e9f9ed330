/**
 * The WAN model: {@link io.geo.wan.WanProfile} holds the regions of a deployment and the round-trip time, jitter and
 * loss of each pair of them, loaded from a {@code config/wan/*.wan} file (format: {@code docs/wan-profiles.md});
 * {@link io.geo.wan.LinkModel} turns a profile into deterministic samples of one-way delay and loss, drawn from a
 * caller's seeded random stream, for the simulator and the WAN emulator.
 */
package io.geo.wan;
