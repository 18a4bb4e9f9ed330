package io.geo.epaxos.check;

/**
 * One single-key op as the register model sees it: its arguments and, where the history recorded them, its
 * observed results. Immutable.
 */
final class RegisterAction
{
    /** The history does not say (pending operation, or a result that was not recorded). */
    static final byte OUTCOME_UNKNOWN = 0;
    /** The cas swapped, or the incr applied. */
    static final byte OUTCOME_TRUE = 1;
    /** The cas did not swap, or the incr was not applied (the value was not a number). */
    static final byte OUTCOME_FALSE = 2;

    final HistoryEvent.Function f;
    /** Write value or cas new value. */
    final String argument;
    /** Cas expected value, null meaning absent. */
    final String expected;
    /** Incr delta. */
    final long delta;
    /** Cas: swapped or not; incr: applied or not. */
    final byte outcome;
    /** Whether {@link #result} was observed: read value (null = absent) or incr new value (canonical decimal). */
    final boolean resultKnown;
    final String result;

    private RegisterAction(
        final HistoryEvent.Function f,
        final String argument,
        final String expected,
        final long delta,
        final byte outcome,
        final boolean resultKnown,
        final String result)
    {
        this.f = f;
        this.argument = argument;
        this.expected = expected;
        this.delta = delta;
        this.outcome = outcome;
        this.resultKnown = resultKnown;
        this.result = result;
    }

    /**
     * The action of a single-key operation.
     *
     * @param invoke its invoke event.
     * @param ok     its ok completion, or null when the outcome is unknown (info or no completion).
     */
    static RegisterAction ofSingle(final HistoryEvent invoke, final HistoryEvent ok)
    {
        final HistoryEvent.Function f = invoke.f();
        switch (f)
        {
            case READ:
                return new RegisterAction(
                    f, null, null, 0, OUTCOME_UNKNOWN, ok != null, ok == null ? null : ok.value());
            case WRITE:
                return new RegisterAction(f, invoke.value(), null, 0, OUTCOME_UNKNOWN, false, null);
            case DELETE:
                return new RegisterAction(f, null, null, 0, OUTCOME_UNKNOWN, false, null);
            case CAS:
                // A cas that did not swap completes with fail, which the checker drops: ok always means swapped.
                return new RegisterAction(
                    f, invoke.value(), invoke.expected(), 0, ok == null ? OUTCOME_UNKNOWN : OUTCOME_TRUE, false, null);
            case INCR:
            {
                final boolean resultKnown = ok != null && ok.value() != null;
                return new RegisterAction(
                    f,
                    null,
                    null,
                    Long.parseLong(invoke.value()),
                    ok == null ? OUTCOME_UNKNOWN : OUTCOME_TRUE,
                    resultKnown,
                    resultKnown ? ok.value() : null);
            }
            default:
                throw new IllegalArgumentException("not a single-key function: " + f);
        }
    }

    /**
     * The action of one op of a batch.
     *
     * @param invoked the op as invoked (its arguments).
     * @param result  the same op from the batch's ok completion, or null when the batch's outcome is unknown.
     */
    static RegisterAction ofBatchOp(final BatchOp invoked, final BatchOp result)
    {
        final HistoryEvent.Function f = invoked.f();
        switch (f)
        {
            case READ:
                return new RegisterAction(
                    f, null, null, 0, OUTCOME_UNKNOWN, result != null, result == null ? null : result.value());
            case WRITE:
                return new RegisterAction(f, invoked.value(), null, 0, OUTCOME_UNKNOWN, false, null);
            case DELETE:
                return new RegisterAction(f, null, null, 0, OUTCOME_UNKNOWN, false, null);
            case CAS:
                return new RegisterAction(
                    f,
                    invoked.value(),
                    invoked.expected(),
                    0,
                    outcomeOf(result == null ? null : result.ok()),
                    false,
                    null);
            case INCR:
            {
                final boolean resultKnown = result != null && result.value() != null;
                byte outcome = result == null ? OUTCOME_UNKNOWN : outcomeOf(result.ok());
                if (outcome == OUTCOME_UNKNOWN && resultKnown)
                {
                    outcome = OUTCOME_TRUE;
                }
                return new RegisterAction(
                    f,
                    null,
                    null,
                    Long.parseLong(invoked.value()),
                    outcome,
                    resultKnown,
                    resultKnown ? result.value() : null);
            }
            default:
                throw new IllegalArgumentException("not a single-key function: " + f);
        }
    }

    private static byte outcomeOf(final Boolean ok)
    {
        return ok == null ? OUTCOME_UNKNOWN : (ok ? OUTCOME_TRUE : OUTCOME_FALSE);
    }

    /** Short human-readable form, e.g. {@code read -> "x"} or {@code incr +2 -> 7}. */
    void describe(final StringBuilder out)
    {
        out.append(f.jsonName());
        switch (f)
        {
            case READ:
                out.append(" -> ");
                if (resultKnown)
                {
                    appendValueText(out, result);
                }
                else
                {
                    out.append('?');
                }
                break;
            case WRITE:
                out.append(' ');
                appendValueText(out, argument);
                break;
            case DELETE:
                break;
            case CAS:
                out.append(' ');
                appendValueText(out, expected);
                out.append(" -> ");
                appendValueText(out, argument);
                if (outcome != OUTCOME_UNKNOWN)
                {
                    out.append(outcome == OUTCOME_TRUE ? " swapped" : " not swapped");
                }
                break;
            case INCR:
                out.append(delta >= 0 ? " +" : " ").append(delta);
                if (outcome == OUTCOME_FALSE)
                {
                    out.append(" not applied");
                }
                else
                {
                    out.append(" -> ").append(resultKnown ? result : "?");
                }
                break;
            default:
                throw new IllegalStateException("unexpected function " + f);
        }
    }

    private static final int MAX_DESCRIBED_VALUE_LENGTH = 40;

    /** A value as JSON text, truncated when long; null reads "absent". */
    static void appendValueText(final StringBuilder out, final String value)
    {
        if (value == null)
        {
            out.append("absent");
        }
        else if (value.length() <= MAX_DESCRIBED_VALUE_LENGTH)
        {
            HistoryJson.appendString(out, value);
        }
        else
        {
            HistoryJson.appendString(out, value.substring(0, MAX_DESCRIBED_VALUE_LENGTH))
                .append("...(").append(value.length()).append(" chars)");
        }
    }
}
