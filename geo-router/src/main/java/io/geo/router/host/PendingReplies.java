package io.geo.router.host;

import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Result;

import java.util.ArrayList;

/**
 * Client outcomes a host holds until its group commit: what a duty-cycle step decided leaves only after the step's
 * writes are durable. Single-threaded.
 */
final class PendingReplies
{
    private final ArrayList<Object[]> replies = new ArrayList<>();

    void executed(final Command command, final Result[] results)
    {
        replies.add(new Object[] {command, results, null});
    }

    void rejected(final Command command, final Rejection reason, final String detail)
    {
        replies.add(new Object[] {command, reason, detail});
    }

    boolean isEmpty()
    {
        return replies.isEmpty();
    }

    /** Hands every held outcome to {@code listener}, in order; outcomes added meanwhile wait for the next call. */
    void release(final ProtocolHost.Listener listener)
    {
        final Object[][] released = replies.toArray(new Object[0][]);
        replies.clear();
        for (final Object[] reply : released)
        {
            final Command command = (Command)reply[0];
            if (reply[1] instanceof Rejection rejection)
            {
                listener.onRejected(command, rejection, (String)reply[2]);
            }
            else
            {
                listener.onExecuted(command, (Result[])reply[1]);
            }
        }
    }
}
