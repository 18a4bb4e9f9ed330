package io.geo.epaxos.messages;

import io.geo.epaxos.primitives.Command;

/** Phase 1: the proposer asks a replica to pre-accept {@code command} with at least these attributes. */
public record PreAccept(long ballot, long instance, Command command, long seq, long[] deps) implements Message
{
}
