package io.geo.wan.relay;

import io.geo.wan.LinkModel;
import io.geo.wan.WanProfile;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The relay's single thread: a {@link Selector} over every listening socket, every forwarding socket and the control
 * sockets, plus a {@link DelayQueue}. The thread sleeps in {@code select(timeout)} until the next datagram is due (or
 * parks for the last sub-millisecond), never spins. All relay state is owned by this thread; other threads reach it
 * through {@link #submit(Function)}.
 */
final class RelayEngine implements Runnable
{
    static final int TAG_FORWARD = 0;
    static final int TAG_REVERSE = 1;

    /** Largest UDP payload over IPv4. */
    static final int MAX_DATAGRAM_BYTES = 65_507;

    private static final long NS_PER_MS = 1_000_000L;
    private static final long HOUSEKEEPING_INTERVAL_NS = 1_000L * NS_PER_MS;
    private static final int RECEIVE_BATCH_MAX = 64;
    private static final int SOCKET_BUFFER_BYTES = 1024 * 1024;
    private static final int PENDING_TASKS_MAX = 64;
    private static final int CONTROL_CONNECTIONS_MAX = 16;

    private final RelayConfig config;
    private final WanProfile profile;
    private final int regionCount;
    private final RelayLink[] links;
    private final List<RelayLink> linksInOrder = new ArrayList<>();
    private final DelayQueue<Sender> queue;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(MAX_DATAGRAM_BYTES + 1);
    private final long senderIdleNs;
    private final ArrayBlockingQueue<Task<?>> tasks = new ArrayBlockingQueue<>(PENDING_TASKS_MAX);
    private final ArrayList<ControlConnection> controlConnections = new ArrayList<>();
    /** Kept in a field so the select calls do not allocate a new method reference each time. */
    private final Consumer<SelectionKey> onSelected = this::onSelected;

    private Selector selector;
    private ServerSocketChannel controlChannel;
    private InetSocketAddress boundControlAddress;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private long nextHousekeepingNs;

    /** A call from another thread, run on the relay thread. */
    private record Task<T>(Function<RelayEngine, T> function, CompletableFuture<T> result)
    {
    }

    RelayEngine(final RelayConfig config)
    {
        this.config = config;
        profile = config.profile();
        regionCount = profile.regionCount();
        links = new RelayLink[regionCount * regionCount];
        queue = new DelayQueue<>(config.maxQueuedDatagrams(), config.maxQueuedBytes());
        senderIdleNs = config.senderIdleMs() * NS_PER_MS;

        final LinkModel model = new LinkModel(profile);
        final SplittableRandom random = new SplittableRandom(config.seed());
        for (int from = 0; from < regionCount; from++)
        {
            for (int to = 0; to < regionCount; to++)
            {
                if (from == to)
                {
                    continue;
                }
                // One random stream per link, forked in a fixed order: a link's draws do not depend on others' traffic.
                final RelayLink link = new RelayLink(
                    from,
                    to,
                    profile.regions().get(from),
                    profile.regions().get(to),
                    config.endpoint(to),
                    config.linkLine(from, to),
                    random.split());
                link.modelNs(
                    model.minOneWayDelayNs(from, to), model.meanOneWayDelayNs(from, to),
                    profile.lossProbability(from, to));
                links[from * regionCount + to] = link;
                linksInOrder.add(link);
            }
        }
        for (final RelayLink link : linksInOrder)
        {
            link.reverse = links[link.to * regionCount + link.from];
        }
    }

    /**
     * Bind every socket. On failure closes whatever was opened and throws; the caller then discards the engine.
     */
    void open() throws RelayStartException
    {
        try
        {
            selector = Selector.open();
        }
        catch (final IOException ex)
        {
            throw new RelayStartException("cannot open a selector: " + ex, ex);
        }

        try
        {
            bindControl();
            for (final RelayLink link : linksInOrder)
            {
                bindLink(link);
            }
        }
        catch (final RelayStartException ex)
        {
            closeAll();
            throw ex;
        }
        nextHousekeepingNs = System.nanoTime() + HOUSEKEEPING_INTERVAL_NS;
    }

    private void bindControl() throws RelayStartException
    {
        final InetSocketAddress address = config.controlAddress();
        try
        {
            controlChannel = ServerSocketChannel.open(StandardProtocolFamily.INET);
            controlChannel.configureBlocking(false);
            controlChannel.bind(address, CONTROL_CONNECTIONS_MAX);
            boundControlAddress = (InetSocketAddress)controlChannel.getLocalAddress();
            controlChannel.register(selector, SelectionKey.OP_ACCEPT, controlChannel);
        }
        catch (final IOException ex)
        {
            throw new RelayStartException("cannot listen on control address " + RelayConfigParser.format(address) +
                " (" + config.source() + ":" + config.controlLine() + "): " + describe(ex), ex);
        }
    }

    private void bindLink(final RelayLink link) throws RelayStartException
    {
        final InetSocketAddress address = config.listenAddress(link.from, link.to);
        DatagramChannel channel = null;
        try
        {
            channel = DatagramChannel.open(StandardProtocolFamily.INET);
            link.listenChannel = channel;
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(address);
            link.boundListenAddress = (InetSocketAddress)channel.getLocalAddress();
            channel.register(selector, SelectionKey.OP_READ, link);
        }
        catch (final IOException ex)
        {
            throw new RelayStartException("cannot listen on " + RelayConfigParser.format(address) + " for link " +
                link.describe() + " (" + config.source() + ":" + link.configLine + "): " + describe(ex), ex);
        }
    }

    private static String describe(final IOException ex)
    {
        if (ex instanceof BindException)
        {
            final String message = ex.getMessage();
            return null != message && message.toLowerCase(Locale.ROOT).contains("in use") ?
                "address already in use" : "cannot bind: " + message;
        }
        return ex.toString();
    }

    RelayConfig config()
    {
        return config;
    }

    WanProfile profile()
    {
        return profile;
    }

    InetSocketAddress boundControlAddress()
    {
        return boundControlAddress;
    }

    /** Every link in profile order; the list and the links' bound addresses are fixed once {@link #open()} returns. */
    List<RelayLink> linksInOrder()
    {
        return linksInOrder;
    }

    RelayLink link(final int from, final int to)
    {
        return links[from * regionCount + to];
    }

    Throwable failure()
    {
        return failure;
    }

    boolean isRunning()
    {
        return running;
    }

    /** Ask the relay thread to stop; returns at once. Safe from any thread. */
    void stop()
    {
        running = false;
        final Selector selector = this.selector;
        if (null != selector)
        {
            selector.wakeup();
        }
    }

    /**
     * Run a function on the relay thread and return its future. Safe from any thread; never blocks.
     *
     * @throws IllegalStateException if the relay has stopped or too many calls are pending.
     */
    <T> CompletableFuture<T> submit(final Function<RelayEngine, T> function)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        if (!running)
        {
            throw new IllegalStateException("the relay is not running" + describeFailure());
        }
        if (!tasks.offer(new Task<>(function, result)))
        {
            throw new IllegalStateException("the relay has " + PENDING_TASKS_MAX + " calls pending already");
        }
        selector.wakeup();
        if (!running)
        {
            // Stopped between the check and the offer: the thread may have drained the queue already.
            failPendingTasks();
        }
        return result;
    }

    private String describeFailure()
    {
        final Throwable failure = this.failure;
        return null == failure ? "" : " (it failed: " + failure + ")";
    }

    @Override
    public void run()
    {
        try
        {
            while (running)
            {
                final long nowNs = System.nanoTime();
                dispatchDue(nowNs);
                runTasks();
                if (nowNs - nextHousekeepingNs >= 0)
                {
                    expireIdleSenders(nowNs);
                    nextHousekeepingNs = nowNs + HOUSEKEEPING_INTERVAL_NS;
                }
                waitForWork();
            }
        }
        catch (final ClosedSelectorException ex)
        {
            if (running)
            {
                failure = ex;
            }
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }
        finally
        {
            running = false;
            closeAll();
            failPendingTasks();
        }
    }

    /** Sleep in the selector until the next datagram is due, housekeeping is due or a socket is readable. */
    private void waitForWork() throws IOException
    {
        final long nowNs = System.nanoTime();
        final long wakeNs = Math.min(queue.nextDueNs(), nextHousekeepingNs);
        final long untilNs = wakeNs - nowNs;
        if (untilNs <= 0 || !tasks.isEmpty())
        {
            selector.selectNow(onSelected);
        }
        else if (untilNs >= NS_PER_MS)
        {
            // Rounded down, so the thread wakes no later than the due time (plus the kernel's timer slack).
            selector.select(onSelected, untilNs / NS_PER_MS);
        }
        else if (0 == selector.selectNow(onSelected))
        {
            // select() has millisecond resolution: park for the last fraction of a millisecond.
            LockSupport.parkNanos(untilNs);
        }
    }

    private void onSelected(final SelectionKey key)
    {
        if (!key.isValid())
        {
            return;
        }

        final Object attachment = key.attachment();
        if (attachment instanceof RelayLink link)
        {
            receiveOnListen(link);
        }
        else if (attachment instanceof Sender sender)
        {
            receiveOnForward(sender);
        }
        else if (attachment instanceof ControlConnection connection)
        {
            connection.onSelected(this);
        }
        else if (attachment == controlChannel)
        {
            acceptControl();
        }
    }

    /** Datagrams a source region's sender sent to the link: forward them to the destination's endpoint. */
    private void receiveOnListen(final RelayLink link)
    {
        for (int i = 0; i < RECEIVE_BATCH_MAX; i++)
        {
            final InetSocketAddress source;
            try
            {
                receiveBuffer.clear();
                source = (InetSocketAddress)link.listenChannel.receive(receiveBuffer);
            }
            catch (final IOException ex)
            {
                return;
            }
            if (null == source)
            {
                return;
            }
            // The clock is read after the datagram was received, so its delay never starts before it arrived.
            final long arrivalNs = System.nanoTime();
            receiveBuffer.flip();
            link.received++;

            Sender sender = link.senderByAddress.get(source);
            if (null == sender)
            {
                sender = openSender(link, source, arrivalNs);
                if (null == sender)
                {
                    link.droppedOverload++;
                    continue;
                }
            }
            sender.lastActiveNs = arrivalNs;
            enqueue(link, sender, TAG_FORWARD, arrivalNs);
        }
    }

    /** Replies the destination sent to a forwarding socket: send them back to the original sender. */
    private void receiveOnForward(final Sender sender)
    {
        final RelayLink reverse = sender.link.reverse;
        for (int i = 0; i < RECEIVE_BATCH_MAX; i++)
        {
            final InetSocketAddress source;
            try
            {
                receiveBuffer.clear();
                source = (InetSocketAddress)sender.channel.receive(receiveBuffer);
            }
            catch (final IOException ex)
            {
                return;
            }
            if (null == source)
            {
                return;
            }
            final long arrivalNs = System.nanoTime();
            receiveBuffer.flip();
            reverse.received++;
            sender.lastActiveNs = arrivalNs;
            enqueue(reverse, sender, TAG_REVERSE, arrivalNs);
        }
    }

    private void enqueue(final RelayLink link, final Sender sender, final int tag, final long arrivalNs)
    {
        if (link.cut)
        {
            link.droppedCut++;
            return;
        }
        if (link.sampleLoss())
        {
            link.droppedLoss++;
            return;
        }

        long dueNs = arrivalNs + link.sampleDelayNs();
        if (config.fifo() && link.lastDueNs != Long.MIN_VALUE && dueNs - link.lastDueNs < 0)
        {
            dueNs = link.lastDueNs;
        }
        if (!queue.offer(receiveBuffer, dueNs, sender, tag))
        {
            link.droppedOverload++;
            return;
        }

        link.lastDueNs = dueNs;
        if (TAG_FORWARD == tag)
        {
            sender.queuedForward++;
        }
    }

    /** Send every datagram due at {@code nowNs}. */
    private void dispatchDue(final long nowNs)
    {
        int slot;
        while (DelayQueue.NONE != (slot = queue.pollDue(nowNs)))
        {
            final Sender sender = queue.attachment(slot);
            final boolean forward = TAG_FORWARD == queue.tag(slot);
            final RelayLink link = forward ? sender.link : sender.link.reverse;
            if (link.cut)
            {
                // A cut also drops what was in flight: a partition loses the packets on the wire.
                link.droppedCut++;
            }
            else
            {
                final DatagramChannel channel = forward ? sender.channel : sender.link.listenChannel;
                final InetSocketAddress target = forward ? link.endpoint : sender.address;
                final int bytes = queue.length(slot);
                int sent;
                try
                {
                    sent = channel.send(queue.payload(slot), target);
                }
                catch (final IOException ex)
                {
                    sent = -1;
                }
                if (sent == bytes && (sent > 0 || bytes == 0))
                {
                    link.forwarded++;
                    link.forwardedBytes += bytes;
                }
                else
                {
                    // The socket buffer was full or the send failed: UDP would lose it here too.
                    link.droppedOverload++;
                }
            }

            if (forward)
            {
                sender.queuedForward--;
            }
            queue.release(slot);
        }
    }

    private Sender openSender(final RelayLink link, final InetSocketAddress source, final long nowNs)
    {
        if (link.senders.size() >= config.maxSendersPerLink())
        {
            return null;
        }

        DatagramChannel channel = null;
        try
        {
            channel = DatagramChannel.open(StandardProtocolFamily.INET);
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(new InetSocketAddress(forwardBindAddress(link.endpoint), 0));
            final Sender sender = new Sender(link, source, channel, nowNs);
            sender.key = channel.register(selector, SelectionKey.OP_READ, sender);
            link.senderByAddress.put(source, sender);
            link.senders.add(sender);
            return sender;
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            return null;
        }
    }

    /** A loopback endpoint is reached from a loopback address; any other from the wildcard address. */
    private static InetAddress forwardBindAddress(final InetSocketAddress endpoint)
    {
        final InetAddress address = endpoint.getAddress();
        if (address.isLoopbackAddress())
        {
            return address instanceof Inet4Address ? InetAddress.getLoopbackAddress() : address;
        }
        try
        {
            return InetAddress.getByAddress(new byte[4]);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException("0.0.0.0 is a valid IPv4 address", ex);
        }
    }

    private void expireIdleSenders(final long nowNs)
    {
        for (final RelayLink link : linksInOrder)
        {
            for (int i = link.senders.size() - 1; i >= 0; i--)
            {
                final Sender sender = link.senders.get(i);
                if (0 == sender.queuedForward && nowNs - sender.lastActiveNs > senderIdleNs)
                {
                    sender.key.cancel();
                    closeQuietly(sender.channel);
                    link.senders.remove(i);
                    link.senderByAddress.remove(sender.address);
                }
            }
        }
    }

    private void runTasks()
    {
        Task<?> task;
        while (null != (task = tasks.poll()))
        {
            runTask(task);
        }
    }

    private <T> void runTask(final Task<T> task)
    {
        try
        {
            task.result().complete(task.function().apply(this));
        }
        catch (final RuntimeException ex)
        {
            task.result().completeExceptionally(ex);
        }
    }

    private void failPendingTasks()
    {
        Task<?> task;
        while (null != (task = tasks.poll()))
        {
            task.result().completeExceptionally(new IllegalStateException("the relay stopped" + describeFailure()));
        }
    }

    private void acceptControl()
    {
        final SocketChannel channel;
        try
        {
            channel = controlChannel.accept();
        }
        catch (final IOException ex)
        {
            return;
        }
        if (null == channel)
        {
            return;
        }

        if (controlConnections.size() >= CONTROL_CONNECTIONS_MAX)
        {
            try
            {
                channel.write(ByteBuffer.wrap(("error too many control connections (limit " +
                    CONTROL_CONNECTIONS_MAX + ")\n").getBytes(StandardCharsets.US_ASCII)));
            }
            catch (final IOException ignore)
            {
                // The connection is closed below either way.
            }
            closeQuietly(channel);
            return;
        }

        try
        {
            channel.configureBlocking(false);
            final ControlConnection connection = new ControlConnection(channel);
            connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
            controlConnections.add(connection);
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
        }
    }

    void onControlConnectionClosed(final ControlConnection connection)
    {
        controlConnections.remove(connection);
    }

    /** Run one control-protocol line on the relay thread; the reply's lines, each ending in a newline. */
    String execute(final String line)
    {
        return ControlProtocol.execute(this, line);
    }

    // ---- state changes and queries: relay thread only ----

    void setCut(final int from, final int to, final boolean cut)
    {
        link(from, to).cut = cut;
    }

    /** Cut or heal every link from and to a region; returns how many links. */
    int setRegionCut(final int region, final boolean cut)
    {
        int count = 0;
        for (final RelayLink link : linksInOrder)
        {
            if (link.from == region || link.to == region)
            {
                link.cut = cut;
                count++;
            }
        }
        return count;
    }

    int healAll()
    {
        for (final RelayLink link : linksInOrder)
        {
            link.cut = false;
        }
        return linksInOrder.size();
    }

    void setLink(final int from, final int to, final double delayMs, final double jitterMs, final double loss)
    {
        link(from, to).settingsMs(delayMs, jitterMs, loss);
    }

    RelayStatus status()
    {
        final ArrayList<LinkStatus> statuses = new ArrayList<>(linksInOrder.size());
        for (final RelayLink link : linksInOrder)
        {
            statuses.add(new LinkStatus(
                link.fromName,
                link.toName,
                link.boundListenAddress,
                link.endpoint,
                link.cut,
                link.delayMs,
                link.jitterMs,
                link.lossProbability,
                link.senders.size(),
                link.counters()));
        }
        return new RelayStatus(
            profile.name(),
            queue.slotsInUse(),
            queue.bytesInUse(),
            queue.capacityDatagrams(),
            queue.capacityBytes(),
            statuses);
    }

    /** Close every socket and the selector; idempotent. */
    void closeAll()
    {
        for (final ControlConnection connection : new ArrayList<>(controlConnections))
        {
            closeQuietly(connection.channel);
        }
        controlConnections.clear();
        closeQuietly(controlChannel);
        for (final RelayLink link : linksInOrder)
        {
            for (final Sender sender : link.senders)
            {
                closeQuietly(sender.channel);
            }
            link.senders.clear();
            link.senderByAddress.clear();
            closeQuietly(link.listenChannel);
        }
        closeQuietly(selector);
    }

    static void closeQuietly(final AutoCloseable closeable)
    {
        if (null == closeable)
        {
            return;
        }
        try
        {
            closeable.close();
        }
        catch (final Exception ignore)
        {
            // Closing on shutdown or after a failure: nothing more to do with this resource.
        }
    }
}
