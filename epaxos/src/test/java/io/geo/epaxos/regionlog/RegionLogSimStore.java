package io.geo.epaxos.regionlog;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A simulated disk for one region log node, with group commit (as the EPaxos simulator's SimStore): writes made
 * during a node call are staged and become durable when the node's next sync completes; a crash before that loses
 * them, together with the messages the host held back for that sync. The durable part survives restarts. It also
 * holds the host's snapshot (written in the same group commit as the truncation that relies on it): a restarted node
 * starts from that snapshot and re-applies the log after it.
 */
public final class RegionLogSimStore implements LogStore
{
    private long durablePromisedView;
    private long durableCommitIndex;
    private long durableIncarnation;
    private long durableTruncatedThrough;
    private LogSnapshot durableSnapshot;
    private final TreeMap<Long, LogMessage.AcceptedSlot> durableAccepted = new TreeMap<>();
    private final ArrayList<Object> staged = new ArrayList<>();
    private long writes;
    private long lostWrites;

    private record Promise(long view)
    {
    }

    private record CommitIndex(long commitIndex)
    {
    }

    private record Incarnation(long incarnation)
    {
    }

    private record Truncation(long throughSlot)
    {
    }

    private record Snapshot(LogSnapshot snapshot)
    {
    }

    @Override
    public void savePromise(final long view)
    {
        staged.add(new Promise(view));
    }

    @Override
    public void saveAccepted(final long slot, final long view, final LogEntry entry)
    {
        if (slot < 1 || entry == null)
        {
            throw new IllegalArgumentException("saveAccepted: slot >= 1 and an entry expected: " + slot + ", " + entry);
        }
        // The disk holds bytes: a later change to the node's array must not change what was written.
        staged.add(new LogMessage.AcceptedSlot(slot, view, WireCopy.copy(entry)));
    }

    @Override
    public void saveCommitIndex(final long commitIndex)
    {
        staged.add(new CommitIndex(commitIndex));
    }

    @Override
    public void saveIncarnation(final long incarnation)
    {
        staged.add(new Incarnation(incarnation));
    }

    @Override
    public void truncate(final long throughSlot)
    {
        staged.add(new Truncation(throughSlot));
    }

    /** The host's snapshot: durable at the next sync, before any later write of the same call (a truncation). */
    public void saveSnapshot(final LogSnapshot snapshot)
    {
        staged.add(new Snapshot(LogSnapshot.parse(snapshot.bytes().clone())));
    }

    /** The last durable snapshot, or null. */
    public LogSnapshot durableSnapshot()
    {
        return durableSnapshot;
    }

    /** What a restarted node reads: the durable state only, copied (a new process reads fresh bytes). */
    @Override
    public State load()
    {
        final List<LogMessage.AcceptedSlot> accepted = new ArrayList<>(durableAccepted.size());
        for (final LogMessage.AcceptedSlot slot : durableAccepted.values())
        {
            accepted.add(new LogMessage.AcceptedSlot(slot.slot(), slot.view(), WireCopy.copy(slot.entry())));
        }
        return new State(durablePromisedView, durableCommitIndex, durableIncarnation, durableTruncatedThrough,
            accepted);
    }

    public boolean hasStaged()
    {
        return !staged.isEmpty();
    }

    /** The fsync completed: staged writes become durable in order. */
    public void sync()
    {
        for (final Object write : staged)
        {
            writes++;
            if (write instanceof Promise p)
            {
                durablePromisedView = p.view();
            }
            else if (write instanceof CommitIndex c)
            {
                durableCommitIndex = c.commitIndex();
            }
            else if (write instanceof Incarnation i)
            {
                durableIncarnation = i.incarnation();
            }
            else if (write instanceof Truncation t)
            {
                if (durableSnapshot == null || durableSnapshot.slot() < t.throughSlot())
                {
                    throw new IllegalStateException("truncated through " + t.throughSlot() + " without a snapshot " +
                        "that far: " + durableSnapshot);
                }
                durableTruncatedThrough = Math.max(durableTruncatedThrough, t.throughSlot());
                durableAccepted.headMap(t.throughSlot(), true).clear();
            }
            else if (write instanceof Snapshot s)
            {
                if (durableSnapshot == null || s.snapshot().slot() > durableSnapshot.slot())
                {
                    durableSnapshot = s.snapshot();
                }
            }
            else
            {
                final LogMessage.AcceptedSlot slot = (LogMessage.AcceptedSlot)write;
                if (slot.slot() > durableTruncatedThrough)
                {
                    durableAccepted.put(slot.slot(), slot);
                }
            }
        }
        staged.clear();
    }

    /** Crash: the unsynced writes are lost. */
    public void dropStaged()
    {
        lostWrites += staged.size();
        staged.clear();
    }

    long durablePromisedView()
    {
        return durablePromisedView;
    }

    long durableCommitIndex()
    {
        return durableCommitIndex;
    }

    long writes()
    {
        return writes;
    }

    long lostWrites()
    {
        return lostWrites;
    }
}
