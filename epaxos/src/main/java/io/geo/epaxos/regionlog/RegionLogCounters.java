package io.geo.epaxos.regionlog;

/** What a region log node did, for tests, the simulator and metrics. Read on the node's thread. */
public final class RegionLogCounters
{
    long appends;
    long refusedAppends;
    long applied;
    long appliedNoops;
    long acceptsSent;
    long retransmits;
    long electionsStarted;
    long viewsLed;
    long stallViewChanges;
    long recoveredSlots;
    long promisePagesRequested;
    long reproposed;
    long preparesRefused;

    long grants;
    long grantsDeferred;
    long filledNoops;
    long catchUpRequests;
    long snapshotsTaken;
    long snapshotChunksSent;
    long snapshotsInstalled;
    long snapshotsRejected;
    long truncations;
    long conflictingAccepts;
    long duplicatesSkipped;

    public long appends()
    {
        return appends;
    }

    public long refusedAppends()
    {
        return refusedAppends;
    }

    public long applied()
    {
        return applied;
    }

    public long appliedNoops()
    {
        return appliedNoops;
    }

    public long acceptsSent()
    {
        return acceptsSent;
    }

    public long retransmits()
    {
        return retransmits;
    }

    public long electionsStarted()
    {
        return electionsStarted;
    }

    public long viewsLed()
    {
        return viewsLed;
    }

    public long stallViewChanges()
    {
        return stallViewChanges;
    }

    /** Prepares this node sent as a candidate for the next page of an acceptor's Promise. */
    public long promisePagesRequested()
    {
        return promisePagesRequested;
    }

    public long recoveredSlots()
    {
        return recoveredSlots;
    }

    public long reproposed()
    {
        return reproposed;
    }

    public long grants()
    {
        return grants;
    }

    public long grantsDeferred()
    {
        return grantsDeferred;
    }

    public long filledNoops()
    {
        return filledNoops;
    }

    /** Accepts refused because another entry is chosen in one of their slots (must stay 0). */
    public long conflictingAccepts()
    {
        return conflictingAccepts;
    }

    /** Second copies of an entry applied as no-ops (Multi-Paxos mode retries). */
    public long duplicatesSkipped()
    {
        return duplicatesSkipped;
    }

    public long catchUpRequests()
    {
        return catchUpRequests;
    }

    /** Snapshots this node made (for its host, or to serve a lagging peer). */
    public long snapshotsTaken()
    {
        return snapshotsTaken;
    }

    public long snapshotChunksSent()
    {
        return snapshotChunksSent;
    }

    /** Snapshots received from a peer and installed (the node lagged behind the peers' truncation point). */
    public long snapshotsInstalled()
    {
        return snapshotsInstalled;
    }

    /** Snapshots from peers refused: larger than maxSnapshotBytes, or malformed. */
    public long snapshotsRejected()
    {
        return snapshotsRejected;
    }

    public long truncations()
    {
        return truncations;
    }

    /** Prepares of other candidates this node left unanswered because it knew a live leader. */
    public long preparesRefused()
    {
        return preparesRefused;
    }
}
