package io.geo.router.demo;

import io.geo.epaxos.api.InstanceRecord;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Status;
import io.geo.epaxos.regionlog.LogEntry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-memory stores report writes until the next sync, as the write-ahead logs do: the host group-commits after
 * every step that wrote, so a replica that only learned a commit (and sends nothing) still executes it at once. When
 * they reported nothing, such a commit waited for the next step with a message to send (a 50 ms reply p50 with
 * batches on the lan profile).
 */
class MemoryStoresTest
{
    @Test
    void shouldReportReplicaWritesUntilSynced()
    {
        final MemoryStore store = new MemoryStore();
        assertFalse(store.hasUnsynced());
        store.saveInstance(new InstanceRecord(InstanceId.of(0, 1), Status.COMMITTED, 0, 0, Command.NOOP, 1,
            Deps.EMPTY, true));
        assertTrue(store.hasUnsynced());
        store.sync();
        assertFalse(store.hasUnsynced());
        store.removeInstance(InstanceId.of(0, 1));
        assertTrue(store.hasUnsynced());
        store.sync();
        store.saveGcWatermarks(new long[] {1, 0, 0});
        assertTrue(store.hasUnsynced());
    }

    @Test
    void shouldReportRegionLogWritesUntilSynced()
    {
        final MemoryLogStore store = new MemoryLogStore();
        assertFalse(store.hasUnsynced());
        store.saveAccepted(1, 1, LogEntry.NOOP);
        assertTrue(store.hasUnsynced());
        store.sync();
        assertFalse(store.hasUnsynced());
        store.saveCommitIndex(1);
        assertTrue(store.hasUnsynced());
        store.sync();
        store.savePromise(2);
        assertTrue(store.hasUnsynced());
    }
}
