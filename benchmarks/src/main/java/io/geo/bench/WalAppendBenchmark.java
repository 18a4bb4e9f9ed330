package io.geo.bench;

import io.geo.epaxos.api.InstanceRecord;
import io.geo.epaxos.primitives.Ballot;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Status;
import io.geo.router.storage.Durability;
import io.geo.router.storage.WalConfig;
import io.geo.router.storage.WalDurableStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The write-ahead log's append path as the replica uses it: {@link WalDurableStore#saveInstance} of a pre-accepted
 * instance (one PUT of a 16-byte value, 3 deps), {@value #PER_SYNC} per group commit, then {@code sync()} with
 * durability {@code none} (the write reaches the page cache, no fsync: the disk is measured by {@code WalThroughput},
 * docs/storage.md), and compaction whenever the store asks for it. Instances cycle over 4,096 ids, so the live set
 * stays small and compaction runs as in a steady state. Score: ns per instance record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class WalAppendBenchmark
{
    static final int PER_SYNC = 64;
    private static final int LIVE_INSTANCES = 4096;

    private Path directory;
    private WalDurableStore store;
    private InstanceRecord[] records;
    private int next;

    @Setup
    public void open() throws IOException
    {
        directory = Files.createTempDirectory("geo-wal-bench");
        store = WalDurableStore.open(new WalConfig().directory(directory).durability(Durability.NONE));
        records = new InstanceRecord[LIVE_INSTANCES];
        final byte[] value = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < LIVE_INSTANCES; i++)
        {
            final long id = InstanceId.of(i % 3, 1 + i / 3);
            records[i] = new InstanceRecord(id, Status.PRE_ACCEPTED, Ballot.initial(i % 3), Ballot.initial(i % 3),
                Command.of(1000 + i % 64, 1 + i, Op.put(Key.of(String.format("key-%012d", i)), value)), 7 + i,
                new long[] {InstanceId.of(0, i + 1), InstanceId.of(1, i + 1), InstanceId.of(2, i + 1)}, false);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PER_SYNC)
    public int appendAndSync() throws IOException
    {
        for (int i = 0; i < PER_SYNC; i++)
        {
            store.saveInstance(records[next]);
            next = (next + 1) % LIVE_INSTANCES;
        }
        final int synced = store.sync();
        if (store.shouldCompact())
        {
            store.compact();
        }
        return synced;
    }

    @TearDown
    public void close() throws IOException
    {
        store.close();
        try (Stream<Path> files = Files.walk(directory))
        {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
