package io.geo.epaxos.messages;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Status;

/**
 * Reply to {@link Prepare}. When {@code ok}: the replica's status for the instance, the ballot it last
 * <em>voted</em> in ({@code voteBallot}, kept apart from the highest ballot it promised, as the recovery fix of
 * Sutra 2020 requires), what it voted for, and whether its pre-accept vote was identical to the command leader's
 * proposal. {@code status} NONE means it knows nothing of the instance. When not ok, it had promised
 * {@code promisedBallot}, a higher ballot.
 */
public record PrepareReply(
    long ballot,
    long instance,
    boolean ok,
    long promisedBallot,
    Status status,
    long voteBallot,
    Command command,
    long seq,
    long[] deps,
    boolean identical) implements Message
{
}
