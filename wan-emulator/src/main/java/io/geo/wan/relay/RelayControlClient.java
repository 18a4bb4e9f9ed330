package io.geo.wan.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A client of the relay's control protocol: sends one command line over TCP and reads the reply up to its final
 * {@code ok} or {@code error} line. Blocking; each call opens and closes its own connection.
 */
public final class RelayControlClient
{
    /** Replies longer than this are cut off with an error: status of 64 regions fits easily. */
    private static final int REPLY_LINES_MAX = 10_000;

    private RelayControlClient()
    {
    }

    /**
     * Send a command and return the reply's lines (without newlines); the last one starts with {@code ok} or
     * {@code error}.
     *
     * @param control   the relay's control address.
     * @param command   one command line, without a newline.
     * @param timeoutMs how long to wait to connect, and for each read.
     * @throws IOException if the relay is unreachable, closes the connection early or does not answer in time.
     */
    public static List<String> send(final InetSocketAddress control, final String command, final int timeoutMs)
        throws IOException
    {
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(command, "command");
        if (command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0)
        {
            throw new IllegalArgumentException("a command is one line");
        }

        try (Socket socket = new Socket())
        {
            socket.connect(control, timeoutMs);
            socket.setSoTimeout(timeoutMs);
            final OutputStream output = socket.getOutputStream();
            output.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            output.flush();

            final BufferedReader reader =
                new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            final ArrayList<String> lines = new ArrayList<>();
            while (lines.size() < REPLY_LINES_MAX)
            {
                final String line;
                try
                {
                    line = reader.readLine();
                }
                catch (final SocketTimeoutException ex)
                {
                    throw new SocketTimeoutException("no complete reply from the relay at " + format(control) +
                        " within " + timeoutMs + " ms");
                }
                if (null == line)
                {
                    throw new IOException("the relay at " + format(control) + " closed the connection before " +
                        "its reply ended");
                }
                lines.add(line);
                if (isFinal(line))
                {
                    return lines;
                }
            }
            throw new IOException("reply from the relay at " + format(control) + " is longer than " +
                REPLY_LINES_MAX + " lines");
        }
    }

    /** Whether a reply line is the last one: it starts with the word {@code ok} or {@code error}. */
    public static boolean isFinal(final String line)
    {
        return isWord(line, "ok") || isWord(line, "error");
    }

    /** Whether a reply's last line reports success. */
    public static boolean isOk(final List<String> reply)
    {
        return !reply.isEmpty() && isWord(reply.get(reply.size() - 1), "ok");
    }

    private static boolean isWord(final String line, final String word)
    {
        return line.startsWith(word) && (line.length() == word.length() || line.charAt(word.length()) == ' ');
    }

    private static String format(final InetSocketAddress address)
    {
        return null == address.getAddress() ?
            address.getHostString() + ":" + address.getPort() : RelayConfigParser.format(address);
    }
}
