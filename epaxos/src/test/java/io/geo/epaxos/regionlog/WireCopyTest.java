package io.geo.epaxos.regionlog;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class WireCopyTest
{
    @Test
    void shouldDeepCopyEntriesSoNodesNeverShareArrays()
    {
        final byte[] payload = { 1, 2, 3 };
        final LogMessage.Accept original = new LogMessage.Accept(5, 10, List.of(LogEntry.of(1, 2, payload),
            LogEntry.NOOP));
        final LogMessage.Accept copy = (LogMessage.Accept)WireCopy.copy(original);
        assertEquals(original.view(), copy.view());
        assertEquals(original.firstSlot(), copy.firstSlot());
        assertEquals(original.entries(), copy.entries());
        assertNotSame(payload, copy.entries().get(0).payload());
        assertSame(LogEntry.NOOP, copy.entries().get(1));
        payload[0] = 9;
        assertEquals(1, copy.entries().get(0).payload()[0]);
    }

    @Test
    void shouldCopyNestedRecords()
    {
        final LogMessage.Promise original = new LogMessage.Promise(3, 1, 0,
            List.of(new LogMessage.AcceptedSlot(1, 3, LogEntry.of(0, 1, new byte[] { 7 }))));
        final LogMessage.Promise copy = (LogMessage.Promise)WireCopy.copy(original);
        assertEquals(original, copy);
        assertNotSame(original.accepted().get(0).entry().payload(), copy.accepted().get(0).entry().payload());
        assertEquals(WireCopy.hash(original), WireCopy.hash(copy));
    }

    @Test
    void shouldMeasurePayloadBytesPlusHeader()
    {
        assertEquals(32, WireCopy.size(new LogMessage.Heartbeat(1, 2)));
        assertEquals(32 + 1024 + 3, WireCopy.size(new LogMessage.CatchUpReply(1, List.of(
            LogEntry.of(0, 1, new byte[1024]), LogEntry.NOOP, LogEntry.of(1, 1, new byte[3])), 3)));
    }

    @Test
    void shouldRoundTripKvOperations()
    {
        final KvOp cas = KvOp.cas(3, 17, "k2", null, "c3-17");
        assertEquals(cas, KvOp.decode(cas.encode(0)));
        assertEquals(1024, cas.encode(1024).length);
        assertEquals(cas, KvOp.decode(cas.encode(1024)));
        final KvOp put = KvOp.put(1, 2, "k0", "c1-2");
        assertEquals(put, KvOp.decode(put.encode(0)));
        assertNull(KvOp.decode(new byte[] { 'x' }));
    }
}
