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
 * Commit latency (invoke to answer after execution) per client region on the {@code three-regions} profile
 * (us-east-1, eu-west-1, ap-northeast-1): one JMH group, one benchmark method per region, each run by
 * {@value #CLIENTS_PER_REGION} closed-loop client threads at the node of its region; sample time with percentiles.
 * The parameters of {@link WanWorkload} choose the protocol (EPaxos or the Multi-Paxos baseline, leader in us-east-1),
 * the conflict rate, the op mix and the value size.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 2, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class ThreeRegionLatencyBenchmark
{
    static final int CLIENTS_PER_REGION = 4;

    /** The workload of this profile. */
    public static class Workload extends WanWorkload
    {
        @Override
        protected String profileName()
        {
            return "three-regions";
        }
    }

    @Benchmark
    @Group("regions")
    @GroupThreads(CLIENTS_PER_REGION)
    public Result[] usEast1(final Workload workload, final WanWorkload.Client client)
    {
        return workload.run(0, client);
    }

    @Benchmark
    @Group("regions")
    @GroupThreads(CLIENTS_PER_REGION)
    public Result[] euWest1(final Workload workload, final WanWorkload.Client client)
    {
        return workload.run(1, client);
    }

    @Benchmark
    @Group("regions")
    @GroupThreads(CLIENTS_PER_REGION)
    public Result[] apNortheast1(final Workload workload, final WanWorkload.Client client)
    {
        return workload.run(2, client);
    }
}
