package io.geo.epaxos.codec;

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
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.OpType;
import io.geo.epaxos.primitives.Status;

import java.util.Arrays;
import java.util.Random;

/**
 * Seeded generator of valid messages, mostly small with edge values mixed in: extreme longs, empty and maximum-size
 * keys and values, null versus empty values, no-op and null commands, empty and large deps.
 */
public final class RandomMessages
{
    private static final long[] EDGE_LONGS =
        { 0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, 0xFFFF, 1L << 48, InstanceId.MAX_NUMBER };

    private final Random random;

    public RandomMessages(final long seed)
    {
        this.random = new Random(seed);
    }

    Random random()
    {
        return random;
    }

    int replica()
    {
        return random.nextInt(8) == 0 ? InstanceId.MAX_REPLICAS - 1 : random.nextInt(8);
    }

    /** A message that fits {@link MessageCodec#MAX_MESSAGE_BYTES}. */
    Message message()
    {
        while (true)
        {
            final Message message = anyMessage();
            try
            {
                MessageCodec.encodedLength(message);
                return message;
            }
            catch (final CodecException ex)
            {
                // Too large when several big values meet; draw again.
            }
        }
    }

    private Message anyMessage()
    {
        switch (random.nextInt(8))
        {
            case 0:
                return new PreAccept(anyLong(), anyLong(), command(), anyLong(), deps(), watermarks());
            case 1:
                return new PreAcceptReply(
                    anyLong(), anyLong(), random.nextBoolean(), anyLong(), deps(), random.nextBoolean(), anyLong());
            case 2:
                return new Accept(anyLong(), anyLong(), command(), anyLong(), deps());
            case 3:
                return new AcceptReply(anyLong(), anyLong(), random.nextBoolean(), anyLong());
            case 4:
                return new Commit(anyLong(), command(), anyLong(), deps());
            case 5:
                return new Prepare(anyLong(), anyLong());
            case 6:
                return new PrepareReply(
                    anyLong(),
                    anyLong(),
                    random.nextBoolean(),
                    anyLong(),
                    Status.values()[random.nextInt(Status.values().length)],
                    anyLong(),
                    random.nextInt(4) == 0 ? null : command(),
                    anyLong(),
                    deps(),
                    random.nextBoolean());
            default:
                return new ExecutedWatermarks(watermarks());
        }
    }

    long anyLong()
    {
        final int choice = random.nextInt(10);
        if (choice == 0)
        {
            return EDGE_LONGS[random.nextInt(EDGE_LONGS.length)];
        }
        if (choice < 5)
        {
            return random.nextInt(1000);
        }
        return random.nextLong();
    }

    public Command command()
    {
        if (random.nextInt(10) == 0)
        {
            return Command.NOOP;
        }
        if (random.nextInt(8) == 0)
        {
            return batch();
        }
        return plainCommand();
    }

    /** A batch of 2..64 plain commands (sometimes of the same client), or rarely of many small ones. */
    public Command batch()
    {
        final int members = random.nextInt(40) == 0 ? 2 + random.nextInt(Command.MAX_BATCH_MEMBERS / 4) :
            2 + random.nextInt(63);
        final java.util.ArrayList<Command> list = new java.util.ArrayList<>(members);
        for (int i = 0; i < members; i++)
        {
            if (members > 64)
            {
                list.add(Command.of(1 + random.nextInt(100), i, op(true)));
            }
            else
            {
                list.add(plainCommand());
            }
        }
        return Command.batch(list);
    }

    private Command plainCommand()
    {
        final int choice = random.nextInt(50);
        final int opCount;
        if (choice == 0)
        {
            opCount = 1 + random.nextInt(MessageCodec.MAX_OPS);
        }
        else if (choice < 5)
        {
            opCount = 1 + random.nextInt(64);
        }
        else
        {
            opCount = 1 + random.nextInt(4);
        }
        // Many ops get small keys and values so that the command stays within the frame limit.
        final boolean small = opCount > 8;
        final Op[] ops = new Op[opCount];
        for (int i = 0; i < opCount; i++)
        {
            ops[i] = op(small);
        }
        return Command.of(anyLong(), anyLong(), ops);
    }

    Op op(final boolean small)
    {
        final OpType type = OpType.values()[random.nextInt(OpType.values().length)];
        final Key key = Key.wrap(bytes(small ? 8 : keyLength()));
        return Op.of(type, key, optionalBytes(small), optionalBytes(small), anyLong());
    }

    private int keyLength()
    {
        final int choice = random.nextInt(20);
        if (choice == 0)
        {
            return MessageCodec.MAX_KEY_BYTES;
        }
        if (choice == 1)
        {
            return 0;
        }
        return 1 + random.nextInt(32);
    }

    private byte[] optionalBytes(final boolean small)
    {
        final int choice = random.nextInt(small ? 10 : 40);
        if (choice < 3)
        {
            return null;
        }
        if (choice < 5)
        {
            return new byte[0];
        }
        if (choice == 10)
        {
            return bytes(MessageCodec.MAX_VALUE_BYTES);
        }
        if (choice == 11)
        {
            return bytes(random.nextInt(MessageCodec.MAX_VALUE_BYTES));
        }
        return bytes(random.nextInt(small ? 8 : 100));
    }

    private byte[] bytes(final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    long[] deps()
    {
        final int choice = random.nextInt(100);
        final int count;
        if (choice < 15)
        {
            return Deps.EMPTY;
        }
        else if (choice == 15)
        {
            count = MessageCodec.MAX_DEPS;
        }
        else if (choice < 20)
        {
            count = random.nextInt(5000);
        }
        else
        {
            count = 1 + random.nextInt(8);
        }
        return sortedSet(count);
    }

    /** {@code count} distinct instance ids, strictly increasing. */
    long[] sortedSet(final int count)
    {
        final long[] deps = new long[count];
        final int replicas = 1 + random.nextInt(5);
        for (int i = 0; i < count; i++)
        {
            deps[i] = InstanceId.of(random.nextInt(replicas), 1 + random.nextInt(Math.max(1, count * 4)));
        }
        Arrays.sort(deps);
        int distinct = 0;
        for (int i = 0; i < count; i++)
        {
            if (distinct == 0 || deps[i] != deps[distinct - 1])
            {
                deps[distinct++] = deps[i];
            }
        }
        return Arrays.copyOf(deps, distinct);
    }

    long[] watermarks()
    {
        final int choice = random.nextInt(50);
        final int count = choice == 0 ? MessageCodec.MAX_WATERMARKS : choice < 5 ? random.nextInt(200) :
            random.nextInt(8);
        final long[] watermarks = new long[count];
        for (int i = 0; i < count; i++)
        {
            watermarks[i] = random.nextInt(4) == 0 ? anyLong() : random.nextInt(1 << 20);
        }
        return watermarks;
    }
}
