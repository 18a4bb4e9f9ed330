package io.geo.epaxos.check;

import java.util.Collections;
import java.util.List;

/**
 * The outcome of {@link LinearizabilityChecker#check}. Immutable. {@link #toString()} gives one line suitable for a
 * test failure or the command-line tool.
 */
public final class CheckResult
{
    /** The overall verdict. */
    public enum Verdict
    {
        /** Every key's sub-history is linearizable. */
        OK,
        /** Some key's sub-history is not linearizable: {@link #key()} and {@link #explanation()} say which and why. */
        VIOLATION,
        /** No violation found, but the search step budget ran out on {@link #unknownKeys()}. */
        UNKNOWN
    }

    private final Verdict verdict;
    private final String key;
    private final String explanation;
    private final List<String> unknownKeys;
    private final int keysChecked;
    private final long searchSteps;

    CheckResult(
        final Verdict verdict,
        final String key,
        final String explanation,
        final List<String> unknownKeys,
        final int keysChecked,
        final long searchSteps)
    {
        this.verdict = verdict;
        this.key = key;
        this.explanation = explanation;
        this.unknownKeys = Collections.unmodifiableList(unknownKeys);
        this.keysChecked = keysChecked;
        this.searchSteps = searchSteps;
    }

    public Verdict verdict()
    {
        return verdict;
    }

    /** True when the verdict is {@link Verdict#OK}. */
    public boolean isOk()
    {
        return verdict == Verdict.OK;
    }

    /** The violating key for VIOLATION, the first key the search gave up on for UNKNOWN, null for OK. */
    public String key()
    {
        return key;
    }

    /**
     * For VIOLATION: the operation that could not be linearized, with its times, the longest linearizable prefix
     * the search found and the value it left, and other operations that could have gone next. For UNKNOWN: where the
     * search gave up. Null for OK.
     */
    public String explanation()
    {
        return explanation;
    }

    /** Keys whose search ran out of steps (in key order); checking stops at the first violation. */
    public List<String> unknownKeys()
    {
        return unknownKeys;
    }

    /** Keys searched, including the violating one. */
    public int keysChecked()
    {
        return keysChecked;
    }

    /** Search steps used over all keys checked. */
    public long searchSteps()
    {
        return searchSteps;
    }

    @Override
    public String toString()
    {
        final String work = " (" + keysChecked + " keys, " + searchSteps + " search steps)";
        switch (verdict)
        {
            case OK:
                return "OK" + work;
            case VIOLATION:
                return "VIOLATION " + explanation + work;
            default:
                return "UNKNOWN on " + unknownKeys.size() + " key(s), first " + explanation + work;
        }
    }
}
