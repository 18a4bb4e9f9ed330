package io.geo.epaxos.messages;

/** Reply to {@link Accept}; when not ok, the replica had promised {@code promisedBallot}. */
public record AcceptReply(long ballot, long instance, boolean ok, long promisedBallot) implements Message
{
}
