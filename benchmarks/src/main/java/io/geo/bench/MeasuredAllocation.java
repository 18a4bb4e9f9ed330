package io.geo.bench;

import java.lang.management.ManagementFactory;

/**
 * Counts the bytes the benchmark thread allocates inside the measured calls only; {@link MeasuredAllocationProfiler}
 * reports them per operation. The replica benchmarks need it because JMH's {@code -prof gc} figure
 * ({@code gc.alloc.rate.norm}) counts every allocation of the iteration, including the per-invocation setup that
 * builds the input messages and the teardown that commits and garbage-collects them. Reading the thread's
 * allocation counter allocates nothing. One benchmark thread; the profiler reads after the iteration has joined.
 */
final class MeasuredAllocation
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private static long allocatedBytes;
    private static long operations;

    private MeasuredAllocation()
    {
    }

    /** The current thread's allocated-bytes counter: pass it to {@link #record} after the measured calls. */
    static long start()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    static void record(final long allocatedBytesAtStart, final int measuredOperations)
    {
        allocatedBytes += THREADS.getCurrentThreadAllocatedBytes() - allocatedBytesAtStart;
        operations += measuredOperations;
    }

    static void reset()
    {
        allocatedBytes = 0;
        operations = 0;
    }

    static long allocatedBytes()
    {
        return allocatedBytes;
    }

    static long operations()
    {
        return operations;
    }
}
