package io.geo.router.client;

import io.geo.client.ClientOp;
import io.geo.client.ClientStatus;
import io.geo.client.WireCodec;
import io.geo.client.WireMessage;
import io.geo.router.sidecar.InProcessCluster;
import io.geo.router.sidecar.TestClusters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client protocol against three real sidecars (Aeron, WAL, Chronicle Map) in this JVM: session, commands of
 * every op type, linearizable and stale reads, exactly-once for retried requests on the same and on another node,
 * and the refusals (unknown keyspace, limits, malformed frames).
 */
@Timeout(120)
class ClientPathTest
{
    @TempDir
    static Path dir;
    static InProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception
    {
        cluster = InProcessCluster.start(TestClusters.writeDirectConfig(dir, "client-path"));
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    private static int port(final int node)
    {
        return cluster.config().node(node).client().getPort();
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldAnswerHelloWithKeyspacesLimitsAndEveryNodesAddress() throws Exception
    {
        try (RawClient client = new RawClient(port(1), 11))
        {
            final WireMessage.HelloOk hello = assertInstanceOf(WireMessage.HelloOk.class, client.hello());
            assertEquals(1, hello.nodeId());
            assertEquals("eu-west-1", hello.region());
            assertEquals(java.util.List.of("kv"), hello.keyspaces());
            assertEquals(3, hello.nodes().size());
            assertEquals(port(2), hello.nodes().get(2).port());
            assertEquals(1024 - 3, hello.maxKeyBytes());
        }
    }

    @Test
    void shouldExecuteEveryOpTypeAndReadWritesFromAnotherNode() throws Exception
    {
        try (RawClient a = new RawClient(port(0), 21); RawClient b = new RawClient(port(2), 22))
        {
            a.hello();
            b.hello();
            assertEquals(ClientStatus.OK, a.call(1, false, ClientOp.put("kv", utf8("ops"), utf8("one"))).status());
            final WireMessage.Response read = b.call(1, false, ClientOp.get("kv", utf8("ops")));
            assertEquals(ClientStatus.OK, read.status());
            assertTrue(read.results().get(0).ok());
            assertArrayEquals(utf8("one"), read.results().get(0).value());

            final WireMessage.Response casFail = a.call(2, false, ClientOp.cas("kv", utf8("ops"), utf8("x"), utf8("2")));
            assertFalse(casFail.results().get(0).ok());
            assertArrayEquals(utf8("one"), casFail.results().get(0).value());
            assertTrue(a.call(3, false, ClientOp.cas("kv", utf8("ops"), utf8("one"), utf8("two"))).results().get(0).ok());
            assertTrue(a.call(4, false, ClientOp.delete("kv", utf8("ops"))).results().get(0).ok());
            assertFalse(a.call(5, false, ClientOp.delete("kv", utf8("ops"))).results().get(0).ok(),
                "a DELETE of an absent key says so");
            final WireMessage.Response incr = a.call(6, false, ClientOp.incr("kv", utf8("n"), 5),
                ClientOp.incr("kv", utf8("n"), -2), ClientOp.get("kv", utf8("n")));
            assertArrayEquals(utf8("3"), incr.results().get(2).value(), "a batch's ops see earlier ops");
        }
    }

    @Test
    void shouldApplyARetriedWriteOnceOnTheSameAndOnAnotherNode() throws Exception
    {
        try (RawClient a = new RawClient(port(0), 31))
        {
            a.hello();
            final WireMessage.Response first = a.call(7, false, ClientOp.incr("kv", utf8("once"), 10));
            final WireMessage.Response again = a.call(7, false, ClientOp.incr("kv", utf8("once"), 10));
            assertArrayEquals(utf8("10"), first.results().get(0).value());
            assertArrayEquals(utf8("10"), again.results().get(0).value(), "the retry gets the recorded result");
        }
        try (RawClient elsewhere = new RawClient(port(1), 31))
        {
            elsewhere.hello();
            final WireMessage.Response retried = elsewhere.call(7, false, ClientOp.incr("kv", utf8("once"), 10));
            assertArrayEquals(utf8("10"), retried.results().get(0).value());
            final WireMessage.Response read = elsewhere.call(8, false, ClientOp.get("kv", utf8("once")));
            assertArrayEquals(utf8("10"), read.results().get(0).value(), "applied exactly once");
        }
    }

    @Test
    void shouldRefuseRequestsUnderAnotherConnectionsSession() throws Exception
    {
        try (RawClient victim = new RawClient(port(0), 4242); RawClient other = new RawClient(port(0), 777))
        {
            victim.hello();
            other.hello();
            // a request under the victim's session would poison its dedup state (answered OK, never applied)
            other.send(new WireMessage.Request(other.correlation++, victim.clientId, Long.MAX_VALUE, 15_000, false,
                java.util.List.of(ClientOp.put("kv", utf8("junk"), utf8("x")))));
            assertInstanceOf(WireMessage.Error.class, other.receive());
            assertEquals(ClientStatus.OK, victim.call(1, false, ClientOp.put("kv", utf8("acct"), utf8("100"))).status());
            assertArrayEquals(utf8("100"), victim.call(2, false, ClientOp.get("kv", utf8("acct"))).results().get(0)
                .value(), "the victim's write applied");
        }
    }

    @Test
    void shouldNeverAnswerOkForASupersededRequest() throws Exception
    {
        try (RawClient a = new RawClient(port(0), 35))
        {
            a.hello();
            assertEquals(ClientStatus.OK, a.call(5, false, ClientOp.put("kv", utf8("sup"), utf8("five"))).status());
            // request 4 arrives after request 5 applied (a late copy of a timed-out request): not applied, not OK
            final WireMessage.Response late = a.call(4, false, ClientOp.put("kv", utf8("sup"), utf8("four")));
            assertEquals(ClientStatus.TIMEOUT, late.status(), late.message());
            assertTrue(late.message().contains("superseded"), late.message());
            assertArrayEquals(utf8("five"), a.call(6, false, ClientOp.get("kv", utf8("sup"))).results().get(0).value());
        }
    }

    @Test
    void shouldServeStaleReadsFromLocalStateAndRefuseStaleWrites() throws Exception
    {
        try (RawClient a = new RawClient(port(2), 41))
        {
            a.hello();
            a.call(1, false, ClientOp.put("kv", utf8("stale"), utf8("v")));
            // the writer's node executed the write before answering, so its local state has it
            final WireMessage.Response read = a.call(2, true, ClientOp.get("kv", utf8("stale")));
            assertArrayEquals(utf8("v"), read.results().get(0).value());
            final WireMessage.Response write = a.call(3, true, ClientOp.put("kv", utf8("stale"), utf8("w")));
            assertEquals(ClientStatus.INVALID, write.status());
        }
    }

    @Test
    void shouldRefuseUnknownKeyspacesAndBrokenLimitsWithoutEffect() throws Exception
    {
        try (RawClient a = new RawClient(port(0), 51))
        {
            a.hello();
            final WireMessage.Response unknown = a.call(1, false, ClientOp.put("nope", utf8("k"), utf8("v")));
            assertEquals(ClientStatus.UNKNOWN_KEYSPACE, unknown.status());
            assertTrue(unknown.message().contains("'nope'") && unknown.message().contains("kv"), unknown.message());
            final WireMessage.Response big = a.call(2, false, ClientOp.put("kv", utf8("k"), new byte[64 * 1024 + 1]));
            assertEquals(ClientStatus.INVALID, big.status());
            assertTrue(big.message().contains("65536"), big.message());
            final WireMessage.Response bigKey = a.call(3, false, ClientOp.get("kv", new byte[1022]));
            assertEquals(ClientStatus.INVALID, bigKey.status());
        }
    }

    @Test
    void shouldCloseAConnectionThatSendsGarbageAndKeepServingOthers() throws Exception
    {
        try (RawClient bad = new RawClient(port(1), 61); RawClient good = new RawClient(port(1), 62))
        {
            bad.sendRaw(new byte[] {0, 0, 0, 5, 99, 1, 2, 3, 4});
            final WireMessage error = bad.receive();
            assertEquals(ClientStatus.PROTOCOL_ERROR, assertInstanceOf(WireMessage.Error.class, error).status());
            assertThrows(Exception.class, () -> bad.receive(), "closed after the error");
            good.hello();
            assertEquals(ClientStatus.OK, good.call(1, false, ClientOp.get("kv", utf8("x"))).status());
        }
    }

    @Test
    void shouldRefuseRequestsBeforeHelloAndServeSeveralSessionsOnOneConnection() throws Exception
    {
        try (RawClient a = new RawClient(port(0), 71))
        {
            a.send(new WireMessage.Request(1, a.clientId, 1, 1000, false,
                java.util.List.of(ClientOp.get("kv", utf8("x")))));
            assertInstanceOf(WireMessage.Error.class, a.receive());
        }
        try (RawClient a = new RawClient(port(0), 72))
        {
            a.hello();
            // pipelined: two sessions' increments in flight on one connection, answered by correlation
            a.send(new WireMessage.Request(1, a.clientId + 1, 1, 10_000, false,
                java.util.List.of(ClientOp.incr("kv", utf8("piped"), 1))));
            a.send(new WireMessage.Request(2, a.clientId + 2, 1, 10_000, false,
                java.util.List.of(ClientOp.incr("kv", utf8("piped"), 1))));
            final java.util.Set<Long> answered = new java.util.HashSet<>();
            for (int i = 0; i < 2; i++)
            {
                final WireMessage.Response response = assertInstanceOf(WireMessage.Response.class, a.receive());
                assertEquals(ClientStatus.OK, response.status());
                answered.add(response.correlation());
            }
            assertEquals(java.util.Set.of(1L, 2L), answered);
            a.send(new WireMessage.Request(3, a.clientId + WireCodec.SESSIONS_PER_CONNECTION, 1, 1000, false,
                java.util.List.of(ClientOp.get("kv", utf8("x")))));
            assertInstanceOf(WireMessage.Error.class, a.receive(), "a session of another connection's block");
        }
    }
}
