package io.geo.router.transport;

import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.hydra.RegionLayout;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.regionlog.LogMessage;
import io.geo.epaxos.regionlog.LogMessageCodec;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * Frames between the nodes of one cluster: an authenticated header followed by one SBE message, of the EPaxos
 * replicas ({@link MessageCodec}) or, in a cluster of region groups, of a region log ({@link LogMessageCodec}); the
 * payload's SBE schema id tells which. All integers little-endian:
 *
 * <pre>
 *   0  int64  clusterId      both ends must agree
 *   8  int32  senderNode     0..nodeCount-1, equal to the SBE message's fromReplica
 *  12  int32  receiverNode   the node the frame is for (a frame replayed to another node is dropped)
 *  16  16 B   mac            HMAC-SHA256(secret, bytes 0..15 || payload), first 16 bytes
 *  32  ...    payload        MessageCodec or LogMessageCodec frame
 * </pre>
 *
 * <p>Node ids are the cluster's (0..nodeCount-1). In a flat cluster node i is EPaxos replica i and an EPaxos message's
 * fromReplica must be its sender's id. With region groups ({@link #FrameCodec(long, int, int[], byte[])}) the EPaxos
 * replica is the sender's region, and region log messages travel only between the nodes of one region, naming their
 * sender by its index within the region.
 *
 * <p>{@link #decode} treats its input as hostile: whatever the bytes, it returns a message or null and counts the
 * reason of every drop; it never throws. The MAC is checked (in constant time) before the payload is parsed.
 *
 * <p>Reusable, allocation-free on encode apart from the MAC engine's internals; not thread-safe: one instance per
 * duty-cycle thread.
 */
public final class FrameCodec
{
    public static final int CLUSTER_ID_OFFSET = 0;
    public static final int SENDER_OFFSET = 8;
    public static final int RECEIVER_OFFSET = 12;
    public static final int MAC_OFFSET = 16;
    public static final int MAC_LENGTH = 16;
    public static final int HEADER_LENGTH = MAC_OFFSET + MAC_LENGTH;
    /** The largest frame: header plus the largest SBE message. */
    public static final int MAX_FRAME_LENGTH = HEADER_LENGTH + MessageCodec.MAX_MESSAGE_BYTES;
    /** Shortest accepted cluster secret (HMAC-SHA256 key), in bytes. */
    public static final int MIN_SECRET_LENGTH = 16;
    private static final String MAC_ALGORITHM = "HmacSHA256";
    private static final int FULL_MAC_LENGTH = 32;

    /** Why a received frame was dropped; each value has a counter. */
    public enum DropReason
    {
        /** Fewer bytes than the header (or a range that lies outside the buffer). */
        TOO_SHORT,
        /** More bytes than {@link #MAX_FRAME_LENGTH}. */
        TOO_LONG,
        /** The header's cluster id is not ours: a misconfigured or foreign sender. */
        WRONG_CLUSTER,
        /** The sender id is not a node of the cluster. */
        UNKNOWN_SENDER,
        /** The sender id is our own: a loop or a forgery. */
        FROM_SELF,
        /** The frame names another node as its receiver: misrouted or replayed. */
        WRONG_RECEIVER,
        /** The MAC does not match: corrupted, or not made with the cluster secret. */
        BAD_MAC,
        /** Authentic but the payload failed {@link MessageCodec#decode} (a codec bug or version skew). */
        UNDECODABLE,
        /** Authentic but the message's fromReplica differs from the header's sender (or its region). */
        SENDER_MISMATCH,
        /**
         * Authentic, but a region log message from another region, a log message in a flat cluster, or an EPaxos
         * message between two nodes of one region.
         */
        WRONG_REGION
    }

    /** What {@link #decodeFrame} found. */
    public static final int DROPPED = 0;
    public static final int REPLICA_MESSAGE = 1;
    public static final int LOG_MESSAGE = 2;
    private static final int SBE_SCHEMA_ID_OFFSET = 4;
    private static final int REPLICA_SCHEMA_ID = io.geo.epaxos.codec.sbe.MessageHeaderDecoder.SCHEMA_ID;
    private static final int LOG_SCHEMA_ID = io.geo.epaxos.regionlog.sbe.MessageHeaderDecoder.SCHEMA_ID;

    private static final DropReason[] DROP_REASONS = DropReason.values();

    private final long clusterId;
    private final int selfNode;
    private final int nodeCount;
    /** The nodes' regions: each node its own when flat; with region groups, the EPaxos replica it speaks for. */
    private final RegionLayout layout;
    /** Region groups: region log messages pass between the nodes of a region. */
    private final boolean grouped;
    private final Mac mac;
    private final MessageCodec messageCodec = new MessageCodec();
    private final LogMessageCodec logMessageCodec = new LogMessageCodec();
    private Message message;
    private LogMessage logMessage;
    private final byte[] macOutput = new byte[FULL_MAC_LENGTH];
    private final byte[] encodeBytes = new byte[MAX_FRAME_LENGTH];
    private final UnsafeBuffer encodeBuffer = new UnsafeBuffer(encodeBytes);
    /** Received frames are copied here: the MAC engine reads byte arrays, and the codec never sees the term. */
    private final byte[] decodeBytes = new byte[MAX_FRAME_LENGTH];
    private final UnsafeBuffer decodeBuffer = new UnsafeBuffer(decodeBytes);
    private final long[] dropCounts = new long[DROP_REASONS.length];
    private int lastSender = -1;

    /**
     * @param clusterId the cluster id both ends put in and expect in every frame.
     * @param selfNode  this node's id, 0..nodeCount-1.
     * @param nodeCount nodes in the cluster, 2..{@code InstanceId.MAX_REPLICAS}.
     * @param secret    the cluster secret, at least {@link #MIN_SECRET_LENGTH} bytes; copied.
     * @throws IllegalArgumentException naming the bad value.
     */
    public FrameCodec(final long clusterId, final int selfNode, final int nodeCount, final byte[] secret)
    {
        this(clusterId, selfNode, nodeCount, null, secret);
    }

    /**
     * A codec for a cluster of region groups: node i is in region {@code regionOfNode[i]}, which is the EPaxos replica
     * its messages speak for; region log messages pass between the nodes of one region only.
     *
     * @param regionOfNode per node id, its region (0..regions-1); nodes of one region in increasing id order get the
     *                     indices 0, 1, ... within it. Copied.
     * @throws IllegalArgumentException naming the bad value.
     */
    public FrameCodec(final long clusterId, final int selfNode, final int[] regionOfNode, final byte[] secret)
    {
        this(clusterId, selfNode, regionOfNode.length, regionOfNode.clone(), secret);
    }

    private FrameCodec(
        final long clusterId, final int selfNode, final int nodeCount, final int[] regionOfNode, final byte[] secret)
    {
        Objects.requireNonNull(secret, "secret");
        if (nodeCount < 2 || nodeCount > InstanceId.MAX_REPLICAS)
        {
            throw new IllegalArgumentException("nodeCount must be within [2, " +
                InstanceId.MAX_REPLICAS + "]: " + nodeCount);
        }
        if (selfNode < 0 || selfNode >= nodeCount)
        {
            throw new IllegalArgumentException("selfNode must be within [0, " + (nodeCount - 1) + "]: " + selfNode);
        }
        if (secret.length < MIN_SECRET_LENGTH)
        {
            throw new IllegalArgumentException("cluster secret must be at least " + MIN_SECRET_LENGTH +
                " bytes: got " + secret.length);
        }
        this.clusterId = clusterId;
        this.selfNode = selfNode;
        this.nodeCount = nodeCount;
        // flat: every node is a region (an EPaxos replica) of its own
        this.grouped = null != regionOfNode;
        this.layout = new RegionLayout(grouped ? regionOfNode :
            java.util.stream.IntStream.range(0, nodeCount).toArray());
        try
        {
            mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(new SecretKeySpec(secret.clone(), MAC_ALGORITHM));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(MAC_ALGORITHM + " unavailable", ex);
        }
    }

    /**
     * Encodes a frame for {@code toNode} into {@link #encodedBuffer()} at offset 0.
     *
     * @return the frame length.
     * @throws CodecException if the message is invalid or too large (see {@link MessageCodec#encode}).
     */
    public int encode(final int toNode, final Message message) throws CodecException
    {
        final int payloadLength = messageCodec.encode(layout.regionOf(selfNode), message, encodeBuffer, HEADER_LENGTH);
        return seal(toNode, payloadLength);
    }

    /**
     * Encodes a region log message for {@code toNode}, a node of this node's region, into {@link #encodedBuffer()}.
     *
     * @return the frame length.
     * @throws CodecException if the message is invalid, larger than {@link #MAX_FRAME_LENGTH} allows, or this is not a
     *                        cluster of region groups.
     */
    public int encode(final int toNode, final LogMessage message) throws CodecException
    {
        if (!grouped)
        {
            throw new CodecException("region log messages need a cluster of region groups");
        }
        final int length = LogMessageCodec.encodedLength(message);
        if (length > MAX_FRAME_LENGTH - HEADER_LENGTH)
        {
            throw new CodecException("region log message of " + length + " bytes: at most " +
                (MAX_FRAME_LENGTH - HEADER_LENGTH) + " fit in a frame");
        }
        final int payloadLength = logMessageCodec.encode(layout.indexInRegion(selfNode), message, encodeBuffer,
            HEADER_LENGTH);
        return seal(toNode, payloadLength);
    }

    private int seal(final int toNode, final int payloadLength)
    {
        encodeBuffer.putLong(CLUSTER_ID_OFFSET, clusterId);
        encodeBuffer.putInt(SENDER_OFFSET, selfNode);
        encodeBuffer.putInt(RECEIVER_OFFSET, toNode);
        computeMac(encodeBytes, payloadLength);
        System.arraycopy(macOutput, 0, encodeBytes, MAC_OFFSET, MAC_LENGTH);
        return HEADER_LENGTH + payloadLength;
    }

    /** The buffer {@link #encode} writes to; valid until the next encode. */
    public DirectBuffer encodedBuffer()
    {
        return encodeBuffer;
    }

    /**
     * Checks and decodes one frame. Never throws, whatever the bytes (a null buffer or a range outside it included).
     *
     * @return the message if the frame is intact and authentic (its sender is then {@link #lastSender()}), else
     * null after counting the reason.
     */
    public Message decode(final DirectBuffer buffer, final int offset, final int length)
    {
        return decodeFrame(buffer, offset, length) == REPLICA_MESSAGE ? message : null;
    }

    /**
     * Checks and decodes one frame, of either kind. Never throws, whatever the bytes.
     *
     * @return {@link #REPLICA_MESSAGE} (then see {@link #message()}), {@link #LOG_MESSAGE} (then see
     * {@link #logMessage()}; its sender's index in the region is {@link #indexInRegion(int)} of {@link #lastSender()})
     * or {@link #DROPPED} after counting the reason.
     */
    public int decodeFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        lastSender = -1;
        message = null;
        logMessage = null;
        if (length < HEADER_LENGTH)
        {
            return drop(DropReason.TOO_SHORT);
        }
        if (length > MAX_FRAME_LENGTH)
        {
            return drop(DropReason.TOO_LONG);
        }
        if (null == buffer || offset < 0 || offset > buffer.capacity() - length)
        {
            return drop(DropReason.TOO_SHORT);
        }
        if (buffer.getLong(offset + CLUSTER_ID_OFFSET) != clusterId)
        {
            return drop(DropReason.WRONG_CLUSTER);
        }
        final int sender = buffer.getInt(offset + SENDER_OFFSET);
        if (sender < 0 || sender >= nodeCount)
        {
            return drop(DropReason.UNKNOWN_SENDER);
        }
        if (sender == selfNode)
        {
            return drop(DropReason.FROM_SELF);
        }
        if (buffer.getInt(offset + RECEIVER_OFFSET) != selfNode)
        {
            return drop(DropReason.WRONG_RECEIVER);
        }

        buffer.getBytes(offset, decodeBytes, 0, length);
        final int payloadLength = length - HEADER_LENGTH;
        computeMac(decodeBytes, payloadLength);
        if (!macMatches())
        {
            return drop(DropReason.BAD_MAC);
        }

        if (payloadLength < SBE_SCHEMA_ID_OFFSET + 2)
        {
            return drop(DropReason.UNDECODABLE);
        }
        final int schemaId = decodeBuffer.getShort(HEADER_LENGTH + SBE_SCHEMA_ID_OFFSET) & 0xFFFF;
        final boolean sameRegion = layout.regionOf(sender) == layout.regionOf(selfNode);
        try
        {
            if (schemaId == LOG_SCHEMA_ID)
            {
                if (!grouped || !sameRegion)
                {
                    return drop(DropReason.WRONG_REGION);
                }
                final LogMessageCodec.Decoded decoded = logMessageCodec.decode(decodeBuffer, HEADER_LENGTH,
                    payloadLength);
                if (decoded.fromNode() != layout.indexInRegion(sender))
                {
                    return drop(DropReason.SENDER_MISMATCH);
                }
                logMessage = decoded.message();
                lastSender = sender;
                return LOG_MESSAGE;
            }
            if (grouped && sameRegion)
            {
                return drop(DropReason.WRONG_REGION);
            }
            final MessageCodec.Decoded decoded = messageCodec.decode(decodeBuffer, HEADER_LENGTH, payloadLength);
            if (decoded.fromReplica() != layout.regionOf(sender))
            {
                return drop(DropReason.SENDER_MISMATCH);
            }
            message = decoded.message();
            lastSender = sender;
            return REPLICA_MESSAGE;
        }
        catch (final CodecException | RuntimeException ex)
        {
            return drop(DropReason.UNDECODABLE);
        }
    }

    /** The EPaxos message of the last frame {@link #decodeFrame} returned {@link #REPLICA_MESSAGE} for. */
    public Message message()
    {
        return message;
    }

    /** The region log message of the last frame {@link #decodeFrame} returned {@link #LOG_MESSAGE} for. */
    public LogMessage logMessage()
    {
        return logMessage;
    }

    /** The index of {@code node} within its region (region groups only). */
    public int indexInRegion(final int node)
    {
        return layout.indexInRegion(node);
    }

    /** The EPaxos replica {@code node} speaks for: its own id when flat, its region with region groups. */
    public int replicaOf(final int node)
    {
        return layout.regionOf(node);
    }

    /** The sender of the frame the last successful {@link #decode} returned; -1 after a drop. */
    public int lastSender()
    {
        return lastSender;
    }

    public long dropCount(final DropReason reason)
    {
        return dropCounts[reason.ordinal()];
    }

    public long dropCountTotal()
    {
        long total = 0;
        for (final long count : dropCounts)
        {
            total += count;
        }
        return total;
    }

    public int selfNode()
    {
        return selfNode;
    }

    public int nodeCount()
    {
        return nodeCount;
    }

    private int drop(final DropReason reason)
    {
        dropCounts[reason.ordinal()]++;
        return DROPPED;
    }

    /** MAC of the header's first 16 bytes and the payload of the frame held in {@code frame}, into macOutput. */
    private void computeMac(final byte[] frame, final int payloadLength)
    {
        mac.update(frame, 0, MAC_OFFSET);
        mac.update(frame, HEADER_LENGTH, payloadLength);
        try
        {
            mac.doFinal(macOutput, 0);
        }
        catch (final ShortBufferException ex)
        {
            throw new IllegalStateException("MAC output buffer too short", ex); // macOutput holds a full MAC
        }
    }

    /** Constant-time comparison of the received MAC (in decodeBytes) with macOutput. */
    private boolean macMatches()
    {
        int difference = 0;
        for (int i = 0; i < MAC_LENGTH; i++)
        {
            difference |= decodeBytes[MAC_OFFSET + i] ^ macOutput[i];
        }
        return 0 == difference;
    }
}
