package io.geo.epaxos.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulationSmokeTest
{
    @Test
    void shouldRunOneSeedWithoutFaults()
    {
        final SimResult result = new Simulation(new SimConfig()
            .seed(Long.getLong("seed", 1))
            .replicas(Integer.getInteger("n", 3))
            .commands(Integer.getInteger("commands", 300))
            .conflictPercent(Integer.getInteger("conflict", 10))
            .faults(Faults.parse(System.getProperty("faults", "none")))
            .profile(SimTestSupport.profile(Integer.getInteger("n", 3) > 5 ? "seven-regions" : "epaxos-5"))).run();
        System.out.println(result.summaryLine());
        result.violations().forEach(System.out::println);
        for (int r = 0; r < result.replicas(); r++)
        {
            System.out.printf("%s p50=%.1f p99=%.1f%n", result.regions().get(r), result.percentileMs(r, 50),
                result.percentileMs(r, 99));
        }
        assertTrue(result.passed(), () -> String.join("\n", result.violations()));
        assertEquals(300, result.commands());
    }
}
