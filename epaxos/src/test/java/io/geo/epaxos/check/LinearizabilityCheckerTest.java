package io.geo.epaxos.check;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.geo.epaxos.check.HistoryEvent.Function.CAS;
import static io.geo.epaxos.check.HistoryEvent.Function.INCR;
import static io.geo.epaxos.check.HistoryEvent.Function.READ;
import static io.geo.epaxos.check.HistoryEvent.Function.WRITE;
import static io.geo.epaxos.check.HistoryEvent.fail;
import static io.geo.epaxos.check.HistoryEvent.info;
import static io.geo.epaxos.check.HistoryEvent.invokeBatch;
import static io.geo.epaxos.check.HistoryEvent.invokeCas;
import static io.geo.epaxos.check.HistoryEvent.invokeDelete;
import static io.geo.epaxos.check.HistoryEvent.invokeIncr;
import static io.geo.epaxos.check.HistoryEvent.invokeRead;
import static io.geo.epaxos.check.HistoryEvent.invokeWrite;
import static io.geo.epaxos.check.HistoryEvent.okBatch;
import static io.geo.epaxos.check.HistoryEvent.okCas;
import static io.geo.epaxos.check.HistoryEvent.okDelete;
import static io.geo.epaxos.check.HistoryEvent.okIncr;
import static io.geo.epaxos.check.HistoryEvent.okRead;
import static io.geo.epaxos.check.HistoryEvent.okWrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearizabilityCheckerTest
{
    private static final long MAX_SEARCH_STEPS = 1_000_000;

    private final History history = new History();

    // ----------------------------------------------------------------------------------------------------------------
    // Valid histories
    // ----------------------------------------------------------------------------------------------------------------

    @Test
    void shouldAcceptEmptyHistory()
    {
        final CheckResult result = LinearizabilityChecker.check(history, MAX_SEARCH_STEPS);

        assertTrue(result.isOk(), result::toString);
        assertEquals(0, result.keysChecked());
        assertNull(result.key());
    }

    @Test
    void shouldAcceptSequentialHistory()
    {
        add(invokeRead(1, "x", 0), okRead(1, "x", null, 1));
        add(invokeWrite(1, "x", "a", 2), okWrite(1, "x", "a", 3));
        add(invokeRead(2, "x", 4), okRead(2, "x", "a", 5));
        add(invokeWrite(2, "x", "b", 6), okWrite(2, "x", "b", 7));
        add(invokeRead(1, "x", 8), okRead(1, "x", "b", 9));

        assertLinearizable();
    }

    @Test
    void shouldAcceptConcurrentWritesObservedInEitherOrder()
    {
        for (final String last : new String[]{ "a", "b" })
        {
            final History history = new History()
                .add(invokeWrite(1, "x", "a", 0))
                .add(invokeWrite(2, "x", "b", 1))
                .add(okWrite(1, "x", "a", 10))
                .add(okWrite(2, "x", "b", 11))
                .add(invokeRead(3, "x", 12))
                .add(okRead(3, "x", last, 13))
                .add(invokeRead(3, "x", 14))
                .add(okRead(3, "x", last, 15));

            final CheckResult result = LinearizabilityChecker.check(history, MAX_SEARCH_STEPS);
            assertTrue(result.isOk(), () -> "last=" + last + ": " + result);
        }
    }

    @Test
    void shouldAcceptReadsConcurrentWithWriteSeeingOldThenNewValue()
    {
        add(invokeWrite(1, "x", "old", 0), okWrite(1, "x", "old", 1));
        history.add(invokeWrite(1, "x", "new", 10));
        add(invokeRead(2, "x", 11), okRead(2, "x", "old", 12));
        add(invokeRead(3, "x", 13), okRead(3, "x", "new", 14));
        history.add(okWrite(1, "x", "new", 20));

        assertLinearizable();
    }

    @Test
    void shouldAcceptPendingWriteThatIsSeen()
    {
        add(invokeWrite(1, "x", "a", 0), info(1, WRITE, "x", 5));
        add(invokeRead(2, "x", 10), okRead(2, "x", "a", 11));

        assertLinearizable();
    }

    @Test
    void shouldAcceptPendingWriteThatIsNeverSeen()
    {
        add(invokeWrite(1, "x", "a", 0), info(1, WRITE, "x", 5));
        add(invokeRead(2, "x", 10), okRead(2, "x", null, 11));
        add(invokeWrite(2, "x", "b", 12), okWrite(2, "x", "b", 13));
        add(invokeRead(2, "x", 14), okRead(2, "x", "b", 15));

        assertLinearizable();
    }

    @Test
    void shouldAcceptPendingWriteTakingEffectLongAfterItsInfo()
    {
        add(invokeWrite(1, "x", "late", 0), info(1, WRITE, "x", 5));
        add(invokeRead(2, "x", 10), okRead(2, "x", null, 11));
        add(invokeRead(2, "x", 100), okRead(2, "x", "late", 101));

        assertLinearizable();
    }

    @Test
    void shouldAcceptWriteThatNeverCompleted()
    {
        history.add(invokeWrite(1, "x", "a", 0));
        add(invokeRead(2, "x", 10), okRead(2, "x", "a", 11));

        assertLinearizable();
    }

    @Test
    void shouldAcceptIncrementChainWithConcurrentIncrements()
    {
        add(invokeIncr(1, "n", 1, 0), okIncr(1, "n", 1, 1));
        add(invokeIncr(1, "n", 2, 2), okIncr(1, "n", 3, 3));
        history.add(invokeIncr(1, "n", 5, 4));
        history.add(invokeIncr(2, "n", 1, 5));
        history.add(okIncr(2, "n", 4, 6));
        history.add(okIncr(1, "n", 9, 7));
        add(invokeRead(3, "n", 8), okRead(3, "n", "9", 9));
        add(invokeIncr(3, "n", -10, 10), okIncr(3, "n", -1, 11));

        assertLinearizable();
    }

    @Test
    void shouldAcceptIncrementRefusedOnNonNumericValue()
    {
        add(invokeWrite(1, "n", "text", 0), okWrite(1, "n", "text", 1));
        add(invokeIncr(1, "n", 1, 2), fail(1, INCR, "n", 3));
        add(invokeRead(1, "n", 4), okRead(1, "n", "text", 5));

        assertLinearizable();
    }

    @Test
    void shouldAcceptCasSuccessAndFailure()
    {
        add(invokeCas(1, "x", null, "a", 0), okCas(1, "x", null, "a", 1));
        add(invokeCas(2, "x", "a", "b", 2), okCas(2, "x", "a", "b", 3));
        add(invokeCas(1, "x", "a", "c", 4), fail(1, CAS, "x", 5));
        add(invokeCas(1, "x", null, "d", 6), fail(1, CAS, "x", 7));
        add(invokeRead(3, "x", 8), okRead(3, "x", "b", 9));

        assertLinearizable();
    }

    @Test
    void shouldAcceptCasFailWhateverTheValueWas()
    {
        add(invokeWrite(1, "x", "a", 0), okWrite(1, "x", "a", 1));
        add(invokeCas(1, "x", "a", "b", 2), fail(1, CAS, "x", 3));
        add(invokeRead(1, "x", 4), okRead(1, "x", "a", 5));

        assertLinearizable();
    }

    @Test
    void shouldAcceptDeletes()
    {
        add(invokeWrite(1, "x", "a", 0), okWrite(1, "x", "a", 1));
        add(invokeDelete(1, "x", 2), okDelete(1, "x", 3));
        add(invokeRead(2, "x", 4), okRead(2, "x", null, 5));
        add(invokeIncr(2, "x", 4, 6), okIncr(2, "x", 4, 7));
        history.add(invokeDelete(1, "x", 8));
        add(invokeRead(2, "x", 9), okRead(2, "x", "4", 10));
        add(invokeRead(2, "x", 11), okRead(2, "x", null, 12));
        history.add(okDelete(1, "x", 13));

        assertLinearizable();
    }

    @Test
    void shouldAcceptBatchesAcrossKeys()
    {
        add(
            invokeBatch(1, List.of(BatchOp.write("x", "1"), BatchOp.write("y", "2")), 0),
            okBatch(1, List.of(BatchOp.write("x", "1"), BatchOp.write("y", "2")), 1));
        add(invokeRead(2, "x", 2), okRead(2, "x", "1", 3));
        add(
            invokeBatch(2, List.of(BatchOp.read("x"), BatchOp.incr("y", 3), BatchOp.cas("z", "q", "r")), 4),
            okBatch(2, List.of(BatchOp.readResult("x", "1"), BatchOp.incrResult("y", 5),
                BatchOp.casResult("z", "q", "r", false)), 5));
        add(
            invokeBatch(3, List.of(BatchOp.cas("x", "1", "one"), BatchOp.read("x"), BatchOp.delete("y")), 6),
            okBatch(3, List.of(BatchOp.casResult("x", "1", "one", true), BatchOp.readResult("x", "one"),
                BatchOp.delete("y")), 7));
        add(invokeRead(1, "y", 8), okRead(1, "y", null, 9));
        add(invokeRead(1, "x", 10), okRead(1, "x", "one", 11));

        assertLinearizable();
    }

    @Test
    void shouldAcceptPendingAndFailedBatches()
    {
        add(invokeBatch(1, List.of(BatchOp.write("x", "1"), BatchOp.write("y", "1")), 0), HistoryEvent.infoBatch(1, 1));
        add(invokeBatch(2, List.of(BatchOp.write("x", "2"), BatchOp.write("y", "2")), 2), HistoryEvent.failBatch(2, 3));
        add(invokeRead(3, "x", 4), okRead(3, "x", "1", 5));
        add(invokeRead(3, "y", 6), okRead(3, "y", "1", 7));

        assertLinearizable();
    }

    @Test
    void shouldAcceptBatchIncrementNotAppliedOnNonNumericValue()
    {
        add(invokeWrite(1, "n", "text", 0), okWrite(1, "n", "text", 1));
        add(
            invokeBatch(1, List.of(BatchOp.incr("n", 1), BatchOp.write("m", "1")), 2),
            okBatch(1, List.of(BatchOp.of(INCR, "n", null, null, false), BatchOp.write("m", "1")), 3));

        assertLinearizable();
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Known-bad histories
    // ----------------------------------------------------------------------------------------------------------------

    @Test
    void shouldFlagStaleReadAfterCompletedWrite()
    {
        add(invokeWrite(1, "x", "a", 0), okWrite(1, "x", "a", 1));
        add(invokeWrite(1, "x", "b", 2), okWrite(1, "x", "b", 3));
        add(invokeRead(2, "x", 4), okRead(2, "x", "a", 5));

        final CheckResult result = assertViolation("x");
        assertTrue(result.explanation().contains("P2 read -> \"a\" (t=4..5)"), result::toString);
    }

    @Test
    void shouldFlagReadOfValueNeverWritten()
    {
        add(invokeWrite(1, "x", "a", 0), okWrite(1, "x", "a", 1));
        history.add(invokeWrite(1, "x", "b", 2));
        add(invokeRead(2, "x", 3), okRead(2, "x", "c", 4));
        history.add(okWrite(1, "x", "b", 5));

        assertViolation("x");
    }

    @Test
    void shouldFlagReadOfFailedWrite()
    {
        add(invokeWrite(1, "x", "a", 0), fail(1, WRITE, "x", 1));
        add(invokeRead(2, "x", 2), okRead(2, "x", "a", 3));

        assertViolation("x");
    }

    @Test
    void shouldFlagConcurrentIncrementsReturningTheSameValue()
    {
        history.add(invokeIncr(1, "n", 1, 0));
        history.add(invokeIncr(2, "n", 1, 1));
        history.add(okIncr(1, "n", 1, 2));
        history.add(okIncr(2, "n", 1, 3));

        assertViolation("n");
    }

    @Test
    void shouldFlagCasThatSwappedAfterAnotherCompletedWriteChangedTheValue()
    {
        add(invokeWrite(1, "x", "a", 0), okWrite(1, "x", "a", 1));
        add(invokeWrite(2, "x", "b", 2), okWrite(2, "x", "b", 3));
        add(invokeCas(3, "x", "a", "c", 4), okCas(3, "x", "a", "c", 5));

        assertViolation("x");
    }

    @Test
    void shouldFlagLostWrite()
    {
        history.add(invokeWrite(1, "x", "a", 0));
        history.add(invokeWrite(2, "x", "b", 1));
        history.add(okWrite(1, "x", "a", 2));
        history.add(okWrite(2, "x", "b", 3));
        add(invokeRead(3, "x", 4), okRead(3, "x", "b", 5));
        add(invokeWrite(3, "x", "c", 6), okWrite(3, "x", "c", 7));
        add(invokeRead(4, "x", 8), okRead(4, "x", "b", 9));

        assertViolation("x");
    }

    @Test
    void shouldFlagValueGoingBackAfterBeingObserved()
    {
        add(invokeWrite(1, "x", "a", 0), okWrite(1, "x", "a", 1));
        history.add(invokeWrite(2, "x", "b", 2));
        add(invokeRead(3, "x", 3), okRead(3, "x", "b", 4));
        add(invokeRead(4, "x", 5), okRead(4, "x", "a", 6));
        history.add(okWrite(2, "x", "b", 7));

        assertViolation("x");
    }

    @Test
    void shouldFlagBatchWhoseReadInOneKeyIsInconsistent()
    {
        add(
            invokeBatch(1, List.of(BatchOp.write("x", "1"), BatchOp.write("y", "1")), 0),
            okBatch(1, List.of(BatchOp.write("x", "1"), BatchOp.write("y", "1")), 1));
        add(
            invokeBatch(2, List.of(BatchOp.read("x"), BatchOp.read("y")), 2),
            okBatch(2, List.of(BatchOp.readResult("x", "1"), BatchOp.readResult("y", null)), 3));

        assertViolation("y");
    }

    @Test
    void shouldFlagBatchReadNotSeeingItsOwnEarlierWrite()
    {
        add(invokeWrite(1, "x", "a", 0), okWrite(1, "x", "a", 1));
        add(
            invokeBatch(2, List.of(BatchOp.write("x", "b"), BatchOp.read("x")), 2),
            okBatch(2, List.of(BatchOp.write("x", "b"), BatchOp.readResult("x", "a")), 3));

        assertViolation("x");
    }

    @Test
    void shouldFlagBatchCasReportedNotSwappedWhenTheValueMatched()
    {
        add(invokeWrite(1, "x", "a", 0), okWrite(1, "x", "a", 1));
        add(
            invokeBatch(2, List.of(BatchOp.cas("x", "a", "b")), 2),
            okBatch(2, List.of(BatchOp.casResult("x", "a", "b", false)), 3));

        assertViolation("x");
    }

    @Test
    void shouldFlagIncrementOnTopOfWrongBase()
    {
        add(invokeWrite(1, "n", "10", 0), okWrite(1, "n", "10", 1));
        add(invokeIncr(1, "n", 1, 2), okIncr(1, "n", 1, 3));

        assertViolation("n");
    }

    @Test
    void shouldReportFirstViolatingKeyAndKeepCheckingAfterOkKeys()
    {
        add(invokeWrite(1, "a", "1", 0), okWrite(1, "a", "1", 1));
        add(invokeRead(1, "a", 2), okRead(1, "a", "1", 3));
        add(invokeRead(1, "b", 4), okRead(1, "b", "never", 5));

        final CheckResult result = assertViolation("b");
        assertEquals(2, result.keysChecked());
        assertTrue(result.toString().startsWith("VIOLATION key \"b\": P1 read -> \"never\""), result::toString);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Limits and well-formedness
    // ----------------------------------------------------------------------------------------------------------------

    @Test
    void shouldReportUnknownWhenStepBudgetRunsOut()
    {
        for (int process = 0; process < 8; process++)
        {
            history.add(invokeWrite(process, "x", "v" + process, process));
        }
        for (int process = 0; process < 8; process++)
        {
            history.add(okWrite(process, "x", "v" + process, 10 + process));
        }
        add(invokeRead(9, "x", 20), okRead(9, "x", "v3", 21));

        final CheckResult result = LinearizabilityChecker.check(history, 3);

        assertEquals(CheckResult.Verdict.UNKNOWN, result.verdict(), result::toString);
        assertEquals("x", result.key());
        assertEquals(List.of("x"), result.unknownKeys());
        assertTrue(LinearizabilityChecker.check(history, MAX_SEARCH_STEPS).isOk());
    }

    @Test
    void shouldRejectMalformedHistories()
    {
        history.add(invokeWrite(1, "x", "a", 10));

        assertThrows(IllegalArgumentException.class, () -> history.add(invokeRead(1, "x", 11)));
        assertThrows(IllegalArgumentException.class, () -> history.add(okRead(2, "x", null, 11)));
        assertThrows(IllegalArgumentException.class, () -> history.add(okWrite(1, "y", "a", 11)));
        assertThrows(IllegalArgumentException.class, () -> history.add(okRead(1, "x", "a", 11)));
        assertThrows(IllegalArgumentException.class, () -> history.add(okWrite(1, "x", "a", 9)));
        assertThrows(IllegalArgumentException.class, () -> LinearizabilityChecker.check(history, 0));
        assertThrows(IllegalArgumentException.class,
            () -> HistoryEvent.invoke(1, INCR, "n", "not a number", null, 0));
        assertThrows(IllegalArgumentException.class, () -> HistoryEvent.invoke(1, READ, null, null, null, 0));
        assertEquals(1, history.size());
    }

    private void add(final HistoryEvent invoke, final HistoryEvent completion)
    {
        history.add(invoke);
        history.add(completion);
    }

    private void assertLinearizable()
    {
        final CheckResult result = LinearizabilityChecker.check(history, MAX_SEARCH_STEPS);
        assertTrue(result.isOk(), result::toString);
    }

    private CheckResult assertViolation(final String key)
    {
        final CheckResult result = LinearizabilityChecker.check(history, MAX_SEARCH_STEPS);
        assertEquals(CheckResult.Verdict.VIOLATION, result.verdict(), result::toString);
        assertEquals(key, result.key(), result::toString);
        assertTrue(result.explanation().startsWith("key \"" + key + "\": "), result::toString);
        return result;
    }
}
