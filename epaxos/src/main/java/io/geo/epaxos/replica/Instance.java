package io.geo.epaxos.replica;

import io.geo.epaxos.api.InstanceRecord;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.Status;

/** One instance as this replica knows it: its durable vote state plus volatile proposer and execution state. */
final class Instance
{
    static final long NO_BALLOT = -1;

    final long id;

    // Durable (persisted through DurableStore on every change).
    Status status = Status.NONE;
    long promisedBallot = NO_BALLOT;
    long voteBallot = NO_BALLOT;
    Command command;
    long seq;
    long[] deps = Deps.EMPTY;
    boolean identical;

    // Volatile.
    /** Command whose keys are in the conflict index for this instance, or null. */
    Command indexedCommand;
    /** Highest ballot heard of in a rejection, so the next recovery outbids it. */
    long seenBallot = NO_BALLOT;
    long recoveryDueNs = Long.MAX_VALUE;
    Proposal proposal;
    /** The command a client submitted here and still waits on (this replica is the command leader). */
    Command clientCommand;
    boolean committedOnFastPath;
    /** The COMMITTED record is durable: only then may the instance execute (its effects outlive a crash). */
    boolean commitDurable;

    // Tarjan scratch, valid when tarjanEpoch equals the executor's current epoch.
    int tarjanEpoch;
    int tarjanIndex;
    int tarjanLowLink;
    boolean onTarjanStack;

    Instance(final long id)
    {
        this.id = id;
    }

    InstanceRecord toRecord()
    {
        return new InstanceRecord(id, status, promisedBallot, voteBallot, command, seq, deps, identical);
    }

    boolean isCommitted()
    {
        return status.isCommitted();
    }

    /** Committed and the commit is durable: eligible for execution. */
    boolean isExecutable()
    {
        return commitDurable && status.isCommitted();
    }

    boolean isExecuted()
    {
        return status == Status.EXECUTED;
    }
}
