package io.geo.router.cli;

import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code geo sql}: runs statements through the JDBC driver, from the arguments or one per line from standard input;
 * with {@code --repeat N} it runs each statement N times and prints its latency percentiles (the driver's round trip
 * as an application sees it).
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
        "Run statements of the command language (docs/command-language.md) through the JDBC driver.",
        "Statements come from the arguments, or one per line from standard input when there are none.",
        "Example: geo sql --url jdbc:geo://127.0.0.1:29410/ \"UPSERT INTO kv VALUES ('a', 'b')\" " +
            "\"SELECT * FROM kv WHERE key = 'a'\""})
final class SqlCommand implements Callable<Integer>
{
    private static final int MAX_REPEAT = 10_000_000;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "jdbc:geo://127.0.0.1:29410/",
        description = "JDBC URL (default: ${DEFAULT-VALUE}, node 0 of config/cluster/three-regions.cluster).")
    String url;

    @Option(names = "--property", paramLabel = "NAME=VALUE", description = "A connection property (repeatable), " +
        "e.g. consistency=stale-local; see docs/jdbc.md.")
    List<String> properties = new ArrayList<>();

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
        description = "Run each statement N times and print its latency (p50, p99, p99.9, max); default 1.")
    int repeat;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "0",
        description = "With --repeat: first run each statement N times unmeasured (default 0).")
    int warmup;

    @Parameters(paramLabel = "STATEMENT", description = "Statements to run in order.")
    List<String> statements = new ArrayList<>();

    @Override
    public Integer call() throws Exception
    {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (repeat < 1 || repeat > MAX_REPEAT || warmup < 0 || warmup > MAX_REPEAT)
        {
            System.err.println("geo sql: --repeat must be 1.." + MAX_REPEAT + " and --warmup 0.." + MAX_REPEAT);
            return 2;
        }
        final Properties props = new Properties();
        for (final String property : properties)
        {
            final int eq = property.indexOf('=');
            if (eq <= 0)
            {
                System.err.println("geo sql: --property needs NAME=VALUE, got '" + property + "'");
                return 2;
            }
            props.setProperty(property.substring(0, eq), property.substring(eq + 1));
        }
        final List<String> toRun = new ArrayList<>(statements);
        if (toRun.isEmpty())
        {
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null)
            {
                if (!line.isBlank())
                {
                    toRun.add(line);
                }
            }
        }
        int failures = 0;
        try (Connection connection = DriverManager.getConnection(url, props))
        {
            out.println("connected to " + connection.unwrap(io.geo.jdbc.GeoConnection.class).getNodeDescription());
            for (final String sql : toRun)
            {
                try (Statement statement = connection.createStatement())
                {
                    if (repeat == 1)
                    {
                        runOnce(statement, sql, out);
                    }
                    else
                    {
                        measure(statement, sql, out);
                    }
                }
                catch (final SQLException ex)
                {
                    failures++;
                    out.println("error " + ex.getSQLState() + ": " + ex.getMessage());
                }
            }
        }
        catch (final SQLException ex)
        {
            System.err.println("geo sql: cannot connect (" + ex.getSQLState() + "): " + ex.getMessage());
            return 1;
        }
        return failures == 0 ? 0 : 1;
    }

    private static void runOnce(final Statement statement, final String sql, final PrintStream out)
        throws SQLException
    {
        if (statement.execute(sql))
        {
            try (ResultSet rs = statement.getResultSet())
            {
                final ResultSetMetaData meta = rs.getMetaData();
                int rows = 0;
                while (rs.next())
                {
                    final StringBuilder line = new StringBuilder();
                    for (int i = 1; i <= meta.getColumnCount(); i++)
                    {
                        line.append(i > 1 ? " | " : "").append(meta.getColumnLabel(i)).append('=')
                            .append(rs.getString(i));
                    }
                    out.println(line);
                    rows++;
                }
                out.println("(" + rows + (rows == 1 ? " row)" : " rows)"));
            }
        }
        else
        {
            out.println("update count " + statement.getUpdateCount());
        }
    }

    private void measure(final Statement statement, final String sql, final PrintStream out) throws SQLException
    {
        for (int i = 0; i < warmup; i++)
        {
            statement.execute(sql);
        }
        final Histogram histogram = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
        final long startNs = System.nanoTime();
        long nextProgressNs = startNs + TimeUnit.SECONDS.toNanos(5);
        for (int i = 0; i < repeat; i++)
        {
            final long beforeNs = System.nanoTime();
            statement.execute(sql);
            final long afterNs = System.nanoTime();
            histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), afterNs - beforeNs));
            if (afterNs >= nextProgressNs)
            {
                nextProgressNs = afterNs + TimeUnit.SECONDS.toNanos(5);
                out.println("  " + (i + 1) + "/" + repeat + "...");
            }
        }
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        out.printf("%s%n  %d runs in %.1f s (%.0f/s): p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n", sql,
            repeat, seconds, repeat / seconds, histogram.getValueAtPercentile(50) / 1e6,
            histogram.getValueAtPercentile(99) / 1e6, histogram.getValueAtPercentile(99.9) / 1e6,
            histogram.getMaxValue() / 1e6);
    }
}
