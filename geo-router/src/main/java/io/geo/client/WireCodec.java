package io.geo.client;

import java.nio.BufferOverflowException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes client-protocol frames. Big-endian, length-prefixed:
 * <pre>
 * frame    := length:i32 (bytes that follow, 1..MAX_FRAME_BYTES) | type:u8 | body
 * HELLO    := magic:i32 'GEO1' | version:u16 | clientId:i64 | user:str | password:str | region:str
 * HELLO_OK := version:u16 | nodeId:i32 | region:str | cluster:str | maxOps:u16 | maxKeyBytes:i32
 *             | maxValueBytes:i32 | count:u16 { keyspace:str } | count:u16 { nodeId:i32 region:str host:str port:u16 }
 * REQUEST  := correlation:i64 | clientId:i64 | requestNumber:i64 | timeoutMs:i32 | flags:u8 (bit 0: stale read)
 *             | count:u16 { type:u8 keyspace:str key:bytes value:nbytes expected:nbytes delta:i64 }
 * RESPONSE := correlation:i64 | status:u8 | message:str | count:u16 { ok:u8 value:nbytes }
 * ERROR    := status:u8 | message:str
 * PING     := correlation:i64          PONG := correlation:i64
 * str := length:u16 | UTF-8      bytes := length:i32 (0..) | data      nbytes := length:i32 (-1 = null) | data
 * </pre>
 * Decoding is defensive: any truncated, oversized or malformed frame is a {@link WireException}, never another
 * exception, and nothing is allocated beyond what the frame's own length allows. Stateless and thread-safe.
 */
public final class WireCodec
{
    /** Largest frame (after the length field) either side accepts. */
    public static final int MAX_FRAME_BYTES = 8 * 1024 * 1024;
    public static final int MAGIC = 0x47454f31; // "GEO1"
    public static final int VERSION = 1;
    /**
     * Sessions (client ids) a connection may use: the HELLO's id (a positive multiple of this) and the ones after it.
     * Sessions of different connections never overlap, so one connection cannot disturb another's exactly-once state.
     */
    public static final long SESSIONS_PER_CONNECTION = 256;
    /** Limit on ops per request, keyspaces and nodes per HELLO_OK (u16 counts). */
    public static final int MAX_COUNT = 65_535;

    static final byte HELLO = 1;
    static final byte HELLO_OK = 2;
    static final byte REQUEST = 3;
    static final byte RESPONSE = 4;
    static final byte ERROR = 5;
    static final byte PING = 6;
    static final byte PONG = 7;

    private WireCodec()
    {
    }

    /**
     * Encodes {@code message} as one frame (length prefix included) into a new buffer, flipped for reading.
     *
     * @throws WireException if the message does not fit in a frame or a field breaks a limit.
     */
    public static ByteBuffer encode(final WireMessage message) throws WireException
    {
        int capacity = 1024;
        while (true)
        {
            final ByteBuffer buffer = ByteBuffer.allocate(capacity);
            try
            {
                buffer.putInt(0);
                encodeBody(message, buffer);
                final int length = buffer.position() - 4;
                if (length > MAX_FRAME_BYTES)
                {
                    throw new WireException("frame of " + length + " bytes exceeds the limit of " + MAX_FRAME_BYTES);
                }
                buffer.putInt(0, length);
                // an exactly sized copy: queued frames then hold what they count (a PONG is 13 bytes, not 1 KiB)
                final ByteBuffer frame = ByteBuffer.allocate(length + 4);
                frame.put(buffer.array(), 0, length + 4);
                return frame.flip();
            }
            catch (final BufferOverflowException ex)
            {
                if (capacity > MAX_FRAME_BYTES)
                {
                    throw new WireException("message exceeds the frame limit of " + MAX_FRAME_BYTES + " bytes");
                }
                capacity *= 4;
            }
        }
    }

    private static void encodeBody(final WireMessage message, final ByteBuffer b) throws WireException
    {
        if (message instanceof WireMessage.Hello hello)
        {
            b.put(HELLO).putInt(MAGIC);
            putU16(b, hello.version(), "version");
            b.putLong(hello.clientId());
            putString(b, hello.user());
            putString(b, hello.password());
            putString(b, hello.region());
        }
        else if (message instanceof WireMessage.HelloOk ok)
        {
            b.put(HELLO_OK);
            putU16(b, ok.version(), "version");
            b.putInt(ok.nodeId());
            putString(b, ok.region());
            putString(b, ok.cluster());
            putU16(b, ok.maxOps(), "maxOps");
            b.putInt(ok.maxKeyBytes()).putInt(ok.maxValueBytes());
            putU16(b, ok.keyspaces().size(), "keyspace count");
            for (final String keyspace : ok.keyspaces())
            {
                putString(b, keyspace);
            }
            putU16(b, ok.nodes().size(), "node count");
            for (final WireMessage.NodeAddress node : ok.nodes())
            {
                b.putInt(node.nodeId());
                putString(b, node.region());
                putString(b, node.host());
                putU16(b, node.port(), "port");
            }
        }
        else if (message instanceof WireMessage.Request request)
        {
            b.put(REQUEST).putLong(request.correlation()).putLong(request.clientId()).putLong(request.requestNumber())
                .putInt(request.timeoutMs()).put((byte)(request.staleRead() ? 1 : 0));
            putU16(b, request.ops().size(), "op count");
            for (final ClientOp op : request.ops())
            {
                b.put((byte)op.type().code());
                putString(b, op.keyspace());
                putBytes(b, op.key());
                putNullableBytes(b, op.value());
                putNullableBytes(b, op.expected());
                b.putLong(op.delta());
            }
        }
        else if (message instanceof WireMessage.Response response)
        {
            b.put(RESPONSE).putLong(response.correlation()).put((byte)response.status().code());
            putString(b, response.message());
            putU16(b, response.results().size(), "result count");
            for (final ClientResult result : response.results())
            {
                b.put((byte)(result.ok() ? 1 : 0));
                putNullableBytes(b, result.value());
            }
        }
        else if (message instanceof WireMessage.Error error)
        {
            b.put(ERROR).put((byte)error.status().code());
            putString(b, error.message());
        }
        else if (message instanceof WireMessage.Ping ping)
        {
            b.put(PING).putLong(ping.correlation());
        }
        else if (message instanceof WireMessage.Pong pong)
        {
            b.put(PONG).putLong(pong.correlation());
        }
        else
        {
            throw new WireException("unknown message " + message);
        }
    }

    /**
     * Decodes one frame body: {@code frame} holds exactly the bytes after the length prefix (type first).
     *
     * @throws WireException if the frame is malformed in any way, including trailing bytes.
     */
    public static WireMessage decode(final ByteBuffer frame) throws WireException
    {
        try
        {
            final WireMessage message = decodeBody(frame);
            if (frame.hasRemaining())
            {
                throw new WireException(frame.remaining() + " trailing bytes after the message");
            }
            return message;
        }
        catch (final BufferUnderflowException ex)
        {
            throw new WireException("truncated frame");
        }
    }

    private static WireMessage decodeBody(final ByteBuffer b) throws WireException
    {
        final byte type = b.get();
        switch (type)
        {
            case HELLO:
            {
                final int magic = b.getInt();
                if (magic != MAGIC)
                {
                    throw new WireException("not a geo client connection (bad magic)");
                }
                final int version = getU16(b);
                final long clientId = b.getLong();
                return new WireMessage.Hello(version, clientId, getString(b), getString(b), getString(b));
            }
            case HELLO_OK:
            {
                final int version = getU16(b);
                final int nodeId = b.getInt();
                final String region = getString(b);
                final String cluster = getString(b);
                final int maxOps = getU16(b);
                final int maxKeyBytes = b.getInt();
                final int maxValueBytes = b.getInt();
                final int keyspaceCount = getU16(b);
                final List<String> keyspaces = new ArrayList<>(Math.min(keyspaceCount, b.remaining() / 2));
                for (int i = 0; i < keyspaceCount; i++)
                {
                    keyspaces.add(getString(b));
                }
                final int nodeCount = getU16(b);
                final List<WireMessage.NodeAddress> nodes = new ArrayList<>(Math.min(nodeCount, b.remaining() / 10));
                for (int i = 0; i < nodeCount; i++)
                {
                    nodes.add(new WireMessage.NodeAddress(b.getInt(), getString(b), getString(b), getU16(b)));
                }
                return new WireMessage.HelloOk(version, nodeId, region, cluster, maxOps, maxKeyBytes, maxValueBytes,
                    List.copyOf(keyspaces), List.copyOf(nodes));
            }
            case REQUEST:
            {
                final long correlation = b.getLong();
                final long clientId = b.getLong();
                final long requestNumber = b.getLong();
                final int timeoutMs = b.getInt();
                final byte flags = b.get();
                if ((flags & ~1) != 0)
                {
                    throw new WireException("unknown request flags " + flags);
                }
                final int count = getU16(b);
                final List<ClientOp> ops = new ArrayList<>(Math.min(count, b.remaining() / 23));
                for (int i = 0; i < count; i++)
                {
                    final int code = b.get() & 0xff;
                    final ClientOp.Type opType = ClientOp.Type.fromCode(code);
                    if (opType == null)
                    {
                        throw new WireException("unknown op type " + code);
                    }
                    final String keyspace = getString(b);
                    final byte[] key = getNullableBytes(b);
                    if (key == null)
                    {
                        throw new WireException("null key");
                    }
                    ops.add(ClientOp.of(opType, keyspace, key, getNullableBytes(b), getNullableBytes(b), b.getLong()));
                }
                return new WireMessage.Request(correlation, clientId, requestNumber, timeoutMs, flags == 1,
                    List.copyOf(ops));
            }
            case RESPONSE:
            {
                final long correlation = b.getLong();
                final ClientStatus status = getStatus(b);
                final String message = getString(b);
                final int count = getU16(b);
                final List<ClientResult> results = new ArrayList<>(Math.min(count, b.remaining() / 5));
                for (int i = 0; i < count; i++)
                {
                    final byte ok = b.get();
                    if (ok != 0 && ok != 1)
                    {
                        throw new WireException("bad result flag " + ok);
                    }
                    results.add(new ClientResult(ok == 1, getNullableBytes(b)));
                }
                return new WireMessage.Response(correlation, status, message, List.copyOf(results));
            }
            case ERROR:
                return new WireMessage.Error(getStatus(b), getString(b));
            case PING:
                return new WireMessage.Ping(b.getLong());
            case PONG:
                return new WireMessage.Pong(b.getLong());
            default:
                throw new WireException("unknown frame type " + type);
        }
    }

    private static ClientStatus getStatus(final ByteBuffer b) throws WireException
    {
        final int code = b.get() & 0xff;
        final ClientStatus status = ClientStatus.fromCode(code);
        if (status == null)
        {
            throw new WireException("unknown status " + code);
        }
        return status;
    }

    private static void putU16(final ByteBuffer b, final int value, final String what) throws WireException
    {
        if (value < 0 || value > 0xffff)
        {
            throw new WireException(what + " " + value + " does not fit in 16 bits");
        }
        b.putShort((short)value);
    }

    private static int getU16(final ByteBuffer b)
    {
        return b.getShort() & 0xffff;
    }

    private static void putString(final ByteBuffer b, final String value) throws WireException
    {
        final byte[] bytes = (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
        putU16(b, bytes.length, "string length");
        b.put(bytes);
    }

    private static String getString(final ByteBuffer b) throws WireException
    {
        final int length = getU16(b);
        if (length > b.remaining())
        {
            throw new WireException("string of " + length + " bytes overruns the frame");
        }
        final ByteBuffer slice = b.slice(b.position(), length);
        b.position(b.position() + length);
        try
        {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(slice).toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw new WireException("string is not valid UTF-8");
        }
    }

    private static void putBytes(final ByteBuffer b, final byte[] value)
    {
        b.putInt(value.length).put(value);
    }

    private static void putNullableBytes(final ByteBuffer b, final byte[] value)
    {
        if (value == null)
        {
            b.putInt(-1);
        }
        else
        {
            putBytes(b, value);
        }
    }

    private static byte[] getNullableBytes(final ByteBuffer b) throws WireException
    {
        final int length = b.getInt();
        if (length == -1)
        {
            return null;
        }
        if (length < 0 || length > b.remaining())
        {
            throw new WireException("byte field of length " + length + " overruns the frame");
        }
        final byte[] bytes = new byte[length];
        b.get(bytes);
        return bytes;
    }
}
