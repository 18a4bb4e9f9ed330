package io.geo.epaxos.replica;

import io.geo.epaxos.api.ClientResponder;
import io.geo.epaxos.api.DurableStore;
import io.geo.epaxos.api.InstanceRecord;
import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.messages.Commit;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.primitives.Status;
import io.geo.epaxos.state.KeyValueStateMachine;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Execution cost measured in search steps (deterministic), not time. */
class ExecutionCostTest
{
    private static final int LEADER = 0;

    /**
     * Commits of a dependency chain arriving newest first used to cost a search per waiting root per commit:
     * quadratic visits (about n^2 / 2 for a chain of n). Waiting roots are now retried when their dependency
     * executes, so the whole chain costs a number of visits linear in its length.
     */
    @Test
    void shouldExecuteAChainCommittedNewestFirstWithLinearSearchSteps()
    {
        final int length = 256;
        final EpaxosReplica replica = replica();
        for (int j = length; j >= 1; j--)
        {
            final long[] deps = j == 1 ? Deps.EMPTY : new long[] {InstanceId.of(LEADER, j - 1)};
            final Command command = Command.of(7, j, Op.put(Key.of("chain"), ("v" + j).getBytes(StandardCharsets.UTF_8)));
            replica.onMessage(LEADER, new Commit(InstanceId.of(LEADER, j), command, j, deps), 0);
            replica.onSynced(0);
        }
        for (int j = 1; j <= length; j++)
        {
            assertEquals(Status.EXECUTED, replica.status(InstanceId.of(LEADER, j)));
        }
        final long visits = replica.counters().executionVisits();
        assertTrue(visits <= 4L * length, "visits " + visits + " for a chain of " + length + " (linear: under " +
            4L * length + ")");
    }

    private static EpaxosReplica replica()
    {
        final DurableStore store = new DurableStore()
        {
            @Override
            public void saveInstance(final InstanceRecord record)
            {
            }

            @Override
            public void removeInstance(final long instance)
            {
            }

            @Override
            public void saveGcWatermarks(final long[] watermarks)
            {
            }

            @Override
            public List<InstanceRecord> loadInstances()
            {
                return List.of();
            }

            @Override
            public long[] loadGcWatermarks(final int replicas)
            {
                return new long[replicas];
            }
        };
        final ClientResponder responder = new ClientResponder()
        {
            @Override
            public void onExecuted(final long instance, final Command command, final Result[] results,
                final boolean fastPath)
            {
            }

            @Override
            public void onRejected(final Command command, final Rejection reason, final String detail)
            {
            }
        };
        return new EpaxosReplica(new ReplicaConfig().replicaId(1).replicaCount(3), (to, message) -> { },
            store, new KeyValueStateMachine(), responder, 0);
    }
}
