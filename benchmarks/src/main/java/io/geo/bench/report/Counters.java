package io.geo.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The replicas' counters each trial appended to the side file (see {@code WanWorkload.stop}). */
final class Counters
{
    /** One trial's counters. */
    record Trial(long fast, long slow, long wanMessages, double seconds)
    {
        /** Slow-path share of the committed instances, or NaN without any. */
        double conflictRate()
        {
            return fast + slow == 0 ? Double.NaN : (double)slow / (fast + slow);
        }
    }

    private final Map<String, Trial> trials;

    private Counters(final Map<String, Trial> trials)
    {
        this.trials = trials;
    }

    static Counters read(final Path file) throws IOException
    {
        final Map<String, Trial> trials = new HashMap<>();
        if (Files.exists(file))
        {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
            {
                final String[] f = line.split("\t");
                if (f.length == 9)
                {
                    trials.put(key(f[0], f[1], f[2], f[3], f[4]), new Trial(Long.parseLong(f[5]),
                        Long.parseLong(f[6]), Long.parseLong(f[7]), Double.parseDouble(f[8])));
                }
            }
        }
        return new Counters(trials);
    }

    /** The counters of a trial, or null when it wrote none. */
    Trial get(final String profile, final String protocol, final String conflict, final String mix,
        final String valueBytes)
    {
        return trials.get(key(profile, protocol, conflict, mix, valueBytes));
    }

    private static String key(final String... fields)
    {
        return String.join("|", fields);
    }
}
