package io.geo.router.client;

import io.geo.client.ClientResult;
import io.geo.client.ClientStatus;
import io.geo.client.WireCodec;
import io.geo.client.WireMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replies queued during a duty cycle leave together: one gathering write per client per 64 frames, in the order they
 * were sent, and none before the endpoint flushes.
 */
@Timeout(30)
class ClientEndpointFlushTest
{
    private static final int REPLIES = 200;

    /** Answers a request with {@value #REPLIES} responses, correlations 0 to 199. */
    private static final class Burst implements ClientEndpoint.Handler
    {
        @Override
        public WireMessage onHello(final ClientEndpoint.Client client, final WireMessage.Hello hello)
        {
            return new WireMessage.HelloOk(1, 0, "r", "c", 64, 1000, 65536, List.of("kv"), List.of());
        }

        @Override
        public void onRequest(final ClientEndpoint.Client client, final WireMessage.Request request)
        {
            for (int i = 0; i < REPLIES; i++)
            {
                client.send(new WireMessage.Response(i, ClientStatus.OK, "", List.of(new ClientResult(true, null))));
            }
        }

        @Override
        public void onClosed(final ClientEndpoint.Client client)
        {
        }
    }

    @Test
    void shouldWriteTheRepliesOfOneCycleTogetherAndInOrder() throws Exception
    {
        try (ClientEndpoint endpoint = ClientEndpoint.bind(new InetSocketAddress("127.0.0.1", 0), 4, new Burst());
            Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", endpoint.port()));
            socket.setSoTimeout(10_000);
            final OutputStream out = socket.getOutputStream();
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            write(out, new WireMessage.Hello(WireCodec.VERSION, 5 * WireCodec.SESSIONS_PER_CONNECTION, "t", "", ""));
            while (endpoint.framesReceived() < 1)
            {
                endpoint.poll();
            }
            assertTrue(read(in) instanceof WireMessage.HelloOk);

            final long writesBefore = endpoint.socketWriteCount();
            write(out, new WireMessage.Request(1, 5 * WireCodec.SESSIONS_PER_CONNECTION, 1, 1000, false,
                List.of()));
            while (endpoint.framesReceived() < 2)
            {
                endpoint.poll();
            }
            for (int i = 0; i < REPLIES; i++)
            {
                final WireMessage message = read(in);
                assertTrue(message instanceof WireMessage.Response, String.valueOf(message));
                assertEquals(i, ((WireMessage.Response)message).correlation(), "in order");
            }
            final long writes = endpoint.socketWriteCount() - writesBefore;
            assertTrue(writes >= 1 && writes <= 8, REPLIES + " replies in " + writes + " writes");
        }
    }

    private static void write(final OutputStream out, final WireMessage message) throws Exception
    {
        final ByteBuffer frame = WireCodec.encode(message);
        out.write(frame.array(), 0, frame.limit());
    }

    private static WireMessage read(final DataInputStream in) throws Exception
    {
        final byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return WireCodec.decode(ByteBuffer.wrap(body));
    }
}
