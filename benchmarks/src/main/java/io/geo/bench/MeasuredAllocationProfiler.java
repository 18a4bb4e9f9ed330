package io.geo.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.util.Collection;
import java.util.List;

/**
 * Reports {@code measured.alloc.norm}: bytes allocated per operation inside the measured calls of the replica
 * benchmarks, excluding their per-invocation setup and teardown (see {@link MeasuredAllocation}). Enable with
 * {@code -prof io.geo.bench.MeasuredAllocationProfiler}; benchmarks that record nothing report nothing.
 */
public final class MeasuredAllocationProfiler implements InternalProfiler
{
    @Override
    public String getDescription()
    {
        return "bytes allocated per op inside the measured calls only (io.geo.bench replica benchmarks)";
    }

    @Override
    public void beforeIteration(final BenchmarkParams benchmarkParams, final IterationParams iterationParams)
    {
        MeasuredAllocation.reset();
    }

    @Override
    public Collection<? extends Result> afterIteration(
        final BenchmarkParams benchmarkParams, final IterationParams iterationParams, final IterationResult result)
    {
        final long operations = MeasuredAllocation.operations();
        if (operations == 0)
        {
            return List.of();
        }
        final double bytesPerOp = (double)MeasuredAllocation.allocatedBytes() / operations;
        return List.of(new ScalarResult("measured.alloc.norm", bytesPerOp, "B/op", AggregationPolicy.AVG));
    }
}
