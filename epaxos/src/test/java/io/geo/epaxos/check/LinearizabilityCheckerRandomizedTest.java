package io.geo.epaxos.check;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Histories generated from a real sequential execution (each operation takes effect at one instant between its invoke
 * and its completion) must check OK; corrupting one read must be flagged. Two workloads: few distinct values, so many
 * coincidences, with few operations of unknown outcome; and unique written values with more of them. A violation
 * costs far more search than a valid history (every alternative must be ruled out), and more so with every operation
 * of unknown outcome: see docs/history-format.md. {@code -Dseed=N} replays one seed; {@code -DseedCount=N} runs seeds
 * 1..N.
 */
class LinearizabilityCheckerRandomizedTest
{
    private static final long MAX_SEARCH_STEPS = 20_000_000;
    private static final String[] KEYS = { "a", "b", "c" };
    private static final int PROCESS_COUNT = 8;
    private static final int INVOKE_COUNT = 6_000;
    private static final String CORRUPT_VALUE = "corrupt-never-written";

    @Test
    void shouldAcceptGeneratedHistoriesAndFlagOneCorruptedReadWithFewDistinctValues()
    {
        checkGeneratedHistories(false, 5);
    }

    @Test
    void shouldAcceptGeneratedHistoriesAndFlagOneCorruptedReadWithUniqueValues()
    {
        checkGeneratedHistories(true, 10);
    }

    private static void checkGeneratedHistories(final boolean uniqueValues, final int lossPerMille)
    {
        final ArrayList<String> failures = new ArrayList<>();
        for (final long seed : seeds())
        {
            try
            {
                checkGeneratedHistory(seed, uniqueValues, lossPerMille);
            }
            catch (final AssertionError ex)
            {
                failures.add(ex.getMessage());
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " seed(s) failed:\n" + String.join("\n", failures));
    }

    private static void checkGeneratedHistory(final long seed, final boolean uniqueValues, final int lossPerMille)
    {
        final History history = new Generator(seed, uniqueValues, lossPerMille).generate();
        final CheckResult result = LinearizabilityChecker.check(history, MAX_SEARCH_STEPS);
        assertTrue(result.isOk(), () -> "seed=" + seed + ": " + result);
        assertEquals(KEYS.length, result.keysChecked(), () -> "seed=" + seed);

        final Random random = new Random(seed ^ 0x5DEECE66DL);
        final int readIndex = pickOkRead(history, random);
        final History corrupted = replaceReadValue(history, readIndex);
        final CheckResult corruptedResult = LinearizabilityChecker.check(corrupted, MAX_SEARCH_STEPS);
        assertEquals(CheckResult.Verdict.VIOLATION, corruptedResult.verdict(),
            () -> "seed=" + seed + " corrupted event " + readIndex + ": " + corruptedResult);
        assertEquals(history.events().get(readIndex).key(), corruptedResult.key(), () -> "seed=" + seed);
        assertTrue(corruptedResult.explanation().contains(CORRUPT_VALUE),
            () -> "seed=" + seed + ": " + corruptedResult);
    }

    @Test
    void shouldAcceptGeneratedHistoryAfterJsonRoundTrip() throws IOException
    {
        final long seed = seeds()[0];
        final History history = new Generator(seed, false, 20).generate();
        final StringWriter writer = new StringWriter();
        history.writeJsonLines(writer);

        final History readBack = History.readJsonLines(new StringReader(writer.toString()));

        assertEquals(history, readBack, () -> "seed=" + seed);
        assertTrue(LinearizabilityChecker.check(readBack, MAX_SEARCH_STEPS).isOk(), () -> "seed=" + seed);
    }

    private static long[] seeds()
    {
        final String seed = System.getProperty("seed");
        if (seed != null)
        {
            return new long[]{ Long.parseLong(seed) };
        }
        final long[] seeds = new long[Integer.getInteger("seedCount", 5)];
        for (int i = 0; i < seeds.length; i++)
        {
            seeds[i] = i + 1;
        }
        return seeds;
    }

    /** An ok single-key read in the second half of the history, where the search has the most state behind it. */
    private static int pickOkRead(final History history, final Random random)
    {
        final List<HistoryEvent> events = history.events();
        final ArrayList<Integer> candidates = new ArrayList<>();
        for (int i = events.size() / 2; i < events.size(); i++)
        {
            final HistoryEvent event = events.get(i);
            if (event.type() == HistoryEvent.Type.OK && event.f() == HistoryEvent.Function.READ)
            {
                candidates.add(i);
            }
        }
        assertTrue(candidates.size() > 0);
        return candidates.get(random.nextInt(candidates.size()));
    }

    private static History replaceReadValue(final History history, final int index)
    {
        final History copy = new History();
        final List<HistoryEvent> events = history.events();
        for (int i = 0; i < events.size(); i++)
        {
            final HistoryEvent event = events.get(i);
            copy.add(
                i == index ? HistoryEvent.okRead(event.process(), event.key(), CORRUPT_VALUE, event.timeNs()) : event);
        }
        return copy;
    }

    /**
     * Runs {@link #PROCESS_COUNT} clients against one sequential store. Each operation is invoked, later applied to the
     * store at one instant (computing its results), later completed; steps of different processes interleave at
     * random. Some operations are lost before applying (fail or info), some complete with info after applying, some
     * never complete. Written values are small numbers and a few words, or unique. The store model here is
     * deliberately separate from the checker's.
     */
    private static final class Generator
    {
        private static final int IDLE = 0;
        private static final int INVOKED = 1;
        private static final int APPLIED = 2;

        private final Random random;
        private final boolean uniqueValues;
        private final int lossPerMille;
        private int valuesWritten;
        private final TreeMap<String, String> store = new TreeMap<>();
        private final History history = new History();
        private final int[] processState = new int[PROCESS_COUNT];
        private final HistoryEvent[] invokeOf = new HistoryEvent[PROCESS_COUNT];
        private final HistoryEvent[] completionOf = new HistoryEvent[PROCESS_COUNT];
        private long nowNs;
        private int invokesLeft = INVOKE_COUNT;

        Generator(final long seed, final boolean uniqueValues, final int lossPerMille)
        {
            this.random = new Random(seed);
            this.uniqueValues = uniqueValues;
            this.lossPerMille = lossPerMille;
        }

        History generate()
        {
            while (invokesLeft > 0 || anyBusy())
            {
                final int process = random.nextInt(PROCESS_COUNT);
                switch (processState[process])
                {
                    case IDLE:
                        if (invokesLeft > 0)
                        {
                            invoke(process);
                        }
                        break;
                    case INVOKED:
                        if (invokesLeft == 0 && random.nextInt(4) == 0)
                        {
                            processState[process] = IDLE; // never completes, never applied
                        }
                        else if (random.nextInt(1000) < lossPerMille)
                        {
                            final HistoryEvent invoke = invokeOf[process];
                            emit(random.nextBoolean() ? lost(invoke, HistoryEvent.Type.FAIL) :
                                lost(invoke, HistoryEvent.Type.INFO));
                            processState[process] = IDLE;
                        }
                        else
                        {
                            completionOf[process] = apply(invokeOf[process]);
                            processState[process] = APPLIED;
                        }
                        break;
                    default:
                        if (invokesLeft == 0 && random.nextInt(4) == 0)
                        {
                            processState[process] = IDLE; // applied, never completes
                        }
                        else if (random.nextInt(1000) < lossPerMille)
                        {
                            emit(lost(invokeOf[process], HistoryEvent.Type.INFO));
                            processState[process] = IDLE;
                        }
                        else
                        {
                            emit(completionOf[process]);
                            processState[process] = IDLE;
                        }
                        break;
                }
                if (random.nextInt(3) > 0)
                {
                    nowNs += 1 + random.nextInt(10);
                }
            }
            return history;
        }

        private boolean anyBusy()
        {
            for (final int state : processState)
            {
                if (state != IDLE)
                {
                    return true;
                }
            }
            return false;
        }

        private void invoke(final int process)
        {
            invokesLeft--;
            final int dice = random.nextInt(100);
            final String key = randomKey();
            final HistoryEvent invoke;
            if (dice < 35)
            {
                invoke = HistoryEvent.invokeRead(process, key, nowNs);
            }
            else if (dice < 60)
            {
                invoke = HistoryEvent.invokeWrite(process, key, randomValue(), nowNs);
            }
            else if (dice < 70)
            {
                final String current = store.get(key);
                final String expected = random.nextBoolean() ? current : (random.nextBoolean() ? null : randomValue());
                invoke = HistoryEvent.invokeCas(process, key, expected, randomValue(), nowNs);
            }
            else if (dice < 85)
            {
                invoke = HistoryEvent.invokeIncr(process, key, random.nextInt(7) - 2, nowNs);
            }
            else if (dice < 90)
            {
                invoke = HistoryEvent.invokeDelete(process, key, nowNs);
            }
            else
            {
                final ArrayList<BatchOp> ops = new ArrayList<>();
                final int opCount = 2 + random.nextInt(3);
                for (int i = 0; i < opCount; i++)
                {
                    ops.add(randomBatchOp());
                }
                invoke = HistoryEvent.invokeBatch(process, ops, nowNs);
            }
            invokeOf[process] = invoke;
            processState[process] = INVOKED;
            emit(invoke);
        }

        private BatchOp randomBatchOp()
        {
            final String key = randomKey();
            final int dice = random.nextInt(5);
            switch (dice)
            {
                case 0:
                    return BatchOp.read(key);
                case 1:
                    return BatchOp.write(key, randomValue());
                case 2:
                    return BatchOp.delete(key);
                case 3:
                    return BatchOp.cas(key, random.nextBoolean() ? store.get(key) : randomValue(), randomValue());
                default:
                    return BatchOp.incr(key, 1 + random.nextInt(3));
            }
        }

        /** Apply the operation to the store now and return the completion it will report. */
        private HistoryEvent apply(final HistoryEvent invoke)
        {
            final long process = invoke.process();
            final String key = invoke.key();
            switch (invoke.f())
            {
                case READ:
                    return HistoryEvent.okRead(process, key, store.get(key), 0);
                case WRITE:
                    store.put(key, invoke.value());
                    return HistoryEvent.okWrite(process, key, invoke.value(), 0);
                case DELETE:
                    store.remove(key);
                    return HistoryEvent.okDelete(process, key, 0);
                case CAS:
                    if (Objects.equals(store.get(key), invoke.expected()))
                    {
                        store.put(key, invoke.value());
                        return HistoryEvent.okCas(process, key, invoke.expected(), invoke.value(), 0);
                    }
                    return HistoryEvent.fail(process, HistoryEvent.Function.CAS, key, 0);
                case INCR:
                {
                    final Long current = numberAt(key);
                    if (current == null)
                    {
                        return HistoryEvent.fail(process, HistoryEvent.Function.INCR, key, 0);
                    }
                    final long next = current + Long.parseLong(invoke.value());
                    store.put(key, Long.toString(next));
                    return HistoryEvent.okIncr(process, key, next, 0);
                }
                default:
                {
                    final ArrayList<BatchOp> results = new ArrayList<>();
                    for (final BatchOp op : invoke.ops())
                    {
                        results.add(applyBatchOp(op));
                    }
                    return HistoryEvent.okBatch(process, results, 0);
                }
            }
        }

        private BatchOp applyBatchOp(final BatchOp op)
        {
            final String key = op.key();
            switch (op.f())
            {
                case READ:
                    return BatchOp.readResult(key, store.get(key));
                case WRITE:
                    store.put(key, op.value());
                    return op;
                case DELETE:
                    store.remove(key);
                    return op;
                case CAS:
                {
                    final boolean swapped = Objects.equals(store.get(key), op.expected());
                    if (swapped)
                    {
                        store.put(key, op.value());
                    }
                    return BatchOp.casResult(key, op.expected(), op.value(), swapped);
                }
                default:
                {
                    final Long current = numberAt(key);
                    if (current == null)
                    {
                        return BatchOp.of(HistoryEvent.Function.INCR, key, null, null, false);
                    }
                    final long next = current + Long.parseLong(op.value());
                    store.put(key, Long.toString(next));
                    return BatchOp.incrResult(key, next);
                }
            }
        }

        private Long numberAt(final String key)
        {
            final String value = store.get(key);
            if (value == null)
            {
                return 0L;
            }
            try
            {
                return Long.parseLong(value);
            }
            catch (final NumberFormatException ex)
            {
                return null;
            }
        }

        private HistoryEvent lost(final HistoryEvent invoke, final HistoryEvent.Type type)
        {
            if (invoke.f() == HistoryEvent.Function.BATCH)
            {
                return HistoryEvent.batch(invoke.process(), type, null, nowNs);
            }
            return HistoryEvent.of(invoke.process(), type, invoke.f(), invoke.key(), null, null, nowNs);
        }

        /** Completions were built at apply time; stamp them with the current time. */
        private void emit(final HistoryEvent event)
        {
            final HistoryEvent stamped = event.timeNs() == nowNs ? event : event.f() == HistoryEvent.Function.BATCH ?
                HistoryEvent.batch(event.process(), event.type(), event.ops(), nowNs) :
                HistoryEvent.of(event.process(), event.type(), event.f(), event.key(), event.value(), event.expected(),
                    nowNs);
            history.add(stamped);
        }

        private String randomKey()
        {
            return KEYS[random.nextInt(KEYS.length)];
        }

        /** Mostly numbers, so incr applies; sometimes text, so incr fails. Unique ones are far apart. */
        private String randomValue()
        {
            if (uniqueValues)
            {
                valuesWritten++;
                return random.nextInt(10) == 0 ? "t" + valuesWritten : Integer.toString(1000 * valuesWritten);
            }
            return random.nextInt(10) == 0 ? "t" + random.nextInt(5) : Integer.toString(random.nextInt(20));
        }
    }
}
