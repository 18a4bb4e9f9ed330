package io.geo.router.demo;

import io.geo.epaxos.regionlog.LogEntry;
import io.geo.epaxos.regionlog.LogMessage;
import io.geo.router.host.SyncableLogStore;

import java.util.ArrayList;
import java.util.TreeMap;

/**
 * A region log store in memory, for demos that do not persist: every write is done at once, nothing survives the
 * process. Entries are kept as given (the region log never changes an entry's payload after appending it).
 */
public final class MemoryLogStore implements SyncableLogStore
{
    private long promisedView;
    private long commitIndex;
    private long incarnation;
    private long truncatedThrough;
    private boolean unsynced;
    private final TreeMap<Long, LogMessage.AcceptedSlot> accepted = new TreeMap<>();

    @Override
    public void savePromise(final long view)
    {
        promisedView = view;
        unsynced = true;
    }

    @Override
    public void saveAccepted(final long slot, final long view, final LogEntry entry)
    {
        if (slot > truncatedThrough)
        {
            accepted.put(slot, new LogMessage.AcceptedSlot(slot, view, entry));
            unsynced = true;
        }
    }

    @Override
    public void saveCommitIndex(final long commitIndex)
    {
        this.commitIndex = commitIndex;
        unsynced = true;
    }

    @Override
    public void saveIncarnation(final long incarnation)
    {
        this.incarnation = incarnation;
        unsynced = true;
    }

    @Override
    public void truncate(final long throughSlot)
    {
        if (throughSlot > truncatedThrough)
        {
            truncatedThrough = throughSlot;
            accepted.headMap(throughSlot, true).clear();
            unsynced = true;
        }
    }

    @Override
    public State load()
    {
        return new State(promisedView, commitIndex, incarnation, truncatedThrough, new ArrayList<>(accepted.values()));
    }

    @Override
    public void sync()
    {
        unsynced = false;
    }

    /** Writes since the last sync: none is lost, but the host's group commit (and the node's onSynced) must run. */
    @Override
    public boolean hasUnsynced()
    {
        return unsynced;
    }
}
