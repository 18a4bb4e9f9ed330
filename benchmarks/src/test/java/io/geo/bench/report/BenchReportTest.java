package io.geo.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report's pieces that need no benchmark run: names, plans, counters, charts, option errors. */
class BenchReportTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNameRegionsAfterTheirBenchmarkMethods()
    {
        assertEquals("us-east-1", Report.regionName("usEast1"));
        assertEquals("ap-northeast-1", Report.regionName("apNortheast1"));
        assertEquals("us-west-2", Report.regionName("usWest2"));
    }

    @Test
    void shouldPlanEveryProtocolForEveryWorkload()
    {
        final List<BenchMain.Trials> quick = BenchMain.plan(List.of("three-regions"), true);
        assertEquals(1, quick.size());
        assertEquals(9, quick.get(0).count(), "0, 2, 100% x three protocols");
        final List<BenchMain.Trials> full = BenchMain.plan(BenchMain.PROFILES, false);
        assertEquals(6, full.size());
        assertEquals(3 * (12 + 8 + 4), full.stream().mapToInt(BenchMain.Trials::count).sum());
    }

    @Test
    void shouldReadTheTrialsCountersAndTheirConflictRate() throws Exception
    {
        final Path file = dir.resolve("counters.tsv");
        Files.writeString(file, "three-regions\tEPAXOS\t2\tWRITE\t16\t98\t2\t900\t11.5\nnot a line\n");
        final Counters counters = Counters.read(file);
        final Counters.Trial trial = counters.get("three-regions", "EPAXOS", "2", "WRITE", "16");
        assertNotNull(trial);
        assertEquals(0.02, trial.conflictRate(), 1e-12);
        assertNull(counters.get("three-regions", "EPAXOS", "0", "WRITE", "16"));
        assertTrue(Double.isNaN(new Counters.Trial(0, 0, 0, 1).conflictRate()));
        assertNull(Counters.read(dir.resolve("missing.tsv")).get("a", "b", "c", "d", "e"));
    }

    @Test
    void shouldFindTheSaturationPointAndWriteTheThroughputSection() throws Exception
    {
        final Path file = dir.resolve("throughput.tsv");
        Files.writeString(file, String.join("\n",
            "EPAXOS\t10000\t0\t16\t10000.0\t9990.0\t0\t300\t500\t900\t2000\t3000\t1000\t0\t10.0\t0",
            "EPAXOS\t40000\t0\t16\t31000.0\t30500.0\t0\t90000\t300000\t500000\t600000\t700000\t1000\t0\t10.0\t0",
            "EPAXOS\t80000\t0\t16\t29000.0\t29000.0\t0\t400000\t800000\t900000\t990000\t999000\t1000\t5\t10.0\t0",
            "EPAXOS\t15300\t0\t16\t15300.0\t15299.0\t0\t310\t520\t1100\t2500\t3100\t1000\t0\t10.0\t0",
            "MULTI_PAXOS\t10000\t0\t16\t10000.0\t10000.0\t0\t400\t600\t800\t900\t1000\t0\t0\t10.0\t0",
            "a line of another kind", ""));
        final List<ThroughputLines.Trial> trials = ThroughputLines.read(file);
        assertEquals(5, trials.size());
        assertEquals(30500.0, ThroughputLines.saturation(trials, "EPAXOS").answered());
        assertFalse(ThroughputLines.keptUpWithTheHighestLoad(trials, "EPAXOS"), "80,000 offered, 29,000 answered");
        assertTrue(ThroughputLines.keptUpWithTheHighestLoad(trials, "MULTI_PAXOS"));
        assertNull(ThroughputLines.saturation(trials, "HYDRA"));
        assertTrue(ThroughputLines.read(dir.resolve("missing.tsv")).isEmpty());

        final Report report = new Report(List.of(), List.of(), Counters.read(dir.resolve("none.tsv")), trials,
            java.util.Map.of("EPAXOS", 15300), true, "bin/geo bench --quick");
        report.write(dir);
        final String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("## Throughput on lan"), md);
        assertTrue(md.contains("| EPaxos | 15,300 (half) | 15,300 | 15,299 | 0.31 | 0.52 | 1.10 |"), md);
        assertTrue(report.summary().contains("lan: EPaxos saturates at 30,500 commands/s (offered 40,000/s); at " +
            "half that load (15,300/s offered, 15,299/s answered) p50 0.31 ms, p99 1.10 ms."), report.summary());
        assertTrue(report.summary().contains("lan: Multi-Paxos kept up with every load offered: saturation above " +
            "10,000 commands/s."), report.summary());
        assertNotNull(ImageIO.read(dir.resolve("throughput-lan.png").toFile()));
    }

    @Test
    void shouldDrawChartsAsPngs() throws Exception
    {
        final double[] x = {0, 1, 2};
        final List<Charts.Series> series = List.of(
            new Charts.Series("a", x, new double[] {70, 71, 300}, 0, Charts.Line.SOLID),
            new Charts.Series("b", x, new double[] {141, Double.NaN, 142}, 1, Charts.Line.DASHED));
        final Path bars = dir.resolve("by-conflict.png");
        Charts.categoryChart(bars, "title", "x", "y", new String[] {"0%", "2%", "100%"}, series);
        final Path log = dir.resolve("log.png");
        Charts.xyLogChart(log, "log", "x", "ms", List.of(new Charts.Series("d", new double[] {1000, 2000, 4000},
            new double[] {0.3, 2, 1500}, 0, Charts.Line.SOLID)));
        final Path cdf = dir.resolve("cdf.png");
        Charts.xyChart(cdf, "cdf", "ms", "%", List.of(new Charts.Series("c", new double[] {70, 71, 75},
            new double[] {10, 90, 100}, 2, Charts.Line.DOTTED)), 100);
        for (final Path png : List.of(bars, log, cdf))
        {
            final BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, png.toString());
            assertEquals(960, image.getWidth());
            assertEquals(560, image.getHeight());
            // something was drawn in the series' colour (the first palette entry)
            boolean blue = false;
            for (int px = 0; px < image.getWidth() && !blue; px++)
            {
                for (int py = 0; py < image.getHeight() && !blue; py++)
                {
                    blue = (image.getRGB(px, py) & 0xffffff) == 0x1f77b4;
                }
            }
            assertTrue(blue || png.equals(cdf), png + " has no line of the first series");
        }
    }

    @Test
    void shouldRefuseAnUnknownProfileWithExitCode2() throws Exception
    {
        final BenchMain main = new BenchMain();
        final int code = new CommandLine(main).execute("--profile", "nowhere", "--out", dir.resolve("r").toString(),
            "--config-dir", Path.of("..", "config").toString());
        assertEquals(2, code);
        assertFalse(Files.exists(dir.resolve("r")), "nothing written");
        assertNotEquals(0, new CommandLine(new BenchMain()).execute("--no-such-option"));
    }
}
