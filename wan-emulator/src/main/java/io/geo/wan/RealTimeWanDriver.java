package io.geo.wan;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A daemon thread that delivers the messages of a {@link RealTimeWan} on time, to one handler per destination
 * region: for hosts without a duty cycle of their own. The thread sleeps ({@link LockSupport#parkNanos}) until
 * {@link RealTimeWan#nextDeadlineNs()}, delivers what is due, and sleeps again; a {@code send} whose message is due
 * sooner than the one it sleeps for wakes it early. It never spins: with nothing in flight it parks until a send.
 * <p>
 * Senders call {@link RealTimeWan#send} directly, from any threads. Handlers run on the driver thread, one message
 * at a time, in due-time order (so per-link FIFO holds when the emulator is FIFO); they should be quick, since a
 * slow handler delays every later delivery. A handler that throws is reported to the error handler and counted;
 * delivery goes on.
 * <p>
 * Accuracy: a message is handed over at or after its due time, never before. How late depends on how quickly the
 * operating system wakes a parked thread (on Linux the default timer slack alone is 50 us) and on the load of the
 * machine; {@code docs/wan-emulator.md} has measured figures.
 *
 * @param <T> the message type.
 */
public final class RealTimeWanDriver<T> implements AutoCloseable
{
    /** Default name of the driver thread. */
    public static final String DEFAULT_THREAD_NAME = "real-time-wan";

    /** Messages delivered per poll before the thread checks whether it was closed. */
    static final int POLL_LIMIT = 4096;

    /** How long {@link #close()} waits for the thread to finish the delivery in progress. */
    static final long CLOSE_TIMEOUT_MS = 10_000;

    private final RealTimeWan<T> wan;
    private final Object[] handlerByRegion;
    private final Consumer<? super Throwable> errorHandler;
    private final LongSupplier nanoClock;
    private final RealTimeWan.Delivery<T> dispatch = this::dispatch;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long handlerErrorCount;
    private boolean closed;

    private RealTimeWanDriver(
        final RealTimeWan<T> wan,
        final List<? extends RealTimeWan.Delivery<? super T>> handlers,
        final String threadName,
        final Consumer<? super Throwable> errorHandler)
    {
        this.wan = Objects.requireNonNull(wan, "wan");
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
        Objects.requireNonNull(threadName, "threadName");
        if (handlers.size() != wan.regionCount())
        {
            throw new IllegalArgumentException(
                "handlers must hold one handler per region: " + handlers.size() + " for " + wan.regionCount() +
                " regions");
        }
        handlerByRegion = new Object[handlers.size()];
        for (int region = 0; region < handlerByRegion.length; region++)
        {
            handlerByRegion[region] = Objects.requireNonNull(handlers.get(region), "handler of region " + region);
        }
        nanoClock = wan.nanoClock();
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    /**
     * Start a driver with the default thread name, reporting handler exceptions to {@code System.err}.
     *
     * @see #start(RealTimeWan, List, String, Consumer)
     */
    public static <T> RealTimeWanDriver<T> start(
        final RealTimeWan<T> wan, final List<? extends RealTimeWan.Delivery<? super T>> handlers)
    {
        return start(wan, handlers, DEFAULT_THREAD_NAME, RealTimeWanDriver::printError);
    }

    /**
     * Start a driver thread for {@code wan}. A wan has at most one driver at a time; do not call
     * {@link RealTimeWan#poll} yourself while it runs.
     *
     * @param wan          the emulator to deliver from; its clock must be {@link System#nanoTime()}-like (real time).
     * @param handlers     handler of each destination region, index i for region i; exactly one per region.
     * @param threadName   name of the daemon thread.
     * @param errorHandler receives what a handler throws, on the driver thread; must not throw.
     * @return the running driver; close it to stop the thread.
     * @throws IllegalStateException if the wan already has a driver.
     */
    public static <T> RealTimeWanDriver<T> start(
        final RealTimeWan<T> wan,
        final List<? extends RealTimeWan.Delivery<? super T>> handlers,
        final String threadName,
        final Consumer<? super Throwable> errorHandler)
    {
        final RealTimeWanDriver<T> driver = new RealTimeWanDriver<>(wan, handlers, threadName, errorHandler);
        wan.wakeOnSoonerDeadline(driver.thread);
        driver.thread.start();
        return driver;
    }

    /** The emulator this driver delivers from; send on it. */
    public RealTimeWan<T> wan()
    {
        return wan;
    }

    /** Id of the driver thread, for {@code ThreadMXBean.getThreadCpuTime}. */
    public long threadId()
    {
        return thread.getId();
    }

    /** Whether the driver thread is still running. */
    public boolean isRunning()
    {
        return thread.isAlive();
    }

    /** Exceptions thrown by handlers so far. */
    public long handlerErrorCount()
    {
        return handlerErrorCount;
    }

    /**
     * Stop the driver thread and wait for it to finish the delivery in progress. Messages still in flight stay in
     * the emulator, undelivered. Idempotent. Called from a handler (on the driver thread itself), it asks the
     * thread to stop after that handler returns and does not wait.
     *
     * @throws IllegalStateException if the thread has not stopped within 10 s (a handler that does not return).
     */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread)
        {
            return;
        }

        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            try
            {
                thread.join(CLOSE_TIMEOUT_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + thread.getName() + " to stop", ex);
            }
            if (thread.isAlive())
            {
                throw new IllegalStateException(
                    thread.getName() + " did not stop within " + CLOSE_TIMEOUT_MS + " ms: a handler does not return");
            }
            closed = true;
            wan.wakeOnSoonerDeadline(null);
        }
    }

    private void run()
    {
        while (running)
        {
            wan.poll(nanoClock.getAsLong(), dispatch, POLL_LIMIT);

            // A send after this read unparks the thread (or leaves it a permit), so no wake-up is missed.
            final long nextDeadlineNs = wan.nextDeadlineNs();
            if (Long.MAX_VALUE == nextDeadlineNs)
            {
                LockSupport.park(this);
            }
            else
            {
                final long waitNs = nextDeadlineNs - nanoClock.getAsLong();
                if (waitNs > 0)
                {
                    LockSupport.parkNanos(this, waitNs);
                }
            }
            // An interrupt would make every later park return at once: treat it as a wake-up and clear it.
            Thread.interrupted();
        }
    }

    private void dispatch(final int from, final int to, final T message, final long dueNs)
    {
        @SuppressWarnings("unchecked")
        final RealTimeWan.Delivery<? super T> handler = (RealTimeWan.Delivery<? super T>)handlerByRegion[to];
        try
        {
            handler.onDelivery(from, to, message, dueNs);
        }
        catch (final Throwable ex)
        {
            handlerErrorCount++; // single writer: the driver thread
            errorHandler.accept(ex);
        }
    }

    private static void printError(final Throwable ex)
    {
        System.err.println(DEFAULT_THREAD_NAME + ": handler failed: " + ex);
        ex.printStackTrace(System.err);
    }
}
