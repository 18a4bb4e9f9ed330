package io.geo.epaxos.regionlog;

import io.geo.epaxos.codec.CodecException;
import io.geo.epaxos.primitives.Ballot;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of valid region log messages, mostly small with edge values mixed in: zero and Long.MAX_VALUE
 * views and slots, the CHOSEN view, ranges that end at Long.MAX_VALUE, no-op entries, empty and large payloads,
 * empty and maximum-size lists, the highest node id.
 */
final class RandomLogMessages
{
    private final Random random;

    RandomLogMessages(final long seed)
    {
        this.random = new Random(seed);
    }

    Random random()
    {
        return random;
    }

    int node()
    {
        return random.nextInt(8) == 0 ? LogMessageCodec.MAX_NODE_ID : random.nextInt(7);
    }

    /** A message that fits {@link LogMessageCodec#MAX_MESSAGE_BYTES}. */
    LogMessage message()
    {
        while (true)
        {
            final LogMessage message = anyMessage();
            try
            {
                LogMessageCodec.encodedLength(message);
                return message;
            }
            catch (final CodecException ex)
            {
                // Too large when many big payloads meet; draw again.
            }
        }
    }

    private LogMessage anyMessage()
    {
        switch (random.nextInt(14))
        {
            case 0:
                return new LogMessage.Prepare(view(), slot());
            case 1:
            {
                final long fromSlot = slot();
                final List<LogMessage.AcceptedSlot> accepted = acceptedSlots();
                final long last = Math.max(fromSlot, accepted.isEmpty() ? 0 : accepted.get(accepted.size() - 1).slot());
                final long nextSlot = random.nextBoolean() || last > Long.MAX_VALUE - 1000 ? 0 :
                    last + 1 + random.nextInt(100);
                return new LogMessage.Promise(view(), fromSlot, slot(), accepted, nextSlot);
            }
            case 2:
                return new LogMessage.Nack(view());
            case 3:
            {
                final List<LogEntry> entries = entries();
                return new LogMessage.Accept(view(), firstSlot(entries.size()), entries);
            }
            case 4:
            {
                final int count = count();
                return new LogMessage.Accepted(view(), firstSlot(count), count);
            }
            case 5:
            {
                final int count = count();
                return new LogMessage.Commit(view(), firstSlot(count), count);
            }
            case 6:
                return new LogMessage.Heartbeat(view(), slot());
            case 7:
                return new LogMessage.GrantRequest(view());
            case 8:
            {
                final int count = count();
                return new LogMessage.Grant(view(), firstSlot(count), count);
            }
            case 9:
                return new LogMessage.CatchUpRequest(slot());
            case 12:
                return new LogMessage.SnapshotRequest(slot(), slot());
            case 13:
            {
                final byte[] data = new byte[random.nextInt(4) == 0 ? random.nextInt(70_000) : random.nextInt(64)];
                random.nextBytes(data);
                final long total = data.length + (random.nextBoolean() ? 0 :
                    random.nextLong(LogMessageCodec.MAX_SNAPSHOT_BYTES - data.length + 1));
                final long offset = random.nextBoolean() ? 0 : random.nextLong(total - data.length + 1);
                return new LogMessage.SnapshotChunk(slot(), slot(), total, offset, data);
            }
            case 11:
            {
                final List<LogEntry> forwarded = new java.util.ArrayList<>();
                for (final LogEntry entry : entries())
                {
                    if (!entry.isNoop())
                    {
                        forwarded.add(entry);
                    }
                }
                return new LogMessage.Forward(forwarded);
            }
            default:
            {
                final List<LogEntry> entries = entries();
                return new LogMessage.CatchUpReply(firstSlot(entries.size()), entries, slot());
            }
        }
    }

    long view()
    {
        final int choice = random.nextInt(10);
        if (choice == 0)
        {
            return random.nextBoolean() ? 0 : Long.MAX_VALUE;
        }
        if (choice < 6)
        {
            return Ballot.of(random.nextInt(1000), random.nextInt(7));
        }
        return random.nextLong() & Long.MAX_VALUE;
    }

    long slot()
    {
        final int choice = random.nextInt(10);
        if (choice == 0)
        {
            return random.nextBoolean() ? 0 : Long.MAX_VALUE;
        }
        if (choice < 6)
        {
            return 1 + random.nextInt(100_000);
        }
        return random.nextLong() & Long.MAX_VALUE;
    }

    /** The first slot of a range of {@code count} slots: the range never wraps, and sometimes ends at the top. */
    long firstSlot(final int count)
    {
        if (random.nextInt(20) == 0)
        {
            return Long.MAX_VALUE - count;
        }
        return Math.min(slot(), Long.MAX_VALUE - count);
    }

    int count()
    {
        final int choice = random.nextInt(20);
        if (choice == 0)
        {
            return 0;
        }
        if (choice == 1)
        {
            return LogMessageCodec.MAX_ENTRIES;
        }
        if (choice == 2)
        {
            return random.nextInt(LogMessageCodec.MAX_ENTRIES + 1);
        }
        return 1 + random.nextInt(64);
    }

    List<LogEntry> entries()
    {
        final int count = listSize();
        // Many entries get small payloads so that the message stays within the frame limit.
        final boolean small = count > 64;
        final List<LogEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            entries.add(entry(small));
        }
        return entries;
    }

    List<LogMessage.AcceptedSlot> acceptedSlots()
    {
        final int count = listSize();
        final boolean small = count > 64;
        final List<LogMessage.AcceptedSlot> slots = new ArrayList<>(count);
        long slot = random.nextInt(10) == 0 ? Long.MAX_VALUE - count : random.nextInt(1000);
        for (int i = 0; i < count; i++)
        {
            slots.add(new LogMessage.AcceptedSlot(slot, random.nextInt(4) == 0 ? RegionLogNode.CHOSEN : view(),
                entry(small)));
            // strictly increasing, with gaps; never past Long.MAX_VALUE
            slot += 1 + (Long.MAX_VALUE - slot > count + 4L ? random.nextInt(3) : 0);
        }
        return slots;
    }

    private int listSize()
    {
        final int choice = random.nextInt(100);
        if (choice < 15)
        {
            return 0;
        }
        if (choice == 15)
        {
            return LogMessageCodec.MAX_ENTRIES;
        }
        if (choice < 20)
        {
            return random.nextInt(5000);
        }
        return 1 + random.nextInt(8);
    }

    LogEntry entry(final boolean small)
    {
        if (random.nextInt(8) == 0)
        {
            return LogEntry.NOOP;
        }
        final int origin = random.nextInt(20) == 0 ? Integer.MAX_VALUE : random.nextInt(7);
        final long sequence = random.nextInt(20) == 0 ? Long.MAX_VALUE :
            ((1L + random.nextInt(4)) << 32) + 1 + random.nextInt(1000);
        return LogEntry.of(origin, sequence, bytes(payloadLength(small)));
    }

    private int payloadLength(final boolean small)
    {
        if (small)
        {
            return random.nextInt(5) == 0 ? 0 : random.nextInt(8);
        }
        final int choice = random.nextInt(200);
        if (choice < 20)
        {
            return 0;
        }
        if (choice == 20)
        {
            return random.nextInt(256 * 1024);
        }
        if (choice < 40)
        {
            return random.nextInt(4096);
        }
        return random.nextInt(100);
    }

    private byte[] bytes(final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
