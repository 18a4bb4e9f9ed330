package io.geo.jdbc;

import io.geo.client.ClientOp;
import io.geo.client.ClientResult;
import io.geo.client.ClientStatus;
import io.geo.client.WireCodec;
import io.geo.client.WireException;
import io.geo.client.WireMessage;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process stand-in for a node's client endpoint: answers HELLO with the given limits and keyspaces, PING with
 * PONG, and each REQUEST from an in-memory store with the server's op semantics (or stays silent when told to). It
 * records every request, so tests see exactly what the driver sent. Not a cluster: no replication, no failover.
 */
final class FakeNode implements AutoCloseable
{
    static final String CLUSTER = "test-cluster";
    static final String REGION = "eu-west-1";

    private final WireMessage.HelloOk hello;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<WireMessage.Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> store = new HashMap<>(); // guarded by itself; key: keyspace + '/' + hex key
    private volatile boolean silent;

    FakeNode(final int maxOps, final int maxKeyBytes, final int maxValueBytes, final String... keyspaces)
        throws IOException
    {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.hello = new WireMessage.HelloOk(WireCodec.VERSION, 0, REGION, CLUSTER, maxOps, maxKeyBytes,
            maxValueBytes, List.of(keyspaces), List.of());
        this.acceptor = new Thread(this::acceptLoop, "fake-node-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A node with keyspaces "kv" and "other", 16 ops, 64-byte keys and 256-byte values. */
    static FakeNode standard() throws IOException
    {
        return new FakeNode(16, 64, 256, "kv", "other");
    }

    String url()
    {
        return "jdbc:geo://127.0.0.1:" + server.getLocalPort() + "/";
    }

    /** Requests received so far, in order. */
    List<WireMessage.Request> requests()
    {
        return requests;
    }

    /** When silent, requests are recorded but never answered (to test deadlines). */
    void silent(final boolean silent)
    {
        this.silent = silent;
    }

    void put(final String keyspace, final String key, final String value)
    {
        synchronized (store)
        {
            store.put(storeKey(keyspace, key.getBytes(StandardCharsets.UTF_8)), value.getBytes(StandardCharsets.UTF_8));
        }
    }

    String get(final String keyspace, final String key)
    {
        synchronized (store)
        {
            final byte[] value = store.get(storeKey(keyspace, key.getBytes(StandardCharsets.UTF_8)));
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws IOException
    {
        server.close();
        for (final Socket socket : sockets)
        {
            socket.close();
        }
    }

    private void acceptLoop()
    {
        while (!server.isClosed())
        {
            try
            {
                final Socket socket = server.accept();
                sockets.add(socket);
                final Thread thread = new Thread(() -> serve(socket), "fake-node-connection");
                thread.setDaemon(true);
                thread.start();
            }
            catch (final IOException ex)
            {
                return; // closed
            }
        }
    }

    private void serve(final Socket socket)
    {
        try (socket)
        {
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final OutputStream out = socket.getOutputStream();
            while (true)
            {
                final byte[] body = new byte[in.readInt()];
                in.readFully(body);
                final WireMessage message = WireCodec.decode(ByteBuffer.wrap(body));
                if (message instanceof WireMessage.Hello)
                {
                    write(out, hello);
                }
                else if (message instanceof WireMessage.Ping ping)
                {
                    write(out, new WireMessage.Pong(ping.correlation()));
                }
                else if (message instanceof WireMessage.Request request)
                {
                    requests.add(request);
                    if (!silent)
                    {
                        write(out, new WireMessage.Response(request.correlation(), ClientStatus.OK, "",
                            apply(request.ops())));
                    }
                }
            }
        }
        catch (final IOException | WireException ex)
        {
            // connection closed by the driver or the test
        }
    }

    private List<ClientResult> apply(final List<ClientOp> ops)
    {
        synchronized (store)
        {
            final List<ClientResult> results = new ArrayList<>(ops.size());
            for (final ClientOp op : ops)
            {
                results.add(apply(op));
            }
            return results;
        }
    }

    private ClientResult apply(final ClientOp op)
    {
        final String key = storeKey(op.keyspace(), op.key());
        final byte[] current = store.get(key);
        switch (op.type())
        {
            case GET:
                return new ClientResult(current != null, current);
            case PUT:
                store.put(key, op.value());
                return new ClientResult(true, null);
            case DELETE:
                return new ClientResult(store.remove(key) != null, null);
            case CAS:
                if (op.expected() == null ? current == null : Arrays.equals(op.expected(), current))
                {
                    store.put(key, op.value());
                    return new ClientResult(true, null);
                }
                return new ClientResult(false, current);
            case INCR:
            {
                final long value;
                try
                {
                    value = current == null ? 0 : Long.parseLong(new String(current, StandardCharsets.UTF_8));
                }
                catch (final NumberFormatException ex)
                {
                    return new ClientResult(false, current);
                }
                try
                {
                    final byte[] next =
                        Long.toString(Math.addExact(value, op.delta())).getBytes(StandardCharsets.UTF_8);
                    store.put(key, next);
                    return new ClientResult(true, next);
                }
                catch (final ArithmeticException ex)
                {
                    return new ClientResult(false, current);
                }
            }
            default:
                throw new IllegalStateException("unknown op " + op);
        }
    }

    private static String storeKey(final String keyspace, final byte[] key)
    {
        final StringBuilder text = new StringBuilder(keyspace).append('/');
        for (final byte b : key)
        {
            text.append(String.format("%02x", b));
        }
        return text.toString();
    }

    private static void write(final OutputStream out, final WireMessage message) throws IOException, WireException
    {
        final ByteBuffer frame = WireCodec.encode(message);
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
    }
}
