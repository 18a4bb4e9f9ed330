package io.geo.router.demo;

import io.geo.router.host.SyncableStore;
import io.geo.router.host.WalSyncableStore;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.state.KeyValueStateMachine;
import io.geo.router.storage.Durability;

import io.geo.router.state.ChronicleStateMachine;
import io.geo.router.state.ChronicleStateMachineConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
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

    /**
     * The Chronicle Map state machine persisted in {@code directory}, sized for a demo (100,000 keys). The caller
     * closes it through {@link EmbeddedCluster#close()}.
     */
    public static EmbeddedCluster.DigestingStateMachine chronicle(final Path directory)
    {
        try
        {
            return new ChronicleState(new ChronicleStateMachine(new ChronicleStateMachineConfig()
                .directory(directory)
                .entries(100_000)
                .sessions(10_000)
                .conclude()));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the state in " + directory + ": " + ex.getMessage(), ex);
        }
    }

    private record ChronicleState(ChronicleStateMachine machine)
        implements EmbeddedCluster.DigestingStateMachine, AutoCloseable
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

        @Override
        public void close() throws IOException
        {
            machine.close();
        }
    }

    /** The write-ahead log in {@code directory}, group-committed with {@code durability}. */
    public static SyncableStore wal(final Path directory, final Durability durability)
    {
        return new WalSyncableStore(directory, durability);
    }

    /** A volatile in-memory store (nothing survives the process). */
    public static SyncableStore memory(final int region)
    {
        return new MemoryStore();
    }
}
