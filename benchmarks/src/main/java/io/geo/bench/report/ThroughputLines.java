package io.geo.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The throughput trials' results that {@code LanThroughputBenchmark} appended to its side file, one per line. */
final class ThroughputLines
{
    /**
     * One trial: rates in commands/s, latencies in microseconds from when the command was due; {@code waits}: commands
     * the generator had to hold back because every session of their region had one in flight.
     */
    record Trial(String protocol, int offered, double sent, double answered, long failed, long p50Us, long p90Us,
        long p99Us, long p999Us, long maxUs, long fast, long slow, double seconds, long waits)
    {
        /** Whether the cluster answered (nearly) everything offered: 95% or more. */
        boolean keptUp()
        {
            return answered >= 0.95 * offered;
        }
    }

    private ThroughputLines()
    {
    }

    /** The trials in the file (none when it does not exist), by protocol and then offered load. */
    static List<Trial> read(final Path file) throws IOException
    {
        final List<Trial> trials = new ArrayList<>();
        if (!Files.exists(file))
        {
            return trials;
        }
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            final String[] f = line.split("\t");
            if (f.length != 16)
            {
                continue;
            }
            try
            {
                trials.add(new Trial(f[0], Integer.parseInt(f[1]), Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]),
                    Long.parseLong(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11]), Long.parseLong(f[12]),
                    Long.parseLong(f[13]), Double.parseDouble(f[14]), Long.parseLong(f[15])));
            }
            catch (final NumberFormatException ex)
            {
                // a line of another format: skipped
            }
        }
        trials.sort(Comparator.comparing(Trial::protocol).thenComparingInt(Trial::offered));
        return trials;
    }

    /** The trial of {@code protocol} with the highest answered rate, or null without any. */
    static Trial saturation(final List<Trial> trials, final String protocol)
    {
        Trial best = null;
        for (final Trial t : trials)
        {
            if (t.protocol().equals(protocol) && (best == null || t.answered() > best.answered()))
            {
                best = t;
            }
        }
        return best;
    }

    /** Whether the highest offered load of {@code protocol} was answered in full (saturation not reached). */
    static boolean keptUpWithTheHighestLoad(final List<Trial> trials, final String protocol)
    {
        Trial highest = null;
        for (final Trial t : trials)
        {
            if (t.protocol().equals(protocol) && (highest == null || t.offered() > highest.offered()))
            {
                highest = t;
            }
        }
        return highest != null && highest.keptUp();
    }
}
