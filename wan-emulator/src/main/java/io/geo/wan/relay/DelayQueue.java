package io.geo.wan.relay;

import java.nio.ByteBuffer;

/**
 * A bounded queue of datagrams, each due at a time: a binary min-heap over preallocated slots, ordered by due time
 * and then by arrival, with the payload bytes copied into one preallocated ring (the arena). Nothing is allocated
 * after construction: when the slots or the arena are full, {@link #offer} refuses and the caller drops and counts.
 * <p>
 * The arena is a ring in arrival order: a datagram's bytes (and its slot) are reused once every datagram queued
 * before it has left, so one long-delayed datagram holds back the space behind it. Size the limits for the highest
 * rate times the longest delay.
 * <p>
 * Single-threaded: only the relay thread uses it.
 *
 * @param <A> what the caller attaches to each datagram (where to send it).
 */
final class DelayQueue<A>
{
    /** Returned by {@link #pollDue(long)} when no datagram is due. */
    static final int NONE = -1;

    private final int capacityDatagrams;
    private final int capacityBytes;
    private final ByteBuffer arena;
    private final ByteBuffer payloadView;

    private final long[] dueNs;
    private final long[] sequence;
    private final int[] offset;
    private final int[] length;
    private final long[] endPosition;
    private final boolean[] released;
    private final int[] tag;
    private final Object[] attachment;

    private final int[] heap;
    private int heapSize;

    private final int[] freeSlots;
    private int freeCount;

    /** Slots in arrival order (a ring), to know how far the arena's head may advance. */
    private final int[] arrivalOrder;
    private int arrivalHead;
    private int arrivalCount;

    /** Positions in the arena grow forever; the physical offset is the position modulo the capacity. */
    private long arenaHeadPosition;
    private long arenaTailPosition;
    private long nextSequence;

    /**
     * @param capacityDatagrams most datagrams queued at once, at least 1.
     * @param capacityBytes     size of the byte ring, at least 1; no datagram larger than this can be queued.
     */
    DelayQueue(final int capacityDatagrams, final int capacityBytes)
    {
        Invariants.check(capacityDatagrams >= 1, "capacityDatagrams >= 1", capacityDatagrams);
        Invariants.check(capacityBytes >= 1, "capacityBytes >= 1", capacityBytes);
        this.capacityDatagrams = capacityDatagrams;
        this.capacityBytes = capacityBytes;
        arena = ByteBuffer.allocateDirect(capacityBytes);
        payloadView = arena.duplicate();
        dueNs = new long[capacityDatagrams];
        sequence = new long[capacityDatagrams];
        offset = new int[capacityDatagrams];
        length = new int[capacityDatagrams];
        endPosition = new long[capacityDatagrams];
        released = new boolean[capacityDatagrams];
        tag = new int[capacityDatagrams];
        attachment = new Object[capacityDatagrams];
        heap = new int[capacityDatagrams];
        freeSlots = new int[capacityDatagrams];
        arrivalOrder = new int[capacityDatagrams];
        for (int i = 0; i < capacityDatagrams; i++)
        {
            freeSlots[i] = capacityDatagrams - 1 - i;
        }
        freeCount = capacityDatagrams;
    }

    /**
     * Queue a copy of the payload's remaining bytes, due at {@code dueNs}. Datagrams due at the same time leave in
     * the order they were offered. Does not allocate.
     *
     * @param payload    the bytes to copy; its position advances to its limit when queued, stays put otherwise.
     * @param dueNs      when the datagram may leave.
     * @param attachment where it goes, handed back by {@link #attachment(int)}.
     * @param tag        a small number handed back by {@link #tag(int)}.
     * @return false if the queue is full (slots or bytes): the caller drops the datagram.
     */
    boolean offer(final ByteBuffer payload, final long dueNs, final A attachment, final int tag)
    {
        final int bytes = payload.remaining();
        if (0 == freeCount || bytes > capacityBytes)
        {
            return false;
        }

        long start = arenaTailPosition;
        int physical = (int)(start % capacityBytes);
        if (physical + bytes > capacityBytes)
        {
            // Never split a datagram: skip the rest of the ring and start at offset 0.
            start += capacityBytes - physical;
            physical = 0;
        }
        final long end = start + bytes;
        if (end - arenaHeadPosition > capacityBytes)
        {
            return false;
        }

        arena.limit(physical + bytes).position(physical);
        arena.put(payload);
        arenaTailPosition = end;

        final int slot = freeSlots[--freeCount];
        this.dueNs[slot] = dueNs;
        sequence[slot] = nextSequence++;
        offset[slot] = physical;
        length[slot] = bytes;
        endPosition[slot] = end;
        released[slot] = false;
        this.tag[slot] = tag;
        this.attachment[slot] = attachment;

        arrivalOrder[(arrivalHead + arrivalCount) % capacityDatagrams] = slot;
        arrivalCount++;
        pushHeap(slot);
        return true;
    }

    /** Due time of the earliest datagram, or {@link Long#MAX_VALUE} when the queue is empty. */
    long nextDueNs()
    {
        return 0 == heapSize ? Long.MAX_VALUE : dueNs[heap[0]];
    }

    /**
     * Take the earliest datagram if it is due. The slot stays valid for {@link #payload}, {@link #attachment} and
     * {@link #tag} until {@link #release(int)}, which the caller must call before polling again.
     *
     * @return the slot, or {@link #NONE} if nothing is due at {@code nowNs}.
     */
    int pollDue(final long nowNs)
    {
        if (0 == heapSize || dueNs[heap[0]] > nowNs)
        {
            return NONE;
        }

        final int slot = heap[0];
        heapSize--;
        if (heapSize > 0)
        {
            heap[0] = heap[heapSize];
            siftDown(0);
        }
        return slot;
    }

    /**
     * The payload of a polled slot: a view over the arena, valid until the slot is released; one view object is
     * reused for every call.
     */
    ByteBuffer payload(final int slot)
    {
        payloadView.limit(offset[slot] + length[slot]).position(offset[slot]);
        return payloadView;
    }

    /** Payload length of a slot in bytes. */
    int length(final int slot)
    {
        return length[slot];
    }

    /** Due time of a slot. */
    long dueNs(final int slot)
    {
        return dueNs[slot];
    }

    /** The attachment given to {@link #offer}. */
    @SuppressWarnings("unchecked")
    A attachment(final int slot)
    {
        return (A)attachment[slot];
    }

    /** The tag given to {@link #offer}. */
    int tag(final int slot)
    {
        return tag[slot];
    }

    /** Done with a polled slot: its bytes and the slot are reused once every earlier arrival has been released. */
    void release(final int slot)
    {
        Invariants.check(!released[slot], "slot released twice", slot);
        released[slot] = true;
        attachment[slot] = null;
        while (arrivalCount > 0 && released[arrivalOrder[arrivalHead]])
        {
            final int oldest = arrivalOrder[arrivalHead];
            arenaHeadPosition = endPosition[oldest];
            freeSlots[freeCount++] = oldest;
            arrivalHead = (arrivalHead + 1) % capacityDatagrams;
            arrivalCount--;
        }
        if (0 == arrivalCount)
        {
            // Empty: start again at offset 0, so the next datagrams need no wrap.
            arenaHeadPosition = 0;
            arenaTailPosition = 0;
        }
    }

    /** Datagrams waiting to be due and polled. */
    int size()
    {
        return heapSize;
    }

    /** Slots in use, including released ones not yet reusable (see the class comment); at most the capacity. */
    int slotsInUse()
    {
        return capacityDatagrams - freeCount;
    }

    /** Bytes of the ring in use, including space not yet reusable; at most the capacity. */
    int bytesInUse()
    {
        return (int)(arenaTailPosition - arenaHeadPosition);
    }

    int capacityDatagrams()
    {
        return capacityDatagrams;
    }

    int capacityBytes()
    {
        return capacityBytes;
    }

    private boolean earlier(final int a, final int b)
    {
        return dueNs[a] < dueNs[b] || (dueNs[a] == dueNs[b] && sequence[a] < sequence[b]);
    }

    private void pushHeap(final int slot)
    {
        int index = heapSize++;
        heap[index] = slot;
        while (index > 0)
        {
            final int parent = (index - 1) >>> 1;
            if (!earlier(heap[index], heap[parent]))
            {
                break;
            }
            swap(index, parent);
            index = parent;
        }
    }

    private void siftDown(final int start)
    {
        int index = start;
        while (true)
        {
            final int left = 2 * index + 1;
            if (left >= heapSize)
            {
                break;
            }
            final int right = left + 1;
            final int child = right < heapSize && earlier(heap[right], heap[left]) ? right : left;
            if (!earlier(heap[child], heap[index]))
            {
                break;
            }
            swap(index, child);
            index = child;
        }
    }

    private void swap(final int i, final int j)
    {
        final int slot = heap[i];
        heap[i] = heap[j];
        heap[j] = slot;
    }
}
