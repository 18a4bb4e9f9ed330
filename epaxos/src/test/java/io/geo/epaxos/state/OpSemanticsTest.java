package io.geo.epaxos.state;

import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpSemanticsTest
{
    private static final Key K = Key.of("k");

    private final KeyValueStateMachine machine = new KeyValueStateMachine();
    private long request;

    private Result apply(final Op op)
    {
        return machine.apply(0, Command.of(1, ++request, op))[0];
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldTreatAbsentAsZeroAndAddForIncrement()
    {
        assertArrayEquals(utf8("5"), apply(Op.incr(K, 5)).value());
        assertArrayEquals(utf8("2"), apply(Op.incr(K, -3)).value());
    }

    @Test
    void shouldFailIncrementWithoutEffectOnNonNumberOrOverflow()
    {
        apply(Op.put(K, utf8("abc")));
        final Result notNumber = apply(Op.incr(K, 1));
        assertFalse(notNumber.ok());
        assertArrayEquals(utf8("abc"), machine.get(K));

        apply(Op.put(K, utf8(Long.toString(Long.MAX_VALUE))));
        final Result overflow = apply(Op.incr(K, 1));
        assertFalse(overflow.ok(), "overflow fails instead of wrapping around");
        assertArrayEquals(utf8(Long.toString(Long.MAX_VALUE)), machine.get(K));
    }

    @Test
    void shouldSwapOnlyWhenTheCurrentValueIsTheExpectedOneWithNullMeaningAbsent()
    {
        assertTrue(apply(Op.cas(K, null, utf8("a"))).ok());
        final Result mismatch = apply(Op.cas(K, utf8("b"), utf8("c")));
        assertFalse(mismatch.ok());
        assertArrayEquals(utf8("a"), mismatch.value());
        assertTrue(apply(Op.cas(K, utf8("a"), utf8("c"))).ok());
        assertFalse(apply(Op.cas(K, null, utf8("d"))).ok());
    }

    @Test
    void shouldReadWhatTheBatchWroteBefore()
    {
        final Result[] results = machine.apply(0, Command.of(2, 1, Op.put(K, utf8("x")), Op.get(K), Op.delete(K),
            Op.get(K)));
        assertArrayEquals(utf8("x"), results[1].value());
        assertNull(results[3].value());
        assertEquals(0, machine.size());
    }
}
