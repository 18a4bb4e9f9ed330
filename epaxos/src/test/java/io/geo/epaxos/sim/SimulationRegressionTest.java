package io.geo.epaxos.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seeds that once exposed a bug, kept so the bug stays fixed. */
class SimulationRegressionTest
{
    /**
     * The exactly-once table remembered the last request number per client and was consulted in execution order,
     * but two writes of one client that touch different keys commute, so replicas could execute them in different
     * orders and disagree about which one to skip (replica states diverged). Fixed by ordering a client's writes
     * through its session entry in the conflict index.
     */
    @Test
    void shouldAgreeOnExactlyOnceDecisionsWhenOneClientsWritesCommute()
    {
        assertSeedPasses(2, 200);
    }

    /**
     * A leader committed on the fast path and executed at once, applying the write to its state machine, then
     * crashed before the commit record was synced. Its durable vote was still a pre-accept, so recovery rightly ran
     * phase 1 again and committed other deps; the crashed replica's state machine had applied the old order. Fixed:
     * only durably committed instances execute (the host reports completed syncs through onSynced).
     */
    @Test
    void shouldExecuteOnlyDurablyCommittedInstances()
    {
        assertSeedPasses(466, 500);
    }

    /**
     * Compaction at commit dropped a dependency X from a key's list when X ordered below the committing W by
     * (seq, id), using X's local seq while X was not committed yet. X's final seq could be higher, and X's own commit
     * then dropped W: a dependency cycle vanished from the index and a later read on the key saw no dependency at
     * all. Fixed: only committed dependencies, with final seq, are compacted.
     */
    @Test
    void shouldNotCompactAwayADependencyCycle()
    {
        assertSeedPasses(9, 200);
    }

    /** Three regions on the five-site profile, standard faults, 25% conflict: the setting these seeds failed in. */
    private static void assertSeedPasses(final long seed, final int commands)
    {
        final SimResult result = new Simulation(new SimConfig()
            .seed(seed)
            .replicas(3)
            .faults(Faults.STANDARD)
            .conflictPercent(25)
            .commands(commands)
            .profile(SimTestSupport.profile("epaxos-5"))).run();
        assertTrue(result.passed(), () -> "seed " + seed + ": " + String.join("\n", result.violations()));
    }
}
