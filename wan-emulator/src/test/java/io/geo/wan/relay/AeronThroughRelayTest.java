package io.geo.wan.relay;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Aeron over the relay: region A publishes to the relay's A -> B port and region B subscribes on its endpoint (and
 * the reverse for pongs). Status messages and NAKs travel back through the relay's forwarding sockets. One embedded
 * media driver, shared threading with a sleeping idle strategy, 64 KiB terms, in a fresh /dev/shm directory that is
 * deleted at the end.
 */
@Timeout(180)
class AeronThroughRelayTest
{
    private static final long NS_PER_MS = 1_000_000L;
    private static final long WAIT_TIMEOUT_NS = 60_000L * NS_PER_MS;
    private static final int TERM_LENGTH = 64 * 1024;
    private static final int FRAGMENT_LIMIT = 16;
    /** Allowance above the configured RTT on a loaded 2-core machine; only the lower bound is tight. */
    private static final long SLACK_MS = 500;

    private static String aeronDir;
    private static MediaDriver driver;
    private static Aeron aeron;
    private static int nextStreamId = 1001;

    @TempDir
    Path tempDir;

    @BeforeAll
    static void startDriver()
    {
        aeronDir = "/dev/shm/geo-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .publicationTermBufferLength(TERM_LENGTH)
            .ipcTermBufferLength(TERM_LENGTH)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
        driver = MediaDriver.launch(context);
        aeron = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(aeronDir)
            .idleStrategy(new SleepingMillisIdleStrategy(1)));
    }

    @AfterAll
    static void stopDriver()
    {
        CloseHelper.closeAll(aeron, driver);
        IoUtil.delete(new File(aeronDir), true);
        assertFalse(new File(aeronDir).exists(), "driver directory deleted");
    }

    @Test
    void shouldRoundTripNoFasterThanTheConfiguredRtt() throws Exception
    {
        try (Pair pair = Pair.open(tempDir, "pair a b rttMs=40 jitterMs=0"))
        {
            final long[] roundTripNs = new long[20];
            final UnsafeBuffer ping = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
            final long[] pongSeen = {-1};
            final FragmentHandler echo = (buffer, offset, length, header) ->
                offerUntilAccepted(pair.bToA, buffer, offset, length);
            final FragmentHandler pong = (buffer, offset, length, header) -> pongSeen[0] = buffer.getLong(offset);

            for (int i = 0; i < roundTripNs.length; i++)
            {
                final long startNs = System.nanoTime();
                ping.putLong(0, i);
                offerUntilAccepted(pair.aToB, ping, 0, 16);
                final long sequence = i;
                awaitPolling(() -> pongSeen[0] == sequence, () -> "pong " + sequence,
                    () -> pair.atB.poll(echo, FRAGMENT_LIMIT) + pair.atA.poll(pong, FRAGMENT_LIMIT));
                roundTripNs[i] = System.nanoTime() - startNs;
            }

            Arrays.sort(roundTripNs);
            assertTrue(roundTripNs[0] >= 40 * NS_PER_MS, "RTT never below 40 ms: " + Arrays.toString(roundTripNs));
            assertTrue(roundTripNs[roundTripNs.length / 2] <= (40 + SLACK_MS) * NS_PER_MS,
                "median RTT: " + Arrays.toString(roundTripNs));
            assertTrue(pair.relay.counters("b", "a").forwarded() >= 20, "pongs and status messages came back");
        }
    }

    @Test
    void shouldDeliverEveryMessageInOrderDespiteLoss() throws Exception
    {
        try (Pair pair = Pair.open(tempDir, "pair a b rttMs=10 jitterMs=0 loss=0.05"))
        {
            final int count = 1000;
            final Receiver receiver = new Receiver();
            final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            for (int i = 0; i < count; i++)
            {
                message.putInt(0, i);
                offerUntilAccepted(pair.aToB, message, 0, 64, () -> pair.atB.poll(receiver, FRAGMENT_LIMIT));
                // Paced, so most messages travel in a datagram of their own and some of those are lost.
                pollFor(1, () -> pair.atB.poll(receiver, FRAGMENT_LIMIT));
            }
            awaitPolling(() -> receiver.count == count, () -> receiver.count + " of " + count + " received",
                () -> pair.atB.poll(receiver, FRAGMENT_LIMIT));

            assertTrue(receiver.inOrder, "in order, no gaps, no duplicates");
            final LinkCounters data = pair.relay.counters("a", "b");
            assertTrue(data.droppedLoss() > 0, "the relay dropped data datagrams: " + data);
            assertTrue(data.forwarded() > 100, "messages travelled in many datagrams: " + data);
        }
    }

    @Test
    void shouldStopDeliveryWhileCutAndResumeAfterHeal() throws Exception
    {
        try (Pair pair = Pair.open(tempDir, "pair a b rttMs=10 jitterMs=0"))
        {
            final Receiver receiver = new Receiver();
            final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            final int[] offered = {0};
            final Runnable offerNext = () ->
            {
                message.putInt(0, offered[0]);
                if (pair.aToB.offer(message, 0, 64) > 0)
                {
                    offered[0]++;
                }
            };

            for (int i = 0; i < 100; i++)
            {
                message.putInt(0, offered[0]++);
                offerUntilAccepted(pair.aToB, message, 0, 64, () -> pair.atB.poll(receiver, FRAGMENT_LIMIT));
            }
            awaitPolling(() -> receiver.count == 100, () -> receiver.count + " of 100 before the cut",
                () -> pair.atB.poll(receiver, FRAGMENT_LIMIT));

            pair.relay.cut("a", "b", true);
            // Whatever reached B's socket before the cut is polled in this grace period.
            pollFor(50, () -> pair.atB.poll(receiver, FRAGMENT_LIMIT));
            final int receivedAtCut = receiver.count;
            final long cutEndNs = System.nanoTime() + 1_000 * NS_PER_MS;
            while (System.nanoTime() - cutEndNs < 0)
            {
                offerNext.run();
                if (0 == pair.atB.poll(receiver, FRAGMENT_LIMIT))
                {
                    LockSupport.parkNanos(NS_PER_MS);
                }
            }
            assertEquals(receivedAtCut, receiver.count, "nothing delivered while cut");
            assertTrue(offered[0] > 100, "the publication accepted messages during the cut");
            assertTrue(pair.relay.counters("a", "b").droppedCut() > 0);

            pair.relay.heal("a", "b", true);
            final int total = offered[0] + 100;
            while (offered[0] < total)
            {
                message.putInt(0, offered[0]++);
                offerUntilAccepted(pair.aToB, message, 0, 64, () -> pair.atB.poll(receiver, FRAGMENT_LIMIT));
            }
            awaitPolling(() -> receiver.count == total, () -> receiver.count + " of " + total + " after the heal",
                () -> pair.atB.poll(receiver, FRAGMENT_LIMIT));
            assertTrue(receiver.inOrder, "in order, no gaps, no duplicates");
        }
    }

    /** Counts messages numbered 0, 1, 2, ... and notes any gap or duplicate. */
    private static final class Receiver implements FragmentHandler
    {
        int count;
        boolean inOrder = true;

        @Override
        public void onFragment(final DirectBuffer buffer, final int offset, final int length,
            final Header header)
        {
            if (buffer.getInt(offset) != count)
            {
                inOrder = false;
            }
            count++;
        }
    }

    /** Subscriptions on each region's endpoint, a relay between them, a publication each way through the relay. */
    private static final class Pair implements AutoCloseable
    {
        final Subscription atA;
        final Subscription atB;
        final WanRelay relay;
        final Publication aToB;
        final Publication bToA;

        private Pair(
            final Subscription atA, final Subscription atB, final WanRelay relay, final Publication aToB,
            final Publication bToA)
        {
            this.atA = atA;
            this.atB = atB;
            this.relay = relay;
            this.aToB = aToB;
            this.bToA = bToA;
        }

        static Pair open(final Path dir, final String pairLine) throws Exception
        {
            final int streamId = nextStreamId++;
            Subscription atA = null;
            Subscription atB = null;
            WanRelay relay = null;
            Publication aToB = null;
            try
            {
                // Port 0: the driver binds a free port, which then goes into the relay config as the endpoint.
                atA = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:0", streamId);
                atB = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:0", streamId);
                final int portA = boundPort(atA);
                final int portB = boundPort(atB);

                final Path profile = dir.resolve("aeron.wan");
                Files.writeString(profile, "profile aeron\nregions a b\n" + pairLine + "\n");
                final RelayConfig config = RelayConfig.parse("aeron.relay",
                    RelayHarness.configLines(profile, List.of("a", "b"), new int[] {portA, portB}), dir, null);
                relay = WanRelay.start(config);

                aToB = aeron.addPublication(channelTo(relay, "a", "b"), streamId);
                final Publication bToA = aeron.addPublication(channelTo(relay, "b", "a"), streamId);
                final Pair pair = new Pair(atA, atB, relay, aToB, bToA);
                awaitPolling(() -> pair.aToB.isConnected() && pair.bToA.isConnected(), () -> "publications connect",
                    () -> 0);
                return pair;
            }
            catch (final Exception | AssertionError ex)
            {
                CloseHelper.quietCloseAll(aToB, relay, atB, atA);
                throw ex;
            }
        }

        private static String channelTo(final WanRelay relay, final String from, final String to)
        {
            return "aeron:udp?endpoint=127.0.0.1:" + relay.listenAddress(from, to).getPort() +
                "|interface=127.0.0.1|term-length=" + TERM_LENGTH;
        }

        private static int boundPort(final Subscription subscription)
        {
            awaitPolling(() -> !subscription.localSocketAddresses().isEmpty(), () -> "subscription binds", () -> 0);
            final String address = subscription.localSocketAddresses().get(0);
            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        }

        @Override
        public void close()
        {
            CloseHelper.closeAll(aToB, bToA, relay, atB, atA);
        }
    }

    private static void offerUntilAccepted(
        final Publication publication, final DirectBuffer buffer, final int offset, final int length)
    {
        offerUntilAccepted(publication, buffer, offset, length, () -> 0);
    }

    /** Offer, retrying on back pressure while doing other work (polling), never spinning. */
    private static void offerUntilAccepted(
        final Publication publication,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final IntSupplier work)
    {
        final long deadlineNs = System.nanoTime() + WAIT_TIMEOUT_NS;
        long result;
        while ((result = publication.offer(buffer, offset, length)) < 0)
        {
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                fail("publication cannot take more: " + Publication.errorString(result));
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("offer not accepted in time: " + Publication.errorString(result));
            }
            if (0 == work.getAsInt())
            {
                LockSupport.parkNanos(NS_PER_MS);
            }
        }
    }

    private static void awaitPolling(
        final BooleanSupplier condition, final Supplier<String> what,
        final IntSupplier work)
    {
        final long deadlineNs = System.nanoTime() + WAIT_TIMEOUT_NS;
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

    private static void pollFor(final long durationMs, final IntSupplier work)
    {
        final long endNs = System.nanoTime() + durationMs * NS_PER_MS;
        while (System.nanoTime() - endNs < 0)
        {
            if (0 == work.getAsInt())
            {
                LockSupport.parkNanos(NS_PER_MS);
            }
        }
    }
}
