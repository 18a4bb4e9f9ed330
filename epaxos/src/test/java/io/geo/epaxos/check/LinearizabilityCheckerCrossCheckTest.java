package io.geo.epaxos.check;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares the checker with a plain, unpruned search on many small random single-key histories, most of them not
 * linearizable, with many operations of unknown outcome and few distinct values: the cases its pruning must get
 * right. Each history is checked twice: as usual, and with only the searches that deepen a budget of pending
 * operations (which otherwise run only when the first search runs out of steps). {@code -Dseed=N} replays one seed;
 * {@code -DcrossCheckHistories} and {@code -DcrossCheckMaxOperations} scale it.
 */
class LinearizabilityCheckerCrossCheckTest
{
    private static final String KEY = "k";
    private static final String[] VALUES = { null, "1", "2", "x" };
    private static final int HISTORY_COUNT = Integer.getInteger("crossCheckHistories", 20_000);
    private static final int MAX_OPERATIONS = Integer.getInteger("crossCheckMaxOperations", 7);

    @Test
    void shouldAgreeWithUnprunedSearchOnSmallRandomHistories()
    {
        final long seed = Long.getLong("seed", 7);
        final Random random = new Random(seed);
        int linearizable = 0;
        for (int i = 0; i < HISTORY_COUNT; i++)
        {
            final History history = randomHistory(random);
            final boolean expected = ReferenceSearch.isLinearizable(history);
            final int index = i;
            for (final boolean unboundedFirst : new boolean[]{ true, false })
            {
                final CheckResult result = LinearizabilityChecker.check(history, 1_000_000, unboundedFirst);
                assertTrue(result.verdict() != CheckResult.Verdict.UNKNOWN, () -> "seed=" + seed + ": " + result);
                assertEquals(expected, result.isOk(), () -> "seed=" + seed + " history " + index +
                    " unboundedFirst=" + unboundedFirst + ": " + result + "\n" + lines(history));
            }
            linearizable += expected ? 1 : 0;
        }
        // Both outcomes must be well represented for the comparison to mean something.
        assertTrue(linearizable > HISTORY_COUNT / 10, "linearizable: " + linearizable);
        assertTrue(linearizable < HISTORY_COUNT * 9 / 10, "linearizable: " + linearizable);
    }

    private static String lines(final History history)
    {
        final StringBuilder out = new StringBuilder();
        for (final HistoryEvent event : history.events())
        {
            out.append(event).append('\n');
        }
        return out.toString();
    }

    /**
     * Up to {@link #MAX_OPERATIONS} operations by up to 4 processes, completing ok (with random results), fail, info
     * or never. Results are drawn so that a good share of histories is linearizable: mostly from a sequential run,
     * sometimes at random.
     */
    private static History randomHistory(final Random random)
    {
        final History history = new History();
        final int processCount = 1 + random.nextInt(4);
        final HistoryEvent[] outstanding = new HistoryEvent[processCount];
        final boolean[] applied = new boolean[processCount];
        final HistoryEvent[] result = new HistoryEvent[processCount];
        int invokesLeft = 2 + random.nextInt(MAX_OPERATIONS - 1);
        String state = null;
        long timeNs = 0;
        while (invokesLeft > 0 || anyOutstanding(outstanding))
        {
            final int process = random.nextInt(processCount);
            timeNs += random.nextInt(2);
            if (outstanding[process] == null)
            {
                if (invokesLeft > 0)
                {
                    invokesLeft--;
                    outstanding[process] = randomInvoke(random, process, timeNs);
                    applied[process] = false;
                    history.add(outstanding[process]);
                }
            }
            else if (!applied[process] && random.nextInt(3) > 0)
            {
                // Take effect now on the sequential state; the recorded results may still be garbled below.
                final Object[] stepped = Sequential.apply(state, outstanding[process]);
                state = (String)stepped[0];
                result[process] = (HistoryEvent)stepped[1];
                applied[process] = true;
            }
            else
            {
                final int dice = random.nextInt(20);
                final HistoryEvent invoke = outstanding[process];
                final HistoryEvent completion;
                if (dice < 3)
                {
                    completion = completion(invoke, HistoryEvent.Type.INFO, timeNs);
                }
                else if (dice < 4 && invokesLeft == 0)
                {
                    completion = null; // never completes
                }
                else if (!applied[process] || dice < 5)
                {
                    completion = dice < 12 && !applied[process] ?
                        completion(invoke, HistoryEvent.Type.FAIL, timeNs) : garbled(random, invoke, timeNs);
                }
                else
                {
                    completion = restamp(result[process], timeNs);
                }
                if (completion != null)
                {
                    history.add(completion);
                }
                outstanding[process] = null;
            }
        }
        return history;
    }

    private static boolean anyOutstanding(final HistoryEvent[] outstanding)
    {
        for (final HistoryEvent event : outstanding)
        {
            if (event != null)
            {
                return true;
            }
        }
        return false;
    }

    private static HistoryEvent randomInvoke(final Random random, final int process, final long timeNs)
    {
        switch (random.nextInt(6))
        {
            case 0:
                return HistoryEvent.invokeRead(process, KEY, timeNs);
            case 1:
                return HistoryEvent.invokeWrite(process, KEY, nonNullValue(random), timeNs);
            case 2:
                return HistoryEvent.invokeDelete(process, KEY, timeNs);
            case 3:
                return HistoryEvent.invokeCas(process, KEY, VALUES[random.nextInt(VALUES.length)],
                    nonNullValue(random), timeNs);
            case 4:
                return HistoryEvent.invokeIncr(process, KEY, random.nextInt(4) - 1, timeNs);
            default:
            {
                final ArrayList<BatchOp> ops = new ArrayList<>();
                final int opCount = 1 + random.nextInt(3);
                for (int i = 0; i < opCount; i++)
                {
                    switch (random.nextInt(5))
                    {
                        case 0:
                            ops.add(BatchOp.read(KEY));
                            break;
                        case 1:
                            ops.add(BatchOp.write(KEY, nonNullValue(random)));
                            break;
                        case 2:
                            ops.add(BatchOp.delete(KEY));
                            break;
                        case 3:
                            ops.add(BatchOp.cas(KEY, VALUES[random.nextInt(VALUES.length)], nonNullValue(random)));
                            break;
                        default:
                            ops.add(BatchOp.incr(KEY, random.nextInt(4) - 1));
                            break;
                    }
                }
                return HistoryEvent.invokeBatch(process, ops, timeNs);
            }
        }
    }

    private static String nonNullValue(final Random random)
    {
        return VALUES[1 + random.nextInt(VALUES.length - 1)];
    }

    private static HistoryEvent completion(final HistoryEvent invoke, final HistoryEvent.Type type, final long timeNs)
    {
        if (invoke.f() == HistoryEvent.Function.BATCH)
        {
            return HistoryEvent.batch(invoke.process(), type, null, timeNs);
        }
        return HistoryEvent.of(invoke.process(), type, invoke.f(), KEY, null, null, timeNs);
    }

    /** An ok completion with random results. */
    private static HistoryEvent garbled(final Random random, final HistoryEvent invoke, final long timeNs)
    {
        final long process = invoke.process();
        switch (invoke.f())
        {
            case READ:
                return HistoryEvent.okRead(process, KEY, VALUES[random.nextInt(VALUES.length)], timeNs);
            case INCR:
                return HistoryEvent.okIncr(process, KEY, random.nextInt(5) - 1, timeNs);
            case BATCH:
            {
                final ArrayList<BatchOp> ops = new ArrayList<>();
                for (final BatchOp op : invoke.ops())
                {
                    switch (op.f())
                    {
                        case READ:
                            ops.add(BatchOp.readResult(KEY, VALUES[random.nextInt(VALUES.length)]));
                            break;
                        case CAS:
                            ops.add(BatchOp.casResult(KEY, op.expected(), op.value(), random.nextBoolean()));
                            break;
                        case INCR:
                            ops.add(random.nextInt(4) == 0 ? BatchOp.of(HistoryEvent.Function.INCR, KEY, null, null,
                                false) : BatchOp.incrResult(KEY, random.nextInt(5) - 1));
                            break;
                        default:
                            ops.add(op);
                            break;
                    }
                }
                return HistoryEvent.okBatch(process, ops, timeNs);
            }
            default:
                return HistoryEvent.of(process, HistoryEvent.Type.OK, invoke.f(), KEY, invoke.value(),
                    invoke.expected(), timeNs);
        }
    }

    private static HistoryEvent restamp(final HistoryEvent event, final long timeNs)
    {
        if (event.f() == HistoryEvent.Function.BATCH)
        {
            return HistoryEvent.batch(event.process(), event.type(), event.ops(), timeNs);
        }
        return HistoryEvent.of(event.process(), event.type(), event.f(), KEY, event.value(), event.expected(), timeNs);
    }

    /** The register's sequential behaviour, written separately from the checker's model. */
    private static final class Sequential
    {
        /** @return { new state, the completion the operation reports (timestamp to be replaced) }. */
        static Object[] apply(final String state, final HistoryEvent invoke)
        {
            final long process = invoke.process();
            switch (invoke.f())
            {
                case READ:
                    return new Object[]{ state, HistoryEvent.okRead(process, KEY, state, 0) };
                case WRITE:
                    return new Object[]{ invoke.value(), HistoryEvent.okWrite(process, KEY, invoke.value(), 0) };
                case DELETE:
                    return new Object[]{ null, HistoryEvent.okDelete(process, KEY, 0) };
                case CAS:
                    if (Objects.equals(state, invoke.expected()))
                    {
                        return new Object[]{ invoke.value(),
                            HistoryEvent.okCas(process, KEY, invoke.expected(), invoke.value(), 0) };
                    }
                    return new Object[]{ state, HistoryEvent.fail(process, HistoryEvent.Function.CAS, KEY, 0) };
                case INCR:
                {
                    final Long number = number(state);
                    if (number == null)
                    {
                        return new Object[]{ state, HistoryEvent.fail(process, HistoryEvent.Function.INCR, KEY, 0) };
                    }
                    final long next = number + Long.parseLong(invoke.value());
                    return new Object[]{ Long.toString(next), HistoryEvent.okIncr(process, KEY, next, 0) };
                }
                default:
                {
                    String current = state;
                    final ArrayList<BatchOp> results = new ArrayList<>();
                    for (final BatchOp op : invoke.ops())
                    {
                        switch (op.f())
                        {
                            case READ:
                                results.add(BatchOp.readResult(KEY, current));
                                break;
                            case WRITE:
                                current = op.value();
                                results.add(op);
                                break;
                            case DELETE:
                                current = null;
                                results.add(op);
                                break;
                            case CAS:
                            {
                                final boolean swapped = Objects.equals(current, op.expected());
                                current = swapped ? op.value() : current;
                                results.add(BatchOp.casResult(KEY, op.expected(), op.value(), swapped));
                                break;
                            }
                            default:
                            {
                                final Long number = number(current);
                                if (number == null)
                                {
                                    results.add(BatchOp.of(HistoryEvent.Function.INCR, KEY, null, null, false));
                                }
                                else
                                {
                                    final long next = number + Long.parseLong(op.value());
                                    current = Long.toString(next);
                                    results.add(BatchOp.incrResult(KEY, next));
                                }
                                break;
                            }
                        }
                    }
                    return new Object[]{ current, HistoryEvent.okBatch(process, results, 0) };
                }
            }
        }

        /** Whether an operation with these recorded results could have run from {@code state}; the state after. */
        static boolean accepts(final String state, final Operation operation, final String[] after)
        {
            final Object[] stepped = apply(state, operation.invoke);
            after[0] = (String)stepped[0];
            final HistoryEvent actual = (HistoryEvent)stepped[1];
            if (operation.ok == null)
            {
                // Unknown outcome: it took effect, so it did whatever the state made it do. A refused cas or incr
                // took no effect, which equals not taking effect at all.
                return true;
            }
            if (actual.type() != HistoryEvent.Type.OK)
            {
                return false;
            }
            if (operation.invoke.f() == HistoryEvent.Function.BATCH)
            {
                final List<BatchOp> expected = actual.ops();
                final List<BatchOp> recorded = operation.ok.ops();
                for (int i = 0; i < expected.size(); i++)
                {
                    if (!Objects.equals(expected.get(i).value(), recorded.get(i).value()) ||
                        !Objects.equals(expected.get(i).ok(), recorded.get(i).ok()))
                    {
                        return false;
                    }
                }
                return true;
            }
            return Objects.equals(actual.value(), operation.ok.value());
        }

        private static Long number(final String state)
        {
            if (state == null)
            {
                return 0L;
            }
            try
            {
                return Long.parseLong(state);
            }
            catch (final NumberFormatException ex)
            {
                return null;
            }
        }
    }

    private static final class Operation
    {
        final HistoryEvent invoke;
        final HistoryEvent ok;
        final int invokeIndex;
        final int completeIndex;

        Operation(final HistoryEvent invoke, final HistoryEvent ok, final int invokeIndex, final int completeIndex)
        {
            this.invoke = invoke;
            this.ok = ok;
            this.invokeIndex = invokeIndex;
            this.completeIndex = completeIndex;
        }
    }

    /**
     * Wing &amp; Gong's search with no memoization and no pruning: try every order of every subset of the operations
     * of unknown outcome together with all ok ones, respecting real time. Exponential; fine for a few operations.
     */
    private static final class ReferenceSearch
    {
        static boolean isLinearizable(final History history)
        {
            final List<HistoryEvent> events = history.events();
            final ArrayList<Operation> operations = new ArrayList<>();
            for (int i = 0; i < events.size(); i++)
            {
                final HistoryEvent invoke = events.get(i);
                if (invoke.type() != HistoryEvent.Type.INVOKE)
                {
                    continue;
                }
                int completeIndex = Integer.MAX_VALUE;
                HistoryEvent completion = null;
                for (int j = i + 1; j < events.size(); j++)
                {
                    if (events.get(j).process() == invoke.process())
                    {
                        completion = events.get(j);
                        completeIndex = j;
                        break;
                    }
                }
                if (completion != null && completion.type() == HistoryEvent.Type.FAIL)
                {
                    continue;
                }
                final boolean ok = completion != null && completion.type() == HistoryEvent.Type.OK;
                operations.add(
                    new Operation(invoke, ok ? completion : null, i, ok ? completeIndex : Integer.MAX_VALUE));
            }

            final int n = operations.size();
            int okCount = 0;
            for (final Operation operation : operations)
            {
                okCount += operation.ok != null ? 1 : 0;
            }
            // Explicit stack of (chosen operation, state before it); choice[d] is the next candidate at depth d.
            final int[] chosen = new int[n + 1];
            final String[] stateAt = new String[n + 1];
            final int[] nextCandidate = new int[n + 1];
            final boolean[] used = new boolean[n];
            final String[] after = new String[1];
            int depth = 0;
            int okPlaced = 0;
            stateAt[0] = null;
            nextCandidate[0] = 0;
            while (true)
            {
                if (okPlaced == okCount)
                {
                    return true;
                }
                boolean advanced = false;
                while (nextCandidate[depth] < n)
                {
                    final int candidate = nextCandidate[depth]++;
                    if (used[candidate] || !respectsRealTime(operations, used, candidate) ||
                        !Sequential.accepts(stateAt[depth], operations.get(candidate), after))
                    {
                        continue;
                    }
                    used[candidate] = true;
                    okPlaced += operations.get(candidate).ok != null ? 1 : 0;
                    chosen[depth] = candidate;
                    depth++;
                    stateAt[depth] = after[0];
                    nextCandidate[depth] = 0;
                    advanced = true;
                    break;
                }
                if (advanced)
                {
                    continue;
                }
                if (depth == 0)
                {
                    return false;
                }
                depth--;
                used[chosen[depth]] = false;
                okPlaced -= operations.get(chosen[depth]).ok != null ? 1 : 0;
            }
        }

        /** No operation still to place completed (ok) before the candidate was invoked. */
        private static boolean respectsRealTime(
            final List<Operation> operations, final boolean[] used, final int candidate)
        {
            final int invokeIndex = operations.get(candidate).invokeIndex;
            for (int i = 0; i < operations.size(); i++)
            {
                if (i != candidate && !used[i] && operations.get(i).completeIndex < invokeIndex)
                {
                    return false;
                }
            }
            return true;
        }
    }
}
