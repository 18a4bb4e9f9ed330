package io.geo.epaxos.messages;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;

/**
 * Phase 1: the proposer asks a replica to pre-accept {@code command} with at least these attributes.
 * {@code forgotten[r]} is the proposer's garbage-collection watermark for replica r: instances 1..n of r were
 * executed at every replica and forgotten by the proposer before it proposed. The receiver leaves those out of the
 * dependencies it adds (they execute before this command everywhere), so GC timing does not spoil the fast path.
 * Empty when the proposer sends none.
 */
public record PreAccept(long ballot, long instance, Command command, long seq, long[] deps, long[] forgotten)
    implements Message
{
    public PreAccept(final long ballot, final long instance, final Command command, final long seq, final long[] deps)
    {
        this(ballot, instance, command, seq, deps, Deps.EMPTY);
    }
}
