package io.geo.router.client;

import io.geo.client.ClientOp;
import io.geo.client.WireCodec;
import io.geo.client.WireMessage;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;

/** A bare client-protocol connection for tests: frames out, frames in, nothing hidden. */
final class RawClient implements AutoCloseable
{
    final Socket socket;
    final DataInputStream in;
    final long clientId;
    long correlation = 1;

    RawClient(final int port, final long clientId) throws IOException
    {
        this.socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.clientId = clientId * WireCodec.SESSIONS_PER_CONNECTION; // a connection's block of sessions
    }

    WireMessage hello() throws Exception
    {
        send(new WireMessage.Hello(WireCodec.VERSION, clientId, "test", "", ""));
        return receive();
    }

    WireMessage.Response call(final long requestNumber, final boolean stale, final ClientOp... ops) throws Exception
    {
        final long c = correlation++;
        send(new WireMessage.Request(c, clientId, requestNumber, 15_000, stale, List.of(ops)));
        final WireMessage reply = receive();
        if (!(reply instanceof WireMessage.Response response) || response.correlation() != c)
        {
            throw new AssertionError("expected the response to " + c + ", got " + reply);
        }
        return response;
    }

    void send(final WireMessage message) throws Exception
    {
        final ByteBuffer frame = WireCodec.encode(message);
        socket.getOutputStream().write(frame.array(), 0, frame.limit());
        socket.getOutputStream().flush();
    }

    void sendRaw(final byte[] bytes) throws IOException
    {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    WireMessage receive() throws Exception
    {
        final int length = in.readInt();
        final byte[] body = new byte[length];
        in.readFully(body);
        return WireCodec.decode(ByteBuffer.wrap(body));
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
