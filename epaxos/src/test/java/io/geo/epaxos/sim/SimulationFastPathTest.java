package io.geo.epaxos.sim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without faults and without conflicts every command commits on the fast path; with 100% conflicts all complete. */
class SimulationFastPathTest
{
    @ParameterizedTest
    @ValueSource(ints = {3, 5, 7})
    void shouldCommitEveryCommandOnTheFastPathWithoutConflicts(final int replicas)
    {
        final SimConfig config = new SimConfig()
            .replicas(replicas)
            .faults(Faults.NONE)
            .conflictPercent(0)
            .commands(1000)
            .profile(SimTestSupport.profile("seven-regions"));
        final SimRunner.Summary summary = SimRunner.run(config, 1, 5, 5, null);
        assertEquals(0, summary.violations(), () -> String.join("\n", summary.firstViolations));
        assertEquals(5000, summary.ok);
        assertEquals(5000, summary.fastPath);
        assertEquals(0, summary.slowPath);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5, 7})
    void shouldCompleteEveryCommandCorrectlyWhenAllConflict(final int replicas)
    {
        final SimConfig config = new SimConfig()
            .replicas(replicas)
            .faults(Faults.NONE)
            .conflictPercent(100)
            .commands(600)
            .profile(SimTestSupport.profile("seven-regions"));
        final SimRunner.Summary summary = SimRunner.run(config, 1, 3, 3, null);
        assertEquals(0, summary.violations(), () -> String.join("\n", summary.firstViolations));
        assertEquals(1800, summary.ok);
        assertTrue(summary.slowPath > summary.fastPath, "conflicting commands mostly take the slow path");
    }
}
