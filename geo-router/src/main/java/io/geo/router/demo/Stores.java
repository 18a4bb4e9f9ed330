package io.geo.router.demo;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.state.KeyValueStateMachine;
import io.geo.router.storage.Durability;

import java.nio.file.Path;

/** Store factories for the embedded cluster. */
public final class Stores
{
    private Stores()
    {
    }

    /** The reference in-memory key-value state machine. */
    public static EmbeddedCluster.DigestingStateMachine keyValue()
    {
        final KeyValueStateMachine machine = new KeyValueStateMachine();
        return new EmbeddedCluster.DigestingStateMachine()
        {
            @Override
            public Result[] apply(final long instance, final Command command)
            {
                return machine.apply(instance, command);
            }

            @Override
            public long digest()
            {
                return machine.digest();
            }
        };
    }

    /** The write-ahead log in {@code directory}, group-committed with {@code durability}. */
    public static EmbeddedCluster.Syncable wal(final Path directory, final Durability durability)
    {
        return new WalStore(directory, durability);
    }

    /** A volatile in-memory store (nothing survives the process). */
    public static EmbeddedCluster.Syncable memory(final int region)
    {
        return new MemoryStore();
    }
}
