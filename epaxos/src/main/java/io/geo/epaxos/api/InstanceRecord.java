package io.geo.epaxos.api;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Status;

/**
 * What a replica persists about one instance: the highest ballot it promised, the ballot of its last vote, what it
 * voted for (or what was committed), and whether its pre-accept vote was identical to the command leader's proposal.
 * {@code command} is null only for a bare promise (status NONE).
 */
public record InstanceRecord(
    long instance,
    Status status,
    long promisedBallot,
    long voteBallot,
    Command command,
    long seq,
    long[] deps,
    boolean identical)
{
}
