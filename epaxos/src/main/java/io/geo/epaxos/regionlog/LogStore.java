package io.geo.epaxos.regionlog;

import java.util.List;

/**
 * A region log node's durable state. As for the EPaxos replica, writes made during one input call must be durable
 * before the messages emitted in that call leave the node (group commit), and a restarted node is rebuilt from
 * {@link #load()}.
 */
public interface LogStore
{
    /** The node promised not to accept below {@code view}. */
    void savePromise(long view);

    /** The node accepted {@code entry} in {@code slot} under {@code view} (replaces an earlier acceptance). */
    void saveAccepted(long slot, long view, LogEntry entry);

    /** Every slot through {@code commitIndex} is chosen (the node knows their entries). */
    void saveCommitIndex(long commitIndex);

    /** The node started for the {@code incarnation}-th time (its entries' sequence numbers never repeat). */
    void saveIncarnation(long incarnation);

    /**
     * Slots through {@code throughSlot} are in a snapshot the host keeps: their accepted records may be dropped, and
     * {@link #load()} must not return them (nor any of a later {@link #saveAccepted} below this point) and must
     * report {@code throughSlot} as {@code truncatedThrough}. Never called with a lower slot than before.
     */
    void truncate(long throughSlot);

    /** What {@link #load()} returns: accepted slots above {@code truncatedThrough} only. */
    record State(
        long promisedView,
        long commitIndex,
        long incarnation,
        long truncatedThrough,
        List<LogMessage.AcceptedSlot> accepted)
    {
        /** The state of a store that was never truncated. */
        public State(
            final long promisedView,
            final long commitIndex,
            final long incarnation,
            final List<LogMessage.AcceptedSlot> accepted)
        {
            this(promisedView, commitIndex, incarnation, 0, accepted);
        }
    }

    /** The saved state; an empty store gives view 0, commit index 0, incarnation 0, no truncation and no slots. */
    State load();
}
