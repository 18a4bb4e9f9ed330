package io.geo.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Name lookups have a time limit: a name service that never answers cannot hold a connect for ever. */
class HostResolverTest
{
    private final HostResolver.Lookup original = HostResolver.lookup;

    @AfterEach
    void restore()
    {
        HostResolver.lookup = original;
    }

    @Test
    void shouldGiveUpOnALookupThatDoesNotAnswerWithinTheTimeout() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        HostResolver.lookup = host ->
        {
            try
            {
                release.await(30, TimeUnit.SECONDS); // a name service that does not answer
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host);
        };
        try
        {
            final IOException ex = assertThrows(IOException.class, () -> HostResolver.resolve("db.example", 50));
            assertTrue(ex.getMessage().contains("no answer from the name service within 50 ms"), ex.getMessage());
            assertEquals(1, release.getCount(), "it gave up while the lookup still hung");

            // through the driver: the connection fails with 08001 naming the host, not a hang
            final SQLException sql = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                "jdbc:geo://db.example:7000/?connectTimeout=100&requestTimeout=200"));
            assertEquals("08001", sql.getSQLState(), sql.getMessage());
            assertTrue(sql.getMessage().contains("db.example"), sql.getMessage());
        }
        finally
        {
            release.countDown();
        }
    }

    @Test
    void shouldReportAnUnknownHostAndParseLiteralsWithoutALookup() throws Exception
    {
        HostResolver.lookup = host ->
        {
            throw new UnknownHostException(host);
        };
        final IOException ex = assertThrows(IOException.class, () -> HostResolver.resolve("nowhere.example", 1000));
        assertEquals("unknown host nowhere.example", ex.getMessage());
        assertEquals(InetAddress.getByName("127.0.0.1"), HostResolver.resolve("127.0.0.1", 1000));
        assertEquals(InetAddress.getByName("::1"), HostResolver.resolve("::1", 1000));
        assertTrue(HostResolver.isLiteral("10.0.0.1"));
        assertTrue(!HostResolver.isLiteral("localhost") && !HostResolver.isLiteral("1.2.3"));
    }
}
