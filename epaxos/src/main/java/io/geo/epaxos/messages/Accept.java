package io.geo.epaxos.messages;

import io.geo.epaxos.primitives.Command;

/** Paxos phase 2 (slow path): accept exactly these attributes under {@code ballot}. */
public record Accept(long ballot, long instance, Command command, long seq, long[] deps) implements Message
{
}
