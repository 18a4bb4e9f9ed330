package io.geo.bench.wan;

import io.geo.epaxos.primitives.Result;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Commit latency per client region at the five sites of the EPaxos paper (profile {@code epaxos-5}: us-west-1,
 * us-east-1, eu-west-1, us-west-2, ap-northeast-1), as {@link ThreeRegionLatencyBenchmark}; the baseline's leader is
 * in us-west-1.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 2, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class FiveSiteLatencyBenchmark
{
    static final int CLIENTS_PER_REGION = 4;

    /** The workload of this profile. */
    public static class Workload extends WanWorkload
    {
        @Override
        protected String profileName()
        {
            return "epaxos-5";
        }
    }

    @Benchmark
    @Group("regions")
    @GroupThreads(CLIENTS_PER_REGION)
    public Result[] usWest1(final Workload workload, final WanWorkload.Client client)
    {
        return workload.run(0, client);
    }

    @Benchmark
    @Group("regions")
    @GroupThreads(CLIENTS_PER_REGION)
    public Result[] usEast1(final Workload workload, final WanWorkload.Client client)
    {
        return workload.run(1, client);
    }

    @Benchmark
    @Group("regions")
    @GroupThreads(CLIENTS_PER_REGION)
    public Result[] euWest1(final Workload workload, final WanWorkload.Client client)
    {
        return workload.run(2, client);
    }

    @Benchmark
    @Group("regions")
    @GroupThreads(CLIENTS_PER_REGION)
    public Result[] usWest2(final Workload workload, final WanWorkload.Client client)
    {
        return workload.run(3, client);
    }

    @Benchmark
    @Group("regions")
    @GroupThreads(CLIENTS_PER_REGION)
    public Result[] apNortheast1(final Workload workload, final WanWorkload.Client client)
    {
        return workload.run(4, client);
    }
}
