package io.geo.epaxos.regionlog;

import io.geo.epaxos.check.History;
import io.geo.epaxos.check.HistoryEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulator's verifiers must catch hand-made bad logs, and pass good ones. */
class RegionLogVerifierTest
{
    private static final long SEED = 42;

    private static LogEntry entry(final int origin, final long sequence)
    {
        return LogEntry.of(origin, sequence, KvOp.put(origin + 1, sequence, "k0", "v" + sequence).encode(0));
    }

    private static RegionLogVerifier.Append append(final LogEntry entry)
    {
        return new RegionLogVerifier.Append(entry.origin(), entry.sequence(), entry.payload());
    }

    private static RegionLogVerifier.AppliedLog log(final int node, final LogEntry... entries)
    {
        return new RegionLogVerifier.AppliedLog(node, 0, List.of(entries));
    }

    @Test
    void shouldAcceptAgreeingLogsOfDifferentLengths()
    {
        final List<String> violations = new ArrayList<>();
        final LogEntry a = entry(0, 1);
        final LogEntry b = entry(1, 1);
        RegionLogVerifier.checkAgreement(SEED, List.of(log(0, a, LogEntry.NOOP, b), log(1, a), log(2, a,
            LogEntry.NOOP)), violations);
        assertEquals(List.of(), violations);
    }

    @Test
    void shouldReportDivergingSlotWithSeed()
    {
        final List<String> violations = new ArrayList<>();
        final LogEntry a = entry(0, 1);
        RegionLogVerifier.checkAgreement(SEED, List.of(log(0, a, entry(1, 1)), log(1, a, LogEntry.NOOP)),
            violations);
        assertEquals(1, violations.size(), violations::toString);
        assertTrue(violations.get(0).startsWith("seed 42: agreement: slot 2:"), violations.get(0));
        assertTrue(violations.get(0).contains("noop"), violations.get(0));
    }

    @Test
    void shouldReportDivergenceBetweenLivesOfOneNode()
    {
        final List<String> violations = new ArrayList<>();
        final LogEntry a = entry(0, 1);
        RegionLogVerifier.checkAgreement(SEED, List.of(
            new RegionLogVerifier.AppliedLog(0, 0, List.of(a)),
            new RegionLogVerifier.AppliedLog(0, 1, List.of(entry(0, 2)))), violations);
        assertEquals(1, violations.size(), violations::toString);
        assertTrue(violations.get(0).contains("node 0 (life 0)") && violations.get(0).contains("node 0 (life 1)"),
            violations.get(0));
    }

    @Test
    void shouldReportDuplicateEntry()
    {
        final List<String> violations = new ArrayList<>();
        final LogEntry a = entry(2, 7);
        RegionLogVerifier.checkNoDuplicates(SEED, log(1, a, LogEntry.NOOP, LogEntry.NOOP, a), violations);
        assertEquals(1, violations.size(), violations::toString);
        assertTrue(violations.get(0).startsWith("seed 42: duplicate: node 1 (life 0) applied 2#7 at slot 1"),
            violations.get(0));
        assertTrue(violations.get(0).contains("slot 4"), violations.get(0));
    }

    @Test
    void shouldReportSameIdentityWithDifferentPayloadAsDuplicate()
    {
        final List<String> violations = new ArrayList<>();
        final LogEntry a = entry(2, 7);
        final LogEntry other = LogEntry.of(2, 7, KvOp.get(3, 9, "k1").encode(0));
        RegionLogVerifier.checkNoDuplicates(SEED, log(0, a, other), violations);
        assertEquals(1, violations.size(), violations::toString);
    }

    @Test
    void shouldNotCountNoopsAsDuplicates()
    {
        final List<String> violations = new ArrayList<>();
        RegionLogVerifier.checkNoDuplicates(SEED, log(0, LogEntry.NOOP, LogEntry.NOOP, entry(0, 1)), violations);
        assertEquals(List.of(), violations);
    }

    @Test
    void shouldReportLostAcknowledgedEntry()
    {
        final List<String> violations = new ArrayList<>();
        final LogEntry a = entry(0, 1);
        final LogEntry lost = entry(1, 1);
        RegionLogVerifier.checkAcknowledged(SEED, List.of(a, LogEntry.NOOP), List.of(append(a), append(lost)),
            List.of(append(a), append(lost)), violations);
        assertEquals(1, violations.size(), violations::toString);
        assertTrue(violations.get(0).startsWith("seed 42: lost or changed acknowledged entry: acknowledged 1#1"),
            violations.get(0));
        assertTrue(violations.get(0).contains("not in the final log"), violations.get(0));
    }

    @Test
    void shouldReportAcknowledgedEntryAppliedTwice()
    {
        final List<String> violations = new ArrayList<>();
        final LogEntry a = entry(0, 1);
        RegionLogVerifier.checkAcknowledged(SEED, List.of(a, a), List.of(append(a)), List.of(append(a)), violations);
        assertEquals(1, violations.size(), violations::toString);
        assertTrue(violations.get(0).contains("2 times, at slots [1, 2]"), violations.get(0));
    }

    @Test
    void shouldReportChangedPayload()
    {
        final List<String> violations = new ArrayList<>();
        final LogEntry appended = entry(0, 1);
        final LogEntry changed = LogEntry.of(0, 1, KvOp.put(1, 1, "k0", "forged").encode(0));
        RegionLogVerifier.checkAcknowledged(SEED, List.of(changed), List.of(append(appended)),
            List.of(append(appended)), violations);
        assertEquals(2, violations.size(), violations::toString);
        assertTrue(violations.get(0).contains("the payload changed"), violations.get(0));
        assertTrue(violations.get(1).startsWith("seed 42: unknown entry: slot 1"), violations.get(1));
    }

    @Test
    void shouldReportEntryNobodyAppended()
    {
        final List<String> violations = new ArrayList<>();
        RegionLogVerifier.checkAcknowledged(SEED, List.of(entry(4, 4)), List.of(), List.of(), violations);
        assertEquals(1, violations.size(), violations::toString);
        assertTrue(violations.get(0).contains("which no append returned"), violations.get(0));
    }

    @Test
    void shouldReportShrunkLog()
    {
        final List<String> violations = new ArrayList<>();
        final LogEntry a = entry(0, 1);
        RegionLogVerifier.checkFinalLogLength(SEED, List.of(a), List.of(log(0, a, LogEntry.NOOP)), violations);
        assertEquals(1, violations.size(), violations::toString);
        assertTrue(violations.get(0).startsWith("seed 42: log shrank"), violations.get(0));
    }

    @Test
    void shouldReportDifferentFinalStates()
    {
        final List<String> violations = new ArrayList<>();
        RegionLogVerifier.checkStates(SEED, List.of(Map.of("k0", "a"), Map.of("k0", "a"), Map.of("k0", "b")),
            violations);
        assertEquals(1, violations.size(), violations::toString);
        assertTrue(violations.get(0).contains("node 2"), violations.get(0));
    }

    @Test
    void shouldCapReportsPerCheck()
    {
        final List<String> violations = new ArrayList<>();
        final List<LogEntry> left = new ArrayList<>();
        final List<LogEntry> right = new ArrayList<>();
        for (int i = 1; i <= 20; i++)
        {
            left.add(entry(0, i));
            right.add(LogEntry.NOOP);
        }
        RegionLogVerifier.checkAgreement(SEED, List.of(new RegionLogVerifier.AppliedLog(0, 0, left),
            new RegionLogVerifier.AppliedLog(1, 0, right)), violations);
        assertEquals(RegionLogVerifier.MAX_REPORTED + 1, violations.size());
        assertTrue(violations.get(violations.size() - 1).endsWith("and 15 more"), violations.toString());
    }

    @Test
    void shouldReportStaleReadAsLinearizabilityViolation()
    {
        final History history = new History()
            .add(HistoryEvent.invokeWrite(1, "k0", "a", 10))
            .add(HistoryEvent.okWrite(1, "k0", "a", 20))
            .add(HistoryEvent.invokeRead(2, "k0", 30))
            .add(HistoryEvent.okRead(2, "k0", null, 40));
        final List<String> violations = new ArrayList<>();
        assertFalse(RegionLogVerifier.checkLinearizable(SEED, history, 100_000, violations));
        assertEquals(1, violations.size(), violations::toString);
        assertTrue(violations.get(0).startsWith("seed 42: linearizability: key k0"), violations.get(0));
    }
}
