package io.geo.epaxos.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * Wing &amp; Gong's search for a linearization of one key's operations, with Lowe's memoization, as in Porcupine.
 * Iterative: the partial linearization is an explicit stack, so history length never deepens the Java stack.
 * <p>
 * The history is a doubly linked list of call and return entries in real-time order. An operation may be linearized
 * next if its call comes before the first return of an operation not yet linearized; linearizing it (when the model
 * accepts its results) removes its call and return from the list ("lift"), backtracking puts them back. Operations
 * with an unknown outcome ({@code info} or never completed) have no return entry: they may linearize at any point
 * after their call, or never, so the search succeeds once every {@code ok} operation is linearized.
 * <p>
 * Memoization: a configuration is the set of linearized operations and the register state. An exact repeat was
 * explored before and failed (configurations on the current path have strictly smaller sets), so it is pruned.
 * Beyond Porcupine, a configuration that only adds pending operations to a configuration already explored and
 * failed, with the same ok operations and state, is pruned too: pending operations carry no obligation, so having
 * one more of them available can only help. To make that pruning bite, ok operations are tried before pending ones.
 * Without it, every pending write whose value was later overwritten would double the work.
 * <p>
 * Work is bounded by a step budget; when it runs out the verdict is UNKNOWN.
 */
final class KeySearch
{
    private static final int NONE = -1;
    private static final int HEAD = 0;
    private static final int PHASE_OK_OPERATIONS = 0;
    private static final int PHASE_PENDING_OPERATIONS = 1;
    private static final int MAX_CONCURRENT_DESCRIBED = 4;
    private static final int MAX_ENTRIES_WALKED_FOR_EXPLANATION = 1024;

    private final String key;
    private final KeyOperation[] operations;
    /** Per operation, its bit in {@code okBits} (ok operations) or {@code pendingBits} (pending ones). */
    private final int[] bitIndex;
    private final int okCount;
    private final int pendingCount;

    // Entries 1..entryCount; entry 0 is the head sentinel.
    private final int[] entryOperation;
    private final boolean[] entryIsCall;
    private final int[] entryHistoryIndex;
    private final int[] returnOfCall;
    private final int[] next;
    private final int[] previous;

    private final RegisterModel model = new RegisterModel();

    private CheckResult.Verdict verdict;
    private long steps;
    private String explanation;

    // The furthest point in the history the search reached, for the explanation of a violation.
    private int deadEndHistoryIndex = -1;
    private int deadEndOperation = NONE;
    private String deadEndState;
    private int deadEndLinearizedCount;
    private int deadEndLastLinearized = NONE;
    private final int[] deadEndConcurrent = new int[MAX_CONCURRENT_DESCRIBED];
    private int deadEndConcurrentCount;

    /**
     * @param key        the key, for messages.
     * @param operations the key's operations in invoke order; pending read-only ones should be left out.
     */
    KeySearch(final String key, final List<KeyOperation> operations)
    {
        this.key = key;
        this.operations = operations.toArray(new KeyOperation[0]);
        final int operationCount = this.operations.length;

        bitIndex = new int[operationCount];
        int ok = 0;
        int pending = 0;
        for (int i = 0; i < operationCount; i++)
        {
            bitIndex[i] = this.operations[i].known ? ok++ : pending++;
        }
        okCount = ok;
        pendingCount = pending;

        // Returns of ok operations in completion order; (history index << 32 | operation) sorts by history index.
        final long[] returnsByTime = new long[okCount];
        int returnCount = 0;
        for (int i = 0; i < operationCount; i++)
        {
            if (this.operations[i].known)
            {
                returnsByTime[returnCount++] = ((long)this.operations[i].completionIndex << 32) | i;
            }
        }
        Arrays.sort(returnsByTime);

        final int entryCount = operationCount + okCount;
        entryOperation = new int[entryCount + 1];
        entryIsCall = new boolean[entryCount + 1];
        entryHistoryIndex = new int[entryCount + 1];
        returnOfCall = new int[entryCount + 1];
        next = new int[entryCount + 1];
        previous = new int[entryCount + 1];
        Arrays.fill(returnOfCall, NONE);

        // Merge calls (already in invoke order) with returns into one list in history order.
        final int[] callEntryOfOperation = new int[operationCount];
        int call = 0;
        int ret = 0;
        for (int entry = 1; entry <= entryCount; entry++)
        {
            final boolean takeCall = call < operationCount &&
                (ret == okCount || this.operations[call].invokeIndex < (int)(returnsByTime[ret] >>> 32));
            if (takeCall)
            {
                if (call > 0 && this.operations[call].invokeIndex <= this.operations[call - 1].invokeIndex)
                {
                    throw new IllegalArgumentException("operations not in invoke order on key " + key);
                }
                entryOperation[entry] = call;
                entryIsCall[entry] = true;
                entryHistoryIndex[entry] = this.operations[call].invokeIndex;
                callEntryOfOperation[call] = entry;
                call++;
            }
            else
            {
                final int operation = (int)returnsByTime[ret];
                entryOperation[entry] = operation;
                entryHistoryIndex[entry] = this.operations[operation].completionIndex;
                returnOfCall[callEntryOfOperation[operation]] = entry;
                ret++;
            }
            previous[entry] = entry - 1;
            next[entry - 1] = entry;
        }
        next[entryCount] = NONE;
        entryOperation[HEAD] = NONE;
        previous[HEAD] = NONE;
    }

    /** Run the search, at most {@code maxSteps} steps; then read {@link #verdict()} and the rest. */
    void run(final long maxSteps)
    {
        final long[] okBits = new long[(okCount + 63) >>> 6];
        final long[] pendingBits = new long[(pendingCount + 63) >>> 6];
        final HashMap<Configuration, ArrayList<Visit>> visitsByConfiguration = new HashMap<>();

        final int operationCount = operations.length;
        final int[] stackEntry = new int[operationCount];
        final int[] stackPhase = new int[operationCount];
        final String[] stackState = new String[operationCount];
        final Visit[] stackVisit = new Visit[operationCount];
        int depth = 0;
        int okLinearized = 0;
        int pendingLinearized = 0;

        String state = null;
        int entry = next[HEAD];
        int phase = PHASE_OK_OPERATIONS;
        steps = 0;
        while (true)
        {
            if (okLinearized == okCount)
            {
                verdict = CheckResult.Verdict.OK;
                return;
            }
            if (steps >= maxSteps)
            {
                verdict = CheckResult.Verdict.UNKNOWN;
                explanation = "key " + quoted(key) + ": gave up after " + steps + " search steps (" + operationCount +
                    " operations on the key)";
                return;
            }
            steps++;

            if (entry == NONE || !entryIsCall[entry])
            {
                // Reached the return of an ok operation not yet linearized: nothing after it may go first.
                if (phase == PHASE_OK_OPERATIONS)
                {
                    if (entry != NONE)
                    {
                        noteDeadEnd(entry, state, depth, depth > 0 ? entryOperation[stackEntry[depth - 1]] : NONE);
                    }
                    if (pendingLinearized < pendingCount)
                    {
                        phase = PHASE_PENDING_OPERATIONS;
                        entry = next[HEAD];
                        continue;
                    }
                }
                if (depth == 0)
                {
                    verdict = CheckResult.Verdict.VIOLATION;
                    explanation = explainViolation();
                    return;
                }
                depth--;
                final int undone = stackEntry[depth];
                final int operation = entryOperation[undone];
                if (operations[operation].known)
                {
                    clearBit(okBits, bitIndex[operation]);
                    okLinearized--;
                }
                else
                {
                    clearBit(pendingBits, bitIndex[operation]);
                    pendingLinearized--;
                }
                state = stackState[depth];
                stackState[depth] = null;
                stackVisit[depth].finished = true;
                stackVisit[depth] = null;
                unlift(undone);
                entry = next[undone];
                phase = stackPhase[depth];
                continue;
            }

            final int operation = entryOperation[entry];
            final boolean known = operations[operation].known;
            if (known != (phase == PHASE_OK_OPERATIONS) || !model.step(state, operations[operation]))
            {
                entry = next[entry];
                continue;
            }

            final String nextState = model.nextState();
            final long[] bits = known ? okBits : pendingBits;
            setBit(bits, bitIndex[operation]);
            final Visit visit = visit(visitsByConfiguration, okBits, pendingBits, nextState);
            if (visit == null)
            {
                clearBit(bits, bitIndex[operation]);
                entry = next[entry];
                continue;
            }

            stackEntry[depth] = entry;
            stackPhase[depth] = phase;
            stackState[depth] = state;
            stackVisit[depth] = visit;
            depth++;
            if (known)
            {
                okLinearized++;
            }
            else
            {
                pendingLinearized++;
            }
            state = nextState;
            lift(entry);
            entry = next[HEAD];
            phase = PHASE_OK_OPERATIONS;
        }
    }

    /**
     * Record a visit to a configuration, or return null if it need not be explored: the same configuration was
     * visited before, or one with the same ok operations and state and a subset of these pending operations was
     * explored and failed.
     */
    private static Visit visit(
        final HashMap<Configuration, ArrayList<Visit>> visitsByConfiguration,
        final long[] okBits,
        final long[] pendingBits,
        final String state)
    {
        final Configuration configuration = new Configuration(okBits, state);
        ArrayList<Visit> visits = visitsByConfiguration.get(configuration);
        if (visits == null)
        {
            visits = new ArrayList<>(1);
            visitsByConfiguration.put(configuration, visits);
        }
        else
        {
            for (int i = 0, size = visits.size(); i < size; i++)
            {
                final Visit visit = visits.get(i);
                if (Arrays.equals(visit.pendingBits, pendingBits) ||
                    (visit.finished && isSubset(visit.pendingBits, pendingBits)))
                {
                    return null;
                }
            }
        }
        final Visit visit = new Visit(pendingBits.clone());
        visits.add(visit);
        return visit;
    }

    private static boolean isSubset(final long[] subset, final long[] set)
    {
        for (int i = 0; i < subset.length; i++)
        {
            if ((subset[i] & ~set[i]) != 0)
            {
                return false;
            }
        }
        return true;
    }

    private static void setBit(final long[] bits, final int index)
    {
        bits[index >>> 6] |= 1L << index;
    }

    private static void clearBit(final long[] bits, final int index)
    {
        bits[index >>> 6] &= ~(1L << index);
    }

    /** Unlink a call entry and its return entry (if any); their own links are kept for {@link #unlift}. */
    private void lift(final int call)
    {
        unlink(call);
        final int ret = returnOfCall[call];
        if (ret != NONE)
        {
            unlink(ret);
        }
    }

    /** Undo {@link #lift}, in reverse order. */
    private void unlift(final int call)
    {
        final int ret = returnOfCall[call];
        if (ret != NONE)
        {
            relink(ret);
        }
        relink(call);
    }

    private void unlink(final int entry)
    {
        next[previous[entry]] = next[entry];
        if (next[entry] != NONE)
        {
            previous[next[entry]] = previous[entry];
        }
    }

    private void relink(final int entry)
    {
        next[previous[entry]] = entry;
        if (next[entry] != NONE)
        {
            previous[next[entry]] = entry;
        }
    }

    private void noteDeadEnd(final int returnEntry, final String state, final int depth, final int lastLinearized)
    {
        final int historyIndex = entryHistoryIndex[returnEntry];
        if (historyIndex <= deadEndHistoryIndex)
        {
            return;
        }
        deadEndHistoryIndex = historyIndex;
        deadEndOperation = entryOperation[returnEntry];
        deadEndState = state;
        deadEndLinearizedCount = depth;
        deadEndLastLinearized = lastLinearized;
        deadEndConcurrentCount = 0;
        int walked = 0;
        for (int entry = next[HEAD];
            entry != returnEntry && entry != NONE && walked < MAX_ENTRIES_WALKED_FOR_EXPLANATION;
            entry = next[entry])
        {
            walked++;
            if (entryIsCall[entry] && entryOperation[entry] != deadEndOperation &&
                deadEndConcurrentCount < MAX_CONCURRENT_DESCRIBED)
            {
                deadEndConcurrent[deadEndConcurrentCount++] = entryOperation[entry];
            }
        }
    }

    private String explainViolation()
    {
        final StringBuilder out = new StringBuilder(256);
        out.append("key ").append(quoted(key)).append(": ");
        if (deadEndOperation == NONE)
        {
            return out.append("no linearization of ").append(operations.length).append(" operations").toString();
        }
        operations[deadEndOperation].describe(out).append(" cannot be linearized");
        out.append("; longest linearizable prefix found: ").append(deadEndLinearizedCount).append(" of ")
            .append(operations.length).append(" operations");
        if (deadEndLastLinearized != NONE)
        {
            out.append(", ending with ");
            operations[deadEndLastLinearized].describe(out);
        }
        out.append(", value then ");
        RegisterAction.appendValueText(out, deadEndState);
        if (deadEndConcurrentCount > 0)
        {
            out.append("; other candidates: ");
            for (int i = 0; i < deadEndConcurrentCount; i++)
            {
                if (i > 0)
                {
                    out.append(", ");
                }
                operations[deadEndConcurrent[i]].describe(out);
            }
        }
        return out.toString();
    }

    private static String quoted(final String value)
    {
        return HistoryJson.appendString(new StringBuilder(), value).toString();
    }

    CheckResult.Verdict verdict()
    {
        return verdict;
    }

    long steps()
    {
        return steps;
    }

    /** For VIOLATION and UNKNOWN: one line naming the key; null for OK. */
    String explanation()
    {
        return explanation;
    }

    /**
     * The ok operations linearized and the register state; pending operations are kept in the {@link Visit}s so
     * configurations that differ only in them can be compared by inclusion. Stores the bit words from the first one
     * not all set to the last one not all clear, so the usual shape (a long linearized prefix plus a few operations
     * above it) stays small.
     */
    private static final class Configuration
    {
        private final int firstWordIndex;
        private final long[] words;
        private final String state;
        private final int hash;

        Configuration(final long[] bits, final String state)
        {
            int low = 0;
            while (low < bits.length && bits[low] == -1L)
            {
                low++;
            }
            int high = bits.length;
            while (high > low && bits[high - 1] == 0)
            {
                high--;
            }
            this.firstWordIndex = low;
            this.words = Arrays.copyOfRange(bits, low, high);
            this.state = state;
            this.hash = (31 * low + Arrays.hashCode(words)) * 31 + Objects.hashCode(state);
        }

        @Override
        public boolean equals(final Object o)
        {
            if (!(o instanceof Configuration))
            {
                return false;
            }
            final Configuration that = (Configuration)o;
            return hash == that.hash && firstWordIndex == that.firstWordIndex && Arrays.equals(words, that.words) &&
                Objects.equals(state, that.state);
        }

        @Override
        public int hashCode()
        {
            return hash;
        }
    }

    /** One visit of a configuration with a given set of pending operations linearized. */
    private static final class Visit
    {
        private final long[] pendingBits;
        /** Explored completely without success; only then may it prune supersets. */
        private boolean finished;

        Visit(final long[] pendingBits)
        {
            this.pendingBits = pendingBits;
        }
    }
}
