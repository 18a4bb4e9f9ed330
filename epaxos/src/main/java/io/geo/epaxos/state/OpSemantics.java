package io.geo.epaxos.state;

import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What each op does: the one definition every state machine applies, so replicas with different storage compute
 * the same results (the reference in-memory machine and the Chronicle Map one both call {@link #apply}).
 */
public final class OpSemantics
{
    /** The state an op reads and writes; a state machine adapts its storage (or its overlay for a batch) to it. */
    public interface View
    {
        /** The current value, or null when absent. */
        byte[] get(Key key);

        void put(Key key, byte[] value);

        void remove(Key key);
    }

    private OpSemantics()
    {
    }

    /**
     * Applies {@code op} to {@code view}. GET returns the value (ok when present). PUT always succeeds; DELETE always removes the key and is ok when
     * the key existed.
     * CAS swaps when the current value equals the expected one (null expected = absent) and otherwise returns the
     * current value, not ok. INCR treats absent as 0 and needs a decimal long; a non-numeric value or an overflow
     * fails with no effect and returns the current value.
     */
    public static Result apply(final Op op, final View view)
    {
        final Key key = op.key();
        switch (op.type())
        {
            case GET:
            {
                final byte[] current = view.get(key);
                return Result.of(current != null, current);
            }
            case PUT:
                view.put(key, op.value());
                return Result.OK;
            case DELETE:
            {
                final boolean existed = view.get(key) != null;
                view.remove(key);
                return existed ? Result.OK : Result.NOT_FOUND;
            }
            case CAS:
            {
                final byte[] current = view.get(key);
                if (Arrays.equals(current, op.expected()))
                {
                    view.put(key, op.value());
                    return Result.OK;
                }
                return Result.of(false, current);
            }
            case INCR:
            {
                final byte[] current = view.get(key);
                final long next;
                try
                {
                    final long base = current == null ? 0 : Long.parseLong(new String(current, StandardCharsets.UTF_8));
                    next = Math.addExact(base, op.delta());
                }
                catch (final NumberFormatException | ArithmeticException ex)
                {
                    return Result.of(false, current);
                }
                final byte[] value = Long.toString(next).getBytes(StandardCharsets.UTF_8);
                view.put(key, value);
                return Result.of(true, value);
            }
            default:
                throw new IllegalStateException("unknown op " + op.type());
        }
    }
}
