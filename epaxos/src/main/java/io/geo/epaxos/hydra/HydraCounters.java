package io.geo.epaxos.hydra;

/** Counters of one Hydra node (its region log and replica copy have their own). Read on the node's thread. */
public final class HydraCounters
{
    long submits;
    long regionalSubmits;
    long regionalApplied;
    long regionMessagesLogged;
    long ticksLogged;
    long refused;
    long entriesApplied;
    long malformedEntries;
    long wanMessagesSent;
    long takenOver;
    long snapshotsTaken;
    long snapshotsInstalled;
    long snapshotBytes;
    long resubmitted;
    long commandEntries;
    long batchEntries;
    long queued;

    /** Region snapshots this node took (and had its host keep). */
    public long snapshotsTaken()
    {
        return snapshotsTaken;
    }

    /** Region snapshots this node installed from a peer of its region (it was too far behind for entries). */
    public long snapshotsInstalled()
    {
        return snapshotsInstalled;
    }

    /** The size of the latest region snapshot taken or installed, in bytes. */
    public long snapshotBytes()
    {
        return snapshotBytes;
    }

    /** Client commands appended again because their first entry was applied inside a peer's snapshot. */
    public long resubmitted()
    {
        return resubmitted;
    }

    /**
     * Log entries of client commands (global and regional) this node appended: {@link #submits()} plus
     * {@link #regionalSubmits()} over this is the average batch size.
     */
    public long commandEntries()
    {
        return commandEntries;
    }

    /** Those of {@link #commandEntries()} that carried a batch (two commands or more). */
    public long batchEntries()
    {
        return batchEntries;
    }

    /** Client commands that waited at this node for an entry of its own to apply before they were appended. */
    public long queued()
    {
        return queued;
    }

    /** Client commands this node took for its region log (appended, or queued for the next batch). */
    public long submits()
    {
        return submits;
    }

    /** Regional commands this node took for its region log (ordered by the log alone). */
    public long regionalSubmits()
    {
        return regionalSubmits;
    }

    /** Regional commands applied to this node's state machine (its region's, from every node). */
    public long regionalApplied()
    {
        return regionalApplied;
    }

    /** Messages from other regions this node appended to its region log. */
    public long regionMessagesLogged()
    {
        return regionMessagesLogged;
    }

    /** Clock ticks appended while this node led the region log. */
    public long ticksLogged()
    {
        return ticksLogged;
    }

    /** Inputs the region log refused (too many waiting) or that could not be encoded. */
    public long refused()
    {
        return refused;
    }

    public long entriesApplied()
    {
        return entriesApplied;
    }

    /** Log entries no node could read (skipped alike everywhere). */
    public long malformedEntries()
    {
        return malformedEntries;
    }

    /** Messages to other regions this node sent (as the appender of the entry that produced them). */
    public long wanMessagesSent()
    {
        return wanMessagesSent;
    }

    /** Messages of entries appended by a node that died before sending them, sent by this node as the log leader. */
    public long takenOver()
    {
        return takenOver;
    }
}
