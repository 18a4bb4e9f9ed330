package io.geo.router.transport;

import io.geo.epaxos.messages.Accept;
import io.geo.epaxos.messages.AcceptReply;
import io.geo.epaxos.messages.Commit;
import io.geo.epaxos.messages.ExecutedWatermarks;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.messages.PreAccept;
import io.geo.epaxos.messages.PreAcceptReply;
import io.geo.epaxos.messages.Prepare;
import io.geo.epaxos.messages.PrepareReply;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Status;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Sample messages, field-by-field message equality, free loopback ports and bounded waits for transport tests. */
final class TransportTestSupport
{
    static final long NS_PER_MS = 1_000_000L;
    static final long WAIT_TIMEOUT_MS = 30_000;
    static final byte[] SECRET = "transport-test-secret-0123456789".getBytes(StandardCharsets.US_ASCII);

    private TransportTestSupport()
    {
    }

    /** One or more messages of every type, with commands, null and empty values, deps and watermarks. */
    static List<Message> everyMessageType(final int sender)
    {
        final Command command = Command.of(42, 7,
            Op.put(Key.of("k1"), "v1".getBytes(StandardCharsets.UTF_8)),
            Op.get(Key.of("k2")),
            Op.cas(Key.of("k3"), null, new byte[0]),
            Op.incr(Key.of("k4"), -5),
            Op.delete(Key.of("")));
        final long instance = InstanceId.of(sender, 17);
        final long[] deps = {InstanceId.of(0, 3), InstanceId.of(1, 9), InstanceId.of(2, 11)};
        final List<Message> messages = new ArrayList<>();
        messages.add(new PreAccept(5, instance, command, 12, deps, new long[] {3, 4, 5}));
        messages.add(new PreAccept(5, instance, Command.NOOP, 0, new long[0]));
        messages.add(new PreAcceptReply(5, instance, true, 13, deps, false, 0));
        messages.add(new Accept(6, instance, command, 13, deps));
        messages.add(new AcceptReply(6, instance, false, Long.MAX_VALUE));
        messages.add(new Commit(instance, command, 13, deps));
        messages.add(new Prepare(Long.MIN_VALUE, instance));
        messages.add(new PrepareReply(7, instance, true, 0, Status.ACCEPTED, 6, command, 13, deps, true));
        messages.add(new PrepareReply(7, instance, true, 0, Status.NONE, 0, null, 0, new long[0], false));
        messages.add(new ExecutedWatermarks(new long[] {100, 200, 300 + sender}));
        return messages;
    }

    static void assertMessageEquals(final Message expected, final Message actual, final String context)
    {
        assertEquals(expected.getClass(), actual.getClass(), context);
        for (final RecordComponent component : expected.getClass().getRecordComponents())
        {
            final Object expectedValue = value(component, expected);
            final Object actualValue = value(component, actual);
            if (!Objects.deepEquals(expectedValue, actualValue))
            {
                fail(context + ": " + expected.getClass().getSimpleName() + "." + component.getName() +
                    " expected " + describe(expectedValue) + " but was " + describe(actualValue));
            }
        }
    }

    static boolean messageEquals(final Message expected, final Message actual)
    {
        if (expected.getClass() != actual.getClass())
        {
            return false;
        }
        for (final RecordComponent component : expected.getClass().getRecordComponents())
        {
            if (!Objects.deepEquals(value(component, expected), value(component, actual)))
            {
                return false;
            }
        }
        return true;
    }

    private static Object value(final RecordComponent component, final Message message)
    {
        try
        {
            return component.getAccessor().invoke(message);
        }
        catch (final IllegalAccessException | InvocationTargetException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static String describe(final Object value)
    {
        return value instanceof long[] ? Arrays.toString((long[])value) : String.valueOf(value);
    }

    /**
     * Distinct free UDP ports on 127.0.0.1: all held open at once, then released. Another process may take one
     * between release and use; tests accept that small race (the alternative, port 0 on the subscription, needs the
     * peers' publications created after every subscription bound).
     */
    static int[] freeLoopbackPorts(final int count) throws IOException
    {
        final DatagramSocket[] sockets = new DatagramSocket[count];
        final int[] ports = new int[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                sockets[i] = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ports[i] = sockets[i].getLocalPort();
            }
        }
        finally
        {
            for (final DatagramSocket socket : sockets)
            {
                if (null != socket)
                {
                    socket.close();
                }
            }
        }
        return ports;
    }

    static List<String> loopbackEndpoints(final int[] ports)
    {
        final List<String> endpoints = new ArrayList<>();
        for (final int port : ports)
        {
            endpoints.add("127.0.0.1:" + port);
        }
        return endpoints;
    }

    /** Runs {@code work} until {@code condition} holds, parking 1 ms whenever work did nothing; fails on timeout. */
    static void awaitPolling(final BooleanSupplier condition, final Supplier<String> what, final IntSupplier work)
    {
        final long deadlineNs = System.nanoTime() + WAIT_TIMEOUT_MS * NS_PER_MS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("timed out waiting for: " + what.get());
            }
            if (0 == work.getAsInt())
            {
                LockSupport.parkNanos(NS_PER_MS);
            }
        }
    }
}
