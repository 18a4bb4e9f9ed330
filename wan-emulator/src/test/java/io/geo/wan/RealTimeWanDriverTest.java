package io.geo.wan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.geo.wan.RealTimeWan.Ordering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver thread on the real clock. Timing bounds are deliberately loose (tens of milliseconds, or seconds where
 * only liveness matters): the machine may be loaded, and performance is measured by {@link RealTimeWanAccuracy},
 * not asserted here. "Never early" is exact and checked on every delivery.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RealTimeWanDriverTest
{
    private static final long SEED = 0x5EED_0002L;
    private static final long MS = 1_000_000L;
    private static final long WAIT_S = 5;

    /** A message stamped with its send time and its number on its link. */
    record Stamped(long sentNs, int sender, int sequence)
    {
    }

    private static <T> List<RealTimeWan.Delivery<? super T>> sameHandler(
        final int regions, final RealTimeWan.Delivery<? super T> handler)
    {
        return Collections.nCopies(regions, handler);
    }

    @Test
    void shouldNeverDeliverEarlyAndTrackTheRequestedDelay() throws InterruptedException
    {
        final long delayNs = 80 * MS;
        final RealTimeWan<Stamped> wan = new RealTimeWan<>(TestProfiles.uniform(2, 160, 0, 0), SEED, 1024);
        final int count = 150;
        final long[] lateNs = new long[count];
        final AtomicInteger early = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(count);
        final RealTimeWan.Delivery<Stamped> handler = (from, to, message, dueNs) ->
        {
            final long nowNs = System.nanoTime();
            if (nowNs < dueNs || nowNs - message.sentNs < delayNs)
            {
                early.incrementAndGet();
            }
            lateNs[message.sequence] = nowNs - message.sentNs - delayNs;
            done.countDown();
        };

        try (RealTimeWanDriver<Stamped> driver = RealTimeWanDriver.start(wan, sameHandler(2, handler)))
        {
            for (int i = 0; i < count; i++)
            {
                assertTrue(wan.send(0, 1, new Stamped(System.nanoTime(), 0, i)));
                LockSupport.parkNanos(MS);
            }
            assertTrue(done.await(WAIT_S, TimeUnit.SECONDS), () -> "not all delivered: " + wan);
            assertEquals(0, driver.handlerErrorCount());
        }

        assertEquals(0, early.get(), "deliveries before their due time");
        Arrays.sort(lateNs);
        final long medianLateNs = lateNs[count / 2];
        assertTrue(medianLateNs >= 0 && medianLateNs < 20 * MS, "median delivery " + medianLateNs / 1e3 +
            " us after the requested 80 ms delay; a loaded machine may add a few ms, not 20");
    }

    @Test
    void shouldWakeEarlyWhenASoonerDeadlineArrives() throws InterruptedException
    {
        final RealTimeWan<Stamped> wan = new RealTimeWan<>(TestProfiles.uniform(3, 4_000, 0, 0), SEED, 64);
        wan.setLink(0, 2, 20, 0, 0);
        final CountDownLatch shortLink = new CountDownLatch(1);
        final List<RealTimeWan.Delivery<? super Stamped>> handlers = List.of(
            (from, to, message, dueNs) -> { },
            (from, to, message, dueNs) -> { },
            (from, to, message, dueNs) -> shortLink.countDown());

        try (RealTimeWanDriver<Stamped> driver = RealTimeWanDriver.start(wan, handlers))
        {
            wan.send(0, 1, new Stamped(System.nanoTime(), 0, 0)); // due in 2 s: the driver parks for that long
            LockSupport.parkNanos(20 * MS);
            final long sentNs = System.nanoTime();
            wan.send(0, 2, new Stamped(sentNs, 0, 0)); // due in 10 ms
            assertTrue(shortLink.await(WAIT_S, TimeUnit.SECONDS));
            final long tookNs = System.nanoTime() - sentNs;
            assertTrue(tookNs < 1_000 * MS, "the 10 ms message took " + tookNs / MS + " ms: the driver slept on");
            // the delivered message counts as in flight until its delivery batch ends, just after the handler ran
            final long deadlineNs = System.nanoTime() + 500 * MS;
            while (wan.inFlightCount() > 1 && System.nanoTime() < deadlineNs)
            {
                LockSupport.parkNanos(MS);
            }
            assertEquals(1, wan.inFlightCount(), "the 2 s message is still in flight");
            assertTrue(driver.isRunning());
        }
    }

    @Test
    void shouldLoseNothingWithConcurrentSenders() throws Exception
    {
        final int senders = 4;
        final int perSender = 5_000;
        final int regions = 3;
        final RealTimeWan<Stamped> wan = new RealTimeWan<>(TestConfig.shipped("lan"), SEED, senders * perSender);
        final CountDownLatch done = new CountDownLatch(senders * perSender);
        // Per sender thread and link, the last sequence delivered: the driver thread alone writes it.
        final int[][] lastSequence = new int[senders][regions * regions];
        for (final int[] row : lastSequence)
        {
            Arrays.fill(row, -1);
        }
        final AtomicInteger misordered = new AtomicInteger();
        final RealTimeWan.Delivery<Stamped> handler = (from, to, message, dueNs) ->
        {
            final int link = from * regions + to;
            if (message.sequence <= lastSequence[message.sender][link])
            {
                misordered.incrementAndGet();
            }
            lastSequence[message.sender][link] = message.sequence;
            done.countDown();
        };

        try (RealTimeWanDriver<Stamped> driver = RealTimeWanDriver.start(wan, sameHandler(regions, handler)))
        {
            final CyclicBarrier start = new CyclicBarrier(senders);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++)
            {
                final int sender = s;
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        start.await();
                        final int from = sender % regions;
                        for (int i = 0; i < perSender; i++)
                        {
                            // One sequence per sender and link would need a counter per link; a global one per
                            // sender is increasing on every link too.
                            if (!wan.send(from, i % regions, new Stamped(System.nanoTime(), sender, i)))
                            {
                                throw new AssertionError("send refused: " + wan);
                            }
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                }, "sender-" + s);
                threads.add(thread);
                thread.start();
            }
            for (final Thread thread : threads)
            {
                thread.join(TimeUnit.SECONDS.toMillis(WAIT_S));
            }
            assertNull(failure.get());
            assertTrue(done.await(WAIT_S, TimeUnit.SECONDS), () -> "not all delivered: " + wan);
            assertEquals(0, driver.handlerErrorCount());
        }

        assertEquals(senders * perSender, wan.sentCount());
        assertEquals(senders * perSender, wan.deliveredCount());
        assertEquals(0, wan.droppedByLossCount() + wan.droppedByCutCount() + wan.droppedByOverloadCount());
        assertEquals(0, misordered.get(), "a link delivered a sender's messages out of order");
    }

    @Test
    void shouldStopCleanlyAndLeaveMessagesInFlight() throws InterruptedException
    {
        final RealTimeWan<Stamped> wan = new RealTimeWan<>(TestProfiles.uniform(2, 200, 0, 0), SEED, 64);
        final AtomicInteger delivered = new AtomicInteger();
        final RealTimeWan.Delivery<Stamped> handler = (from, to, message, dueNs) -> delivered.incrementAndGet();

        final RealTimeWanDriver<Stamped> driver = RealTimeWanDriver.start(wan, sameHandler(2, handler));
        assertTrue(driver.isRunning());
        for (int i = 0; i < 3; i++)
        {
            wan.send(0, 1, new Stamped(System.nanoTime(), 0, i));
        }
        final long closeStartNs = System.nanoTime();
        driver.close();
        assertFalse(driver.isRunning());
        assertTrue(System.nanoTime() - closeStartNs < 2_000 * MS, "close should not wait for the messages");
        driver.close(); // idempotent
        assertEquals(3, wan.inFlightCount(), "close delivers nothing more");
        assertEquals(0, delivered.get());
    }

    @Test
    void shouldHandOverToANewDriverAfterClose() throws InterruptedException
    {
        final RealTimeWan<Stamped> wan = new RealTimeWan<>(TestProfiles.uniform(2, 100, 0, 0), SEED, 64);
        final CountDownLatch delivered = new CountDownLatch(3);
        final RealTimeWan.Delivery<Stamped> handler = (from, to, message, dueNs) -> delivered.countDown();
        RealTimeWanDriver.start(wan, sameHandler(2, handler)).close();
        for (int i = 0; i < 3; i++)
        {
            wan.send(0, 1, new Stamped(System.nanoTime(), 0, i));
        }

        try (RealTimeWanDriver<Stamped> second = RealTimeWanDriver.start(wan, sameHandler(2, handler)))
        {
            assertTrue(delivered.await(WAIT_S, TimeUnit.SECONDS));
            assertTrue(second.isRunning());
        }
    }

    @Test
    void shouldRejectASecondDriverOnTheSameWan()
    {
        final RealTimeWan<Stamped> wan = new RealTimeWan<>(TestProfiles.uniform(2, 100, 0, 0), SEED, 64);
        final RealTimeWan.Delivery<Stamped> handler = (from, to, message, dueNs) -> { };
        try (RealTimeWanDriver<Stamped> first = RealTimeWanDriver.start(wan, sameHandler(2, handler)))
        {
            assertThrows(IllegalStateException.class, () -> RealTimeWanDriver.start(wan, sameHandler(2, handler)));
            assertTrue(first.isRunning());
            assertThrows(IllegalArgumentException.class, () -> RealTimeWanDriver.start(
                new RealTimeWan<Stamped>(TestProfiles.uniform(3, 100, 0, 0), SEED, 64), sameHandler(2, handler)));
        }
    }

    @Test
    void shouldStopWhenClosedFromItsOwnHandler() throws InterruptedException
    {
        final RealTimeWan<Stamped> wan = new RealTimeWan<>(TestProfiles.uniform(2, 2, 0, 0), SEED, 64);
        final AtomicReference<RealTimeWanDriver<Stamped>> self = new AtomicReference<>();
        final CountDownLatch closing = new CountDownLatch(1);
        final RealTimeWan.Delivery<Stamped> handler = (from, to, message, dueNs) ->
        {
            self.get().close();
            closing.countDown();
        };
        final RealTimeWanDriver<Stamped> driver = RealTimeWanDriver.start(wan, sameHandler(2, handler));
        self.set(driver);
        wan.send(0, 1, new Stamped(System.nanoTime(), 0, 0));
        assertTrue(closing.await(WAIT_S, TimeUnit.SECONDS));
        driver.close(); // from the test thread: waits for the thread to end
        assertFalse(driver.isRunning());
    }

    @Test
    void shouldReportAHandlerFailureAndKeepDelivering() throws InterruptedException
    {
        final RealTimeWan<Stamped> wan = new RealTimeWan<>(
            TestProfiles.uniform(2, 2, 0, 0), SEED, 64, Ordering.FIFO_PER_LINK, System::nanoTime);
        final CountDownLatch second = new CountDownLatch(1);
        final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        final RealTimeWan.Delivery<Stamped> handler = (from, to, message, dueNs) ->
        {
            if (message.sequence == 0)
            {
                throw new IllegalStateException("handler failure");
            }
            second.countDown();
        };
        try (RealTimeWanDriver<Stamped> driver = RealTimeWanDriver.start(
            wan, sameHandler(2, handler), "failing-handler", errors::add))
        {
            wan.send(0, 1, new Stamped(System.nanoTime(), 0, 0));
            wan.send(0, 1, new Stamped(System.nanoTime(), 0, 1));
            assertTrue(second.await(WAIT_S, TimeUnit.SECONDS));
            assertEquals(1, driver.handlerErrorCount());
            assertEquals("handler failure", errors.get(0).getMessage());
        }
    }
}
