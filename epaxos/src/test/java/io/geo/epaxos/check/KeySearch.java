package io.geo.epaxos.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

import org.agrona.collections.LongHashSet;

/**
 * Wing &amp; Gong's search for a linearization of one key's operations, with Lowe's memoization, as in Porcupine.
 * Iterative: the partial linearization is an explicit stack, so history length never deepens the Java stack.
 * <p>
 * The history is a doubly linked list of call and return entries in real-time order. An operation may be linearized
 * next if its call comes before the first return of an operation not yet linearized; linearizing it (when the model
 * accepts its results) removes its call and return from the list ("lift"), backtracking puts them back. Operations
 * with an unknown outcome ("pending": {@code info} or never completed) have no return entry: they may linearize at
 * any point after their call, or never, so the search succeeds once every {@code ok} operation is linearized.
 * <p>
 * Memoization: a configuration is the set of linearized operations and the register state. One explored before
 * without success is not explored again. Pending operations carry no obligation, so a configuration is also pruned
 * when an explored one had the same ok operations and state and a subset of its pending ones: having more of them
 * still available can only help.
 * <p>
 * Pending operations are where the search explodes (each may go anywhere, or nowhere), so it only looks for
 * linearizations of a canonical shape, which exist whenever any linearization does:
 * <ul>
 *     <li>ok operations are tried before pending ones; pending ones only in runs just before an ok operation that
 *     needs the run: one the model rejects from the state before the run. (When that ok operation accepts only one
 *     state, or leaves the state as it was, a run it does not need can be dropped or moved after it.)</li>
 *     <li>no pending operation that leaves the state unchanged; no blind one (it writes or deletes, so the state
 *     before it does not matter) right after another pending one, which it would overwrite unobserved.</li>
 *     <li>of several available pending operations with the same effect, the earliest is used first.</li>
 *     <li>a dead end starts a run only if a quick over-approximation ({@link #runMayHelp}) says some run could give
 *     a blocked ok operation the state it needs.</li>
 * </ul>
 * Because of the run rules, a configuration reached by a pending operation is explored under restrictions that
 * depend on the state before its run; its failure only prunes configurations explored under the same restrictions,
 * while the failure of one reached by an ok operation prunes both kinds.
 * <p>
 * Search order: first a plain depth-first search, which is quick on valid histories. If it runs out of its share of
 * the steps (a violation, where every alternative must be ruled out, with many pending operations), searches follow
 * that may take at most 0, 1, 2, 4, ... pending operations, reusing what the earlier ones proved: that way
 * configurations that take fewer pending operations are explored first and prune the rest. A failure that did not
 * depend on the budget is final. Work is bounded by a step budget; when it runs out the verdict is UNKNOWN.
 */
final class KeySearch
{
    private static final int NONE = -1;
    private static final int HEAD = 0;
    private static final int PHASE_OK_OPERATIONS = 0;
    private static final int PHASE_PENDING_OPERATIONS = 1;
    private static final int MAX_CONCURRENT_DESCRIBED = 4;
    private static final int MAX_ENTRIES_WALKED_FOR_EXPLANATION = 1024;
    private static final int UNBOUNDED = Integer.MAX_VALUE;
    /** The first, unbounded search gets this fraction of the steps; deepening the pending budget gets the rest. */
    private static final int FIRST_SEARCH_SHARE_DIVISOR = 4;
    private static final int SEARCH_OK = 0;
    private static final int SEARCH_VIOLATION = 1;
    private static final int SEARCH_BUDGET_LIMITED = 2;
    private static final int SEARCH_OUT_OF_STEPS = 3;
    /** runMayHelp gives up (answers yes) when the pending increments have more distinct sums than this. */
    private static final int MAX_SHIFT_SUMS = 4096;

    private final String key;
    private final KeyOperation[] operations;
    /** Per operation, its bit in {@code okBits} (ok operations) or {@code pendingBits} (pending ones). */
    private final int[] bitIndex;
    private final int okCount;
    private final int pendingCount;
    /** Per pending operation, the closest earlier pending one with the same effect, or NONE. */
    private final int[] previousEquivalentPending;

    // Entries 1..entryCount; entry 0 is the head sentinel.
    private final int[] entryOperation;
    private final boolean[] entryIsCall;
    private final int[] entryHistoryIndex;
    private final int[] returnOfCall;
    private final int[] next;
    private final int[] previous;

    private final RegisterModel model = new RegisterModel();
    private final long[] okBits;
    private final long[] pendingBits;
    private final HashMap<Configuration, ArrayList<Visit>> visitsByConfiguration = new HashMap<>();
    private boolean lastPruneBudgetLimited;

    // The linearization being built, one frame per operation linearized.
    private final int[] stackEntry;
    private final int[] stackPhase;
    private final String[] stackState;
    private final Visit[] stackVisit;
    private final boolean[] stackInRun;
    private final String[] stackRunStartState;
    /** The configuration this frame leads to failed (so far) only for lack of pending budget somewhere below. */
    private final boolean[] stackBudgetLimited;

    // Scratch for runMayHelp, sized once.
    private final int[] targetOperations;
    private final long[] shifts;
    private final String[] blindResults;
    private final LongHashSet shiftSums = new LongHashSet();
    private final LongHashSet sumsScratch = new LongHashSet();

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
        targetOperations = new int[operationCount];
        shifts = new long[operationCount];
        blindResults = new String[operationCount];
        okBits = new long[(okCount + 63) >>> 6];
        pendingBits = new long[(pendingCount + 63) >>> 6];
        stackEntry = new int[operationCount];
        stackPhase = new int[operationCount];
        stackState = new String[operationCount];
        stackVisit = new Visit[operationCount];
        stackInRun = new boolean[operationCount];
        stackRunStartState = new String[operationCount];
        stackBudgetLimited = new boolean[operationCount];

        previousEquivalentPending = new int[operationCount];
        Arrays.fill(previousEquivalentPending, NONE);
        final HashMap<String, Integer> lastPendingByEffect = new HashMap<>();
        for (int i = 0; i < operationCount; i++)
        {
            if (!this.operations[i].known)
            {
                final Integer previous = lastPendingByEffect.put(this.operations[i].effectKey(), i);
                previousEquivalentPending[i] = previous == null ? NONE : previous;
            }
        }

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

    /**
     * Run the search, at most {@code maxSteps} steps; then read {@link #verdict()} and the rest. First an unbounded
     * search (quick on valid histories), then, if it runs out of its share of the steps, searches with a growing
     * budget of pending operations.
     *
     * @param unboundedFirst false to go straight to the budgeted searches (tests use it to exercise them).
     */
    void run(final long maxSteps, final boolean unboundedFirst)
    {
        steps = 0;
        int outcome = unboundedFirst ?
            search(UNBOUNDED, Math.max(1, maxSteps / FIRST_SEARCH_SHARE_DIVISOR)) : SEARCH_OUT_OF_STEPS;
        if (outcome == SEARCH_OUT_OF_STEPS && steps < maxSteps)
        {
            // Hard case (typically a violation with many pending operations): deepen the pending budget (0, 1, 2,
            // 4, ...) so configurations that consume fewer pending operations are explored, and prune, first.
            int pendingBudget = 0;
            do
            {
                outcome = search(pendingBudget, maxSteps);
                pendingBudget = pendingBudget == 0 ? 1 : 2 * pendingBudget;
            }
            while (outcome == SEARCH_BUDGET_LIMITED);
        }

        switch (outcome)
        {
            case SEARCH_OK:
                verdict = CheckResult.Verdict.OK;
                break;
            case SEARCH_VIOLATION:
                verdict = CheckResult.Verdict.VIOLATION;
                explanation = explainViolation();
                break;
            default:
                verdict = CheckResult.Verdict.UNKNOWN;
                explanation = "key " + quoted(key) + ": gave up after " + steps + " search steps (" +
                    operations.length + " operations on the key)";
                break;
        }
    }

    /**
     * One depth-first search from the empty linearization, sharing the visit cache with earlier ones.
     *
     * @param requestedPendingBudget how many pending operations a linearization may take, or UNBOUNDED.
     * @param stepLimit     stop when {@link #steps} reaches this.
     * @return SEARCH_OK, SEARCH_VIOLATION (no linearization at all), SEARCH_BUDGET_LIMITED (none within the budget)
     * or SEARCH_OUT_OF_STEPS; the linked list and bit sets are left as they started unless OK.
     */
    private int search(final int requestedPendingBudget, final long stepLimit)
    {
        // A budget that covers every pending operation is no limit: say so, so failures are final.
        final int pendingBudget = requestedPendingBudget >= pendingCount ? UNBOUNDED : requestedPendingBudget;
        int depth = 0;
        int okLinearized = 0;
        int pendingLinearized = 0;
        String state = null;
        // Whether the last operation linearized was pending, and the state before the run of pending ones it ends.
        boolean inRun = false;
        String runStartState = null;
        // Whether the empty linearization's failure depends on the budget (frames track the same for the others).
        boolean rootBudgetLimited = false;
        int entry = next[HEAD];
        int phase = PHASE_OK_OPERATIONS;
        while (true)
        {
            if (okLinearized == okCount)
            {
                return SEARCH_OK;
            }
            if (steps >= stepLimit)
            {
                unwind(depth);
                return SEARCH_OUT_OF_STEPS;
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
                    if (pendingLinearized < pendingCount && runMayHelp(entry, state, inRun, runStartState))
                    {
                        phase = PHASE_PENDING_OPERATIONS;
                        entry = next[HEAD];
                        continue;
                    }
                }
                if (depth == 0)
                {
                    return rootBudgetLimited ? SEARCH_BUDGET_LIMITED : SEARCH_VIOLATION;
                }

                depth--;
                final Visit finished = stackVisit[depth];
                final boolean budgetLimited = stackBudgetLimited[depth];
                finished.remainingPendingBudget = budgetLimited ? pendingBudget - pendingLinearized : UNBOUNDED;
                finished.finished = true;
                if (budgetLimited)
                {
                    if (depth > 0)
                    {
                        stackBudgetLimited[depth - 1] = true;
                    }
                    else
                    {
                        rootBudgetLimited = true;
                    }
                }

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
                inRun = stackInRun[depth];
                runStartState = stackRunStartState[depth];
                clearFrame(depth);
                unlift(undone);
                entry = next[undone];
                phase = stackPhase[depth];
                continue;
            }

            final int operation = entryOperation[entry];
            final boolean known = operations[operation].known;
            if (known != (phase == PHASE_OK_OPERATIONS) || !tryCanonicalStep(operation, state, inRun, runStartState))
            {
                entry = next[entry];
                continue;
            }
            if (!known && pendingLinearized >= pendingBudget)
            {
                markBudgetLimited(depth);
                if (depth == 0)
                {
                    rootBudgetLimited = true;
                }
                entry = next[entry];
                continue;
            }

            final String nextState = model.nextState();
            final String nextRunStartState = known ? null : (inRun ? runStartState : state);
            final int remainingBudget = pendingBudget == UNBOUNDED ?
                UNBOUNDED : pendingBudget - pendingLinearized - (known ? 0 : 1);
            final long[] bits = known ? okBits : pendingBits;
            setBit(bits, bitIndex[operation]);
            final Visit visit = visit(nextState, !known, nextRunStartState, remainingBudget);
            if (visit == null)
            {
                clearBit(bits, bitIndex[operation]);
                if (lastPruneBudgetLimited)
                {
                    markBudgetLimited(depth);
                    if (depth == 0)
                    {
                        rootBudgetLimited = true;
                    }
                }
                entry = next[entry];
                continue;
            }

            stackEntry[depth] = entry;
            stackPhase[depth] = phase;
            stackState[depth] = state;
            stackVisit[depth] = visit;
            stackInRun[depth] = inRun;
            stackRunStartState[depth] = runStartState;
            stackBudgetLimited[depth] = false;
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
            inRun = !known;
            runStartState = nextRunStartState;
            lift(entry);
            entry = next[HEAD];
            phase = PHASE_OK_OPERATIONS;
        }
    }

    /** The configuration at {@code depth} cannot be shown to fail whatever the budget. */
    private void markBudgetLimited(final int depth)
    {
        if (depth > 0)
        {
            stackBudgetLimited[depth - 1] = true;
        }
    }

    /** Undo the linearization on the stack, restoring the list and the bit sets; its visits stay unfinished. */
    private void unwind(final int depth)
    {
        for (int d = depth - 1; d >= 0; d--)
        {
            unlift(stackEntry[d]);
            clearFrame(d);
        }
        Arrays.fill(okBits, 0);
        Arrays.fill(pendingBits, 0);
    }

    private void clearFrame(final int depth)
    {
        stackState[depth] = null;
        stackRunStartState[depth] = null;
        stackVisit[depth] = null;
        stackBudgetLimited[depth] = false;
    }

    /**
     * A quick over-approximation of whether a run of pending operations, started or extended here, could end at a
     * state that a blocked ok operation (one the model rejects from the run's start state) requires. When every
     * available pending operation is blind (its result state is known), a single cas (it sets its new value or does
     * nothing) or a pure shift of a number (incr), every state a run reaches is a blind or cas result or the current
     * state, plus a sum of distinct shifts; otherwise, or when an ok operation's needs are not simple, the answer is
     * yes. Without this, each dead end would try every subset of the pending increments.
     *
     * @param boundary the first return entry not yet linearized (or NONE): the calls before it are the candidates.
     */
    private boolean runMayHelp(final int boundary, final String state, final boolean inRun, final String runStartState)
    {
        final String referenceState = inRun ? runStartState : state;
        int targetCount = 0;
        int shiftCount = 0;
        int blindResultCount = 0;
        for (int entry = next[HEAD]; entry != boundary && entry != NONE; entry = next[entry])
        {
            final KeyOperation operation = operations[entryOperation[entry]];
            if (operation.known)
            {
                if (operation.runNeed == KeyOperation.RUN_NEED_UNKNOWN)
                {
                    return true;
                }
                if (operation.runNeed == KeyOperation.RUN_NEEDS_STATE && !model.step(referenceState, operation))
                {
                    targetOperations[targetCount++] = entryOperation[entry];
                }
            }
            else if (operation.blind)
            {
                if (!inRun && model.step(null, operation))
                {
                    blindResults[blindResultCount++] = model.nextState();
                }
            }
            else if (operation.pureShift)
            {
                shifts[shiftCount++] = operation.shiftDelta;
            }
            else if (operation.conditionalSet)
            {
                blindResults[blindResultCount++] = operation.casValue; // as if it swapped: may follow anything
            }
            else
            {
                return true;
            }
        }
        if (targetCount == 0)
        {
            return false;
        }

        shiftSums.clear();
        for (int i = 0; i < shiftCount; i++)
        {
            final long shift = shifts[i];
            sumsScratch.clear();
            sumsScratch.add(shift);
            for (final LongHashSet.LongIterator sums = shiftSums.iterator(); sums.hasNext(); )
            {
                sumsScratch.add(sums.nextValue() + shift);
            }
            shiftSums.addAll(sumsScratch);
            if (shiftSums.size() > MAX_SHIFT_SUMS)
            {
                return true;
            }
        }

        for (int t = 0; t < targetCount; t++)
        {
            final KeyOperation target = operations[targetOperations[t]];
            for (int b = 0; b < blindResultCount; b++)
            {
                if (fits(blindResults[b], target) || reachesByShifts(blindResults[b], target))
                {
                    return true;
                }
            }
            if (reachesByShifts(state, target))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean fits(final String state, final KeyOperation target)
    {
        if (!target.requiredStateNumeric)
        {
            return Objects.equals(state, target.requiredState);
        }
        final long number = numberOrMin(state);
        return number != Long.MIN_VALUE && Long.toString(number).equals(target.requiredState);
    }

    /** Whether {@code base} plus a non-empty sum of available shifts is the target's required state. */
    private boolean reachesByShifts(final String base, final KeyOperation target)
    {
        if (shiftSums.isEmpty() || target.requiredState == null)
        {
            return false;
        }
        final long baseNumber = numberOrMin(base);
        final long required = numberOrMin(target.requiredState);
        if (baseNumber == Long.MIN_VALUE || required == Long.MIN_VALUE)
        {
            return false;
        }
        if (!target.requiredStateNumeric && !Long.toString(required).equals(target.requiredState))
        {
            return false; // shifts produce canonical decimal text only
        }
        return shiftSums.contains(required - baseNumber);
    }

    /** The state as an incr reads it (absent = 0), or Long.MIN_VALUE when it is not a number. */
    private static long numberOrMin(final String state)
    {
        if (state == null)
        {
            return 0;
        }
        try
        {
            return Long.parseLong(state);
        }
        catch (final NumberFormatException ex)
        {
            return Long.MIN_VALUE;
        }
    }

    /**
     * Whether linearizing {@code candidate} next keeps the linearization canonical (see the class comment) and the
     * model accepts it; if so the state after it is {@link RegisterModel#nextState()}.
     */
    private boolean tryCanonicalStep(
        final int operation, final String state, final boolean inRun, final String runStartState)
    {
        final KeyOperation candidate = operations[operation];
        if (candidate.known)
        {
            if (inRun && candidate.pinsOrPreservesState && model.step(runStartState, candidate))
            {
                return false; // it does not need the run of pending operations before it
            }
            return model.step(state, candidate);
        }
        if (inRun && candidate.blind)
        {
            return false; // it would overwrite the pending operation before it unobserved
        }
        final int equivalent = previousEquivalentPending[operation];
        if (equivalent != NONE && !isSet(pendingBits, bitIndex[equivalent]))
        {
            return false; // an earlier one with the same effect is still available: use that one first
        }
        return model.step(state, candidate) && !Objects.equals(model.nextState(), state);
    }

    /**
     * Record a visit to a configuration, or return null if it need not be explored: one with the same ok operations
     * and state and a subset of these pending operations (the same configuration included) was explored and failed,
     * under no more restriction than this one will be and with at least this pending budget left. Sets
     * {@link #lastPruneBudgetLimited} when the only such visit failed for lack of budget.
     */
    private Visit visit(
        final String state, final boolean inRun, final String runStartState, final int remainingPendingBudget)
    {
        lastPruneBudgetLimited = false;
        final Configuration configuration = new Configuration(okBits, state);
        ArrayList<Visit> visits = visitsByConfiguration.get(configuration);
        if (visits == null)
        {
            visits = new ArrayList<>(1);
            visitsByConfiguration.put(configuration, visits);
        }
        else
        {
            boolean budgetLimitedMatch = false;
            for (int i = 0, size = visits.size(); i < size; i++)
            {
                // Unfinished visits are on the current path (whose sets are strictly smaller) or were abandoned.
                final Visit visit = visits.get(i);
                if (visit.finished && visit.remainingPendingBudget >= remainingPendingBudget &&
                    isSubset(visit.pendingBits, pendingBits) &&
                    (!visit.inRun || (inRun && Objects.equals(visit.runStartState, runStartState))))
                {
                    if (visit.remainingPendingBudget == UNBOUNDED)
                    {
                        return null;
                    }
                    budgetLimitedMatch = true;
                }
            }
            if (budgetLimitedMatch)
            {
                lastPruneBudgetLimited = true;
                return null;
            }
        }
        final Visit visit = new Visit(pendingBits.clone(), inRun, runStartState);
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

    private static boolean isSet(final long[] bits, final int index)
    {
        return (bits[index >>> 6] & (1L << index)) != 0;
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
        /** Reached by linearizing a pending operation, so explored under the restrictions of a run. */
        private final boolean inRun;
        /** The state before that run of pending operations; null when not in a run. */
        private final String runStartState;
        /** Explored completely without success; only then may it prune. */
        private boolean finished;
        /** When finished: no linearization from here takes at most this many more pending operations. */
        private int remainingPendingBudget;

        Visit(final long[] pendingBits, final boolean inRun, final String runStartState)
        {
            this.pendingBits = pendingBits;
            this.inRun = inRun;
            this.runStartState = runStartState;
        }
    }
}
