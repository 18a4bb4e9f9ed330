package io.geo.wan;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.geo.wan.RealTimeWan.Ordering;
import io.geo.wan.TestProfiles.ManualClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The emulator on a clock the test moves by hand: every figure here is exact and independent of machine load. The
 * real-time behaviour (the driver thread) is tested in {@link RealTimeWanDriverTest}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RealTimeWanTest
{
    private static final long SEED = 0x5EED_0001L;
    // Negative on purpose: System.nanoTime may be negative, and nothing may depend on the sign.
    private static final long START_NS = -5_000_000_000L;
    private static final long MS = 1_000_000L;

    /** A test message: where and when it was sent, and its number on its link. */
    record Sent(int from, int to, long sentNs, int sequence)
    {
    }

    /** What a sink saw. */
    record Delivered(int from, int to, Sent message, long dueNs, long atNs)
    {
    }

    private final ManualClock clock = new ManualClock(START_NS);
    private final List<Delivered> deliveries = new ArrayList<>();

    private RealTimeWan.Delivery<Sent> recordingSink()
    {
        return (from, to, message, dueNs) -> deliveries.add(new Delivered(from, to, message, dueNs, clock.nowNs));
    }

    private RealTimeWan<Sent> wan(final WanProfile profile, final int capacity, final Ordering ordering)
    {
        return new RealTimeWan<>(profile, SEED, capacity, ordering, clock);
    }

    @Test
    void shouldNeverDeliverBeforeTheDueTimeNorBeforeTheLinkMinimumDelay()
    {
        for (final Ordering ordering : Ordering.values())
        {
            deliveries.clear();
            final WanProfile profile = TestConfig.shipped("epaxos-5");
            final LinkModel model = new LinkModel(profile);
            final RealTimeWan<Sent> wan = wan(profile, 1 << 15, ordering);
            final RealTimeWan.Delivery<Sent> sink = recordingSink();
            final SplittableRandom random = new SplittableRandom(SEED);
            final int n = profile.regionCount();
            int accepted = 0;
            for (int i = 0; i < 20_000; i++)
            {
                final int from = random.nextInt(n);
                final int to = random.nextInt(n);
                if (wan.send(from, to, new Sent(from, to, clock.nowNs, i)))
                {
                    accepted++;
                }
                clock.advanceNs(random.nextLong(200_000));
                if (random.nextInt(8) == 0)
                {
                    wan.poll(clock.nowNs, sink);
                }
            }
            clock.advanceNs(10_000 * MS);
            wan.poll(clock.nowNs, sink);

            assertEquals(accepted, deliveries.size(), ordering.toString());
            assertEquals(0, wan.inFlightCount());
            for (final Delivered d : deliveries)
            {
                assertTrue(d.atNs >= d.dueNs, () -> "early: " + d);
                assertTrue(d.dueNs - d.message.sentNs >= model.minOneWayDelayNs(d.from, d.to), () -> "too soon: " + d);
                assertEquals(d.message.from, d.from);
                assertEquals(d.message.to, d.to);
            }
        }
    }

    @Test
    void shouldDeliverInDueTimeOrderAndTrackTheMeanDelay()
    {
        final WanProfile profile = TestConfig.shipped("three-regions");
        final LinkModel model = new LinkModel(profile);
        final RealTimeWan<Sent> wan = wan(profile, 1 << 14, Ordering.INDEPENDENT);
        final int count = 10_000;
        for (int i = 0; i < count; i++)
        {
            wan.send(0, 2, new Sent(0, 2, clock.nowNs, i));
            clock.advanceNs(100_000);
        }
        clock.advanceNs(1_000 * MS);
        assertEquals(count, wan.poll(clock.nowNs, recordingSink()));

        double sumNs = 0;
        for (int i = 0; i < count; i++)
        {
            final Delivered d = deliveries.get(i);
            sumNs += d.dueNs - d.message.sentNs;
            if (i > 0)
            {
                assertTrue(deliveries.get(i - 1).dueNs <= d.dueNs, "poll hands messages over in due-time order");
            }
        }
        final double meanNs = sumNs / count;
        // The sample mean of a shifted exponential: 5 standard errors of sigma / sqrt(count), plus a rounding ns.
        final double sigmaNs = profile.jitterMs(0, 2) * MS / Math.sqrt(2.0);
        assertEquals(model.meanOneWayDelayNs(0, 2), meanNs, 5 * sigmaNs / Math.sqrt(count) + 1);
    }

    @Test
    void shouldKeepEachLinkFifoEvenWithLargeJitter()
    {
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(3, 100, 80, 0), 1 << 15, Ordering.FIFO_PER_LINK);
        final int[] nextSequence = new int[9];
        for (int i = 0; i < 20_000; i++)
        {
            final int from = i % 3;
            final int to = (i / 3) % 3;
            wan.send(from, to, new Sent(from, to, clock.nowNs, nextSequence[from * 3 + to]++));
            clock.advanceNs(50_000);
            if (i % 100 == 0)
            {
                wan.poll(clock.nowNs, recordingSink());
            }
        }
        clock.advanceNs(100_000 * MS);
        wan.poll(clock.nowNs, recordingSink());

        assertEquals(20_000, deliveries.size());
        final int[] expected = new int[9];
        for (final Delivered d : deliveries)
        {
            assertEquals(expected[d.from * 3 + d.to]++, d.message.sequence, () -> "overtaken on its link: " + d);
        }
    }

    @Test
    void shouldReorderALinkWhenIndependentAndJittery()
    {
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(2, 100, 80, 0), 1 << 12, Ordering.INDEPENDENT);
        for (int i = 0; i < 1_000; i++)
        {
            wan.send(0, 1, new Sent(0, 1, clock.nowNs, i));
            clock.advanceNs(100_000);
        }
        clock.advanceNs(100_000 * MS);
        wan.poll(clock.nowNs, recordingSink());

        assertEquals(1_000, deliveries.size());
        int overtaken = 0;
        for (int i = 1; i < deliveries.size(); i++)
        {
            if (deliveries.get(i).message.sequence < deliveries.get(i - 1).message.sequence)
            {
                overtaken++;
            }
        }
        assertTrue(overtaken > 0, "independent delays on a jittery link should reorder some messages");
    }

    @Test
    void shouldGiveTheSameDueTimesForTheSameSeed()
    {
        final long[] first = dueTimesOfARun(SEED);
        final long[] second = dueTimesOfARun(SEED);
        final long[] other = dueTimesOfARun(SEED + 1);
        assertTrue(java.util.Arrays.equals(first, second));
        assertFalse(java.util.Arrays.equals(first, other));
    }

    private static long[] dueTimesOfARun(final long seed)
    {
        final ManualClock runClock = new ManualClock(0);
        final RealTimeWan<Integer> wan = new RealTimeWan<>(
            TestConfig.shipped("epaxos-5"), seed, 1 << 12, Ordering.INDEPENDENT, runClock);
        for (int i = 0; i < 1_000; i++)
        {
            wan.send(i % 5, (i / 5) % 5, i);
            runClock.advanceNs(10_000);
        }
        final long[] dueNs = new long[1_000];
        wan.poll(Long.MAX_VALUE, (from, to, message, due) -> dueNs[message] = due);
        return dueNs;
    }

    @Test
    void shouldLoseMessagesAtTheLinkLossRate()
    {
        final double loss = 0.2;
        final int count = 200_000;
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(2, 10, 1, loss), count, Ordering.FIFO_PER_LINK);
        final Sent message = new Sent(0, 1, 0, 0);
        int accepted = 0;
        for (int i = 0; i < count; i++)
        {
            accepted += wan.send(0, 1, message) ? 1 : 0;
        }

        final long lost = count - accepted;
        final double expected = count * loss;
        final double sigma = Math.sqrt(count * loss * (1 - loss));
        assertEquals(expected, lost, 5 * sigma, "lost " + lost + " of " + count);
        assertEquals(lost, wan.droppedByLossCount());
        assertEquals(count, wan.sentCount());
        assertEquals(accepted, wan.inFlightCount());
        assertEquals(accepted, wan.poll(Long.MAX_VALUE, (from, to, m, dueNs) -> { }));
        assertEquals(accepted, wan.deliveredCount());
        assertEquals(0, wan.droppedByCutCount());
        assertEquals(0, wan.droppedByOverloadCount());
    }

    @Test
    void shouldDropEverythingOnACutLinkUntilHealed()
    {
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(3, 100, 0, 0), 1024, Ordering.FIFO_PER_LINK);
        for (int i = 0; i < 10; i++)
        {
            assertTrue(wan.send(0, 1, new Sent(0, 1, clock.nowNs, i)));
        }

        wan.cut(0, 1);
        for (int i = 10; i < 20; i++)
        {
            assertFalse(wan.send(0, 1, new Sent(0, 1, clock.nowNs, i)), "a cut link takes no new message");
        }
        assertTrue(wan.send(1, 0, new Sent(1, 0, clock.nowNs, 0)), "a cut is one-way");
        assertTrue(wan.send(0, 2, new Sent(0, 2, clock.nowNs, 0)));
        assertEquals(10, wan.droppedByCutCount());

        clock.advanceNs(1_000 * MS);
        assertEquals(2, wan.poll(clock.nowNs, recordingSink()), "messages in flight on a cut link are lost too");
        assertEquals(20, wan.droppedByCutCount());
        assertTrue(deliveries.stream().noneMatch(d -> d.from == 0 && d.to == 1));

        wan.heal(0, 1);
        assertTrue(wan.send(0, 1, new Sent(0, 1, clock.nowNs, 20)));
        clock.advanceNs(1_000 * MS);
        assertEquals(1, wan.poll(clock.nowNs, recordingSink()));
        assertEquals(20, deliveries.get(2).message.sequence);
        assertEquals(20, wan.droppedByCutCount());
        assertEquals(0, wan.droppedByLossCount());
    }

    @Test
    void shouldCutBothDirectionsAndHealBoth()
    {
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(3, 100, 0, 0), 1024, Ordering.FIFO_PER_LINK);
        wan.cutBoth(0, 2);
        assertFalse(wan.send(0, 2, new Sent(0, 2, clock.nowNs, 0)));
        assertFalse(wan.send(2, 0, new Sent(2, 0, clock.nowNs, 0)));
        assertTrue(wan.send(0, 1, new Sent(0, 1, clock.nowNs, 0)));
        wan.healBoth(2, 0);
        assertTrue(wan.send(0, 2, new Sent(0, 2, clock.nowNs, 1)));
        assertTrue(wan.send(2, 0, new Sent(2, 0, clock.nowNs, 1)));
    }

    @Test
    void shouldIsolateARegionBothWaysWithCutRegion()
    {
        final int n = 4;
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(n, 100, 0, 0), 1024, Ordering.FIFO_PER_LINK);
        wan.cutRegion(2);
        for (int from = 0; from < n; from++)
        {
            for (int to = 0; to < n; to++)
            {
                final boolean touchesIsolated = (from == 2) != (to == 2);
                assertEquals(!touchesIsolated, wan.send(from, to, new Sent(from, to, clock.nowNs, 0)),
                    from + " -> " + to);
            }
        }
        assertEquals(2 * (n - 1), wan.droppedByCutCount());

        wan.healAll();
        for (int from = 0; from < n; from++)
        {
            for (int to = 0; to < n; to++)
            {
                assertTrue(wan.send(from, to, new Sent(from, to, clock.nowNs, 1)), "healed: " + from + " -> " + to);
            }
        }
        clock.advanceNs(1_000 * MS);
        assertEquals(n * n - 2 * (n - 1) + n * n, wan.poll(clock.nowNs, recordingSink()));
    }

    @Test
    void shouldChangeALinkLiveWithSetLink()
    {
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(3, 100, 0, 0), 1024, Ordering.FIFO_PER_LINK);
        final long firstSentNs = clock.nowNs;
        wan.send(0, 1, new Sent(0, 1, clock.nowNs, 0));

        wan.setLink(0, 1, 20, 0, 0);
        clock.advanceNs(MS);
        wan.send(0, 1, new Sent(0, 1, clock.nowNs, 1));
        wan.send(1, 0, new Sent(1, 0, clock.nowNs, 0));
        wan.send(0, 2, new Sent(0, 2, clock.nowNs, 0));
        clock.advanceNs(1_000 * MS);
        wan.poll(clock.nowNs, recordingSink());

        assertEquals(4, deliveries.size());
        final Delivered reverse = deliveries.get(0);
        assertEquals(1, reverse.from);
        assertEquals(10 * MS, reverse.dueNs - reverse.message.sentNs, "both directions take the new RTT / 2");
        final Delivered firstOnLink = deliveries.get(1);
        final Delivered secondOnLink = deliveries.get(2);
        assertEquals(firstSentNs + 50 * MS, firstOnLink.dueNs, "in flight before the change: old delay");
        assertEquals(firstOnLink.dueNs + 1, secondOnLink.dueNs, "FIFO: the faster message waits behind");
        final Delivered unchanged = deliveries.get(3);
        assertEquals(2, unchanged.to);
        assertEquals(50 * MS, unchanged.dueNs - unchanged.message.sentNs, "other links keep their figures");
        assertEquals(20.0, wan.profile().rttMs(1, 0));

        wan.setLink(0, 1, 20, 0, 1.0);
        assertFalse(wan.send(0, 1, new Sent(0, 1, clock.nowNs, 2)), "loss 1 loses everything");
        assertEquals(1, wan.droppedByLossCount());
    }

    @Test
    void shouldRejectBadLinkFiguresNamingThem()
    {
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(3, 100, 0, 0), 16, Ordering.FIFO_PER_LINK);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> wan.setLink(0, 1, -1, 0, 0))
            .getMessage().contains("rttMs"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> wan.setLink(0, 1, 10, Double.NaN, 0))
            .getMessage().contains("jitterMs"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> wan.setLink(0, 1, 10, 0, 1.5))
            .getMessage().contains("loss"));
        assertThrows(IllegalArgumentException.class, () -> wan.setLink(1, 1, 10, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> wan.setLink(0, 3, 10, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> wan.send(3, 0, new Sent(3, 0, 0, 0)));
        assertThrows(IndexOutOfBoundsException.class, () -> wan.cutRegion(-1));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new RealTimeWan<>(TestProfiles.uniform(2, 1, 0, 0), 1, 0, Ordering.FIFO_PER_LINK, clock))
            .getMessage().contains("capacity"));
    }

    @Test
    void shouldDropAndCountInsteadOfGrowingBeyondCapacity()
    {
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(2, 100, 0, 0), 8, Ordering.FIFO_PER_LINK);
        int accepted = 0;
        for (int i = 0; i < 20; i++)
        {
            accepted += wan.send(0, 1, new Sent(0, 1, clock.nowNs, i)) ? 1 : 0;
        }
        assertEquals(8, accepted);
        assertEquals(12, wan.droppedByOverloadCount());
        assertEquals(8, wan.inFlightCount());

        clock.advanceNs(1_000 * MS);
        assertEquals(8, wan.poll(clock.nowNs, recordingSink()));
        for (int i = 0; i < 8; i++)
        {
            assertEquals(i, deliveries.get(i).message.sequence, "the first ones are kept, the overflow dropped");
        }
        assertTrue(wan.send(0, 1, new Sent(0, 1, clock.nowNs, 20)), "room again once delivered");
    }

    @Test
    void shouldBoundTheWorkOfOnePollByItsLimit()
    {
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(2, 100, 0, 0), 1024, Ordering.FIFO_PER_LINK);
        for (int i = 0; i < 200; i++)
        {
            wan.send(0, 1, new Sent(0, 1, clock.nowNs, i));
        }
        clock.advanceNs(1_000 * MS);
        assertEquals(30, wan.poll(clock.nowNs, recordingSink(), 30));
        assertEquals(170, wan.inFlightCount());
        assertEquals(170, wan.poll(clock.nowNs, recordingSink(), 1_000));
    }

    @Test
    void shouldReportTheNextDeadline()
    {
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(3, 100, 0, 0), 16, Ordering.FIFO_PER_LINK);
        assertEquals(Long.MAX_VALUE, wan.nextDeadlineNs());
        wan.setLink(0, 2, 20, 0, 0);
        wan.send(0, 1, new Sent(0, 1, clock.nowNs, 0));
        assertEquals(START_NS + 50 * MS, wan.nextDeadlineNs());
        wan.send(0, 2, new Sent(0, 2, clock.nowNs, 0));
        assertEquals(START_NS + 10 * MS, wan.nextDeadlineNs());

        assertEquals(0, wan.poll(START_NS + 10 * MS - 1, recordingSink()), "never early, not even by 1 ns");
        assertEquals(1, wan.poll(START_NS + 10 * MS, recordingSink()));
        assertEquals(START_NS + 50 * MS, wan.nextDeadlineNs());
        assertEquals(1, wan.poll(START_NS + 50 * MS, recordingSink()));
        assertEquals(Long.MAX_VALUE, wan.nextDeadlineNs());
    }

    @Test
    void shouldKeepTheRestOfABatchWhenTheSinkThrows()
    {
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(2, 100, 0, 0), 64, Ordering.FIFO_PER_LINK);
        for (int i = 0; i < 10; i++)
        {
            wan.send(0, 1, new Sent(0, 1, clock.nowNs, i));
        }
        clock.advanceNs(1_000 * MS);
        final RealTimeWan.Delivery<Sent> recording = recordingSink();
        assertThrows(IllegalStateException.class, () -> wan.poll(clock.nowNs, (from, to, message, dueNs) ->
        {
            recording.onDelivery(from, to, message, dueNs);
            if (message.sequence == 2)
            {
                throw new IllegalStateException("sink failure");
            }
        }));
        assertEquals(3, wan.deliveredCount());
        assertEquals(7, wan.inFlightCount());

        assertEquals(7, wan.poll(clock.nowNs, recording));
        for (int i = 0; i < 10; i++)
        {
            assertEquals(i, deliveries.get(i).message.sequence);
        }
    }

    @Test
    void shouldRejectAPollWhileAnotherIsRunning()
    {
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(2, 100, 0, 0), 64, Ordering.FIFO_PER_LINK);
        wan.send(0, 1, new Sent(0, 1, clock.nowNs, 0));
        wan.send(0, 1, new Sent(0, 1, clock.nowNs, 1));
        clock.advanceNs(1_000 * MS);
        assertThrows(IllegalStateException.class, () -> wan.poll(clock.nowNs,
            (from, to, message, dueNs) -> wan.poll(clock.nowNs, recordingSink())));

        assertEquals(1, wan.poll(clock.nowNs, recordingSink()), "usable again after the failed poll");
    }

    @Test
    void shouldLetASinkSendWhileItIsCalled()
    {
        final RealTimeWan<Sent> wan = wan(TestProfiles.uniform(2, 100, 0, 0), 64, Ordering.FIFO_PER_LINK);
        wan.send(0, 1, new Sent(0, 1, clock.nowNs, 0));
        clock.advanceNs(50 * MS);
        final RealTimeWan.Delivery<Sent> echo = (from, to, message, dueNs) ->
            assertTrue(wan.send(to, from, new Sent(to, from, clock.nowNs, message.sequence + 1)));
        assertEquals(1, wan.poll(clock.nowNs, echo));
        assertEquals(clock.nowNs + 50 * MS, wan.nextDeadlineNs());
    }
}
