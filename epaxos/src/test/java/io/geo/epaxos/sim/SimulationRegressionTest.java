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
        final SimResult result = new Simulation(new SimConfig()
            .seed(2)
            .replicas(3)
            .faults(Faults.STANDARD)
            .conflictPercent(25)
            .commands(200)
            .profile(SimTestSupport.profile("epaxos-5"))).run();
        assertTrue(result.passed(), () -> String.join("\n", result.violations()));
    }
}
