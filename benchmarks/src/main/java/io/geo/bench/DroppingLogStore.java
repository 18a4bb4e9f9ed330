package io.geo.bench;

import io.geo.epaxos.regionlog.LogEntry;
import io.geo.epaxos.regionlog.LogStore;

import java.util.List;

/**
 * A region log {@link LogStore} that starts empty and drops every write, the region log's counterpart of
 * {@link DroppingDurableStore}. It keeps the last entry it was given and counts the writes. Allocates nothing on the
 * write path.
 */
final class DroppingLogStore implements LogStore
{
    private static final State EMPTY = new State(0, 0, 0, List.of());

    private LogEntry lastEntry;
    private long writes;

    @Override
    public void savePromise(final long view)
    {
        writes++;
    }

    @Override
    public void saveAccepted(final long slot, final long view, final LogEntry entry)
    {
        lastEntry = entry;
        writes++;
    }

    @Override
    public void saveCommitIndex(final long commitIndex)
    {
        writes++;
    }

    @Override
    public void saveIncarnation(final long incarnation)
    {
        writes++;
    }

    @Override
    public void truncate(final long throughSlot)
    {
        writes++;
    }

    @Override
    public State load()
    {
        return EMPTY;
    }

    LogEntry lastEntry()
    {
        return lastEntry;
    }

    long writes()
    {
        return writes;
    }
}
