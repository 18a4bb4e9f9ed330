package io.geo.epaxos.state;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class KeyValueStateMachineTest
{
    private static final int KEYS = 2_000;

    @Test
    void shouldWriteSnapshotsInKeyOrderWhateverTheHistory()
    {
        // the same final data reached through different insertion orders and deletions (and so different hash table
        // histories) gives the same snapshot bytes, its keys in ascending order
        final KeyValueStateMachine ascending = new KeyValueStateMachine();
        final KeyValueStateMachine shuffled = new KeyValueStateMachine();
        for (int i = 0; i < KEYS; i++)
        {
            ascending.apply(i, Command.of(0, 0, Op.put(key(i), value(i))));
        }
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 3 * KEYS; i++)
        {
            final int k = random.nextInt(KEYS + 500);
            shuffled.apply(i, Command.of(0, 0, Op.put(key(k), value(k + 1))));
        }
        for (int k = 0; k < KEYS + 500; k++)
        {
            shuffled.apply(k, Command.of(0, 0, k < KEYS ? Op.put(key(k), value(k)) : Op.delete(key(k))));
        }

        final byte[] state = ascending.captureState();
        assertArrayEquals(state, shuffled.captureState());
        final List<String> keys = new ArrayList<>();
        StateSnapshotFormat.read(state, new StateSnapshotFormat.Visitor()
        {
            @Override
            public void entry(final byte[] key, final byte[] value)
            {
                keys.add(new String(key, StandardCharsets.UTF_8));
            }

            @Override
            public void session(final long clientId, final long requestNumber, final Result[] results)
            {
            }
        });
        assertEquals(KEYS, keys.size());
        final List<String> sorted = new ArrayList<>(keys);
        sorted.sort(null);
        assertEquals(sorted, keys);
    }

    @Test
    void shouldRestoreDataAndSessionsFromASnapshot()
    {
        final KeyValueStateMachine source = new KeyValueStateMachine();
        for (int i = 0; i < KEYS; i++)
        {
            source.apply(i, Command.of(1 + i % 7, 1 + i / 7, Op.put(key(i), value(i))));
        }
        final KeyValueStateMachine copy = new KeyValueStateMachine();
        copy.apply(0, Command.of(0, 0, Op.put(Key.of("gone"), value(0))));
        copy.installState(source.captureState());

        assertEquals(source.digest(), copy.digest());
        assertEquals(source.snapshot().keySet(), copy.snapshot().keySet());
        assertNull(copy.get(Key.of("gone")));
        assertArrayEquals(value(5), copy.get(key(5)));
        // a retry of a client's last write answers from the restored dedup table instead of applying again
        final long last = (KEYS - 1) / 7 + 1;
        final long client = 1 + (KEYS - 1) % 7;
        final Result[] again = copy.apply(KEYS, Command.of(client, last, Op.put(key(KEYS - 1), value(99))));
        assertEquals(1, copy.duplicateCommands());
        assertEquals(Result.OK, again[0]);
        assertArrayEquals(value(KEYS - 1), copy.get(key(KEYS - 1)));
    }

    private static Key key(final int i)
    {
        return Key.of("k" + i);
    }

    private static byte[] value(final int i)
    {
        return ("v" + i).getBytes(StandardCharsets.UTF_8);
    }
}
