/**
 * The persistent key-value state machine: {@link io.geo.router.state.ChronicleStateMachine} applies executed
 * commands to Chronicle Map files (data and the exactly-once dedup table) with the results of the reference
 * {@code KeyValueStateMachine}, atomically against process crashes (see its class comment and
 * {@code docs/state-machine.md}); {@link io.geo.router.state.ChronicleStateMachineConfig} sizes the files and sets
 * the limits.
 */
package io.geo.router.state;
