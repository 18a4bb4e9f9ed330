package io.geo.wan.relay;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DelayQueueTest
{
    @Test
    void shouldPollInDueOrderAndArrivalOrderForEqualDueTimes()
    {
        final DelayQueue<String> queue = new DelayQueue<>(8, 1024);
        assertTrue(queue.offer(bytes(3), 30, "c", 0));
        assertTrue(queue.offer(bytes(1), 10, "a", 0));
        assertTrue(queue.offer(bytes(2), 20, "b1", 0));
        assertTrue(queue.offer(bytes(2), 20, "b2", 1));

        assertEquals(10, queue.nextDueNs());
        assertEquals(DelayQueue.NONE, queue.pollDue(9));
        assertEquals("a", pollAndRelease(queue, 10));
        assertEquals(DelayQueue.NONE, queue.pollDue(19));
        assertEquals("b1", pollAndRelease(queue, 25));
        assertEquals("b2", pollAndRelease(queue, 25));
        assertEquals("c", pollAndRelease(queue, 100));
        assertEquals(Long.MAX_VALUE, queue.nextDueNs());
        assertEquals(0, queue.slotsInUse());
        assertEquals(0, queue.bytesInUse());
    }

    @Test
    void shouldReturnTheQueuedBytes()
    {
        final DelayQueue<String> queue = new DelayQueue<>(4, 64);
        final ByteBuffer payload = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5});
        assertTrue(queue.offer(payload, 1, "x", 7));
        assertFalse(payload.hasRemaining());

        final int slot = queue.pollDue(1);
        assertEquals(7, queue.tag(slot));
        assertEquals(5, queue.length(slot));
        final ByteBuffer view = queue.payload(slot);
        final byte[] copy = new byte[view.remaining()];
        view.get(copy);
        assertEquals("[1, 2, 3, 4, 5]", java.util.Arrays.toString(copy));
        queue.release(slot);
    }

    @Test
    void shouldRefuseWhenSlotsAreFull()
    {
        final DelayQueue<String> queue = new DelayQueue<>(2, 1024);
        assertTrue(queue.offer(bytes(10), 1, "a", 0));
        assertTrue(queue.offer(bytes(10), 1, "b", 0));
        final ByteBuffer third = bytes(10);

        assertFalse(queue.offer(third, 1, "c", 0));
        assertEquals(10, third.remaining(), "a refused payload is not consumed");
        assertEquals(2, queue.slotsInUse());

        pollAndRelease(queue, 1);
        assertTrue(queue.offer(bytes(10), 1, "c", 0));
    }

    @Test
    void shouldRefuseWhenBytesAreFullAndNeverSplitADatagram()
    {
        final DelayQueue<String> queue = new DelayQueue<>(16, 100);
        assertTrue(queue.offer(bytes(40), 1, "a", 0));
        assertTrue(queue.offer(bytes(40), 2, "b", 0));
        assertFalse(queue.offer(bytes(40), 3, "c", 0), "only 20 bytes left");
        assertTrue(queue.offer(bytes(20), 3, "c", 0));
        assertFalse(queue.offer(bytes(1), 4, "d", 0));
        assertFalse(queue.offer(bytes(101), 4, "too big", 0));

        assertEquals("a", pollAndRelease(queue, 1));
        // 40 bytes free at the start of the ring: a 40-byte datagram wraps there.
        assertTrue(queue.offer(bytes(40), 5, "e", 0));
        assertEquals(100, queue.bytesInUse());
    }

    @Test
    void shouldHoldSpaceBehindALongDelayedDatagramUntilItLeaves()
    {
        final DelayQueue<String> queue = new DelayQueue<>(4, 1000);
        assertTrue(queue.offer(bytes(100), 1_000, "slow", 0));
        assertTrue(queue.offer(bytes(100), 1, "fast1", 0));
        assertTrue(queue.offer(bytes(100), 1, "fast2", 0));
        assertTrue(queue.offer(bytes(100), 1, "fast3", 0));
        assertEquals("fast1", pollAndRelease(queue, 10));
        assertEquals("fast2", pollAndRelease(queue, 10));
        assertEquals("fast3", pollAndRelease(queue, 10));

        assertEquals(4, queue.slotsInUse(), "released slots behind the slow datagram are not reusable yet");
        assertFalse(queue.offer(bytes(1), 20, "blocked", 0));

        assertEquals("slow", pollAndRelease(queue, 1_000));
        assertEquals(0, queue.slotsInUse());
        assertTrue(queue.offer(bytes(1), 2_000, "free again", 0));
    }

    @Test
    void shouldStayWithinItsLimitsUnderRandomLoad()
    {
        final int capacityDatagrams = 64;
        final int capacityBytes = 4096;
        final DelayQueue<Integer> queue = new DelayQueue<>(capacityDatagrams, capacityBytes);
        final SplittableRandom random = new SplittableRandom(7);
        long nowNs = 0;
        long lastDueNs = Long.MIN_VALUE;
        int offered = 0;
        int refused = 0;
        int polled = 0;
        for (int step = 0; step < 100_000; step++)
        {
            nowNs += random.nextInt(100);
            if (random.nextBoolean())
            {
                final int length = random.nextInt(300);
                if (queue.offer(bytes(length), nowNs + random.nextInt(5_000), offered, length))
                {
                    offered++;
                }
                else
                {
                    refused++;
                }
            }
            int slot;
            while (DelayQueue.NONE != (slot = queue.pollDue(nowNs)))
            {
                final long dueNs = queue.dueNs(slot);
                assertTrue(dueNs <= nowNs, "never early");
                assertTrue(dueNs >= lastDueNs, "due order");
                lastDueNs = dueNs;
                assertEquals(queue.tag(slot), queue.payload(slot).remaining());
                queue.release(slot);
                polled++;
            }
            assertTrue(queue.slotsInUse() <= capacityDatagrams);
            assertTrue(queue.bytesInUse() <= capacityBytes);
        }

        assertTrue(refused > 0, "the load overflows the queue sometimes");
        assertEquals(offered, polled + queue.size());
    }

    private static String pollAndRelease(final DelayQueue<String> queue, final long nowNs)
    {
        final int slot = queue.pollDue(nowNs);
        assertTrue(slot != DelayQueue.NONE, "a datagram is due at " + nowNs);
        final String attachment = queue.attachment(slot);
        queue.release(slot);
        return attachment;
    }

    private static ByteBuffer bytes(final int length)
    {
        return ByteBuffer.allocate(length);
    }
}
