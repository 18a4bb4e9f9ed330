package io.geo.wan.relay;

import io.geo.wan.WanProfile;
import io.geo.wan.WanProfileException;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A UDP relay between regions: for every ordered pair of regions (a link) it listens on a UDP port; what a sender
 * in the source region sends there reaches the destination region's real endpoint after the link's one-way delay
 * (with the jitter and loss of the WAN profile, sampled as {@link io.geo.wan.LinkModel} does), and what the
 * destination sends back reaches the original sender after the reverse link's delay, from the port it sent to. Each
 * sender on a link gets a forwarding socket of its own, so replies (Aeron status messages and NAKs) find their way
 * back. Links can be cut, healed and re-timed while running, through this class or the text control protocol on
 * {@link #controlAddress()} (see {@code docs/wan-relay.md}).
 * <p>
 * One thread runs everything: a selector sleeping until the next datagram is due, a bounded delay queue (datagrams
 * beyond its limits are dropped and counted, memory never grows). Methods of this class may be called from any
 * thread; those that read or change link state run on the relay thread and wait for it (briefly). They throw
 * {@link IllegalArgumentException} for an unknown region (the message lists the known ones) and
 * {@link IllegalStateException} once the relay has stopped.
 */
public final class WanRelay implements AutoCloseable
{
    /** Longest a call waits for the relay thread to run it. */
    private static final long CALL_TIMEOUT_MS = 10_000;

    private final RelayEngine engine;
    private final Thread thread;
    private final Map<String, Integer> boundPorts;

    private WanRelay(final RelayEngine engine)
    {
        this.engine = engine;
        final LinkedHashMap<String, Integer> ports = new LinkedHashMap<>();
        ports.put("control", engine.boundControlAddress().getPort());
        for (final RelayLink link : engine.linksInOrder())
        {
            ports.put(link.fromName + "->" + link.toName, link.boundListenAddress.getPort());
        }
        boundPorts = Collections.unmodifiableMap(ports);
        thread = new Thread(engine, "wan-relay-" + engine.profile().name());
        thread.setDaemon(true);
    }

    /**
     * Bind every address of the config and start the relay thread.
     *
     * @param config a loaded relay config.
     * @return the running relay; {@link #close()} it.
     * @throws RelayStartException if an address cannot be bound (already in use): the message names it and the
     *                             config line; nothing is left open.
     */
    public static WanRelay start(final RelayConfig config) throws RelayStartException
    {
        Objects.requireNonNull(config, "config");
        final RelayEngine engine = new RelayEngine(config);
        engine.open();
        final WanRelay relay = new WanRelay(engine);
        relay.thread.start();
        return relay;
    }

    /** The config this relay runs. */
    public RelayConfig config()
    {
        return engine.config();
    }

    /** The bound TCP address of the control protocol (the config's, with port 0 replaced by the real one). */
    public InetSocketAddress controlAddress()
    {
        return engine.boundControlAddress();
    }

    /**
     * The bound address that senders in region {@code from} send to, to reach region {@code to}.
     *
     * @param from source region name or alias.
     * @param to   destination region name or alias.
     */
    public InetSocketAddress listenAddress(final String from, final String to)
    {
        return link(from, to).boundListenAddress;
    }

    /**
     * Every bound port: {@code "control"} first, then {@code "<from>-><to>"} for every link in profile order.
     * Unmodifiable.
     */
    public Map<String, Integer> boundPorts()
    {
        return boundPorts;
    }

    /**
     * Cut a link: datagrams from {@code from} to {@code to} are dropped (also those already in flight) until healed.
     * Idempotent.
     *
     * @param both also cut the reverse direction.
     */
    public void cut(final String from, final String to, final boolean both)
    {
        setCut(from, to, both, true);
    }

    /**
     * Heal a cut link. Idempotent.
     *
     * @param both also heal the reverse direction.
     */
    public void heal(final String from, final String to, final boolean both)
    {
        setCut(from, to, both, false);
    }

    /** Cut every link from and to a region (a region partitioned away). Idempotent. */
    public void cutRegion(final String region)
    {
        final int index = regionIndex(region);
        call(engine -> engine.setRegionCut(index, true));
    }

    /** Heal every link from and to a region (also links cut one by one). Idempotent. */
    public void healRegion(final String region)
    {
        final int index = regionIndex(region);
        call(engine -> engine.setRegionCut(index, false));
    }

    /** Heal every link. Idempotent. */
    public void healAll()
    {
        call(RelayEngine::healAll);
    }

    /**
     * Change one direction of a link: its mean one-way delay, the standard deviation of that delay (capped at the
     * delay) and its loss probability. Takes effect for datagrams arriving from now on.
     *
     * @throws IllegalArgumentException if a value is out of range (delay and jitter within [0, 60000] ms, loss
     *                                  within [0, 1]) or a region is unknown.
     */
    public void setLink(
        final String from, final String to, final double delayMs, final double jitterMs, final double lossProbability)
    {
        checkRange("delayMs", delayMs, ControlProtocol.MAX_DELAY_MS);
        checkRange("jitterMs", jitterMs, ControlProtocol.MAX_DELAY_MS);
        checkRange("lossProbability", lossProbability, 1.0);
        final RelayLink link = link(from, to);
        call(engine ->
        {
            engine.setLink(link.from, link.to, delayMs, jitterMs, lossProbability);
            return null;
        });
    }

    /** The counters of one direction of a link. */
    public LinkCounters counters(final String from, final String to)
    {
        final RelayLink link = link(from, to);
        return call(engine -> link.counters());
    }

    /** A snapshot of every link's settings and counters and of the delay queue. */
    public RelayStatus status()
    {
        return call(RelayEngine::status);
    }

    /**
     * Run one line of the control protocol, as if it came over the control socket.
     *
     * @return the reply lines, each ending in a newline; the last starts with {@code ok} or {@code error}.
     */
    public String execute(final String commandLine)
    {
        Objects.requireNonNull(commandLine, "commandLine");
        return call(engine -> engine.execute(commandLine));
    }

    /** CPU time the relay thread has used so far in nanoseconds, or -1 if the JVM does not measure it. */
    public long threadCpuTimeNs()
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isThreadCpuTimeSupported() ? threads.getThreadCpuTime(thread.getId()) : -1;
    }

    /** Whether the relay thread is still running. */
    public boolean isRunning()
    {
        return engine.isRunning() && thread.isAlive();
    }

    /** Why the relay thread stopped on its own, or null if it did not. */
    public Throwable failure()
    {
        return engine.failure();
    }

    /** Wait until the relay thread has stopped (after {@link #close()}, from another thread, or on a failure). */
    public void awaitTermination() throws InterruptedException
    {
        thread.join();
    }

    /** Stop the relay thread and close every socket; waits for the thread. Idempotent. */
    @Override
    public void close()
    {
        engine.stop();
        boolean interrupted = false;
        while (thread.isAlive())
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void setCut(final String from, final String to, final boolean both, final boolean cut)
    {
        final RelayLink link = link(from, to);
        call(engine ->
        {
            engine.setCut(link.from, link.to, cut);
            if (both)
            {
                engine.setCut(link.to, link.from, cut);
            }
            return null;
        });
    }

    private RelayLink link(final String from, final String to)
    {
        final int fromIndex = regionIndex(from);
        final int toIndex = regionIndex(to);
        if (fromIndex == toIndex)
        {
            throw new IllegalArgumentException("no link from region " + from + " to itself");
        }
        return engine.link(fromIndex, toIndex);
    }

    private int regionIndex(final String region)
    {
        final WanProfile profile = engine.profile();
        try
        {
            return profile.regionIndex(region);
        }
        catch (final WanProfileException ex)
        {
            throw new IllegalArgumentException(ex.getMessage(), ex);
        }
    }

    private static void checkRange(final String name, final double value, final double max)
    {
        if (!(value >= 0.0 && value <= max))
        {
            throw new IllegalArgumentException(name + " must be within [0, " + max + "]: " + value);
        }
    }

    private <T> T call(final Function<RelayEngine, T> function)
    {
        final CompletableFuture<T> result = engine.submit(function);
        try
        {
            return result.get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the relay thread", ex);
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = ex.getCause();
            if (cause instanceof RuntimeException runtime)
            {
                throw runtime;
            }
            throw new IllegalStateException(String.valueOf(cause), cause);
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("the relay thread did not answer within " + CALL_TIMEOUT_MS + " ms", ex);
        }
    }
}
