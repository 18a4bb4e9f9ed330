/**
 * The WAN model: {@link io.geo.wan.WanProfile} holds the regions of a deployment and the round-trip time, jitter and
 * loss of each pair of them, loaded from a {@code config/wan/*.wan} file (format: {@code docs/wan-profiles.md});
 * {@link io.geo.wan.LinkModel} turns a profile into deterministic samples of one-way delay and loss, drawn from a
 * caller's seeded random stream, for the simulator and the WAN emulator.
 * <p>
 * In real time inside one JVM, {@link io.geo.wan.RealTimeWan} delays, drops and partitions the messages between
 * regions by that model, and {@link io.geo.wan.RealTimeWanDriver} delivers them from a sleeping daemon thread;
 * {@link io.geo.wan.RealTimeWanAccuracy} measures how punctually ({@code docs/wan-emulator.md}).
 */
package io.geo.wan;
