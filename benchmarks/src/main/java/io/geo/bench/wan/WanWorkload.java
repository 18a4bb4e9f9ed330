package io.geo.bench.wan;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import io.geo.wan.WanProfile;
import io.geo.wan.WanProfileException;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster and workload of a latency benchmark across emulated regions (shared by the threads of one JMH group:
 * each benchmark method is the client of one region). Parameters: the protocol (EPaxos, Hydra region groups, or the
 * Multi-Paxos baseline with its leader in the profile's first region), the percentage of commands on one shared hot
 * key (the rest on keys of the client's own), the operation mix and the value size. At the end of a trial it records
 * the replicas' fast and slow path counts, so the conflict rate is measured, not assumed (see
 * {@link #SIDE_FILE_PROPERTY}).
 */
@State(Scope.Group)
public class WanWorkload
{
    /** System property: a file the trial appends one line of counters to (tab-separated); unset, they are printed. */
    public static final String SIDE_FILE_PROPERTY = "geo.bench.sideFile";
    /** System property: the directory holding {@code wan/<profile>.wan} (set by {@code bin/geo}); default config. */
    public static final String CONFIG_DIR_PROPERTY = "geo.config.dir";
    static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    /** What each command does. */
    public enum Mix
    {
        /** One PUT. */
        WRITE,
        /** Half GET (linearizable: ordered like a write), half PUT. */
        READ_WRITE,
        /** One compare-and-set of the value the client last wrote to that key. */
        CAS
    }

    @Param({"EPAXOS", "HYDRA", "MULTI_PAXOS"})
    public WanBenchCluster.Protocol protocol;

    @Param({"0", "2", "10", "25", "50", "100"})
    public int conflictPercent;

    @Param({"WRITE"})
    public Mix mix;

    @Param({"16"})
    public int valueBytes;

    /** Client ids, unique in the JVM (a client state must not name the workload class: JMH would make another). */
    private static final AtomicLong CLIENT_IDS = new AtomicLong();

    private WanBenchCluster cluster;
    private long startNs;

    /** The profile this benchmark class runs on (a name under the config directory's wan/). */
    protected String profileName()
    {
        return "three-regions";
    }

    @Setup
    public void start()
    {
        cluster = new WanBenchCluster(loadProfile(profileName()), protocol, 0, 42, TimeUnit.SECONDS.toNanos(30));
        startNs = System.nanoTime();
    }

    @TearDown
    public void stop()
    {
        cluster.close();
        final long fast = cluster.fastPathCommits();
        final long slow = cluster.slowPathCommits();
        final String line = String.join("\t", profileName(),
            protocol.name(), Integer.toString(conflictPercent), mix.name(), Integer.toString(valueBytes),
            Long.toString(fast), Long.toString(slow), Long.toString(cluster.messagesSent()),
            String.format(Locale.ROOT, "%.1f", (System.nanoTime() - startNs) / 1e9));
        appendSideLine(SIDE_FILE_PROPERTY, line, String.format(Locale.ROOT, "%n%s: fast path %d, slow path %d " +
            "(conflict rate %.1f%%), %d WAN messages%n", protocol, fast, slow,
            fast + slow == 0 ? 0.0 : 100.0 * slow / (fast + slow), cluster.messagesSent()));
    }

    /** The WAN profile {@code name} from the configuration directory ({@link #CONFIG_DIR_PROPERTY}). */
    static WanProfile loadProfile(final String name)
    {
        try
        {
            return WanProfile.resolve(name, Path.of(System.getProperty(CONFIG_DIR_PROPERTY, "config")));
        }
        catch (final WanProfileException ex)
        {
            throw new IllegalStateException("cannot load the WAN profile '" + name + "' (set -D" +
                CONFIG_DIR_PROPERTY + " to the config directory): " + ex.getMessage(), ex);
        }
    }

    /** A client id no other session of this JVM has. */
    static long nextClientId()
    {
        return CLIENT_IDS.incrementAndGet();
    }

    /**
     * Appends {@code line} to the file named by the system property {@code property}; without the property, prints
     * {@code unsetMessage} instead.
     */
    static void appendSideLine(final String property, final String line, final String unsetMessage)
    {
        final String sideFile = System.getProperty(property);
        if (sideFile == null)
        {
            System.out.print(unsetMessage);
            return;
        }
        try
        {
            Files.writeString(Path.of(sideFile), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + sideFile, ex);
        }
    }

    /** One client thread's session: its client id, request numbers, keys and the values it last wrote. */
    @State(org.openjdk.jmh.annotations.Scope.Thread)
    public static class Client
    {
        long clientId;
        long requestNumber;
        SplittableRandom random;
        final byte[][] lastWritten = new byte[PRIVATE_KEYS + 1][];
        byte[] value;

        @Setup
        public void start()
        {
            clientId = nextClientId();
            random = new SplittableRandom(clientId * 0x9E3779B97F4A7C15L);
        }
    }

    private static final int PRIVATE_KEYS = 16;
    private static final Key HOT = Key.of("hot");

    /** Runs one command of {@code client} at the node of {@code region}. */
    Result[] run(final int region, final Client client)
    {
        final boolean hot = client.random.nextInt(100) < conflictPercent;
        final int slot = hot ? PRIVATE_KEYS : client.random.nextInt(PRIVATE_KEYS);
        final Key key = hot ? HOT : Key.of("c" + client.clientId + "-" + slot);
        if (client.value == null || client.value.length != valueBytes)
        {
            client.value = new byte[valueBytes];
        }
        client.random.nextBytes(client.value);
        final byte[] value = client.value.clone();
        final Op op;
        switch (mix)
        {
            case READ_WRITE:
                op = client.random.nextBoolean() ? Op.get(key) : Op.put(key, value);
                break;
            case CAS:
                op = Op.cas(key, client.lastWritten[slot], value);
                break;
            default:
                op = Op.put(key, value);
                break;
        }
        final Result[] results = cluster.execute(region,
            Command.of(client.clientId, ++client.requestNumber, op), TIMEOUT_NS);
        if (op.type() != io.geo.epaxos.primitives.OpType.GET)
        {
            client.lastWritten[slot] = value;
        }
        return results;
    }
}
