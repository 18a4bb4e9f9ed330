package io.geo.epaxos.regionlog;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The leader's share of the traffic: bytes it sent and received over all bytes sent and received (a message counts
 * as its payload bytes plus 32), with 3 nodes all appending 1 KiB entries and no faults. Delegation keeps payloads
 * away from the leader (about 1/3); Multi-Paxos puts the leader at one end of every message (1/2).
 */
class RegionLogLeaderShareTest
{
    private static RegionLogSimConfig config(final boolean delegation)
    {
        return new RegionLogSimConfig()
            .seed(Long.getLong("seed", 1))
            .nodes(3)
            .faults(RegionLogFaults.NONE)
            .payloadBytes(1024)
            .clientsPerNode(4)
            .appendsPerSecond(1000)
            .seconds(1)
            .checkLinearizability(false)
            .delegation(delegation);
    }

    private static String line(final String mode, final RegionLogSimResult result)
    {
        return String.format(Locale.ROOT, "%-11s leaderShare=%.3f totalBytes=%d acked=%d slots=%d noops=%d (%s)",
            mode, result.leaderShare(), result.totalBytes(), result.acked(), result.slots(), result.noops(),
            result.summaryLine());
    }

    @Test
    void shouldKeepPayloadBytesAwayFromTheLeaderWithDelegation()
    {
        final RegionLogSimResult delegated = new RegionLogSimulation(config(true)).run();
        System.out.println(line("delegation", delegated));
        assertTrue(delegated.passed(), () -> String.join("\n", delegated.violations()));
        assertTrue(delegated.acked() > 1000, delegated::summaryLine);
        assertTrue(delegated.leaderShare() < 0.45, () -> "leader share " + delegated.leaderShare());
    }

    @Test
    void shouldPrintMultiPaxosComparison()
    {
        final RegionLogSimResult multiPaxos = new RegionLogSimulation(config(false)).run();
        System.out.println(line("multi-paxos", multiPaxos));
        assertTrue(multiPaxos.passed(), () -> String.join("\n", multiPaxos.violations()));
        assertEquals(0, multiPaxos.unknown());
    }
}
