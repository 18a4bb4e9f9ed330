package io.geo.bench;

import io.geo.epaxos.api.ClientResponder;
import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;

/** A {@link ClientResponder} that ignores every outcome (the benchmarks submit no client commands). */
final class NoOpClientResponder implements ClientResponder
{
    @Override
    public void onExecuted(final long instance, final Command command, final Result[] results, final boolean fastPath)
    {
    }

    @Override
    public void onRejected(final Command command, final Rejection reason, final String detail)
    {
    }
}
