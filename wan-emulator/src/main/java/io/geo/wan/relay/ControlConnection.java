package io.geo.wan.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One TCP connection to the relay's control address: reads command lines, runs each on the relay thread and writes
 * the reply. Bounded: a line longer than {@link #LINE_BYTES_MAX} gets an error and the connection closes; a client
 * that does not read its replies is disconnected when {@link #OUTPUT_BYTES_MAX} bytes are waiting.
 * <p>
 * The output buffer starts at {@link #OUTPUT_BYTES_INITIAL} and grows, up to {@link #OUTPUT_BYTES_MAX}, only for a
 * reply that does not fit (status of a many-region profile).
 * <p>
 * Owned by the relay thread; not thread-safe.
 */
final class ControlConnection
{
    static final int LINE_BYTES_MAX = 1024;
    static final int OUTPUT_BYTES_INITIAL = 64 * 1024;
    /** Status of a 64-region profile (4032 links) is about 1.4 MB. */
    static final int OUTPUT_BYTES_MAX = 4 * 1024 * 1024;

    final SocketChannel channel;
    SelectionKey key;
    private final ByteBuffer input = ByteBuffer.allocate(LINE_BYTES_MAX);
    private ByteBuffer output = ByteBuffer.allocate(OUTPUT_BYTES_INITIAL);
    private boolean closeWhenFlushed;
    private boolean closed;

    ControlConnection(final SocketChannel channel)
    {
        this.channel = channel;
    }

    void onSelected(final RelayEngine engine)
    {
        try
        {
            if (key.isValid() && key.isWritable())
            {
                flush(engine);
            }
            if (!closed && key.isValid() && key.isReadable() && !closeWhenFlushed)
            {
                read(engine);
            }
        }
        catch (final IOException ex)
        {
            close(engine);
        }
    }

    private void read(final RelayEngine engine) throws IOException
    {
        final int bytesRead = channel.read(input);
        if (bytesRead < 0)
        {
            // The client closed its side: answer what it sent so far, then close.
            closeWhenFlushed = true;
        }

        input.flip();
        int lineStart = 0;
        for (int i = 0; i < input.limit(); i++)
        {
            if ('\n' == input.get(i))
            {
                final byte[] bytes = new byte[i - lineStart];
                input.get(lineStart, bytes);
                lineStart = i + 1;
                if (!append(engine.execute(new String(bytes, StandardCharsets.UTF_8).replace("\r", ""))))
                {
                    close(engine);
                    return;
                }
            }
        }
        if (bytesRead < 0 && lineStart < input.limit())
        {
            // A last command without its newline.
            final byte[] bytes = new byte[input.limit() - lineStart];
            input.get(lineStart, bytes);
            lineStart = input.limit();
            if (!append(engine.execute(new String(bytes, StandardCharsets.UTF_8).replace("\r", ""))))
            {
                close(engine);
                return;
            }
        }
        input.position(lineStart);
        input.compact();

        if (!input.hasRemaining())
        {
            append("error command line longer than " + LINE_BYTES_MAX + " bytes\n");
            closeWhenFlushed = true;
        }
        flush(engine);
    }

    private boolean append(final String reply)
    {
        final byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > output.remaining())
        {
            final int needed = output.position() + bytes.length;
            if (needed > OUTPUT_BYTES_MAX)
            {
                return false;
            }
            final ByteBuffer larger = ByteBuffer.allocate(Math.min(OUTPUT_BYTES_MAX, Math.max(needed,
                2 * output.capacity())));
            output.flip();
            larger.put(output);
            output = larger;
        }
        output.put(bytes);
        return true;
    }

    private void flush(final RelayEngine engine) throws IOException
    {
        output.flip();
        channel.write(output);
        output.compact();
        if (output.position() > 0)
        {
            key.interestOps(SelectionKey.OP_WRITE);
        }
        else if (closeWhenFlushed)
        {
            close(engine);
        }
        else
        {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void close(final RelayEngine engine)
    {
        if (!closed)
        {
            closed = true;
            key.cancel();
            RelayEngine.closeQuietly(channel);
            engine.onControlConnectionClosed(this);
        }
    }
}
