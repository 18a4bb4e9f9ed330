package io.geo.bench;

import io.geo.epaxos.api.StateMachine;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;

import java.util.Arrays;

/**
 * A {@link StateMachine} that applies nothing and answers OK for every op, from result arrays built once: it isolates
 * the replica's own cost of executing an instance. Allocates nothing per call.
 */
final class NoOpStateMachine implements StateMachine
{
    private final Result[][] okResultsByOpCount;
    private long applied;

    NoOpStateMachine(final int maxOpsPerCommand)
    {
        okResultsByOpCount = new Result[maxOpsPerCommand + 1][];
        for (int ops = 0; ops <= maxOpsPerCommand; ops++)
        {
            final Result[] results = new Result[ops];
            Arrays.fill(results, Result.OK);
            okResultsByOpCount[ops] = results;
        }
    }

    @Override
    public Result[] apply(final long instance, final Command command)
    {
        applied++;
        return okResultsByOpCount[command.opCount()];
    }

    long applied()
    {
        return applied;
    }
}
