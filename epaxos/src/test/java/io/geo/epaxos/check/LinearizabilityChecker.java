package io.geo.epaxos.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a {@link History} for linearizability, key by key, against a register model (absent, or a string value;
 * incr treats it as a decimal long, absent as 0).
 * <p>
 * The history is split per key: a single-key operation belongs to its key, and a batch is projected onto each key
 * it touches as one operation made of its ops on that key (in batch order) with the batch's invoke and completion
 * and per-op results. Checking the projections checks each key's view of the batch, not the batch's atomicity across
 * keys.
 * <p>
 * Per operation, by completion:
 * <ul>
 *     <li>{@code ok}: must take effect exactly once between its invoke and its completion, and its recorded results
 *     must be what the register returns at that point.</li>
 *     <li>{@code fail}: took no effect, so it is dropped. A cas that did not swap is a valid fail whatever the value
 *     was; so is an incr refused because the value was not a number.</li>
 *     <li>{@code info}, or no completion: may take effect at any point after its invoke, or never; its results are
 *     unknown. Such reads are dropped.</li>
 * </ul>
 * Inside an ok batch, a cas with {@code "ok":false} did not swap, which the register must confirm (the batch did
 * execute), and an incr with {@code "ok":false} was not applied because the value was not a number.
 * <p>
 * Each key is searched with {@link KeySearch} (Wing &amp; Gong with Lowe's memoization, iterative). Stateless and
 * thread-safe; allocates in proportion to the history and the search.
 */
public final class LinearizabilityChecker
{
    private LinearizabilityChecker()
    {
    }

    /**
     * Check a history.
     *
     * @param history        a well-formed history (as {@link History#add} guarantees).
     * @param maxSearchSteps the search budget per key; a key that needs more is reported UNKNOWN, so the call always
     *                       terminates. Steps are cheap (one model step or list move each): millions are fine.
     * @return OK when every key is linearizable; VIOLATION for the first key (in key order) that is not, with an
     * explanation; otherwise UNKNOWN if some key ran out of steps.
     * @throws IllegalArgumentException if {@code maxSearchSteps} is not positive.
     */
    public static CheckResult check(final History history, final long maxSearchSteps)
    {
        return check(history, maxSearchSteps, true);
    }

    /** As {@link #check(History, long)}; {@code unboundedFirst} false skips the first search (see KeySearch). */
    static CheckResult check(final History history, final long maxSearchSteps, final boolean unboundedFirst)
    {
        if (maxSearchSteps <= 0)
        {
            throw new IllegalArgumentException("maxSearchSteps must be positive: " + maxSearchSteps);
        }
        final List<HistoryEvent> events = history.events();
        final int[] completionIndexOfInvoke = pairInvokesWithCompletions(events);
        final TreeMap<String, List<KeyOperation>> operationsByKey = project(events, completionIndexOfInvoke);

        final ArrayList<String> unknownKeys = new ArrayList<>();
        String unknownExplanation = null;
        long searchSteps = 0;
        int keysChecked = 0;
        for (final Map.Entry<String, List<KeyOperation>> keyOperations : operationsByKey.entrySet())
        {
            final String key = keyOperations.getKey();
            final KeySearch search = new KeySearch(key, keyOperations.getValue());
            search.run(maxSearchSteps, unboundedFirst);
            searchSteps += search.steps();
            keysChecked++;
            switch (search.verdict())
            {
                case VIOLATION:
                    return new CheckResult(
                        CheckResult.Verdict.VIOLATION,
                        key,
                        search.explanation(),
                        unknownKeys,
                        keysChecked,
                        searchSteps);
                case UNKNOWN:
                    if (unknownKeys.isEmpty())
                    {
                        unknownExplanation = search.explanation();
                    }
                    unknownKeys.add(key);
                    break;
                default:
                    break;
            }
        }
        if (unknownKeys.isEmpty())
        {
            return new CheckResult(CheckResult.Verdict.OK, null, null, unknownKeys, keysChecked, searchSteps);
        }
        return new CheckResult(
            CheckResult.Verdict.UNKNOWN, unknownKeys.get(0), unknownExplanation, unknownKeys, keysChecked, searchSteps);
    }

    /** @return per event index: for an invoke, the index of its completion or -1; -1 for completions. */
    private static int[] pairInvokesWithCompletions(final List<HistoryEvent> events)
    {
        final int[] completionIndexOfInvoke = new int[events.size()];
        Arrays.fill(completionIndexOfInvoke, -1);
        // Looked up by process only, never iterated.
        final HashMap<Long, Integer> outstandingInvokeIndexByProcess = new HashMap<>();
        for (int i = 0; i < events.size(); i++)
        {
            final HistoryEvent event = events.get(i);
            if (event.type() == HistoryEvent.Type.INVOKE)
            {
                if (outstandingInvokeIndexByProcess.put(event.process(), i) != null)
                {
                    throw new IllegalArgumentException("malformed history: process " + event.process() +
                        " has two outstanding operations at event " + i);
                }
            }
            else
            {
                final Integer invokeIndex = outstandingInvokeIndexByProcess.remove(event.process());
                if (invokeIndex == null)
                {
                    throw new IllegalArgumentException("malformed history: completion without invoke at event " + i);
                }
                completionIndexOfInvoke[invokeIndex] = i;
            }
        }
        return completionIndexOfInvoke;
    }

    private static TreeMap<String, List<KeyOperation>> project(
        final List<HistoryEvent> events, final int[] completionIndexOfInvoke)
    {
        final TreeMap<String, List<KeyOperation>> operationsByKey = new TreeMap<>();
        for (int i = 0; i < events.size(); i++)
        {
            final HistoryEvent invoke = events.get(i);
            if (invoke.type() != HistoryEvent.Type.INVOKE)
            {
                continue;
            }
            final int completionIndex = completionIndexOfInvoke[i];
            final HistoryEvent completion = completionIndex < 0 ? null : events.get(completionIndex);
            if (completion != null && completion.type() == HistoryEvent.Type.FAIL)
            {
                continue;
            }
            final HistoryEvent ok = completion != null && completion.type() == HistoryEvent.Type.OK ? completion : null;

            if (invoke.f() != HistoryEvent.Function.BATCH)
            {
                final RegisterAction[] actions = { RegisterAction.ofSingle(invoke, ok) };
                addOperation(
                    operationsByKey, invoke.key(), new KeyOperation(invoke, i, completion, completionIndex, actions));
                continue;
            }

            // Group the batch's ops by key, keeping batch order within a key; first-touch order across keys.
            final LinkedHashMap<String, ArrayList<RegisterAction>> actionsByKey = new LinkedHashMap<>();
            final List<BatchOp> invokedOps = invoke.ops();
            for (int j = 0; j < invokedOps.size(); j++)
            {
                final BatchOp invoked = invokedOps.get(j);
                final BatchOp result = ok == null ? null : ok.ops().get(j);
                actionsByKey.computeIfAbsent(invoked.key(), k -> new ArrayList<>())
                    .add(RegisterAction.ofBatchOp(invoked, result));
            }
            for (final Map.Entry<String, ArrayList<RegisterAction>> keyActions : actionsByKey.entrySet())
            {
                final RegisterAction[] actions = keyActions.getValue().toArray(new RegisterAction[0]);
                addOperation(
                    operationsByKey,
                    keyActions.getKey(),
                    new KeyOperation(invoke, i, completion, completionIndex, actions));
            }
        }
        return operationsByKey;
    }

    private static void addOperation(
        final TreeMap<String, List<KeyOperation>> operationsByKey, final String key, final KeyOperation operation)
    {
        // A pending operation that only reads neither constrains nor changes anything.
        if (!operation.known && operation.isReadOnly())
        {
            return;
        }
        operationsByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(operation);
    }
}
