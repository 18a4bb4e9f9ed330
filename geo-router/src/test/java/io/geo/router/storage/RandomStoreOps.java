package io.geo.router.storage;

import io.geo.epaxos.api.DurableStore;
import io.geo.epaxos.api.InstanceRecord;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.OpType;
import io.geo.epaxos.primitives.Status;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A seeded stream of store operations (saveInstance, removeInstance, saveGcWatermarks) over a small id space, so
 * that ids are overwritten and removed often. The same seed gives the same stream: a child process and the test
 * that checks it replay it alike.
 */
final class RandomStoreOps
{
    static final int REPLICAS = 3;

    private final SplittableRandom random;
    private final int numbersPerReplica;
    private final long[] watermarks = new long[REPLICAS];

    RandomStoreOps(final long seed, final int numbersPerReplica)
    {
        this.random = new SplittableRandom(seed);
        this.numbersPerReplica = numbersPerReplica;
    }

    /** Applies the next operation of the stream to {@code store}. */
    void applyNext(final DurableStore store)
    {
        next().accept(store);
    }

    /** The next operation of the stream, to apply to any number of stores. */
    Consumer<DurableStore> next()
    {
        final int dice = random.nextInt(100);
        if (dice < 65)
        {
            final InstanceRecord record = randomRecord(random, randomId());
            return store -> store.saveInstance(record);
        }
        if (dice < 92)
        {
            final long id = randomId();
            return store -> store.removeInstance(id);
        }
        watermarks[random.nextInt(REPLICAS)] += 1 + random.nextInt(5);
        final long[] copy = watermarks.clone();
        return store -> store.saveGcWatermarks(copy);
    }

    /**
     * The k such that {@code store} holds exactly {@code base} with the first k of {@code ops} applied, or -1.
     * {@code base} is changed.
     */
    static int matchingPrefix(final DurableStore store, final ModelStore base, final List<Consumer<DurableStore>> ops)
    {
        final List<InstanceRecord> actual = store.loadInstances();
        final long[] actualWatermarks = store.loadGcWatermarks(REPLICAS);
        for (int k = 0; ; k++)
        {
            if (StorageAssertions.sameRecords(base.loadInstances(), actual) &&
                Arrays.equals(base.loadGcWatermarks(REPLICAS), actualWatermarks))
            {
                return k;
            }
            if (k == ops.size())
            {
                return -1;
            }
            ops.get(k).accept(base);
        }
    }

    private long randomId()
    {
        return InstanceId.of(random.nextInt(REPLICAS), 1 + random.nextInt(numbersPerReplica));
    }

    static InstanceRecord randomRecord(final SplittableRandom random, final long id)
    {
        final Status status = Status.values()[random.nextInt(Status.values().length)];
        final Command command;
        final int commandKind = random.nextInt(10);
        if (status == Status.NONE && commandKind < 7)
        {
            command = null;
        }
        else if (commandKind < 2)
        {
            command = Command.NOOP;
        }
        else if (random.nextInt(6) == 0)
        {
            final java.util.ArrayList<Command> members = new java.util.ArrayList<>();
            final int count = 2 + random.nextInt(6);
            for (int i = 0; i < count; i++)
            {
                members.add(randomCommand(random));
            }
            command = Command.batch(members);
        }
        else
        {
            command = randomCommand(random);
        }
        final long[] deps = new long[random.nextInt(10) == 0 ? 0 : random.nextInt(12)];
        for (int i = 0; i < deps.length; i++)
        {
            deps[i] = InstanceId.of(random.nextInt(REPLICAS), 1 + random.nextInt(1 << 20));
        }
        final long[] sortedSet = Arrays.stream(deps).sorted().distinct().toArray();
        return new InstanceRecord(id, status, random.nextLong(), random.nextLong(), command,
            random.nextLong(Long.MAX_VALUE), sortedSet, random.nextBoolean());
    }

    static Command randomCommand(final SplittableRandom random)
    {
        final Op[] ops = new Op[1 + random.nextInt(4)];
        for (int i = 0; i < ops.length; i++)
        {
            final OpType type = OpType.values()[random.nextInt(OpType.values().length)];
            final Key key = Key.wrap(bytes(random, random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(24)));
            final byte[] value = random.nextInt(3) == 0 ? null : bytes(random, random.nextInt(8) == 0 ? 0 :
                random.nextInt(random.nextInt(20) == 0 ? 2048 : 64));
            final byte[] expected = random.nextInt(3) == 0 ? null : bytes(random, random.nextInt(16));
            final long delta = random.nextInt(3) == 0 ? 0 : random.nextLong();
            ops[i] = Op.of(type, key, value, expected, delta);
        }
        return Command.of(random.nextInt(4) == 0 ? 0 : random.nextLong(), random.nextLong(), ops);
    }

    static byte[] bytes(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
