package io.geo.router.transport;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The idle strategy's states on a fake clock: spin, yield, park doubling to the fast maximum, then slow down. */
class TwoSpeedIdleStrategyTest
{
    private long nowNs;

    @Test
    void shouldSpinYieldParkDoublingThenSlowDownAfterTheDeepIdleTime()
    {
        final TwoSpeedIdleStrategy idle = new TwoSpeedIdleStrategy(8_000, 100_000, 1_000_000, () -> nowNs);
        final List<Long> steps = new ArrayList<>();
        for (int i = 0; i < TwoSpeedIdleStrategy.SPINS + TwoSpeedIdleStrategy.YIELDS + 5; i++)
        {
            steps.add(idle.step());
        }
        for (int i = 0; i < TwoSpeedIdleStrategy.SPINS; i++)
        {
            assertEquals(TwoSpeedIdleStrategy.SPIN, steps.get(i));
        }
        for (int i = TwoSpeedIdleStrategy.SPINS; i < TwoSpeedIdleStrategy.SPINS + TwoSpeedIdleStrategy.YIELDS; i++)
        {
            assertEquals(TwoSpeedIdleStrategy.YIELD, steps.get(i));
        }
        assertEquals(List.of(1_000L, 2_000L, 4_000L, 8_000L, 8_000L),
            steps.subList(TwoSpeedIdleStrategy.SPINS + TwoSpeedIdleStrategy.YIELDS, steps.size()));

        nowNs += 99_999;
        assertEquals(8_000, idle.step(), "still the fast speed just before the deep idle time");
        nowNs += 1;
        assertEquals(1_000_000, idle.step(), "slow speed once idle long enough");

        idle.idle(1); // work: back to the start
        assertEquals(TwoSpeedIdleStrategy.SPIN, idle.step());
        nowNs += 1_000_000;
        for (int i = 0; i < TwoSpeedIdleStrategy.SPINS + TwoSpeedIdleStrategy.YIELDS + 4; i++)
        {
            idle.step();
        }
        assertEquals(1_000_000, idle.step(), "idle time counts from the first idle call after work");
    }

    @Test
    void shouldRejectInconsistentSettings()
    {
        assertThrows(IllegalArgumentException.class, () -> new TwoSpeedIdleStrategy(500, 0, 1_000_000));
        assertThrows(IllegalArgumentException.class, () -> new TwoSpeedIdleStrategy(50_000, 0, 10_000));
        assertThrows(IllegalArgumentException.class, () -> new TwoSpeedIdleStrategy(50_000, -1, 1_000_000));
    }
}
