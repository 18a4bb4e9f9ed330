package io.geo.router.state;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.state.KeyValueStateMachine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random command sequences for the differential and crash tests: every op type, batches that touch a key
 * several times, session-less commands, reads with and without a client id, duplicates (a client's last request
 * again) and stale requests (an older one). Values mix random bytes with decimal numbers and near-numbers (so INCR
 * both succeeds and fails) and the current value of the key (so CAS both succeeds and fails). Deterministic for a
 * seed; the generator peeks at a reference state machine to pick CAS expectations.
 */
final class RandomCommands
{
    private static final String[] NUMBERS = {
        "0", "1", "-1", "42", "+7", "007", "-0", "9223372036854775807", "-9223372036854775808", "12a", "", " 5",
        "1.5", "0x10", "\u0665"};

    private final SplittableRandom random;
    private final KeyValueStateMachine reference;
    private final Key[] keys;
    private final int clients;
    private final int maxOps;
    private final int maxValueBytes;
    private final boolean sessionLessWrites;
    private final long[] nextRequest;
    private final List<List<Command>> sent = new ArrayList<>();

    /**
     * @param reference         consulted (read only) for CAS expectations; the caller applies each command to it
     * @param sessionLessWrites whether to generate writes with client id 0 (not exactly-once after a crash)
     */
    RandomCommands(
        final long seed, final KeyValueStateMachine reference, final int keyCount, final int clients, final int maxOps,
        final int maxValueBytes, final boolean sessionLessWrites)
    {
        this.random = new SplittableRandom(seed);
        this.reference = reference;
        this.clients = clients;
        this.maxOps = maxOps;
        this.maxValueBytes = maxValueBytes;
        this.sessionLessWrites = sessionLessWrites;
        this.nextRequest = new long[clients + 1];
        this.keys = new Key[keyCount];
        for (int i = 0; i < keyCount; i++)
        {
            // Different lengths, one empty key, shared prefixes.
            keys[i] = i == 0 ? Key.wrap(new byte[0]) : Key.of("k" + i + (i % 3 == 0 ? "-with-a-longer-suffix" : ""));
        }
        for (int c = 0; c <= clients; c++)
        {
            sent.add(new ArrayList<>());
            nextRequest[c] = 1;
        }
    }

    Command next()
    {
        final int kind = random.nextInt(100);
        final int client = 1 + random.nextInt(clients);
        final List<Command> history = sent.get(client);
        if (kind < 6 && !history.isEmpty())
        {
            return history.get(history.size() - 1);
        }
        if (kind < 9 && history.size() > 1)
        {
            return history.get(random.nextInt(history.size() - 1));
        }
        if (kind < 19)
        {
            return Command.of(random.nextBoolean() ? client : 0, random.nextInt(1000), reads());
        }
        if (kind < 25 && sessionLessWrites)
        {
            return Command.of(0, random.nextInt(1000), ops());
        }
        final Command command = Command.of(client, nextRequest[client]++, ops());
        if (command.hasSession())
        {
            history.add(command);
        }
        return command;
    }

    private Op[] reads()
    {
        final Op[] ops = new Op[1 + random.nextInt(Math.min(3, maxOps))];
        for (int i = 0; i < ops.length; i++)
        {
            ops[i] = Op.get(key());
        }
        return ops;
    }

    /** A write command's ops: at least one write, sometimes reads mixed in, keys often repeated in one batch. */
    Op[] ops()
    {
        final int count = random.nextInt(3) == 0 ? 1 + random.nextInt(maxOps) : 1;
        final Op[] ops = new Op[count];
        boolean writes = false;
        for (int i = 0; i < count; i++)
        {
            ops[i] = op(i > 0 && random.nextInt(3) == 0 ? ops[random.nextInt(i)].key() : key());
            writes |= ops[i].type().isWrite();
        }
        if (!writes)
        {
            ops[count - 1] = Op.put(ops[count - 1].key(), value());
        }
        return ops;
    }

    Op op(final Key key)
    {
        switch (random.nextInt(10))
        {
            case 0:
                return Op.get(key);
            case 1:
            case 2:
                return Op.put(key, value());
            case 3:
                return Op.delete(key);
            case 4:
            case 5:
            {
                final byte[] current = reference.get(key);
                final int pick = random.nextInt(4);
                final byte[] expected = pick == 0 ? null : pick == 1 ? value() : current;
                return Op.cas(key, expected, value());
            }
            default:
                return Op.incr(key, delta());
        }
    }

    private long delta()
    {
        switch (random.nextInt(6))
        {
            case 0:
                return Long.MAX_VALUE;
            case 1:
                return -random.nextInt(100);
            default:
                return random.nextInt(10);
        }
    }

    byte[] value()
    {
        if (random.nextInt(3) == 0)
        {
            return NUMBERS[random.nextInt(NUMBERS.length)].getBytes(StandardCharsets.UTF_8);
        }
        final byte[] bytes = new byte[random.nextInt(maxValueBytes + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    Key key()
    {
        return keys[random.nextInt(keys.length)];
    }
}
