package io.geo.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for tests that cuts connections mid-call: requests reach the node, but with probability
 * {@code dropProbability} the node's next answer is thrown away and both sides are closed, as when a network path
 * fails after the command was sent. Threads are daemons; {@link #close()} stops accepting.
 */
final class DroppingProxy implements AutoCloseable
{
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final double dropProbability;
    private final Random random;
    private final AtomicLong dropped = new AtomicLong();

    DroppingProxy(final int targetPort, final double dropProbability, final long seed) throws IOException
    {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.dropProbability = dropProbability;
        this.random = new Random(seed);
        final Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port()
    {
        return server.getLocalPort();
    }

    long dropped()
    {
        return dropped.get();
    }

    private void accept()
    {
        while (!server.isClosed())
        {
            try
            {
                final Socket client = server.accept();
                final Socket node = new Socket();
                node.connect(target, 2000);
                client.setTcpNoDelay(true);
                node.setTcpNoDelay(true);
                start(() -> pump(client, node, false));
                start(() -> pump(node, client, true));
            }
            catch (final IOException ex)
            {
                // closed, or the node is down: the client sees a closed connection
            }
        }
    }

    private static void start(final Runnable runnable)
    {
        final Thread thread = new Thread(runnable, "proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void pump(final Socket from, final Socket to, final boolean answers)
    {
        final byte[] buffer = new byte[64 * 1024];
        try (from; to)
        {
            final InputStream in = from.getInputStream();
            final OutputStream out = to.getOutputStream();
            int read;
            boolean first = true;
            while ((read = in.read(buffer)) >= 0)
            {
                // never drop the HELLO answer, so every connection gets as far as sending a request
                final boolean drop;
                synchronized (random)
                {
                    drop = answers && !first && random.nextDouble() < dropProbability;
                }
                first = false;
                if (drop)
                {
                    dropped.incrementAndGet();
                    return; // closes both sockets: the answer is lost
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        }
        catch (final IOException ex)
        {
            // the other side closed
        }
    }

    @Override
    public void close() throws IOException
    {
        server.close();
    }
}
