package io.geo.epaxos.check;

import java.util.Objects;

/**
 * The sequential specification of one key: a register that is absent or holds a string (the UTF-8 text of its bytes;
 * a decimal long for incr). Stepping an operation applies its actions in order and checks each observed result.
 * Not thread-safe: the state after a successful step is left in {@link #nextState()}.
 */
final class RegisterModel
{
    private String nextState;

    /**
     * Apply {@code operation} to {@code state} (null = absent).
     *
     * @return true if the results the operation observed are what the register would return from {@code state}; the
     * resulting state is then {@link #nextState()}.
     */
    boolean step(final String state, final KeyOperation operation)
    {
        String current = state;
        for (final RegisterAction action : operation.actions)
        {
            switch (action.f)
            {
                case READ:
                    if (action.resultKnown && !Objects.equals(current, action.result))
                    {
                        return false;
                    }
                    break;
                case WRITE:
                    current = action.argument;
                    break;
                case DELETE:
                    current = null;
                    break;
                case CAS:
                {
                    final boolean swaps = Objects.equals(current, action.expected);
                    if (action.outcome != RegisterAction.OUTCOME_UNKNOWN &&
                        swaps != (action.outcome == RegisterAction.OUTCOME_TRUE))
                    {
                        return false;
                    }
                    if (swaps)
                    {
                        current = action.argument;
                    }
                    break;
                }
                case INCR:
                {
                    final String incremented = increment(current, action.delta);
                    final boolean applies = incremented != null;
                    if (action.outcome != RegisterAction.OUTCOME_UNKNOWN &&
                        applies != (action.outcome == RegisterAction.OUTCOME_TRUE))
                    {
                        return false;
                    }
                    if (action.resultKnown && !action.result.equals(incremented))
                    {
                        return false;
                    }
                    if (applies)
                    {
                        current = incremented;
                    }
                    break;
                }
                default:
                    throw new IllegalStateException("unexpected function " + action.f);
            }
        }
        nextState = current;
        return true;
    }

    /** The state after the last successful {@link #step}. */
    String nextState()
    {
        return nextState;
    }

    /**
     * @return the decimal text of {@code current + delta} (absent counts as 0), or null when the increment fails
     * without effect: the current value is not a decimal long, or the sum overflows.
     */
    static String increment(final String current, final long delta)
    {
        long base = 0;
        if (current != null)
        {
            try
            {
                base = Long.parseLong(current);
            }
            catch (final NumberFormatException ex)
            {
                return null;
            }
        }
        final long sum = base + delta;
        if (((base ^ sum) & (delta ^ sum)) < 0)
        {
            return null;
        }
        return Long.toString(sum);
    }
}
