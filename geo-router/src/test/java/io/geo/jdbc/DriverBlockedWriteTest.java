package io.geo.jdbc;

import io.geo.client.WireCodec;
import io.geo.client.WireMessage;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class DriverBlockedWriteTest
{
    /** A node that answers HELLO and then stops reading: a 1 s statement (and Connection.close) block past 5 s. */
    @Test
    void shouldHonourTheQueryTimeoutWhenTheNodeStopsReading() throws Exception
    {
        final AtomicReference<Socket> accepted = new AtomicReference<>();
        try (ServerSocket server = new ServerSocket())
        {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final Thread node = new Thread(() -> {
                try
                {
                    final Socket s = server.accept();
                    accepted.set(s);
                    final DataInputStream in = new DataInputStream(s.getInputStream());
                    in.readFully(new byte[in.readInt()]);
                    final ByteBuffer ok = WireCodec.encode(new WireMessage.HelloOk(1, 0, "r", "c", 64, 1021, 65_536,
                        List.of("kv"), List.of()));
                    s.getOutputStream().write(ok.array(), 0, ok.limit()); // then never reads again
                }
                catch (Exception ignore) { }
            });
            node.setDaemon(true);
            node.start();
            final Connection c = DriverManager.getConnection(
                "jdbc:geo://127.0.0.1:" + server.getLocalPort() + "/?attemptTimeout=500");
            final PreparedStatement ps = c.prepareStatement("UPSERT INTO kv (key, value) VALUES (?, ?)");
            ps.setQueryTimeout(1);
            for (int i = 0; i < 60; i++)
            {
                ps.setString(1, "k" + i);
                ps.setBytes(2, new byte[65_536]);
                ps.addBatch();
            }
            final Thread app = new Thread(() -> { try { ps.executeBatch(); } catch (Exception ignore) { } });
            app.start();
            app.join(5_000);
            final boolean stuck = app.isAlive();
            final Thread closer = new Thread(() -> { try { c.close(); } catch (Exception ignore) { } });
            closer.start();
            closer.join(2_000);
            final boolean closeStuck = closer.isAlive();
            accepted.get().close(); // unblock the driver so the test ends
            app.join();
            closer.join();
            assertFalse(stuck || closeStuck, "executeBatch with a 1 s timeout still running after 5 s: " + stuck +
                "; Connection.close() blocked: " + closeStuck);
        }
    }
}
