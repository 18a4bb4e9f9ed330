package io.geo.router.cli;

import io.geo.epaxos.check.CheckResult;
import io.geo.epaxos.check.History;
import io.geo.epaxos.check.LinearizabilityChecker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimCommandTest
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @TempDir
    Path tempDir;

    @BeforeEach
    void captureOutput()
    {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOutput()
    {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void shouldRunSeedsAndPrintAJsonSummaryLast()
    {
        assertEquals(0, GeoMain.run("sim", "--seeds", "3", "--commands", "100", "--json"),
            () -> err.toString(StandardCharsets.UTF_8));
        final String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        final String last = lines[lines.length - 1];
        assertTrue(last.startsWith("{\"seeds\":3,"), last);
        assertTrue(last.contains("\"violations\":0"), last);
    }

    @Test
    void shouldRunRegionLogSeedsWithAJsonSummary()
    {
        assertEquals(0, GeoMain.run("sim", "--mode", "regionlog", "--nodes", "5", "--seeds", "4", "--faults",
            "heavy", "--json"));
        final String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        final String last = lines[lines.length - 1];
        assertTrue(last.startsWith("{\"seeds\":4,\"nodes\":5,"), last);
        assertTrue(last.contains("\"violations\":0"), last);
        assertEquals(0, GeoMain.run("sim", "--mode", "regionlog", "--nodes", "1", "--seed", "9"));
        assertEquals(2, GeoMain.run("sim", "--mode", "regionlog", "--nodes", "4"));
        assertEquals(2, GeoMain.run("sim", "--mode", "regionlog", "--regions", "5"));
        assertEquals(2, GeoMain.run("sim", "--mode", "raft"));
        assertEquals(2, GeoMain.run("sim", "--nodes", "3"));
    }

    @Test
    void shouldRunHydraSeedsWithRegionGroups()
    {
        assertEquals(0, GeoMain.run("sim", "--regions", "3", "--nodes-per-region", "3", "--seeds", "2",
            "--commands", "60", "--json"), () -> err.toString(StandardCharsets.UTF_8));
        final String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        final String last = lines[lines.length - 1];
        assertTrue(last.contains("\"violations\":0"), last);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("3 regions x 3 nodes (Hydra)"));
        assertEquals(2, GeoMain.run("sim", "--nodes-per-region", "2"));
        assertEquals(2, GeoMain.run("sim", "--mode", "regionlog", "--nodes-per-region", "3"));
    }

    @Test
    void shouldRunTheRegionLogAcrossRegionsWithALeaderRegion()
    {
        assertEquals(0, GeoMain.run("sim", "--mode", "regionlog", "--multi-paxos", "--wan", "epaxos-5", "--nodes", "5",
            "--leader", "1", "--faults", "none", "--seeds", "1", "--seconds", "3"),
            () -> err.toString(StandardCharsets.UTF_8));
        final String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("1 us-east-1"), text);
        assertEquals(2, GeoMain.run("sim", "--mode", "regionlog", "--leader", "1"));
        assertEquals(2, GeoMain.run("sim", "--mode", "regionlog", "--wan", "epaxos-5", "--leader", "7"));
    }

    @Test
    void shouldRunRegionLogSeedsWithSnapshotsEveryFewSlots()
    {
        assertEquals(0, GeoMain.run("sim", "--mode", "regionlog", "--seeds", "3", "--snapshot-every", "16",
            "--json"));
        final String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        final String last = lines[lines.length - 1];
        assertTrue(last.contains("\"violations\":0"), last);
        assertTrue(!last.contains("\"snapshotsTaken\":0,"), "snapshots were taken: " + last);
        assertEquals(2, GeoMain.run("sim", "--mode", "regionlog", "--snapshot-every", "-1"));
        assertEquals(2, GeoMain.run("sim", "--snapshot-every", "16"));
    }

    @Test
    void shouldWriteAHistoryThatReadsBackAndChecksLinearizable() throws Exception
    {
        final Path file = tempDir.resolve("history.jsonl");
        assertEquals(0, GeoMain.run("sim", "--seed", "7", "--commands", "150", "--conflict", "50",
            "--history", file.toString()));
        final History history;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            history = History.readJsonLines(reader);
        }
        assertTrue(history.size() >= 300, "one invoke and one completion per command");
        final CheckResult result = LinearizabilityChecker.check(history, 5_000_000);
        assertEquals(CheckResult.Verdict.OK, result.verdict(), result.toString());
    }

    @Test
    void shouldRejectBadUsageWithOneLineAndExitCodeTwo()
    {
        assertEquals(2, GeoMain.run("sim", "--regions", "4"));
        assertEquals(2, GeoMain.run("sim", "--wan", "no-such-profile"));
        assertEquals(2, GeoMain.run("sim", "--history", tempDir.resolve("h").toString()));
        assertEquals(2, GeoMain.run("sim", "--keys", "random"));
        assertEquals(2, GeoMain.run("sim", "--seedz", "3"));
        final String errors = err.toString(StandardCharsets.UTF_8);
        assertTrue(errors.contains("--regions must be 3, 5 or 7; got 4"), errors);
        assertTrue(errors.contains("unknown WAN profile 'no-such-profile'"), errors);
        assertTrue(errors.contains("--history writes one seed's history: add --seed S"), errors);
        assertFalse(errors.contains("Exception"), errors);
        assertFalse(errors.contains("\tat "), "no stack trace: " + errors);
    }
}
