package io.geo.router.sidecar;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves the latest metrics snapshot at {@code /metrics} in the Prometheus text format. The duty cycle renders the
 * snapshot ({@link #publish}); the HTTP thread only hands out that string, so no counter is read across threads.
 */
public final class MetricsServer implements AutoCloseable
{
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile byte[] snapshot = new byte[0];

    private MetricsServer(final HttpServer server, final ExecutorService executor)
    {
        this.server = server;
        this.executor = executor;
    }

    /** Binds {@code address} (port 0: any free port) and starts serving; throws if the address is in use. */
    public static MetricsServer start(final InetSocketAddress address) throws IOException
    {
        final HttpServer server = HttpServer.create(address, 16);
        final ExecutorService executor = Executors.newSingleThreadExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "geo-metrics");
            thread.setDaemon(true);
            return thread;
        });
        final MetricsServer metrics = new MetricsServer(server, executor);
        server.createContext("/metrics", exchange ->
        {
            final byte[] body = metrics.snapshot;
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        });
        server.setExecutor(executor);
        server.start();
        return metrics;
    }

    /** Replaces the served snapshot. */
    public void publish(final String prometheusText)
    {
        snapshot = prometheusText.getBytes(StandardCharsets.UTF_8);
    }

    public InetSocketAddress address()
    {
        return server.getAddress();
    }

    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
    }
}
