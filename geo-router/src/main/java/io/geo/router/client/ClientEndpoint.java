package io.geo.router.client;

import io.geo.client.ClientStatus;
import io.geo.client.WireCodec;
import io.geo.client.WireException;
import io.geo.client.WireMessage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;

/**
 * A node's client endpoint: a non-blocking TCP server for the client protocol ({@link WireCodec}), polled from the
 * node's duty cycle (no threads of its own). It frames and decodes what clients send, hands HELLO and requests to a
 * {@link Handler} and queues what the handler sends back. Limits: {@code maxClients} connections (more are
 * refused with an ERROR frame), frames up to {@link WireCodec#MAX_FRAME_BYTES}, {@link #MAX_OUTBOUND_BYTES} queued
 * per client (a client that does not read is disconnected). A malformed frame earns an ERROR frame and a closed connection; nothing a client sends can throw out of
 * {@link #poll}. Single-threaded: every method runs on the duty-cycle thread.
 */
public final class ClientEndpoint implements AutoCloseable
{
    /** Bytes of responses queued for one client before it is disconnected as too slow. */
    public static final int MAX_OUTBOUND_BYTES = 16 * 1024 * 1024;
    /** Above this many queued bytes the endpoint stops reading a client's requests until it reads its answers. */
    public static final int PAUSE_READING_BYTES = 1024 * 1024;
    /** Largest frame accepted before HELLO (a HELLO is small): an unauthenticated peer cannot make it allocate more. */
    public static final int MAX_FRAME_BYTES_BEFORE_HELLO = 64 * 1024;
    /** A connection that has not said HELLO within this long is closed. */
    public static final long HELLO_TIMEOUT_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    /** A connection closing after an ERROR frame that its peer does not read within this long is closed anyway. */
    public static final long CLOSING_TIMEOUT_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    private static final int INITIAL_READ_BUFFER_BYTES = 16 * 1024;

    /** What the node does with client frames; called on the duty-cycle thread. */
    public interface Handler
    {
        /** A client said HELLO: answer with {@link WireMessage.HelloOk}, or with {@link WireMessage.Error} to refuse. */
        WireMessage onHello(Client client, WireMessage.Hello hello);

        /** A request from a client that has said HELLO; answer now or later with {@link Client#send}. */
        void onRequest(Client client, WireMessage.Request request);

        /** The client's connection closed (no more sends reach it). */
        void onClosed(Client client);
    }

    /** One connected client. */
    public final class Client
    {
        private final SocketChannel channel;
        private final long id;
        private final String remote;
        private ByteBuffer readBuffer = ByteBuffer.allocate(INITIAL_READ_BUFFER_BYTES);
        private final ArrayDeque<ByteBuffer> outbound = new ArrayDeque<>();
        private long outboundBytes;
        private boolean helloDone;
        private long sessionId;
        private boolean closing;
        private boolean closed;
        /** In {@link #dirty}: has frames queued since the last {@link #flushQueued}. */
        private boolean queued;
        private SelectionKey key;
        private final long acceptedNs = System.nanoTime();
        private long closingSinceNs;

        private Client(final SocketChannel channel, final long id, final String remote)
        {
            this.channel = channel;
            this.id = id;
            this.remote = remote;
        }

        /** A number unique among this endpoint's connections. */
        public long id()
        {
            return id;
        }

        /** The client id the HELLO named (0 before it). */
        public long sessionId()
        {
            return sessionId;
        }

        public String remote()
        {
            return remote;
        }

        public boolean isOpen()
        {
            return !closed && !closing;
        }

        /**
         * Queues {@code message}; the endpoint writes it at its next {@link #flushQueued} (the end of {@link #poll},
         * or the host's call after its duty cycle), coalesced with the client's other frames of the cycle into one
         * gathering write. A closed client ignores it.
         */
        public void send(final WireMessage message)
        {
            if (!isOpen())
            {
                return;
            }
            final ByteBuffer frame;
            try
            {
                frame = WireCodec.encode(message);
            }
            catch (final WireException ex)
            {
                // a response too large for a frame (results over the limit): tell the client instead
                refuse(new WireMessage.Error(ClientStatus.PROTOCOL_ERROR, "response too large: " + ex.getMessage()));
                return;
            }
            if (outboundBytes + frame.remaining() > MAX_OUTBOUND_BYTES)
            {
                slowClients++;
                close(this);
                return;
            }
            outbound.add(frame);
            outboundBytes += frame.remaining();
            if (!queued)
            {
                // written by flushQueued(), with whatever else this client gets in the same duty cycle
                queued = true;
                dirty.add(this);
            }
        }

        /** Sends {@code error} and closes the connection once it is written. */
        void refuse(final WireMessage.Error error)
        {
            send(error);
            if (!closing)
            {
                closing = true;
                closingSinceNs = System.nanoTime();
            }
            flush(this);
        }
    }

    private final Handler handler;
    private final int maxClients;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final ArrayList<Client> clients = new ArrayList<>();
    /** Clients with frames queued since the last flushQueued(). */
    private final ArrayList<Client> dirty = new ArrayList<>();
    /** A gathering write's buffers. */
    private final ByteBuffer[] gather = new ByteBuffer[64];
    private long nextClientId = 1;
    private long accepted;
    private long refused;
    private long malformed;
    private long slowClients;
    private long framesReceived;
    private long socketWrites;

    private ClientEndpoint(final Handler handler, final int maxClients, final Selector selector,
        final ServerSocketChannel server)
    {
        this.handler = handler;
        this.maxClients = maxClients;
        this.selector = selector;
        this.server = server;
    }

    /**
     * Binds the endpoint to {@code address} (port 0: any free port).
     *
     * @throws IOException if the address cannot be bound (in use, not local); nothing stays open.
     */
    public static ClientEndpoint bind(final InetSocketAddress address, final int maxClients, final Handler handler)
        throws IOException
    {
        final Selector selector = Selector.open();
        ServerSocketChannel server = null;
        try
        {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(address, 128);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            return new ClientEndpoint(handler, maxClients, selector, server);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (server != null)
            {
                server.close();
            }
            selector.close();
            throw new IOException("cannot listen for clients on " + address.getHostString() + ":" + address.getPort() +
                ": " + ex.getMessage(), ex);
        }
    }

    /** The port clients connect to. */
    public int port()
    {
        return server.socket().getLocalPort();
    }

    /**
     * Writes the frames queued by {@link Client#send} since the last call (one gathering write per client); what a
     * socket does not take now is written when it becomes writable. Returns the number of clients written to.
     */
    public int flushQueued()
    {
        final int count = dirty.size();
        for (int i = 0; i < count; i++)
        {
            final Client client = dirty.get(i);
            client.queued = false;
            flush(client);
        }
        dirty.clear();
        return count;
    }

    /**
     * Accepts, reads and writes what is ready without blocking, then writes the frames queued meanwhile
     * ({@link #flushQueued}); returns the amount of work done.
     */
    public int poll()
    {
        return pollSockets() + flushQueued();
    }

    private int pollSockets()
    {
        final long nowNs = System.nanoTime();
        if (nowNs >= nextSweepNs)
        {
            nextSweepNs = nowNs + SWEEP_INTERVAL_NS;
            sweep(nowNs);
        }
        final int ready;
        try
        {
            ready = selector.selectNow();
        }
        catch (final IOException ex)
        {
            return 0;
        }
        if (ready == 0)
        {
            return 0;
        }
        int work = 0;
        final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext())
        {
            final SelectionKey key = keys.next();
            keys.remove();
            if (!key.isValid())
            {
                continue;
            }
            if (key.isAcceptable())
            {
                work += accept();
                continue;
            }
            final Client client = (Client)key.attachment();
            if (key.isWritable())
            {
                flush(client);
            }
            if (key.isValid() && key.isReadable())
            {
                work += read(client);
            }
        }
        return work;
    }

    private static final long SWEEP_INTERVAL_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);
    private long nextSweepNs;

    /** Closes connections that never said HELLO, or that do not read the ERROR that closes them. */
    private void sweep(final long nowNs)
    {
        for (final Client client : new ArrayList<>(clients))
        {
            if (!client.helloDone && !client.closing && nowNs - client.acceptedNs > HELLO_TIMEOUT_NS)
            {
                malformed++;
                close(client);
            }
            else if (client.closing && nowNs - client.closingSinceNs > CLOSING_TIMEOUT_NS)
            {
                close(client);
            }
        }
    }

    private int accept()
    {
        int work = 0;
        while (true)
        {
            final SocketChannel channel;
            try
            {
                channel = server.accept();
            }
            catch (final IOException ex)
            {
                return work;
            }
            if (channel == null)
            {
                return work;
            }
            work++;
            String remote = "?";
            try
            {
                remote = String.valueOf(channel.getRemoteAddress());
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                final Client client = new Client(channel, nextClientId++, remote);
                client.key = channel.register(selector, SelectionKey.OP_READ, client);
                clients.add(client);
                accepted++;
                if (clients.size() > maxClients)
                {
                    refused++;
                    client.refuse(new WireMessage.Error(ClientStatus.OVERLOADED, "node has " + maxClients +
                        " clients connected, the max-clients limit: try another node or later"));
                }
            }
            catch (final IOException ex)
            {
                try
                {
                    channel.close();
                }
                catch (final IOException ignore)
                {
                    // already failing
                }
            }
        }
    }

    private int read(final Client client)
    {
        int frames = 0;
        if (!client.isOpen())
        {
            client.key.interestOps(client.outbound.isEmpty() ? 0 : SelectionKey.OP_WRITE);
            return 0; // closing: its requests are no longer read
        }
        try
        {
            final int read = client.channel.read(client.readBuffer);
            if (read < 0)
            {
                close(client);
                return 1;
            }
            final ByteBuffer buffer = client.readBuffer;
            buffer.flip();
            // every complete frame in the buffer: at most its capacity / 5 (the smallest frame), so bounded
            while (client.isOpen() && buffer.remaining() >= 4)
            {
                final int length = buffer.getInt(buffer.position());
                final int limit = client.helloDone ? WireCodec.MAX_FRAME_BYTES : MAX_FRAME_BYTES_BEFORE_HELLO;
                if (length <= 0 || length > limit)
                {
                    malformed++;
                    client.refuse(new WireMessage.Error(ClientStatus.PROTOCOL_ERROR, "frame length " + length +
                        " out of range 1.." + limit));
                    return frames + 1;
                }
                if (buffer.remaining() < 4 + length)
                {
                    if (buffer.capacity() < 4 + length)
                    {
                        // grow to hold the whole frame; bounded by the frame limit
                        final ByteBuffer bigger = ByteBuffer.allocate(Math.max(4 + length, buffer.capacity() * 2));
                        bigger.put(buffer);
                        client.readBuffer = bigger;
                        return frames + 1;
                    }
                    break;
                }
                final ByteBuffer frame = buffer.slice(buffer.position() + 4, length);
                buffer.position(buffer.position() + 4 + length);
                frames++;
                framesReceived++;
                dispatch(client, frame);
            }
            buffer.compact();
            if (buffer.position() == 0 && buffer.capacity() > INITIAL_READ_BUFFER_BYTES)
            {
                client.readBuffer = ByteBuffer.allocate(INITIAL_READ_BUFFER_BYTES); // give back a large frame's room
            }
        }
        catch (final IOException ex)
        {
            close(client);
        }
        return Math.max(1, frames);
    }

    private void dispatch(final Client client, final ByteBuffer frame)
    {
        final WireMessage message;
        try
        {
            message = WireCodec.decode(frame);
        }
        catch (final WireException ex)
        {
            malformed++;
            client.refuse(new WireMessage.Error(ClientStatus.PROTOCOL_ERROR, "malformed frame: " + ex.getMessage()));
            return;
        }
        if (!client.helloDone)
        {
            if (!(message instanceof WireMessage.Hello hello))
            {
                malformed++;
                client.refuse(new WireMessage.Error(ClientStatus.PROTOCOL_ERROR, "expected HELLO first"));
                return;
            }
            final WireMessage answer = handler.onHello(client, hello);
            if (answer instanceof WireMessage.Error error)
            {
                client.refuse(error);
                return;
            }
            client.helloDone = true;
            client.sessionId = hello.clientId();
            client.send(answer);
            return;
        }
        if (message instanceof WireMessage.Request request)
        {
            handler.onRequest(client, request);
        }
        else if (message instanceof WireMessage.Ping ping)
        {
            client.send(new WireMessage.Pong(ping.correlation()));
        }
        else
        {
            malformed++;
            client.refuse(new WireMessage.Error(ClientStatus.PROTOCOL_ERROR, "unexpected frame " +
                message.getClass().getSimpleName()));
        }
    }

    private void flush(final Client client)
    {
        if (client.closed)
        {
            return;
        }
        try
        {
            while (!client.outbound.isEmpty())
            {
                int n = 0;
                for (final ByteBuffer frame : client.outbound)
                {
                    if (n == gather.length)
                    {
                        break;
                    }
                    gather[n++] = frame;
                }
                final long written = client.channel.write(gather, 0, n);
                socketWrites++;
                Arrays.fill(gather, 0, n, null);
                client.outboundBytes -= written;
                while (!client.outbound.isEmpty() && !client.outbound.peek().hasRemaining())
                {
                    client.outbound.poll();
                }
                if (!client.outbound.isEmpty() && client.outbound.peek().position() > 0 || written == 0)
                {
                    break; // the socket took part of a frame or nothing: wait until it is writable
                }
            }
            if (client.outbound.isEmpty())
            {
                if (client.closing)
                {
                    close(client);
                    return;
                }
                client.key.interestOps(SelectionKey.OP_READ);
            }
            else if (client.closing || client.outboundBytes > PAUSE_READING_BYTES)
            {
                // the client is not reading its answers: stop reading its requests until it catches up
                client.key.interestOps(SelectionKey.OP_WRITE);
            }
            else
            {
                client.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            close(client);
        }
    }

    private void close(final Client client)
    {
        if (client.closed)
        {
            return;
        }
        client.closed = true;
        client.outbound.clear();
        client.outboundBytes = 0;
        try
        {
            client.channel.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
        clients.remove(client);
        handler.onClosed(client);
    }

    public int clientCount()
    {
        return clients.size();
    }

    public long acceptedCount()
    {
        return accepted;
    }

    /** Connections refused at the max-clients limit. */
    public long refusedCount()
    {
        return refused;
    }

    /** Connections closed for a malformed or unexpected frame. */
    public long malformedCount()
    {
        return malformed;
    }

    /** Connections closed because their responses piled up unread. */
    public long slowClientCount()
    {
        return slowClients;
    }

    public long framesReceived()
    {
        return framesReceived;
    }

    /** Writes to client sockets (each a gathering write of up to 64 queued frames). */
    public long socketWriteCount()
    {
        return socketWrites;
    }

    /** Closes every client connection and the listening socket. */
    @Override
    public void close()
    {
        for (final Client client : new ArrayList<>(clients))
        {
            close(client);
        }
        try
        {
            server.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
        try
        {
            selector.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
    }
}
