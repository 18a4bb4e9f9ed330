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
    /** Writes or deletes the key, so when its results are not checked its result state ignores the state before. */
    final boolean blind;
    /**
     * For an ok operation: from any two states where the model accepts its results, it either maps both to the same
     * state or leaves both unchanged. Then a run of pending operations just before it that it does not need can be
     * dropped or moved after it.
     */
    final boolean pinsOrPreservesState;

    /** An ok operation that is accepted from any state, or from none: a run of pending operations never helps it. */
    static final byte RUN_NEVER_NEEDED = 0;
    /** An ok operation accepted only from {@link #requiredState} (as far as a quick look can tell). */
    static final byte RUN_NEEDS_STATE = 1;
    /** Anything else: assume a run of pending operations might help. */
    static final byte RUN_NEED_UNKNOWN = 2;

    /** For ok operations: which states a run of pending operations before it would have to reach. */
    final byte runNeed;
    /** For {@link #RUN_NEEDS_STATE}: the state the first checked action requires. */
    final String requiredState;
    /** Whether {@link #requiredState} is an incr's input, so any text of the same number (or absent for 0) fits. */
    final boolean requiredStateNumeric;
    /** Every action with an effect is an incr: with unknown results it just adds {@link #shiftDelta} to a number. */
    final boolean pureShift;
    final long shiftDelta;
    /** The only action with an effect is a cas: with unknown results it sets {@link #casValue} or does nothing. */
    final boolean conditionalSet;
    final String casValue;
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
        this.blind = writesBlindly(actions);
        this.pinsOrPreservesState = pinsOrPreservesState(actions);

        byte need = RUN_NEED_UNKNOWN;
        String required = null;
        boolean numeric = false;
        boolean identitySeen = false;
        for (final RegisterAction action : actions)
        {
            if ((action.f == HistoryEvent.Function.CAS || action.f == HistoryEvent.Function.INCR) &&
                action.outcome == RegisterAction.OUTCOME_FALSE)
            {
                identitySeen = true; // accepts every state but one (or every non-number): look further
                continue;
            }
            if (action.f == HistoryEvent.Function.WRITE || action.f == HistoryEvent.Function.DELETE)
            {
                need = identitySeen ? RUN_NEED_UNKNOWN : RUN_NEVER_NEEDED;
            }
            else if (action.f == HistoryEvent.Function.READ && action.resultKnown)
            {
                need = RUN_NEEDS_STATE;
                required = action.result;
            }
            else if (action.f == HistoryEvent.Function.CAS && action.outcome == RegisterAction.OUTCOME_TRUE)
            {
                need = RUN_NEEDS_STATE;
                required = action.expected;
            }
            else if (action.f == HistoryEvent.Function.INCR && action.resultKnown)
            {
                final long result = Long.parseLong(action.result);
                final long input = result - action.delta;
                final boolean overflow = ((result ^ action.delta) & (result ^ input)) < 0;
                need = overflow ? RUN_NEVER_NEEDED : RUN_NEEDS_STATE;
                required = overflow ? null : Long.toString(input);
                numeric = !overflow;
            }
            break;
        }
        this.runNeed = need;
        this.requiredState = required;
        this.requiredStateNumeric = numeric;

        boolean shift = true;
        long delta = 0;
        for (final RegisterAction action : actions)
        {
            if (action.f == HistoryEvent.Function.INCR)
            {
                final long sum = delta + action.delta;
                shift &= ((delta ^ sum) & (action.delta ^ sum)) >= 0;
                delta = sum;
            }
            else if (action.f != HistoryEvent.Function.READ || action.resultKnown)
            {
                shift = false;
            }
        }
        this.pureShift = shift && !known;
        this.shiftDelta = delta;

        int effectCount = 0;
        RegisterAction cas = null;
        for (final RegisterAction action : actions)
        {
            if (action.f != HistoryEvent.Function.READ || action.resultKnown)
            {
                effectCount++;
                cas = action.f == HistoryEvent.Function.CAS ? action : cas;
            }
        }
        this.conditionalSet = !known && effectCount == 1 && cas != null;
        this.casValue = conditionalSet ? cas.argument : null;

        this.invokeIndex = invokeIndex;
        this.completionIndex = known ? completionIndex : -1;
        this.invokeTimeNs = invoke.timeNs();
        this.completionTimeNs = completion == null ? 0 : completion.timeNs();
        this.completionType = completion == null ? null : completion.type();
    }

    private static boolean writesBlindly(final RegisterAction[] actions)
    {
        for (final RegisterAction action : actions)
        {
            if (action.f == HistoryEvent.Function.WRITE || action.f == HistoryEvent.Function.DELETE)
            {
                return true;
            }
        }
        return false;
    }

    private static boolean pinsOrPreservesState(final RegisterAction[] actions)
    {
        for (final RegisterAction action : actions)
        {
            switch (action.f)
            {
                case WRITE:
                case DELETE:
                    return true; // the states meet here
                case READ:
                    if (!action.resultKnown)
                    {
                        return false;
                    }
                    return true; // only one state is accepted
                case CAS:
                    if (action.outcome == RegisterAction.OUTCOME_TRUE)
                    {
                        return true; // only the expected state is accepted
                    }
                    if (action.outcome != RegisterAction.OUTCOME_FALSE)
                    {
                        return false;
                    }
                    break; // a cas that did not swap leaves the states as they were
                case INCR:
                    if (action.resultKnown)
                    {
                        return true; // only one state is accepted
                    }
                    if (action.outcome != RegisterAction.OUTCOME_FALSE)
                    {
                        return false;
                    }
                    break; // an incr that did not apply leaves the states as they were
                default:
                    return false;
            }
        }
        return true;
    }

    /**
     * A key equal for operations with the same effect on the register when their results are unknown (reads are left
     * out), e.g. two pending writes of the same value: such operations are interchangeable.
     */
    String effectKey()
    {
        final StringBuilder out = new StringBuilder();
        for (final RegisterAction action : actions)
        {
            switch (action.f)
            {
                case WRITE:
                    HistoryJson.appendString(out.append('w'), action.argument);
                    break;
                case DELETE:
                    out.append('d');
                    break;
                case CAS:
                    HistoryJson.appendString(out.append('c'), action.expected);
                    HistoryJson.appendString(out, action.argument);
                    break;
                case INCR:
                    out.append('i').append(action.delta).append(';');
                    break;
                default:
                    break;
            }
        }
        return out.toString();
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
