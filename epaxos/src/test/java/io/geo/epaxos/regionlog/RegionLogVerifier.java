package io.geo.epaxos.regionlog;

import io.geo.epaxos.check.CheckResult;
import io.geo.epaxos.check.History;
import io.geo.epaxos.check.LinearizabilityChecker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The simulator's safety checks, on plain data so tests can hand them bad logs. Each check appends violations
 * (each naming the seed, so a failure can be replayed) to a list and reports at most {@link #MAX_REPORTED} per
 * check. Stateless.
 */
public final class RegionLogVerifier
{
    /** Violations reported per check; the rest are counted. */
    static final int MAX_REPORTED = 5;

    /**
     * What one life of a node (start to crash, or to the end of the run) applied, slot {@code firstSlot} first: 1, or
     * the slot after the snapshot the life started from or installed (an install starts a new log).
     */
    public record AppliedLog(int node, int life, long firstSlot, List<LogEntry> entries)
    {
        public AppliedLog(final int node, final int life, final List<LogEntry> entries)
        {
            this(node, life, 1, entries);
        }

        String name()
        {
            return "node " + node + " (life " + life + (firstSlot == 1 ? "" : ", from slot " + firstSlot) + ")";
        }

        long lastSlot()
        {
            return firstSlot + entries.size() - 1;
        }
    }

    /** A snapshot a node installed from a peer: its key-value state through {@code slot}. */
    public record Install(int node, long slot, Map<String, String> state)
    {
    }

    /** An append that returned a sequence (issued) or whose client was told it was applied (acknowledged). */
    public record Append(int origin, long sequence, byte[] payload)
    {
        long identity()
        {
            return identity(origin, sequence);
        }

        String describe()
        {
            return KvOp.describe(LogEntry.of(origin, sequence, payload));
        }

        static long identity(final int origin, final long sequence)
        {
            return ((long)origin << 56) ^ sequence;
        }
    }

    private RegionLogVerifier()
    {
    }

    /** (a) For every slot, every life of every node that applied it applied the same entry. */
    public static void checkAgreement(final long seed, final List<AppliedLog> logs, final List<String> violations)
    {
        final Reporter reporter = new Reporter(seed, "agreement", violations);
        final ArrayList<LogEntry> reference = new ArrayList<>();
        final ArrayList<AppliedLog> referenceOwner = new ArrayList<>();
        for (final AppliedLog log : logs)
        {
            final List<LogEntry> entries = log.entries();
            for (int i = 0; i < entries.size(); i++)
            {
                final LogEntry entry = entries.get(i);
                final int index = (int)(log.firstSlot() - 1 + i);
                while (reference.size() <= index)
                {
                    reference.add(null);
                    referenceOwner.add(null);
                }
                if (reference.get(index) == null)
                {
                    reference.set(index, entry);
                    referenceOwner.set(index, log);
                }
                else if (!Objects.equals(reference.get(index), entry))
                {
                    reporter.report("slot " + (index + 1) + ": " + referenceOwner.get(index).name() + " applied " +
                        KvOp.describe(reference.get(index)) + " but " + log.name() + " applied " +
                        KvOp.describe(entry));
                }
            }
        }
        reporter.finish();
    }

    /**
     * The log as applied, slot 1 first, from every life of every node (with snapshots no single life applied it
     * all). A slot nobody applied (a snapshot covered it, but no life is known to have applied it) is a violation
     * and shows as null.
     */
    public static List<LogEntry> referenceLog(
        final long seed, final List<AppliedLog> logs, final List<String> violations)
    {
        final ArrayList<LogEntry> reference = new ArrayList<>();
        for (final AppliedLog log : logs)
        {
            for (int i = 0; i < log.entries().size(); i++)
            {
                final int index = (int)(log.firstSlot() - 1 + i);
                while (reference.size() <= index)
                {
                    reference.add(null);
                }
                if (reference.get(index) == null)
                {
                    reference.set(index, log.entries().get(i));
                }
            }
        }
        final Reporter reporter = new Reporter(seed, "gap", violations);
        for (int i = 0; i < reference.size(); i++)
        {
            if (reference.get(i) == null)
            {
                reporter.report("slot " + (i + 1) + " was applied by no node, yet later slots were");
            }
        }
        reporter.finish();
        return reference;
    }

    /** Every snapshot installed from a peer holds exactly the state of the log applied through its slot. */
    public static void checkInstalls(
        final long seed, final List<LogEntry> finalLog, final List<Install> installs, final List<String> violations)
    {
        final Reporter reporter = new Reporter(seed, "snapshot", violations);
        final ArrayList<Install> bySlot = new ArrayList<>(installs);
        bySlot.sort((a, b) -> Long.compare(a.slot(), b.slot()));
        final java.util.TreeMap<String, String> state = new java.util.TreeMap<>();
        int next = 0;
        for (final Install install : bySlot)
        {
            if (install.slot() > finalLog.size())
            {
                reporter.report("node " + install.node() + " installed a snapshot through slot " + install.slot() +
                    " beyond the final log (" + finalLog.size() + " slots)");
                continue;
            }
            while (next < install.slot())
            {
                final LogEntry entry = finalLog.get(next++);
                if (entry != null && !entry.isNoop())
                {
                    final KvOp op = KvOp.decode(entry.payload());
                    if (op != null)
                    {
                        op.applyWithSession(state);
                    }
                }
            }
            if (!state.equals(install.state()))
            {
                reporter.report("node " + install.node() + " installed " + install.state() + " through slot " +
                    install.slot() + ", the log gives " + state);
            }
        }
        reporter.finish();
    }

    /** (b) No entry (origin, sequence) appears twice in one applied log; no-ops are not entries. */
    public static void checkNoDuplicates(final long seed, final AppliedLog log, final List<String> violations)
    {
        final Reporter reporter = new Reporter(seed, "duplicate", violations);
        final HashMap<Long, Integer> firstSlot = new HashMap<>();
        final List<LogEntry> entries = log.entries();
        for (int i = 0; i < entries.size(); i++)
        {
            final LogEntry entry = entries.get(i);
            if (entry.isNoop())
            {
                continue;
            }
            final Integer earlier = firstSlot.putIfAbsent(Append.identity(entry.origin(), entry.sequence()), i);
            if (earlier != null)
            {
                reporter.report(log.name() + " applied " + entry.origin() + "#" + entry.sequence() + " at slot " +
                    (log.firstSlot() + earlier) + " (" + KvOp.describe(entries.get(earlier)) + ") and again at " +
                    "slot " + (log.firstSlot() + i) + " (" + KvOp.describe(entry) + ")");
            }
        }
        reporter.finish();
    }

    /**
     * (b) Every acknowledged append is in the final log exactly once, with the payload that was appended; and every
     * entry of the final log is one that was appended (same origin, sequence and payload), so none was changed.
     */
    public static void checkAcknowledged(
        final long seed,
        final List<LogEntry> finalLog,
        final List<Append> issued,
        final List<Append> acknowledged,
        final List<String> violations)
    {
        final HashMap<Long, List<Integer>> slotsOf = new HashMap<>();
        for (int i = 0; i < finalLog.size(); i++)
        {
            final LogEntry entry = finalLog.get(i);
            if (entry != null && !entry.isNoop())
            {
                slotsOf.computeIfAbsent(Append.identity(entry.origin(), entry.sequence()), k -> new ArrayList<>())
                    .add(i + 1);
            }
        }
        final Reporter lost = new Reporter(seed, "lost or changed acknowledged entry", violations);
        for (final Append append : acknowledged)
        {
            final List<Integer> slots = slotsOf.getOrDefault(append.identity(), List.of());
            if (slots.isEmpty())
            {
                lost.report("acknowledged " + append.describe() + " is not in the final log (" + finalLog.size() +
                    " slots)");
            }
            else if (slots.size() > 1)
            {
                lost.report("acknowledged " + append.describe() + " is in the final log " + slots.size() +
                    " times, at slots " + slots);
            }
            else if (!Arrays.equals(finalLog.get(slots.get(0) - 1).payload(), append.payload()))
            {
                lost.report("acknowledged " + append.describe() + " is at slot " + slots.get(0) + " as " +
                    KvOp.describe(finalLog.get(slots.get(0) - 1)) + ": the payload changed");
            }
        }
        lost.finish();

        final HashMap<Long, List<byte[]>> payloadsOf = new HashMap<>();
        for (final Append append : issued)
        {
            payloadsOf.computeIfAbsent(append.identity(), k -> new ArrayList<>()).add(append.payload());
        }
        final Reporter forged = new Reporter(seed, "unknown entry", violations);
        for (int i = 0; i < finalLog.size(); i++)
        {
            final LogEntry entry = finalLog.get(i);
            if (entry == null || entry.isNoop())
            {
                continue;
            }
            final List<byte[]> payloads = payloadsOf.getOrDefault(
                Append.identity(entry.origin(), entry.sequence()), List.of());
            boolean found = false;
            for (final byte[] payload : payloads)
            {
                found |= Arrays.equals(payload, entry.payload());
            }
            if (!found)
            {
                forged.report("slot " + (i + 1) + " holds " + KvOp.describe(entry) + ", which no append returned" +
                    (payloads.isEmpty() ? "" : " (that origin and sequence were returned for another payload)"));
            }
        }
        forged.finish();
    }

    /** Chosen entries are never lost: the final log is at least as long as anything any life applied. */
    public static void checkFinalLogLength(
        final long seed, final List<LogEntry> finalLog, final List<AppliedLog> logs, final List<String> violations)
    {
        final Reporter reporter = new Reporter(seed, "log shrank", violations);
        for (final AppliedLog log : logs)
        {
            if (log.lastSlot() > finalLog.size())
            {
                reporter.report(log.name() + " applied through slot " + log.lastSlot() + ", the final log has only " +
                    finalLog.size());
            }
        }
        reporter.finish();
    }

    /** (d) Every node ends with the same key-value state. */
    public static void checkStates(
        final long seed, final List<Map<String, String>> states, final List<String> violations)
    {
        final Reporter reporter = new Reporter(seed, "state", violations);
        for (int i = 1; i < states.size(); i++)
        {
            if (!states.get(0).equals(states.get(i)))
            {
                reporter.report("node 0 ends with " + states.get(0) + " but node " + i + " with " + states.get(i));
            }
        }
        reporter.finish();
    }

    /**
     * (c) The client history is linearizable per key.
     *
     * @return true when the checker ran out of steps (verdict unknown: not a violation).
     */
    public static boolean checkLinearizable(
        final long seed, final History history, final long stepLimit, final List<String> violations)
    {
        final CheckResult check = LinearizabilityChecker.check(history, stepLimit);
        if (check.verdict() == CheckResult.Verdict.VIOLATION)
        {
            violations.add("seed " + seed + ": linearizability: key " + check.key() + ": " + check.explanation());
        }
        return check.verdict() == CheckResult.Verdict.UNKNOWN;
    }

    /** Caps what one check reports. */
    private static final class Reporter
    {
        private final long seed;
        private final String check;
        private final List<String> violations;
        private int count;

        Reporter(final long seed, final String check, final List<String> violations)
        {
            this.seed = seed;
            this.check = check;
            this.violations = violations;
        }

        void report(final String what)
        {
            if (count++ < MAX_REPORTED)
            {
                violations.add("seed " + seed + ": " + check + ": " + what);
            }
        }

        void finish()
        {
            if (count > MAX_REPORTED)
            {
                violations.add("seed " + seed + ": " + check + ": ... and " + (count - MAX_REPORTED) + " more");
            }
        }
    }
}
