package io.geo.router.client;

import io.geo.client.ClientResult;
import io.geo.client.ClientStatus;
import io.geo.client.WireCodec;
import io.geo.client.WireException;
import io.geo.client.WireMessage;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ClientEndpointLimitsTest
{
    static final class H implements ClientEndpoint.Handler
    {
        final List<ClientEndpoint.Client> seen = new ArrayList<>();
        WireMessage onRequestReply;
        public WireMessage onHello(ClientEndpoint.Client c, WireMessage.Hello h)
        {
            seen.add(c);
            return new WireMessage.HelloOk(1, 0, "r", "c", 64, 1000, 65536, List.of("kv"), List.of());
        }
        public void onRequest(ClientEndpoint.Client c, WireMessage.Request r)
        {
            c.send(onRequestReply);
        }
        public void onClosed(ClientEndpoint.Client c) { }
    }

    static Object field(Object o, String name) throws Exception
    {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    static List<ClientEndpoint.Client> clients(ClientEndpoint e) throws Exception
    {
        Field f = ClientEndpoint.class.getDeclaredField("clients");
        f.setAccessible(true);
        @SuppressWarnings("unchecked") List<ClientEndpoint.Client> l = (List<ClientEndpoint.Client>)f.get(e);
        return l;
    }

    /** A client that never reads makes the node hold ~80x more heap than MAX_OUTBOUND_BYTES accounts for. */
    @Test
    void shouldCountQueuedAnswersByTheMemoryTheyHold() throws Exception
    {
        final H h = new H();
        try (ClientEndpoint e = ClientEndpoint.bind(new InetSocketAddress("127.0.0.1", 0), 10, h);
             Socket s = new Socket())
        {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", e.port()));
            final OutputStream out = s.getOutputStream();
            final ByteBuffer hello = WireCodec.encode(new WireMessage.Hello(1, 7 * WireCodec.SESSIONS_PER_CONNECTION,
                "u", "", ""));
            out.write(hello.array(), 0, hello.limit());
            final int pings = 300_000;
            final Thread writer = new Thread(() -> {
                try
                {
                    final ByteBuffer all = ByteBuffer.allocate(pings * 13);
                    for (int i = 0; i < pings; i++)
                    {
                        all.putInt(9).put((byte)6).putLong(i);
                    }
                    out.write(all.array());
                }
                catch (Exception ignore) { }
            });
            writer.start();
            final long end = System.currentTimeMillis() + 20_000;
            while (writer.isAlive() && System.currentTimeMillis() < end)
            {
                e.poll();
            }
            for (int i = 0; i < 1000; i++) e.poll();
            final ClientEndpoint.Client c = clients(e).get(0);
            @SuppressWarnings("unchecked") final ArrayDeque<ByteBuffer> q = (ArrayDeque<ByteBuffer>)field(c, "outbound");
            long capacity = 0;
            for (ByteBuffer b : q) capacity += b.capacity();
            final long accounted = (long)field(c, "outboundBytes");
            System.out.println("queued frames " + q.size() + ", accounted bytes " + accounted +
                ", heap held by buffers " + capacity);
            assertTrue(capacity <= 2 * accounted, "heap held " + capacity + " vs accounted " + accounted);
        }
    }

    /** A frame header over the pre-HELLO limit from an unauthenticated peer: refused, nothing allocated for it. */
    @Test
    void shouldRefuseALargeFrameBeforeHelloWithoutAllocatingIt() throws Exception
    {
        final H h = new H();
        try (ClientEndpoint e = ClientEndpoint.bind(new InetSocketAddress("127.0.0.1", 0), 10, h);
             Socket s = new Socket())
        {
            s.connect(new InetSocketAddress("127.0.0.1", e.port()));
            s.getOutputStream().write(ByteBuffer.allocate(4).putInt(WireCodec.MAX_FRAME_BYTES).array());
            for (int i = 0; i < 200_000 && (e.malformedCount() == 0 || e.clientCount() > 0); i++) e.poll();
            assertEquals(0, e.clientCount(), "the connection is refused and closed");
            assertEquals(1, e.malformedCount());
        }
    }

    /** A response too large for a frame: the client gets an ERROR and the connection is closed. */
    @Test
    void shouldCloseTheConnectionAfterAnAnswerTooLargeForAFrame() throws Exception
    {
        final H h = new H();
        final List<ClientResult> big = new ArrayList<>();
        for (int i = 0; i < 130; i++) big.add(new ClientResult(true, new byte[65_536]));
        h.onRequestReply = new WireMessage.Response(1, ClientStatus.OK, "", big);
        try (ClientEndpoint e = ClientEndpoint.bind(new InetSocketAddress("127.0.0.1", 0), 10, h);
             Socket s = new Socket())
        {
            s.connect(new InetSocketAddress("127.0.0.1", e.port()));
            s.setSoTimeout(5000);
            final ByteBuffer hello = WireCodec.encode(new WireMessage.Hello(1, 7 * WireCodec.SESSIONS_PER_CONNECTION,
                "u", "", ""));
            s.getOutputStream().write(hello.array(), 0, hello.limit());
            final ByteBuffer req = WireCodec.encode(new WireMessage.Request(1, 7 * WireCodec.SESSIONS_PER_CONNECTION,
                1, 1000, false,
                List.of(io.geo.client.ClientOp.get("kv", new byte[] {1}))));
            s.getOutputStream().write(req.array(), 0, req.limit());
            for (int i = 0; i < 5000; i++) e.poll();
            assertEquals(0, e.clientCount(), "connection should be closed after the ERROR frame");
        }
    }

    /** 64 GETs of 64 KiB values (the default limits) can be answered in one frame. */
    @Test
    void shouldEncodeTheLargestAnswerTheDefaultLimitsAllow()
    {
        final List<ClientResult> big = new ArrayList<>();
        for (int i = 0; i < 64; i++) big.add(new ClientResult(true, new byte[65_536]));
        assertDoesNotThrow(() -> WireCodec.encode(new WireMessage.Response(1, ClientStatus.OK, "", big)));
    }
}
