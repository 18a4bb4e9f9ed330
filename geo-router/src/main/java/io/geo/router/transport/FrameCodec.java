package io.geo.router.transport;

import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.codec.MessageCodec;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.primitives.InstanceId;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * Frames between the nodes of one cluster: an authenticated header followed by one SBE message
 * ({@link MessageCodec}). All integers little-endian:
 *
 * <pre>
 *   0  int64  clusterId      both ends must agree
 *   8  int32  senderNode     0..nodeCount-1, equal to the SBE message's fromReplica
 *  12  int32  receiverNode   the node the frame is for (a frame replayed to another node is dropped)
 *  16  16 B   mac            HMAC-SHA256(secret, bytes 0..15 || payload), first 16 bytes
 *  32  ...    payload        MessageCodec frame
 * </pre>
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
        /** Authentic but the message's fromReplica differs from the header's sender. */
        SENDER_MISMATCH
    }

    private static final DropReason[] DROP_REASONS = DropReason.values();

    private final long clusterId;
    private final int selfNode;
    private final int nodeCount;
    private final Mac mac;
    private final MessageCodec messageCodec = new MessageCodec();
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
        final int payloadLength = messageCodec.encode(selfNode, message, encodeBuffer, HEADER_LENGTH);
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
        lastSender = -1;
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

        final MessageCodec.Decoded decoded;
        try
        {
            decoded = messageCodec.decode(decodeBuffer, HEADER_LENGTH, payloadLength);
        }
        catch (final CodecException ex)
        {
            return drop(DropReason.UNDECODABLE);
        }
        if (decoded.fromReplica() != sender)
        {
            return drop(DropReason.SENDER_MISMATCH);
        }
        lastSender = sender;
        return decoded.message();
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

    private Message drop(final DropReason reason)
    {
        dropCounts[reason.ordinal()]++;
        return null;
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
