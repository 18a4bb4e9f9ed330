package io.geo.epaxos.regionlog;

import java.util.List;

/**
 * The messages of the region log. Views are ballots ({@link io.geo.epaxos.primitives.Ballot}: a round and the node
 * that leads it). Protocol: docs/region-log.md.
 */
public sealed interface LogMessage
{
    /** Candidate to all: promise view {@code view}; tell me what you accepted from {@code fromSlot} on. */
    record Prepare(long view, long fromSlot) implements LogMessage
    {
    }

    /** An accepted slot reported in a {@link Promise}. */
    record AcceptedSlot(long slot, long view, LogEntry entry)
    {
    }

    /**
     * Acceptor to candidate: promised {@code view}; the slots accepted from the prepare's {@code fromSlot} on (in slot
     * order) and the acceptor's {@code commitIndex}. One Promise carries at most a batch's worth of slots: when more
     * remain, {@code nextSlot} is the first slot left out (every accepted slot below it is in this page) and the
     * candidate asks for the rest with a Prepare of the same view from {@code nextSlot}; 0 means this is the last page.
     */
    record Promise(long view, long fromSlot, long commitIndex, List<AcceptedSlot> accepted, long nextSlot)
        implements LogMessage
    {
        /** A promise that reports every accepted slot from {@code fromSlot} on. */
        public Promise(final long view, final long fromSlot, final long commitIndex, final List<AcceptedSlot> accepted)
        {
            this(view, fromSlot, commitIndex, accepted, 0);
        }
    }

    /** A refusal: the sender has promised {@code promisedView}, higher than the request's view. */
    record Nack(long promisedView) implements LogMessage
    {
    }

    /** Proposer to all: accept {@code entries} in slots {@code firstSlot..} under {@code view}. */
    record Accept(long view, long firstSlot, List<LogEntry> entries) implements LogMessage
    {
    }

    /** Acceptor to proposer: accepted slots {@code firstSlot..firstSlot+count-1} under {@code view}. */
    record Accepted(long view, long firstSlot, int count) implements LogMessage
    {
    }

    /** Proposer to all: the entries it proposed in these slots under {@code view} are chosen. */
    record Commit(long view, long firstSlot, int count) implements LogMessage
    {
    }

    /** Leader to all, periodically: I lead {@code view}; everything through {@code commitIndex} is chosen. */
    record Heartbeat(long view, long commitIndex) implements LogMessage
    {
    }

    /** Delegate to leader: grant me slots to propose my entries in. */
    record GrantRequest(long view) implements LogMessage
    {
    }

    /** Leader to delegate: propose in slots {@code firstSlot..firstSlot+count-1} under {@code view}. */
    record Grant(long view, long firstSlot, int count) implements LogMessage
    {
    }

    /** Lagging node to a peer: send me the chosen entries from {@code fromSlot} on. */
    record CatchUpRequest(long fromSlot) implements LogMessage
    {
    }

    /** Peer to lagging node: chosen entries of slots {@code firstSlot..}, and the peer's commit index. */
    record CatchUpReply(long firstSlot, List<LogEntry> entries, long commitIndex) implements LogMessage
    {
    }

    /** Follower to leader in Multi-Paxos mode (no delegation): propose these entries of mine. */
    record Forward(List<LogEntry> entries) implements LogMessage
    {
    }

    /**
     * Lagging node to a peer: send the bytes of your snapshot at {@code slot} from {@code offset} on. A peer that no
     * longer holds that snapshot answers with the first chunk of the one it holds.
     */
    record SnapshotRequest(long slot, long offset) implements LogMessage
    {
    }

    /**
     * Peer to lagging node: bytes {@code offset..offset+data.length-1} of the peer's snapshot of everything through
     * {@code slot} ({@code totalBytes} in all; see {@link LogSnapshot}), and the peer's commit index. Sent instead of
     * a {@link CatchUpReply} when the requested slots are below the peer's truncation point. Equality compares the
     * data by content.
     */
    record SnapshotChunk(long slot, long commitIndex, long totalBytes, long offset, byte[] data) implements LogMessage
    {
        @Override
        public boolean equals(final Object o)
        {
            return o instanceof SnapshotChunk c && slot == c.slot && commitIndex == c.commitIndex &&
                totalBytes == c.totalBytes && offset == c.offset && java.util.Arrays.equals(data, c.data);
        }

        @Override
        public int hashCode()
        {
            return java.util.Objects.hash(slot, commitIndex, totalBytes, offset) * 31 + java.util.Arrays.hashCode(data);
        }

        @Override
        public String toString()
        {
            return "SnapshotChunk[slot=" + slot + ", commitIndex=" + commitIndex + ", totalBytes=" + totalBytes +
                ", offset=" + offset + ", data=" + (data == null ? "null" : data.length + " B") + "]";
        }
    }
}
