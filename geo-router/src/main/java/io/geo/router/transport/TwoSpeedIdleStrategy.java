package io.geo.router.transport;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;

/**
 * An idle strategy for a busy-but-small machine: after work it spins a few times, yields a few times, then parks
 * from 1 us doubling up to {@code maxParkNs} (the fast speed, which bounds how long a message waits for the thread);
 * once the thread has been idle for {@code deepAfterNs} it parks {@code deepParkNs} at a time (the slow speed, which
 * keeps an idle node's wake-ups rare). Any work returns it to the fast speed. Never busy-spins for long: at most
 * {@link #SPINS} spins and {@link #YIELDS} yields per idle period. Not thread-safe (one per thread).
 */
public final class TwoSpeedIdleStrategy implements IdleStrategy
{
    static final int SPINS = 10;
    static final int YIELDS = 20;
    private static final long MIN_PARK_NS = 1_000;

    private final java.util.function.LongSupplier clock;
    private final long maxParkNs;
    private final long deepAfterNs;
    private final long deepParkNs;
    private int spins;
    private int yields;
    private long parkNs = MIN_PARK_NS;
    private long idleSinceNs;
    private boolean idle;

    /**
     * @param maxParkNs   longest park at the fast speed.
     * @param deepAfterNs idle time after which the slow speed starts.
     * @param deepParkNs  park at the slow speed (at least {@code maxParkNs}).
     */
    public TwoSpeedIdleStrategy(final long maxParkNs, final long deepAfterNs, final long deepParkNs)
    {
        this(maxParkNs, deepAfterNs, deepParkNs, System::nanoTime);
    }

    TwoSpeedIdleStrategy(
        final long maxParkNs, final long deepAfterNs, final long deepParkNs, final java.util.function.LongSupplier clock)
    {
        this.clock = clock;
        if (maxParkNs < MIN_PARK_NS || deepParkNs < maxParkNs || deepAfterNs < 0)
        {
            throw new IllegalArgumentException("need 1 us <= maxParkNs <= deepParkNs and deepAfterNs >= 0: " +
                maxParkNs + ", " + deepAfterNs + ", " + deepParkNs);
        }
        this.maxParkNs = maxParkNs;
        this.deepAfterNs = deepAfterNs;
        this.deepParkNs = deepParkNs;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        final long park = step();
        if (park == SPIN)
        {
            Thread.onSpinWait();
        }
        else if (park == YIELD)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(park);
        }
    }

    static final long SPIN = -1;
    static final long YIELD = -2;

    /** Advances the state by one idle call: {@link #SPIN}, {@link #YIELD} or the nanoseconds to park. */
    long step()
    {
        if (!idle)
        {
            idle = true;
            idleSinceNs = clock.getAsLong();
        }
        if (spins < SPINS)
        {
            spins++;
            return SPIN;
        }
        if (yields < YIELDS)
        {
            yields++;
            return YIELD;
        }
        if (parkNs < maxParkNs)
        {
            final long park = parkNs;
            parkNs = Math.min(maxParkNs, parkNs << 1);
            return park;
        }
        return clock.getAsLong() - idleSinceNs >= deepAfterNs ? deepParkNs : maxParkNs;
    }

    @Override
    public void reset()
    {
        spins = 0;
        yields = 0;
        parkNs = MIN_PARK_NS;
        idle = false;
    }

    @Override
    public String alias()
    {
        return "two-speed";
    }
}
