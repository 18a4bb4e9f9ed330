package io.geo.epaxos.messages;

/** Recovery (explicit prepare): promise {@code ballot} for the instance and report what you voted for. */
public record Prepare(long ballot, long instance) implements Message
{
}
