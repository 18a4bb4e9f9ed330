package io.geo.epaxos.messages;

/**
 * Reply to {@link PreAccept}. When {@code ok}, the replica pre-accepted with {@code seq} and {@code deps}, and
 * {@code identical} says they equal the proposal (no conflict the proposer did not know). When not ok, the replica
 * had promised the higher ballot {@code promisedBallot}.
 */
public record PreAcceptReply(
    long ballot, long instance, boolean ok, long seq, long[] deps, boolean identical, long promisedBallot)
    implements Message
{
}
