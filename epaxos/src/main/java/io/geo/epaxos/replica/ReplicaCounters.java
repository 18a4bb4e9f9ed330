package io.geo.epaxos.replica;

/** Monotonic counters of one replica, read by hosts for metrics and by the simulator for its summary. */
public final class ReplicaCounters
{
    long proposed;
    long fastPathCommits;
    long slowPathCommits;
    long committed;
    long executed;
    long recoveriesStarted;
    long recoveredCommitted;
    long recoveredAccepted;
    long recoveredFastPathCandidate;
    long recoveredPhaseOne;
    long recoveredNoop;
    long recoveryWaits;
    long preempted;
    long retransmits;
    long rejectedInvalid;
    long rejectedOverload;
    long droppedMessages;
    long executionVisits;
    boolean collectedGarbage;

    /** Commands this replica led that committed in its initial ballot after one round trip. */
    public long fastPathCommits()
    {
        return fastPathCommits;
    }

    /** Commands this replica led that needed the Accept round in its initial ballot. */
    public long slowPathCommits()
    {
        return slowPathCommits;
    }

    public long proposed()
    {
        return proposed;
    }

    public long committed()
    {
        return committed;
    }

    public long executed()
    {
        return executed;
    }

    public long recoveriesStarted()
    {
        return recoveriesStarted;
    }

    public long recoveredNoop()
    {
        return recoveredNoop;
    }

    public long recoveryWaits()
    {
        return recoveryWaits;
    }

    public long preempted()
    {
        return preempted;
    }

    public long retransmits()
    {
        return retransmits;
    }

    public long rejectedInvalid()
    {
        return rejectedInvalid;
    }

    public long rejectedOverload()
    {
        return rejectedOverload;
    }

    public long droppedMessages()
    {
        return droppedMessages;
    }

    /** Instances visited by the execution search (a cost measure independent of the clock). */
    public long executionVisits()
    {
        return executionVisits;
    }

    @Override
    public String toString()
    {
        return "proposed=" + proposed + " fast=" + fastPathCommits + " slow=" + slowPathCommits +
            " committed=" + committed + " executed=" + executed + " recoveries=" + recoveriesStarted +
            " (committed=" + recoveredCommitted + " accepted=" + recoveredAccepted +
            " fastCandidate=" + recoveredFastPathCandidate + " phase1=" + recoveredPhaseOne +
            " noop=" + recoveredNoop + " waits=" + recoveryWaits + ") preempted=" + preempted +
            " retransmits=" + retransmits + " rejected(invalid=" + rejectedInvalid + " overload=" +
            rejectedOverload + ")";
    }
}
