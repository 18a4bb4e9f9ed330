package io.geo.wan;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Real-time WAN links inside one JVM: a transport decorator for a host that runs several regions in one process
 * (an embedded demo, a benchmark). A region hands a message to {@link #send(int, int, Object)}; the message comes
 * out of {@link #poll(long, Delivery, int)} once its one-way delay, sampled from the profile's {@link LinkModel},
 * has passed on the real clock, or never, when the link loses it, is cut, or the emulator is full.
 * <p>
 * <b>Delays and loss.</b> Each accepted message draws from one seeded {@link SplittableRandom}: first whether it is
 * lost ({@link LinkModel#sampleLoss}), then, if not, its one-way delay ({@link LinkModel#sampleOneWayDelayNs}); a
 * message sent on a cut link draws nothing. This is the order the simulator uses. The same seed and the same
 * sequence of {@code send} calls give the same losses and delays; with several sending threads the sequence is the
 * order in which they take the lock, which the scheduler decides. A message's due time is the clock reading taken
 * at the start of {@code send} plus its delay.
 * <p>
 * <b>Ordering.</b> With {@link Ordering#FIFO_PER_LINK} (the default) a directed link is a stream like a TCP
 * connection or an Aeron publication: a message is never delivered before an earlier message on the same directed
 * link. Its due time is {@code max(sentNs + sampledDelayNs, previousDueNs + 1)}, so a message whose sampled delay
 * is short waits behind a slower one (head-of-line blocking). With jitter 0 this changes nothing; with jitter the
 * delays seen are a little longer than the model's samples. With {@link Ordering#INDEPENDENT} every message keeps
 * its own sampled delay and may overtake earlier ones, like datagrams.
 * <p>
 * <b>Partitions.</b> A message is dropped when its directed link is cut at the time it is sent or at the time it
 * comes due (so messages in flight when a link is cut are lost too, as in the simulator). {@link #heal(int, int)}
 * makes the link deliver again from then on.
 * <p>
 * <b>Limits.</b> At most {@code capacity} messages are held at any time (those waiting plus those being handed to a
 * sink); a {@code send} beyond that drops the message and counts it: memory never grows after construction and
 * {@code send} never blocks on space. Nothing is allocated per message: the messages wait in a binary min-heap over
 * preallocated arrays, ordered by due time (exact, in nanoseconds).
 * <p>
 * <b>Thread safety.</b> {@code send}, the link controls ({@code cut}, {@code heal}, {@code setLink}) and the
 * counters may be called from any number of threads: they take one {@link ReentrantLock}, held for a few hundred
 * nanoseconds at most (an O(log n) heap insertion; about 20 levels at a million messages). Uncontended, that lock
 * costs a few tens of nanoseconds per call; senders that collide queue on it, so throughput across all senders is
 * that of one thread. {@link #poll} must be called by one thread at a time (a second concurrent poll throws
 * {@link IllegalStateException}); it takes the lock once per batch of up to {@link #POLL_BATCH} messages and calls
 * the sink without holding it, so a sink may call {@code send} and the link controls. {@link #nextDeadlineNs()} is
 * a volatile read and never blocks.
 *
 * @param <T> the message type; the emulator only holds references and never looks inside.
 */
public final class RealTimeWan<T>
{
    /** How messages on one directed link may be ordered. */
    public enum Ordering
    {
        /** A directed link delivers in send order, like a TCP or Aeron stream; the default. */
        FIFO_PER_LINK,

        /** Every message has its own delay and may overtake earlier messages on its link, like datagrams. */
        INDEPENDENT
    }

    /**
     * Receives due messages from {@link #poll}. Called on the polling thread, without the emulator's lock held.
     *
     * @param <T> the message type.
     */
    @FunctionalInterface
    public interface Delivery<T>
    {
        /**
         * One message whose time has come.
         *
         * @param from    sending region index.
         * @param to      receiving region index.
         * @param message the message as it was sent.
         * @param dueNs   the time it was due, on the emulator's clock: its send time plus its delay (after FIFO
         *                ordering). The delivery happens at or after this time, never before.
         */
        void onDelivery(int from, int to, T message, long dueNs);
    }

    /** Largest capacity accepted: 4 Mi messages, about 64 MiB of heap arrays. */
    public static final int MAX_CAPACITY = 1 << 22;

    /** Messages {@link #poll} takes out under one acquisition of the lock before handing them to the sink. */
    public static final int POLL_BATCH = 64;

    private final ReentrantLock lock = new ReentrantLock();
    private final LongSupplier nanoClock;
    private final Ordering ordering;
    private final int capacity;
    private final int regionCount;
    private final SplittableRandom random;
    private final boolean[] cutByLink;
    private final long[] lastDueNsByLink;

    private WanProfile profile;
    private LinkModel linkModel;

    // Binary min-heap on due time, as parallel arrays; an entry's link is from * regionCount + to.
    private final long[] heapDueNs;
    private final int[] heapLink;
    private final Object[] heapMessage;
    private int heapSize;

    // Messages taken out of the heap by the current poll and not yet handed to the sink; only the poller uses these.
    private final long[] batchDueNs = new long[POLL_BATCH];
    private final int[] batchLink = new int[POLL_BATCH];
    private final Object[] batchMessage = new Object[POLL_BATCH];
    private int batchHeld;
    private boolean polling;

    private long sentCount;
    private long deliveredCount;
    private long droppedByLossCount;
    private long droppedByCutCount;
    private long droppedByOverloadCount;

    private volatile long nextDeadlineNs = Long.MAX_VALUE;
    private volatile Thread wakeOnSoonerDeadline;

    /**
     * FIFO links on {@link System#nanoTime()}.
     *
     * @see #RealTimeWan(WanProfile, long, int, Ordering, LongSupplier)
     */
    public RealTimeWan(final WanProfile profile, final long seed, final int capacity)
    {
        this(profile, seed, capacity, Ordering.FIFO_PER_LINK, System::nanoTime);
    }

    /**
     * Allocates everything this emulator will ever hold; nothing is allocated afterwards.
     *
     * @param profile   the regions and their links; {@link #setLink} can change links later.
     * @param seed      seed of the one random stream losses and delays are drawn from.
     * @param capacity  most messages held at once, within [1, {@link #MAX_CAPACITY}]; sends beyond it are dropped.
     * @param ordering  per-link order of delivery.
     * @param nanoClock monotonic clock in nanoseconds that {@code send} reads to stamp messages; the times passed to
     *                  {@link #poll} must come from the same clock. An Agrona {@code NanoClock} adapts as
     *                  {@code clock::nanoTime}.
     * @throws IllegalArgumentException if {@code capacity} is out of range.
     */
    public RealTimeWan(
        final WanProfile profile,
        final long seed,
        final int capacity,
        final Ordering ordering,
        final LongSupplier nanoClock)
    {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.ordering = Objects.requireNonNull(ordering, "ordering");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException(
                "capacity must be within [1, " + MAX_CAPACITY + "]: " + capacity);
        }
        this.capacity = capacity;
        this.random = new SplittableRandom(seed);
        this.linkModel = new LinkModel(profile);
        this.regionCount = profile.regionCount();
        final int links = regionCount * regionCount;
        cutByLink = new boolean[links];
        lastDueNsByLink = new long[links];
        // nanoTime may be negative: the first message on a link must never be held back by this start value.
        Arrays.fill(lastDueNsByLink, Long.MIN_VALUE);
        heapDueNs = new long[capacity];
        heapLink = new int[capacity];
        heapMessage = new Object[capacity];
    }

    /**
     * Schedule a message for delivery after its sampled one-way delay. Never blocks on space and does not allocate.
     * Thread-safe.
     *
     * @param from    sending region index.
     * @param to      receiving region index; may equal {@code from} (the fixed in-region delay, never lost).
     * @param message the message; not null. Held by reference until delivered: do not reuse it before then.
     * @return true if the message was accepted and will be delivered unless its link is cut before it is due;
     *         false if it was dropped (counted as lost, cut or overload).
     * @throws IndexOutOfBoundsException if a region index is outside [0, regionCount).
     */
    public boolean send(final int from, final int to, final T message)
    {
        Objects.checkIndex(from, regionCount);
        Objects.checkIndex(to, regionCount);
        Objects.requireNonNull(message, "message");
        // Read before the lock: a sender kept waiting on the lock still sent at the time it called.
        final long sentNs = nanoClock.getAsLong();
        final int link = from * regionCount + to;
        final boolean soonerThanBefore;

        lock.lock();
        try
        {
            sentCount++;
            if (cutByLink[link])
            {
                droppedByCutCount++;
                return false;
            }
            if (linkModel.sampleLoss(from, to, random))
            {
                droppedByLossCount++;
                return false;
            }
            // Sampled before the capacity check, so capacity decides which messages are dropped but never shifts
            // the random stream of the others.
            long dueNs = sentNs + linkModel.sampleOneWayDelayNs(from, to, random);
            if (heapSize + batchHeld >= capacity)
            {
                droppedByOverloadCount++;
                return false;
            }
            if (ordering == Ordering.FIFO_PER_LINK)
            {
                dueNs = Math.max(dueNs, lastDueNsByLink[link] + 1);
                lastDueNsByLink[link] = dueNs;
            }

            soonerThanBefore = dueNs < nextDeadlineNs;
            heapInsert(dueNs, link, message);
            nextDeadlineNs = heapDueNs[0];
        }
        finally
        {
            lock.unlock();
        }

        if (soonerThanBefore)
        {
            final Thread waiter = wakeOnSoonerDeadline;
            if (null != waiter)
            {
                LockSupport.unpark(waiter);
            }
        }
        return true;
    }

    /**
     * Deliver, in due-time order, the messages due at {@code nowNs}, at most {@link #capacity()} of them.
     *
     * @see #poll(long, Delivery, int)
     */
    public int poll(final long nowNs, final Delivery<? super T> sink)
    {
        return poll(nowNs, sink, capacity);
    }

    /**
     * Deliver, in due-time order, the messages whose due time is at or before {@code nowNs}, up to {@code limit} of
     * them, to {@code sink}. Never delivers a message before its due time. Messages whose link is cut when they come
     * due are dropped and counted instead. Call from one thread at a time; the sink runs on the calling thread
     * without the lock, and may send.
     * <p>
     * If the sink throws, the message it was given counts as delivered, the messages of the current batch not yet
     * handed over go back to wait (they are delivered by the next poll, in order), and the exception propagates.
     *
     * @param nowNs the current time on the emulator's clock.
     * @param sink  receives each message.
     * @param limit most messages to hand over in this call; bounds the work of one duty cycle.
     * @return the number of messages handed to the sink.
     * @throws IllegalStateException if another thread is polling at the same time.
     */
    public int poll(final long nowNs, final Delivery<? super T> sink, final int limit)
    {
        Objects.requireNonNull(sink, "sink");
        lock.lock();
        try
        {
            if (polling)
            {
                throw new IllegalStateException("RealTimeWan.poll called concurrently: poll from one thread at a time");
            }
            polling = true;
        }
        finally
        {
            lock.unlock();
        }

        int handedOver = 0;
        try
        {
            while (handedOver < limit)
            {
                final int taken = takeDue(nowNs, Math.min(POLL_BATCH, limit - handedOver));
                if (0 == taken)
                {
                    break;
                }
                handedOver += deliverBatch(taken, sink);
            }
        }
        finally
        {
            lock.lock();
            try
            {
                polling = false;
            }
            finally
            {
                lock.unlock();
            }
        }

        return handedOver;
    }

    /**
     * Due time of the earliest waiting message, on the emulator's clock, or {@link Long#MAX_VALUE} if none waits. A
     * host thread may sleep until then; a later {@code send} may bring it forward. Includes messages on links cut
     * since they were sent (poll drops them when they come due). Volatile read; never blocks.
     */
    public long nextDeadlineNs()
    {
        return nextDeadlineNs;
    }

    /** Cut the directed link {@code from -> to}: its messages, in flight and new, are dropped until healed. */
    public void cut(final int from, final int to)
    {
        setCut(from, to, true);
    }

    /** Cut both directions between two regions. */
    public void cutBoth(final int a, final int b)
    {
        setCut(a, b, true);
        setCut(b, a, true);
    }

    /** Isolate a region: cut every link from it to another region and back. Its in-region link keeps working. */
    public void cutRegion(final int region)
    {
        Objects.checkIndex(region, regionCount);
        lock.lock();
        try
        {
            for (int other = 0; other < regionCount; other++)
            {
                if (other != region)
                {
                    cutByLink[region * regionCount + other] = true;
                    cutByLink[other * regionCount + region] = true;
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Heal the directed link {@code from -> to}: messages sent from now on are delivered again. Idempotent. */
    public void heal(final int from, final int to)
    {
        setCut(from, to, false);
    }

    /** Heal both directions between two regions. Idempotent. */
    public void healBoth(final int a, final int b)
    {
        setCut(a, b, false);
        setCut(b, a, false);
    }

    /** Heal every link. Idempotent. */
    public void healAll()
    {
        lock.lock();
        try
        {
            Arrays.fill(cutByLink, false);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Change the link between two regions, both directions, from now on (the profile model is symmetric: an RTT
     * belongs to a pair). Messages already in flight keep their due times; with FIFO links a new message still never
     * overtakes them. Allocates a new model (O(regions^2)): a control operation, not for the hot path.
     *
     * @param a        one region index.
     * @param b        another region index, different from {@code a}.
     * @param rttMs    round-trip time mean, within [0, 60000] ms.
     * @param jitterMs round-trip jitter (standard deviation), within [0, 60000] ms.
     * @param loss     probability that a message is lost, within [0, 1].
     * @throws IllegalArgumentException naming the parameter and the bad value.
     */
    public void setLink(final int a, final int b, final double rttMs, final double jitterMs, final double loss)
    {
        Objects.checkIndex(a, regionCount);
        Objects.checkIndex(b, regionCount);
        if (a == b)
        {
            throw new IllegalArgumentException(
                "setLink needs two different regions: a region to itself is not a WAN link: " + a);
        }
        checkWithin("rttMs", rttMs, 0.0, WanProfileParser.MAX_DELAY_MS);
        checkWithin("jitterMs", jitterMs, 0.0, WanProfileParser.MAX_DELAY_MS);
        checkWithin("loss", loss, 0.0, 1.0);

        lock.lock();
        try
        {
            final int n = regionCount;
            final double[] rtt = new double[n * n];
            final double[] jitter = new double[n * n];
            final double[] lossProbability = new double[n * n];
            for (int from = 0; from < n; from++)
            {
                for (int to = 0; to < n; to++)
                {
                    final int cell = from * n + to;
                    final boolean changed = (from == a && to == b) || (from == b && to == a);
                    rtt[cell] = changed ? rttMs : profile.rttMs(from, to);
                    jitter[cell] = changed ? jitterMs : profile.jitterMs(from, to);
                    lossProbability[cell] = changed ? loss : profile.lossProbability(from, to);
                }
            }
            profile = new WanProfile(
                profile.name(), profile.regions(), profile.aliases(), rtt, jitter, lossProbability);
            linkModel = new LinkModel(profile);
        }
        finally
        {
            lock.unlock();
        }
    }

    /** The profile in force: the one given at construction with the changes of {@link #setLink} applied. */
    public WanProfile profile()
    {
        lock.lock();
        try
        {
            return profile;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Number of regions; region indices are within [0, regionCount). */
    public int regionCount()
    {
        return regionCount;
    }

    /** Most messages held at once. */
    public int capacity()
    {
        return capacity;
    }

    /** The per-link ordering chosen at construction. */
    public Ordering ordering()
    {
        return ordering;
    }

    /** Calls to {@link #send}, accepted or dropped. */
    public long sentCount()
    {
        lock.lock();
        try
        {
            return sentCount;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Messages handed to a sink by {@link #poll}. */
    public long deliveredCount()
    {
        lock.lock();
        try
        {
            return deliveredCount;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Messages dropped because the link's loss probability hit them. */
    public long droppedByLossCount()
    {
        lock.lock();
        try
        {
            return droppedByLossCount;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Messages dropped because their link was cut when they were sent or when they came due. */
    public long droppedByCutCount()
    {
        lock.lock();
        try
        {
            return droppedByCutCount;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Messages dropped because {@link #capacity()} messages were already held. */
    public long droppedByOverloadCount()
    {
        lock.lock();
        try
        {
            return droppedByOverloadCount;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Messages accepted and not yet delivered or dropped. */
    public int inFlightCount()
    {
        lock.lock();
        try
        {
            return heapSize + batchHeld;
        }
        finally
        {
            lock.unlock();
        }
    }

    @Override
    public String toString()
    {
        lock.lock();
        try
        {
            return "RealTimeWan{profile=" + profile.name() + ", ordering=" + ordering + ", capacity=" + capacity +
                ", inFlight=" + (heapSize + batchHeld) + ", sent=" + sentCount + ", delivered=" + deliveredCount +
                ", droppedByLoss=" + droppedByLossCount + ", droppedByCut=" + droppedByCutCount +
                ", droppedByOverload=" + droppedByOverloadCount + "}";
        }
        finally
        {
            lock.unlock();
        }
    }

    /** The clock {@code send} stamps messages with; a driver sleeps on it. */
    LongSupplier nanoClock()
    {
        return nanoClock;
    }

    /**
     * Set the thread to unpark when a {@code send} brings {@link #nextDeadlineNs()} forward (null for none). Used by
     * {@link RealTimeWanDriver}; one waiter at a time.
     */
    void wakeOnSoonerDeadline(final Thread waiter)
    {
        lock.lock();
        try
        {
            if (null != waiter && null != wakeOnSoonerDeadline && waiter != wakeOnSoonerDeadline)
            {
                throw new IllegalStateException("RealTimeWan already has a driver thread: " + wakeOnSoonerDeadline);
            }
            wakeOnSoonerDeadline = waiter;
        }
        finally
        {
            lock.unlock();
        }
    }

    private int takeDue(final long nowNs, final int max)
    {
        lock.lock();
        try
        {
            int taken = 0;
            while (taken < max && heapSize > 0 && heapDueNs[0] <= nowNs)
            {
                final long dueNs = heapDueNs[0];
                final int link = heapLink[0];
                final Object message = heapMessage[0];
                heapRemoveHead();
                if (cutByLink[link])
                {
                    droppedByCutCount++;
                    continue;
                }
                batchDueNs[taken] = dueNs;
                batchLink[taken] = link;
                batchMessage[taken] = message;
                taken++;
            }
            batchHeld = taken;
            nextDeadlineNs = heapSize > 0 ? heapDueNs[0] : Long.MAX_VALUE;
            return taken;
        }
        finally
        {
            lock.unlock();
        }
    }

    private int deliverBatch(final int taken, final Delivery<? super T> sink)
    {
        int handedOver = 0;
        try
        {
            while (handedOver < taken)
            {
                final int link = batchLink[handedOver];
                @SuppressWarnings("unchecked")
                final T message = (T)batchMessage[handedOver];
                batchMessage[handedOver] = null;
                final long dueNs = batchDueNs[handedOver];
                handedOver++;
                sink.onDelivery(link / regionCount, link % regionCount, message, dueNs);
            }
        }
        finally
        {
            lock.lock();
            try
            {
                deliveredCount += handedOver;
                // Only after a sink threw: put the rest back. Due times are unique per FIFO link, so order holds.
                for (int i = handedOver; i < taken; i++)
                {
                    heapInsert(batchDueNs[i], batchLink[i], batchMessage[i]);
                    batchMessage[i] = null;
                }
                batchHeld = 0;
                nextDeadlineNs = heapSize > 0 ? heapDueNs[0] : Long.MAX_VALUE;
            }
            finally
            {
                lock.unlock();
            }
        }

        return handedOver;
    }

    private void setCut(final int from, final int to, final boolean cut)
    {
        Objects.checkIndex(from, regionCount);
        Objects.checkIndex(to, regionCount);
        lock.lock();
        try
        {
            cutByLink[from * regionCount + to] = cut;
        }
        finally
        {
            lock.unlock();
        }
    }

    private void heapInsert(final long dueNs, final int link, final Object message)
    {
        // Sift up with a hole: move parents down until the new entry's place is found, then write it once.
        int index = heapSize++;
        while (index > 0)
        {
            final int parent = (index - 1) >>> 1;
            if (heapDueNs[parent] <= dueNs)
            {
                break;
            }
            heapDueNs[index] = heapDueNs[parent];
            heapLink[index] = heapLink[parent];
            heapMessage[index] = heapMessage[parent];
            index = parent;
        }
        heapDueNs[index] = dueNs;
        heapLink[index] = link;
        heapMessage[index] = message;
    }

    private void heapRemoveHead()
    {
        final int last = --heapSize;
        final long dueNs = heapDueNs[last];
        final int link = heapLink[last];
        final Object message = heapMessage[last];
        heapMessage[last] = null;
        if (0 == last)
        {
            return;
        }

        // Sift the last entry down from the root with a hole.
        int index = 0;
        final int firstLeaf = last >>> 1;
        while (index < firstLeaf)
        {
            int child = 2 * index + 1;
            final int right = child + 1;
            if (right < last && heapDueNs[right] < heapDueNs[child])
            {
                child = right;
            }
            if (dueNs <= heapDueNs[child])
            {
                break;
            }
            heapDueNs[index] = heapDueNs[child];
            heapLink[index] = heapLink[child];
            heapMessage[index] = heapMessage[child];
            index = child;
        }
        heapDueNs[index] = dueNs;
        heapLink[index] = link;
        heapMessage[index] = message;
    }

    private static void checkWithin(final String name, final double value, final double min, final double max)
    {
        if (!(value >= min && value <= max))
        {
            throw new IllegalArgumentException(name + " must be within [" + min + ", " + max + "]: " + value);
        }
    }
}
