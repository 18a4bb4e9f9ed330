package io.geo.epaxos.messages;

import io.geo.epaxos.primitives.Command;

/** The decided attributes of an instance. Idempotent: a replica that already committed ignores it. */
public record Commit(long instance, Command command, long seq, long[] deps) implements Message
{
}
