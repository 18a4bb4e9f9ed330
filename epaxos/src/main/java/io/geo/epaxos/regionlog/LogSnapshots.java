package io.geo.epaxos.regionlog;

/**
 * The host's side of snapshots (docs/region-log.md, "Snapshots and truncation"). A node given one can truncate its
 * log ({@link RegionLogNode#truncate}), serve snapshots to lagging peers and install theirs; a node without one never
 * truncates and catches up from entries only. Called on the node's thread, inside node calls.
 */
public interface LogSnapshots
{
    /** The host's applied state: every entry the applier received so far, nothing else. */
    byte[] capture();

    /**
     * Replace the applied state with the one a peer captured: {@code snapshot.hostState()}, everything through
     * {@code snapshot.slot()}. The applier then continues with slot {@code snapshot.slot() + 1}. As with every other
     * write of the call, the host must make the installed state durable (keeping {@code snapshot.bytes()} if it
     * restarts from snapshots) before or with the log store's writes of the same call.
     *
     * @throws IllegalArgumentException if the host's part is malformed: the host changed nothing, and the node drops
     *                                  the snapshot (counted as rejected) and fetches one again later.
     */
    void install(LogSnapshot snapshot);

    /**
     * An entry this node appended was applied inside a snapshot installed from a peer: its effect is in the installed
     * state, but the applier never saw it (its result, if the host needs one, is not known here).
     */
    void appliedInSnapshot(long sequence);
}
