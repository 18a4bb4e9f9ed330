package io.geo.router.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.regionlog.LogMessage;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.File;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link PeerTransport} over Aeron UDP: one subscription on this node's endpoint, one exclusive publication per peer
 * (to the peer's endpoint or to its configured send address, such as a WAN relay port). Frames are authenticated
 * with the cluster secret ({@link FrameCodec}); whatever arrives, {@link #poll} never throws on account of the bytes
 * and counts every dropped frame by reason.
 *
 * <p>By default it launches an embedded media driver sized for a small machine: shared threading (one driver
 * thread) sleeping 1 ms when idle, the configured term length, in a fresh directory under /dev/shm (or
 * java.io.tmpdir) that {@link #close()} deletes. With {@link AeronTransportConfig#aeronDirectoryName(String)} it
 * connects to an external driver instead.
 *
 * <p>A frame a publication pushes back (the peer's receiver window is full) waits in a per-peer backlog, in order,
 * and is offered again before anything newer to that peer, at every {@link #send} and {@link #poll}: under load a
 * burst larger than the window is delayed by a duty cycle, not dropped for the protocol to retransmit a timeout
 * later. A backlog holds at most {@link #backlogCapacity(int) four terms}; a frame beyond that, or to a peer that is
 * not connected, is refused (and the protocol retransmits).
 *
 * <p>Single-threaded: {@link #send} and {@link #poll} from one duty-cycle thread.
 */
public final class AeronTransport implements PeerTransport
{
    private static final String DRIVER_DIR_PREFIX = "geo-";

    /** An idle thread slows down to parking 1 ms at a time after this long without work. */
    public static final long DEEP_IDLE_AFTER_NS = 2_000_000;
    public static final long DEEP_IDLE_PARK_NS = 1_000_000;

    private final int selfNode;
    private final int nodeCount;
    private final FrameCodec frameCodec;
    private final MediaDriver driver;
    private final String aeronDirectoryName;
    private final Aeron aeron;
    private final Subscription subscription;
    /** Indexed by node id; null at selfNode. */
    private final ExclusivePublication[] publications;
    private final FragmentAssembler assembler;
    /** Per peer, frames pushed back by its publication, to offer again in order; null at selfNode. */
    private final ExpandableRingBuffer[] backlogs;
    private final ExpandableRingBuffer.MessageConsumer[] backlogSenders;

    private Handler pollHandler;
    private int pollDelivered;
    private boolean closed;

    private long sentCount;
    private long sentBytes;
    private long backPressuredCount;
    private long backloggedCount;
    private long backlogRefusedCount;
    private long notConnectedCount;
    private long sendRejectedCount;
    private final int maxReplicaFrameBytes;
    private long receivedCount;
    private long receivedBytes;

    private AeronTransport(final AeronTransportConfig config)
    {
        selfNode = config.selfNode();
        nodeCount = config.endpoints().size();
        maxReplicaFrameBytes = 0 == config.maxReplicaFrameBytes() ? Integer.MAX_VALUE : config.maxReplicaFrameBytes();
        frameCodec = null == config.regionOfNode() ?
            new FrameCodec(config.clusterId(), selfNode, nodeCount, config.secret()) :
            new FrameCodec(config.clusterId(), selfNode, config.regionOfNode(), config.secret());
        publications = new ExclusivePublication[nodeCount];
        assembler = new FragmentAssembler(this::onFrame);
        backlogs = new ExpandableRingBuffer[nodeCount];
        backlogSenders = new ExpandableRingBuffer.MessageConsumer[nodeCount];
        for (int peer = 0; peer < nodeCount; peer++)
        {
            if (peer != selfNode)
            {
                final int to = peer;
                backlogs[peer] = new ExpandableRingBuffer(0, backlogCapacity(config.termLength()), false);
                backlogSenders[peer] = (buffer, offset, length, headOffset) -> offerBacklogged(to, buffer, offset,
                    length);
            }
        }

        MediaDriver launchedDriver = null;
        Aeron connected = null;
        Subscription subscribed = null;
        try
        {
            if (null == config.aeronDirectoryName())
            {
                launchedDriver = MediaDriver.launch(embeddedDriverContext(config.termLength(),
                    config.embeddedDriverDirectoryName()).sharedIdleStrategy(new TwoSpeedIdleStrategy(
                    config.idleMaxParkNs(), DEEP_IDLE_AFTER_NS, DEEP_IDLE_PARK_NS)));
                aeronDirectoryName = launchedDriver.aeronDirectoryName();
            }
            else
            {
                aeronDirectoryName = config.aeronDirectoryName();
            }
            connected = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .idleStrategy(new SleepingMillisIdleStrategy(1)));
            subscribed = connected.addSubscription(
                "aeron:udp?endpoint=" + config.endpoints().get(selfNode), config.streamId());
            for (int peer = 0; peer < nodeCount; peer++)
            {
                if (peer != selfNode)
                {
                    publications[peer] = connected.addExclusivePublication(
                        "aeron:udp?endpoint=" + config.sendAddress(peer) + "|term-length=" + config.termLength(),
                        config.streamId());
                }
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(publications);
            CloseHelper.quietCloseAll(subscribed, connected, launchedDriver);
            if (null != launchedDriver)
            {
                IoUtil.delete(new File(launchedDriver.aeronDirectoryName()), true);
            }
            throw ex;
        }
        driver = launchedDriver;
        aeron = connected;
        subscription = subscribed;
    }

    /**
     * Validates {@code config} and starts the transport (and its embedded driver unless an external one is
     * configured). Publications connect in the background: until a peer's subscription is up, sends to it fail and
     * count as not connected.
     *
     * @throws IllegalArgumentException if the config is invalid, naming the property.
     */
    public static AeronTransport launch(final AeronTransportConfig config)
    {
        return new AeronTransport(config.conclude());
    }

    /**
     * A driver context for one transport on a small (2-core) machine: no busy spinning, one driver thread,
     * small terms, a directory of its own that is deleted on start and on shutdown.
     */
    static MediaDriver.Context embeddedDriverContext(final int termLength)
    {
        return embeddedDriverContext(termLength, null);
    }

    /** As {@link #embeddedDriverContext(int)} in the directory {@code leafName} (null: a random name). */
    static MediaDriver.Context embeddedDriverContext(final int termLength, final String leafName)
    {
        return new MediaDriver.Context()
            .aeronDirectoryName(driverDirectoryName(leafName))
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .publicationTermBufferLength(termLength)
            .ipcTermBufferLength(AeronTransportConfig.MIN_TERM_LENGTH)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
    }

    /** {@code /dev/shm/geo-<random>} when /dev/shm exists, else the same name under java.io.tmpdir. */
    static String newDriverDirectoryName()
    {
        return driverDirectoryName(null);
    }

    /** {@code /dev/shm/<leafName>} when /dev/shm is writable, else under java.io.tmpdir; null: geo-random. */
    static String driverDirectoryName(final String leafName)
    {
        final File shm = new File("/dev/shm");
        final File parent = shm.isDirectory() && shm.canWrite() ? shm : new File(System.getProperty("java.io.tmpdir"));
        final String name = null != leafName ? leafName :
            DRIVER_DIR_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        return new File(parent, name).getAbsolutePath();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns false, counting why, when {@code toNode} is not a peer, the message cannot be encoded (invalid or
     * larger than a frame may be, or than {@link AeronTransportConfig#maxReplicaFrameBytes()}), the peer is not
     * connected, or the publication is back pressured and the peer's backlog is full. Never blocks.
     */
    @Override
    public boolean send(final int toNode, final Message message)
    {
        if (!canSend(toNode))
        {
            return false;
        }
        final int length;
        try
        {
            length = frameCodec.encode(toNode, message);
        }
        catch (final CodecException | RuntimeException ex)
        {
            sendRejectedCount++;
            return false;
        }
        if (length > maxReplicaFrameBytes)
        {
            sendRejectedCount++; // the receiving region could not log it
            return false;
        }
        return offer(toNode, length);
    }

    /** {@inheritDoc} As {@link #send(int, Message)}; only with region groups ({@code regionOfNode} configured). */
    @Override
    public boolean send(final int toNode, final LogMessage message)
    {
        if (!canSend(toNode))
        {
            return false;
        }
        final int length;
        try
        {
            length = frameCodec.encode(toNode, message);
        }
        catch (final CodecException | RuntimeException ex)
        {
            sendRejectedCount++;
            return false;
        }
        return offer(toNode, length);
    }

    private boolean canSend(final int toNode)
    {
        if (closed || toNode < 0 || toNode >= nodeCount || toNode == selfNode)
        {
            sendRejectedCount++;
            return false;
        }
        if (!publications[toNode].isConnected())
        {
            notConnectedCount++;
            return false;
        }
        return true;
    }

    private boolean offer(final int toNode, final int length)
    {
        final ExclusivePublication publication = publications[toNode];
        if (length > publication.maxMessageLength())
        {
            sendRejectedCount++;
            return false;
        }
        final ExpandableRingBuffer backlog = backlogs[toNode];
        if (!backlog.isEmpty())
        {
            backlog.consume(backlogSenders[toNode], Integer.MAX_VALUE);
        }
        if (backlog.isEmpty())
        {
            // offer, not tryClaim: the MAC is computed over a byte[] (Mac.update has no allocation-free DirectBuffer
            // form), and a frame larger than one MTU cannot be claimed anyway; offer copies it once into the term.
            final long result = publication.offer(frameCodec.encodedBuffer(), 0, length);
            if (result > 0)
            {
                sentCount++;
                sentBytes += length;
                return true;
            }
            if (Publication.NOT_CONNECTED == result)
            {
                notConnectedCount++;
                return false;
            }
            if (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result)
            {
                sendRejectedCount++; // CLOSED or MAX_POSITION_EXCEEDED
                return false;
            }
            backPressuredCount++;
        }
        if (!backlog.append(frameCodec.encodedBuffer(), 0, length))
        {
            backlogRefusedCount++;
            return false;
        }
        backloggedCount++;
        return true;
    }

    /** Offers a backlogged frame: true to take it off the backlog (sent, or the peer is gone), false to keep it. */
    private boolean offerBacklogged(final int toNode, final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = publications[toNode].offer(buffer, offset, length);
        if (result > 0)
        {
            sentCount++;
            sentBytes += length;
            return true;
        }
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result)
        {
            return false;
        }
        backlogRefusedCount++; // not connected any more, or closed: the protocol retransmits
        return true;
    }

    /** Offers what waits in the backlogs, oldest first; returns the number of frames sent or discarded. */
    private int sendBacklogs()
    {
        int work = 0;
        for (int peer = 0; peer < nodeCount; peer++)
        {
            final ExpandableRingBuffer backlog = backlogs[peer];
            if (null != backlog && !backlog.isEmpty())
            {
                work += backlog.consume(backlogSenders[peer], Integer.MAX_VALUE);
            }
        }
        return work;
    }

    /** Bytes a peer's backlog may hold: four terms, what the publication itself holds at most. */
    static int backlogCapacity(final int termLength)
    {
        return 4 * termLength;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code limit} bounds the fragments read, so at most that many messages are delivered. Frames that fail
     * authentication or decoding are dropped and counted ({@link #dropCount}); an exception thrown by
     * {@code handler} propagates.
     */
    @Override
    public int poll(final Handler handler, final int limit)
    {
        if (closed)
        {
            return 0;
        }
        sendBacklogs();
        pollHandler = handler;
        pollDelivered = 0;
        try
        {
            subscription.poll(assembler, limit);
        }
        finally
        {
            pollHandler = null;
        }
        return pollDelivered;
    }

    private void onFrame(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        receivedBytes += length;
        final int kind = frameCodec.decodeFrame(buffer, offset, length);
        if (FrameCodec.REPLICA_MESSAGE == kind)
        {
            receivedCount++;
            pollDelivered++;
            pollHandler.onMessage(frameCodec.lastSender(), frameCodec.message());
        }
        else if (FrameCodec.LOG_MESSAGE == kind)
        {
            receivedCount++;
            pollDelivered++;
            pollHandler.onLogMessage(frameCodec.lastSender(), frameCodec.logMessage());
        }
    }

    /** True once the publication to {@code peer} has a connected subscriber. */
    public boolean isConnected(final int peer)
    {
        return !closed && peer >= 0 && peer < nodeCount && peer != selfNode && publications[peer].isConnected();
    }

    public int selfNode()
    {
        return selfNode;
    }

    /** The driver directory in use (the embedded driver's, or the external one). */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /** Messages accepted by a publication. */
    public long sentCount()
    {
        return sentCount;
    }

    /** Frame bytes (header included) accepted by publications. */
    public long sentBytes()
    {
        return sentBytes;
    }

    /** Offers pushed back by the peer's receiver window (back pressure or an admin action); the frame waited. */
    public long backPressuredCount()
    {
        return backPressuredCount;
    }

    /** Frames pushed back and kept in a backlog to offer again (each counts once, however often offered). */
    public long backloggedCount()
    {
        return backloggedCount;
    }

    /** Frames dropped because a backlog was full, or its peer disconnected before they were sent. */
    public long backlogRefusedCount()
    {
        return backlogRefusedCount;
    }

    /** Bytes waiting in the backlogs now. */
    public long backlogBytes()
    {
        long bytes = 0;
        for (final ExpandableRingBuffer backlog : backlogs)
        {
            bytes += null == backlog ? 0 : backlog.size();
        }
        return bytes;
    }

    /** Sends refused because the peer had no connected subscription (not up yet, gone, or cut off). */
    public long notConnectedCount()
    {
        return notConnectedCount;
    }

    /** Sends refused for other reasons: not a peer, unencodable or oversized message, publication closed. */
    public long sendRejectedCount()
    {
        return sendRejectedCount;
    }

    /** Messages delivered to a handler. */
    public long receivedCount()
    {
        return receivedCount;
    }

    /** Frame bytes read from the subscription, dropped frames included. */
    public long receivedBytes()
    {
        return receivedBytes;
    }

    public long dropCount(final FrameCodec.DropReason reason)
    {
        return frameCodec.dropCount(reason);
    }

    public long dropCountTotal()
    {
        return frameCodec.dropCountTotal();
    }

    /** Closes publications, subscription, the client and the embedded driver, and deletes its directory. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        CloseHelper.quietCloseAll(publications);
        CloseHelper.quietCloseAll(subscription, aeron, driver);
        if (null != driver)
        {
            IoUtil.delete(new File(aeronDirectoryName), true);
        }
    }

    @Override
    public String toString()
    {
        return "AeronTransport{node=" + selfNode + ", sent=" + sentCount + ", backPressured=" + backPressuredCount +
            ", backlogged=" + backloggedCount + ", backlogRefused=" + backlogRefusedCount +
            ", notConnected=" + notConnectedCount + ", rejected=" + sendRejectedCount + ", received=" +
            receivedCount + ", dropped=" + frameCodec.dropCountTotal() + '}';
    }
}
