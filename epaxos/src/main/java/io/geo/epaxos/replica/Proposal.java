package io.geo.epaxos.replica;

import io.geo.epaxos.messages.PrepareReply;

/** Volatile state of a replica driving an instance: the command leader, or a recovering replica. */
final class Proposal
{
    enum Phase
    {
        /** Recovery: collecting promises and votes for a higher ballot. */
        PREPARE,
        /** Phase 1: collecting pre-accept votes (fast path possible only in the leader's initial ballot). */
        PRE_ACCEPT,
        /** Paxos phase 2: collecting accept votes for fixed attributes. */
        ACCEPT
    }

    final long ballot;
    final boolean avoidFastPath;
    final boolean[] replied;
    Phase phase;
    int replies;
    int identicalReplies;
    long unionSeq;
    long[] unionDeps;
    long phaseStartNs;
    long lastSendNs;
    PrepareReply[] prepareReplies;

    Proposal(final Phase phase, final long ballot, final boolean avoidFastPath, final int replicaCount)
    {
        this.phase = phase;
        this.ballot = ballot;
        this.avoidFastPath = avoidFastPath;
        this.replied = new boolean[replicaCount];
    }

    void startPhase(final Phase next, final long nowNs)
    {
        phase = next;
        replies = 0;
        identicalReplies = 0;
        java.util.Arrays.fill(replied, false);
        phaseStartNs = nowNs;
        lastSendNs = nowNs;
    }
}
