package io.geo.epaxos.check;

/**
 * One operation of the history projected onto one key: a single-key operation, or the ops of a batch that touch
 * this key (in batch order) with the batch's invoke and completion. Immutable.
 */
final class KeyOperation
{
    final long process;
    final HistoryEvent.Function f;
    final RegisterAction[] actions;
    /** Completed ok: must linearize between invoke and completion, and its results are checked. */
    final boolean known;
    /** Index of the invoke event in the history. */
    final int invokeIndex;
    /** Index of the ok event in the history; -1 unless {@link #known}. */
    final int completionIndex;
    final long invokeTimeNs;
    /** Time of the completion event (ok or info); meaningless when {@link #completionType} is null. */
    final long completionTimeNs;
    /** OK, INFO, or null when the operation never completed. */
    final HistoryEvent.Type completionType;

    KeyOperation(
        final HistoryEvent invoke,
        final int invokeIndex,
        final HistoryEvent completion,
        final int completionIndex,
        final RegisterAction[] actions)
    {
        this.process = invoke.process();
        this.f = invoke.f();
        this.actions = actions;
        this.known = completion != null && completion.type() == HistoryEvent.Type.OK;
        this.invokeIndex = invokeIndex;
        this.completionIndex = known ? completionIndex : -1;
        this.invokeTimeNs = invoke.timeNs();
        this.completionTimeNs = completion == null ? 0 : completion.timeNs();
        this.completionType = completion == null ? null : completion.type();
    }

    /** True when no action changes the register: a pending operation like that can be left out of the search. */
    boolean isReadOnly()
    {
        for (final RegisterAction action : actions)
        {
            if (action.f != HistoryEvent.Function.READ)
            {
                return false;
            }
        }
        return true;
    }

    /** E.g. {@code P3 read -> "x" (t=100..150)} or {@code P2 batch[write "a"; read -> "a"] (t=7.., info at 9)}. */
    StringBuilder describe(final StringBuilder out)
    {
        out.append('P').append(process).append(' ');
        if (f == HistoryEvent.Function.BATCH)
        {
            out.append("batch[");
            for (int i = 0; i < actions.length; i++)
            {
                if (i > 0)
                {
                    out.append("; ");
                }
                actions[i].describe(out);
            }
            out.append(']');
        }
        else
        {
            actions[0].describe(out);
        }
        out.append(" (t=").append(invokeTimeNs).append("..");
        if (completionType == null)
        {
            out.append(", never completed)");
        }
        else if (known)
        {
            out.append(completionTimeNs).append(')');
        }
        else
        {
            out.append(", ").append(completionType.jsonName()).append(" at ").append(completionTimeNs).append(')');
        }
        return out;
    }
}
