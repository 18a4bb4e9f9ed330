package io.geo.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Name lookups with a time limit: the JDK's resolver has none (a dead DNS server can hold a connect for tens of
 * seconds), so a lookup runs on one of a few daemon threads and the caller waits at most its connect timeout. A lookup
 * that overruns keeps its thread until the resolver gives up; at most {@link #MAX_THREADS} run at once, further ones
 * fail at once. Literal addresses are parsed without a lookup.
 */
final class HostResolver
{
    static final int MAX_THREADS = 4;

    /** The lookup itself; tests replace it. */
    interface Lookup
    {
        InetAddress byName(String host) throws UnknownHostException;
    }

    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), runnable ->
        {
            final Thread thread = new Thread(runnable, "geo-jdbc-resolver");
            thread.setDaemon(true);
            return thread;
        });

    static volatile Lookup lookup = InetAddress::getByName;

    private HostResolver()
    {
    }

    /**
     * @throws IOException naming the host when it is unknown, the lookup takes longer than {@code timeoutMs}, or too
     *                     many lookups are already waiting.
     */
    static InetAddress resolve(final String host, final int timeoutMs) throws IOException
    {
        if (isLiteral(host))
        {
            return InetAddress.getByName(host);
        }
        final Lookup current = lookup;
        final Future<InetAddress> result;
        try
        {
            result = POOL.submit(() -> current.byName(host));
        }
        catch (final RejectedExecutionException ex)
        {
            throw new IOException("cannot resolve " + host + ": " + MAX_THREADS + " name lookups are already waiting");
        }
        try
        {
            return result.get(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            result.cancel(true);
            throw new IOException("cannot resolve " + host + ": no answer from the name service within " + timeoutMs +
                " ms");
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof UnknownHostException)
            {
                throw new IOException("unknown host " + host, ex.getCause());
            }
            throw new IOException("cannot resolve " + host + ": " + ex.getCause(), ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            result.cancel(true);
            throw new IOException("interrupted while resolving " + host, ex);
        }
    }

    /** An IPv4 dotted quad or an IPv6 literal (with a colon): no lookup needed. */
    static boolean isLiteral(final String host)
    {
        if (host.indexOf(':') >= 0)
        {
            return true;
        }
        int dots = 0;
        for (int i = 0; i < host.length(); i++)
        {
            final char c = host.charAt(i);
            if (c == '.')
            {
                dots++;
            }
            else if (c < '0' || c > '9')
            {
                return false;
            }
        }
        return dots == 3;
    }
}
