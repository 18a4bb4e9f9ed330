package io.geo.jdbc;

import io.geo.client.WireCodec;
import io.geo.client.WireException;
import io.geo.client.WireMessage;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * One blocking TCP connection to a node's client endpoint, after a successful HELLO. Not thread-safe: the session
 * that owns it serialises calls. Every read has a deadline; a connection that failed or timed out is closed and
 * never reused (a late response must not answer a later request).
 */
final class NodeConnection implements AutoCloseable
{
    /**
     * Closes a connection whose blocking write outlives its deadline (socket timeouts cover reads only): one daemon
     * thread for the whole driver, idle unless a write is in progress.
     */
    private static final java.util.concurrent.ScheduledThreadPoolExecutor WATCHDOG;

    static
    {
        WATCHDOG = new java.util.concurrent.ScheduledThreadPoolExecutor(1, runnable ->
        {
            final Thread thread = new Thread(runnable, "geo-jdbc-write-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        WATCHDOG.setRemoveOnCancelPolicy(true);
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final WireMessage.HelloOk hello;
    private final String address;
    private boolean broken;

    private NodeConnection(final Socket socket, final WireMessage.HelloOk hello, final String address)
        throws IOException
    {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.hello = hello;
        this.address = address;
    }

    /**
     * Connects and says HELLO, all within {@code timeoutMs}.
     *
     * @throws IOException when the node cannot be reached or does not answer in time.
     * @throws RefusedException when the node answers with an ERROR frame (credentials refused, bad version).
     */
    static NodeConnection open(
        final String host, final int port, final WireMessage.Hello helloMessage, final int timeoutMs)
        throws IOException, RefusedException
    {
        final Socket socket = new Socket();
        try
        {
            final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
            socket.setTcpNoDelay(true);
            final java.net.InetAddress resolved = HostResolver.resolve(host, timeoutMs);
            final int remainingMs = (int)Math.max(1, (deadlineNs - System.nanoTime()) / 1_000_000);
            socket.connect(new InetSocketAddress(resolved, port), remainingMs);
            final String address = host + ":" + port;
            final OutputStream out = socket.getOutputStream();
            write(socket, out, helloMessage, deadlineNs);
            final WireMessage reply = read(socket, socket.getInputStream(), deadlineNs);
            if (reply instanceof WireMessage.HelloOk ok)
            {
                return new NodeConnection(socket, ok, address);
            }
            if (reply instanceof WireMessage.Error error)
            {
                throw new RefusedException(error.status(), address + " refused the connection: " + error.message());
            }
            throw new IOException(
                address + " answered HELLO with an unexpected frame " + reply.getClass().getSimpleName());
        }
        catch (final IOException | RefusedException | RuntimeException ex)
        {
            socket.close();
            throw ex;
        }
    }

    WireMessage.HelloOk hello()
    {
        return hello;
    }

    String address()
    {
        return address;
    }

    boolean isBroken()
    {
        return broken || socket.isClosed();
    }

    /**
     * Sends {@code request} and waits for the frame that answers {@code correlation} until {@code deadlineNs}
     * ({@link System#nanoTime()} scale). Frames answering older correlations are skipped.
     *
     * @throws SocketTimeoutException when the deadline passes (the connection is then broken).
     * @throws IOException on any other failure (the connection is then broken).
     */
    WireMessage call(final WireMessage request, final long correlation, final long deadlineNs) throws IOException
    {
        if (isBroken())
        {
            throw new IOException("connection to " + address + " is closed");
        }
        try
        {
            write(socket, out, request, deadlineNs);
            while (true)
            {
                final WireMessage reply = read(socket, in, deadlineNs);
                if (reply instanceof WireMessage.Response response && response.correlation() != correlation)
                {
                    continue;
                }
                if (reply instanceof WireMessage.Pong pong && pong.correlation() != correlation)
                {
                    continue;
                }
                return reply;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    private static void write(final Socket socket, final OutputStream out, final WireMessage message,
        final long deadlineNs) throws IOException
    {
        final ByteBuffer frame;
        try
        {
            frame = WireCodec.encode(message);
        }
        catch (final WireException ex)
        {
            throw new FrameTooLargeException(ex.getMessage());
        }
        final java.util.concurrent.ScheduledFuture<?> alarm = WATCHDOG.schedule(() ->
        {
            try
            {
                socket.close();
            }
            catch (final IOException ignore)
            {
                // closing to unblock the writer
            }
        }, Math.max(0, deadlineNs - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        try
        {
            out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
            out.flush();
        }
        catch (final IOException ex)
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new SocketTimeoutException("the node did not take the request before the deadline");
            }
            throw ex;
        }
        finally
        {
            alarm.cancel(false);
        }
    }

    /** The request does not fit in a frame: nothing was sent. */
    static final class FrameTooLargeException extends IOException
    {
        private static final long serialVersionUID = 1L;

        FrameTooLargeException(final String message)
        {
            super(message);
        }
    }

    private static WireMessage read(final Socket socket, final InputStream in, final long deadlineNs)
        throws IOException
    {
        final byte[] header = new byte[4];
        readFully(socket, in, header, deadlineNs);
        final int length = ByteBuffer.wrap(header).getInt();
        if (length <= 0 || length > WireCodec.MAX_FRAME_BYTES)
        {
            throw new IOException("frame length " + length + " out of range: not a geo node?");
        }
        final byte[] body = new byte[length];
        readFully(socket, in, body, deadlineNs);
        try
        {
            return WireCodec.decode(ByteBuffer.wrap(body));
        }
        catch (final WireException ex)
        {
            throw new IOException("malformed frame from node: " + ex.getMessage(), ex);
        }
    }

    private static void readFully(final Socket socket, final InputStream in, final byte[] into, final long deadlineNs)
        throws IOException
    {
        int offset = 0;
        while (offset < into.length)
        {
            final long remainingMs = (deadlineNs - System.nanoTime()) / 1_000_000L;
            if (remainingMs <= 0)
            {
                throw new SocketTimeoutException("no answer before the deadline");
            }
            socket.setSoTimeout((int)Math.min(Integer.MAX_VALUE, remainingMs));
            final int read = in.read(into, offset, into.length - offset);
            if (read < 0)
            {
                throw new EOFException("the node closed the connection");
            }
            offset += read;
        }
    }

    @Override
    public void close()
    {
        broken = true;
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // closing: nothing to do
        }
    }

    /** A node answered HELLO with an ERROR frame: retrying the same node will not help. */
    static final class RefusedException extends Exception
    {
        private static final long serialVersionUID = 1L;
        private final io.geo.client.ClientStatus status;

        RefusedException(final io.geo.client.ClientStatus status, final String message)
        {
            super(message);
            this.status = status;
        }

        io.geo.client.ClientStatus status()
        {
            return status;
        }
    }
}
