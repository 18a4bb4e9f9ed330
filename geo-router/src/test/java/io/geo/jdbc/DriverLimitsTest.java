package io.geo.jdbc;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.*;

class DriverLimitsTest
{
    /** A batch too large for one frame (a node advertising large values) fails with SQLState 54000, not a crash. */
    @Test
    void shouldRefuseABatchTooLargeForAFrameWith54000() throws Exception
    {
        try (FakeNode node = new FakeNode(64, 1021, 200_000, "kv");
             Connection c = DriverManager.getConnection(node.url());
             PreparedStatement ps = c.prepareStatement("UPSERT INTO kv (key, value) VALUES (?, ?)"))
        {
            final byte[] value = new byte[200_000];
            for (int i = 0; i < 64; i++)
            {
                ps.setString(1, "k" + i);
                ps.setBytes(2, value);
                ps.addBatch();
            }
            final Throwable t = assertThrows(Throwable.class, ps::executeBatch);
            System.out.println("executeBatch threw " + t);
            assertEquals("54000", assertInstanceOf(SQLException.class, t).getSQLState(), t.getMessage());
        }
    }

    /** A long query timeout is truncated to a negative int on the wire: the node then waits 1 ms. */
    @Test
    void shouldSendALongQueryTimeoutAsAPositiveDeadline() throws Exception
    {
        try (FakeNode node = new FakeNode(64, 1021, 65_536, "kv");
             Connection c = DriverManager.getConnection(node.url());
             Statement s = c.createStatement())
        {
            s.setQueryTimeout(3_000_000); // ~35 days
            s.executeUpdate("UPSERT INTO kv (key, value) VALUES ('a', '1')");
            final int sent = node.requests().get(0).timeoutMs();
            System.out.println("timeoutMs on the wire: " + sent);
            assertTrue(sent > 0, "timeoutMs on the wire: " + sent);
        }
    }
}
