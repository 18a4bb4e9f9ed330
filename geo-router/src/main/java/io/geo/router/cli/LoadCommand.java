package io.geo.router.cli;

import io.geo.client.ClientOp;
import io.geo.client.ClientStatus;
import io.geo.client.WireCodec;
import io.geo.client.WireException;
import io.geo.client.WireMessage;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code geo load}: an open-ended load generator on the client protocol: {@code --connections} TCP connections,
 * each with {@code --pipeline} requests in flight (one session per slot, so a slot's writes do not queue behind
 * another's), for {@code --seconds}; prints a progress line per second, then throughput, latency percentiles and,
 * given the nodes' metrics URLs, the write-ahead log syncs per second and commands per sync.
 */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = {
        "Drive pipelined load at the client endpoints of one or more nodes and report throughput and latency.",
        "Example: geo load --address 127.0.0.1:29430,127.0.0.1:29431 --connections 4 --pipeline 64 --seconds 10"})
final class LoadCommand implements Callable<Integer>
{
    @Option(names = "--address", paramLabel = "HOST:PORT", split = ",", defaultValue = "127.0.0.1:29430",
        description = "Client addresses of one or more nodes, comma-separated; connections go round-robin over them " +
            "(default: ${DEFAULT-VALUE}, node 0 of three-regions-direct).")
    List<String> addresses;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "4", description = "Connections (1..256).")
    int connections;

    @Option(names = "--pipeline", paramLabel = "D", defaultValue = "32",
        description = "Requests in flight per connection (1..256).")
    int pipeline;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10", description = "Measured seconds (1..3600).")
    int seconds;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "2", description = "Unmeasured seconds first.")
    int warmupSeconds;

    @Option(names = "--keys", paramLabel = "K", defaultValue = "100000",
        description = "Keys chosen uniformly at random (fewer keys, more conflicts).")
    int keys;

    @Option(names = "--writes", paramLabel = "PCT", defaultValue = "100", description = "Percent of writes (UPSERT); " +
        "the rest are linearizable reads.")
    int writePercent;

    @Option(names = "--value-bytes", paramLabel = "B", defaultValue = "16", description = "Bytes per written value.")
    int valueBytes;

    @Option(names = "--keyspace", defaultValue = "kv", description = "Keyspace (default: ${DEFAULT-VALUE}).")
    String keyspace;

    @Option(names = "--metrics", paramLabel = "URL", split = ",",
        description = "Metrics URLs of the nodes (http://host:port/metrics), to report WAL syncs and commands.")
    List<String> metricsUrls = new ArrayList<>();

    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile boolean measuring;

    @Override
    public Integer call() throws Exception
    {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (connections < 1 || connections > 256 || pipeline < 1 || pipeline > 256 || seconds < 1 ||
            seconds > 3600 || warmupSeconds < 0 || warmupSeconds > 600 || keys < 1 || writePercent < 0 ||
            writePercent > 100 || valueBytes < 0 || valueBytes > 65_536)
        {
            System.err.println("geo load: --connections and --pipeline 1..256, --seconds 1..3600, --warmup 0..600, " +
                "--keys >= 1, --writes 0..100, --value-bytes 0..65536");
            return 2;
        }
        final List<InetSocketAddress> targets = new ArrayList<>();
        for (final String address : addresses)
        {
            final int colon = address.lastIndexOf(':');
            if (colon <= 0)
            {
                System.err.println("geo load: --address needs HOST:PORT, got '" + address + "'");
                return 2;
            }
            try
            {
                targets.add(new InetSocketAddress(address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1))));
            }
            catch (final IllegalArgumentException ex)
            {
                System.err.println("geo load: bad --address '" + address + "': " + ex.getMessage());
                return 2;
            }
        }

        final List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++)
        {
            final Worker worker = new Worker(i);
            try
            {
                worker.open(targets.get(i % targets.size()));
            }
            catch (final IOException | WireException ex)
            {
                System.err.println("geo load: cannot open connection " + i + " to " + addresses.get(i % targets.size()) +
                    ": " + ex.getMessage());
                for (final Worker opened : workers)
                {
                    opened.close();
                }
                return 1;
            }
            workers.add(worker);
        }
        for (final Worker worker : workers)
        {
            worker.thread.start();
        }
        out.printf("load: %d connections x %d in flight to %d node%s, %d%% writes of %d bytes over %d keys, " +
            "%d s warmup + %d s%n", connections, pipeline, targets.size(), targets.size() == 1 ? "" : "s", writePercent,
            valueBytes, keys, warmupSeconds, seconds);
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
        final long[] before = scrape(out);
        final long startNs = System.nanoTime();
        measuring = true;
        long lastCount = 0;
        for (int s = 1; s <= seconds; s++)
        {
            Thread.sleep(1000);
            final long count = total(workers);
            out.printf("  %3d s: %,d requests/s%n", s, count - lastCount);
            lastCount = count;
        }
        measuring = false;
        final double elapsed = (System.nanoTime() - startNs) / 1e9;
        final long[] after = scrape(out);
        stop.set(true);
        final Histogram latency = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
        long errors = 0;
        final long[] byStatus = new long[ClientStatus.values().length];
        for (final Worker worker : workers)
        {
            worker.thread.join(TimeUnit.SECONDS.toMillis(30));
            worker.close();
            latency.add(worker.latency);
            errors += worker.errors;
            for (int i = 0; i < byStatus.length; i++)
            {
                byStatus[i] += worker.byStatus[i];
            }
        }
        out.printf("load: %,d requests in %.1f s: %,.0f/s; latency p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, " +
            "max %.3f ms; %d errors%n", latency.getTotalCount(), elapsed, latency.getTotalCount() / elapsed,
            latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6,
            latency.getValueAtPercentile(99.9) / 1e6, latency.getMaxValue() / 1e6, errors);
        for (final ClientStatus status : ClientStatus.values())
        {
            if (status != ClientStatus.OK && byStatus[status.ordinal()] > 0)
            {
                out.printf("load: %,d answers %s (not counted as requests; OVERLOADED means the nodes' in-flight " +
                    "or live-instance limits were reached)%n", byStatus[status.ordinal()], status);
            }
        }
        if (before != null && after != null)
        {
            final long syncs = after[0] - before[0];
            final long commands = after[1] - before[1];
            out.printf("load: nodes did %,.0f WAL syncs/s (all nodes), %.1f instances committed per sync%n",
                syncs / elapsed, syncs == 0 ? 0.0 : (double)commands / syncs);
        }
        return errors == 0 ? 0 : 1;
    }

    private static long total(final List<Worker> workers)
    {
        long sum = 0;
        for (final Worker worker : workers)
        {
            sum += worker.completed;
        }
        return sum;
    }

    private static final Pattern SAMPLE = Pattern.compile("^(geo_group_commits_total|geo_instances_committed_total)" +
        "\\{[^}]*\\} (\\d+)$", Pattern.MULTILINE);

    /** Sums of group commits and committed instances over the metrics URLs, or null without URLs. */
    private long[] scrape(final PrintStream out)
    {
        if (metricsUrls.isEmpty())
        {
            return null;
        }
        final long[] sums = new long[2];
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try
        {
            // metrics are published once a second: wait for a fresh snapshot
            Thread.sleep(1100);
            for (final String url : metricsUrls)
            {
                final String body = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
                final Matcher m = SAMPLE.matcher(body);
                while (m.find())
                {
                    sums[m.group(1).startsWith("geo_group") ? 0 : 1] += Long.parseLong(m.group(2));
                }
            }
            return sums;
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            out.println("load: cannot read metrics: " + ex.getMessage());
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The back-off after an OVERLOADED answer. */
    private static final class LockSupportPause
    {
        static void pause()
        {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
    }

    /** A buffered input that tells how many bytes it holds already read from the socket. */
    private static final class PeekableInput extends BufferedInputStream
    {
        PeekableInput(final InputStream in)
        {
            super(in, 64 * 1024);
        }

        synchronized int buffered()
        {
            return count - pos;
        }
    }

    private final class Worker implements Runnable
    {
        final Thread thread;
        final Histogram latency = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
        final long[] sessionIds = new long[pipeline];
        final long[] requestNumbers = new long[pipeline];
        final long[] sentNs = new long[pipeline];
        final SplittableRandom random;
        final byte[] value;
        Socket socket;
        PeekableInput buffered;
        DataInputStream in;
        OutputStream out;
        volatile long completed;
        long errors;
        final long[] byStatus = new long[ClientStatus.values().length];

        Worker(final int index)
        {
            this.thread = new Thread(this, "load-" + index);
            this.thread.setDaemon(true);
            final SecureRandom seeds = new SecureRandom();
            // one block of sessions per connection (the node checks it): the HELLO's id and the ones after it
            final long base = Math.max(1, (seeds.nextLong() & Long.MAX_VALUE) / WireCodec.SESSIONS_PER_CONNECTION) *
                WireCodec.SESSIONS_PER_CONNECTION;
            for (int i = 0; i < pipeline; i++)
            {
                sessionIds[i] = base + i;
            }
            this.random = new SplittableRandom(seeds.nextLong());
            this.value = new byte[valueBytes];
            random.nextBytes(value);
        }

        void open(final InetSocketAddress target) throws IOException, WireException
        {
            socket = new Socket();
            socket.connect(target, 5000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            buffered = new PeekableInput(socket.getInputStream());
            in = new DataInputStream(buffered);
            out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            write(new WireMessage.Hello(WireCodec.VERSION, sessionIds[0], "load", "", ""));
            out.flush();
            if (!(read() instanceof WireMessage.HelloOk))
            {
                throw new IOException("node refused the session");
            }
        }

        @Override
        public void run()
        {
            try
            {
                for (int slot = 0; slot < pipeline; slot++)
                {
                    send(slot);
                }
                out.flush();
                while (!stop.get())
                {
                    final WireMessage message = read();
                    if (!(message instanceof WireMessage.Response response))
                    {
                        errors++;
                        return;
                    }
                    final int slot = (int)response.correlation();
                    if (response.status() != ClientStatus.OK)
                    {
                        if (measuring)
                        {
                            byStatus[response.status().ordinal()]++;
                        }
                        if (response.status() != ClientStatus.OVERLOADED)
                        {
                            errors++;
                        }
                        else
                        {
                            // back off a little: the node asked for it (this delays the connection's other slots)
                            LockSupportPause.pause();
                        }
                    }
                    else if (measuring)
                    {
                        latency.recordValue(Math.min(latency.getHighestTrackableValue(),
                            System.nanoTime() - sentNs[slot]));
                        completed++;
                    }
                    send(slot);
                    if (buffered.buffered() == 0)
                    {
                        // every response read so far is answered: one write for all the requests it freed
                        out.flush();
                    }
                }
            }
            catch (final IOException | WireException ex)
            {
                if (!stop.get())
                {
                    errors++;
                }
            }
        }

        private void send(final int slot) throws IOException, WireException
        {
            final byte[] key = ("load-" + random.nextInt(keys)).getBytes(StandardCharsets.UTF_8);
            final ClientOp op = random.nextInt(100) < writePercent ? ClientOp.put(keyspace, key, value) :
                ClientOp.get(keyspace, key);
            sentNs[slot] = System.nanoTime();
            write(new WireMessage.Request(slot, sessionIds[slot], ++requestNumbers[slot], 30_000, false, List.of(op)));
        }

        private void write(final WireMessage message) throws IOException, WireException
        {
            final ByteBuffer frame = WireCodec.encode(message);
            out.write(frame.array(), 0, frame.limit());
        }

        private WireMessage read() throws IOException, WireException
        {
            final int length = in.readInt();
            if (length <= 0 || length > WireCodec.MAX_FRAME_BYTES)
            {
                throw new IOException("bad frame length " + length);
            }
            final byte[] body = new byte[length];
            in.readFully(body);
            return WireCodec.decode(ByteBuffer.wrap(body));
        }

        void close()
        {
            try
            {
                socket.close();
            }
            catch (final IOException ignore)
            {
                // closing
            }
        }
    }
}
