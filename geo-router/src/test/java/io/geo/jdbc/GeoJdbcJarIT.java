package io.geo.jdbc;

import io.geo.router.sidecar.InProcessCluster;
import io.geo.router.sidecar.TestClusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged driver jar ({@code geo-router/target/geo-jdbc.jar}) as an application gets it: nothing in it but the
 * driver, no dependency beyond JDK modules (jdeps), found through ServiceLoader from a class loader that sees
 * nothing else, and the README's example run with only this jar on the class path.
 */
@Timeout(180)
class GeoJdbcJarIT
{
    private static Path jar()
    {
        final Path jar = Paths.get(System.getProperty("geo.jdbc.jar", "target/geo-jdbc.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "driver jar built at " + jar);
        return jar;
    }

    @Test
    void shouldHoldOnlyTheDriverAndDependOnlyOnJdkModules() throws Exception
    {
        try (JarFile file = new JarFile(jar().toFile()))
        {
            file.stream().forEach(entry -> assertTrue(entry.getName().startsWith("io/geo/client/") ||
                entry.getName().startsWith("io/geo/jdbc/") || entry.getName().startsWith("META-INF/") ||
                entry.getName().equals("io/") || entry.getName().equals("io/geo/"), "unexpected entry " +
                entry.getName()));
        }
        final ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        final StringWriter out = new StringWriter();
        final int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out), "--print-module-deps",
            jar().toString());
        assertEquals(0, exit, out.toString());
        for (final String module : out.toString().trim().split(","))
        {
            assertTrue(module.startsWith("java."), "driver depends on " + module + ": " + out);
        }
    }

    @Test
    void shouldConnectFromAnIsolatedClassLoaderAndRunTheReadmeExample(@TempDir final Path dir) throws Exception
    {
        try (InProcessCluster cluster = InProcessCluster.start(TestClusters.writeDirectConfig(dir, "jar-it"));
            URLClassLoader loader = new URLClassLoader(new URL[] {jar().toUri().toURL()},
                ClassLoader.getPlatformClassLoader()))
        {
            final List<Driver> drivers = new ArrayList<>();
            ServiceLoader.load(Driver.class, loader).forEach(drivers::add);
            assertEquals(1, drivers.size(), "the jar registers one driver: " + drivers);
            final Driver driver = drivers.get(0);
            assertEquals(loader, driver.getClass().getClassLoader(), "loaded from the jar, not the test classpath");
            try (Connection c = driver.connect(cluster.url(0), new Properties()); Statement s = c.createStatement())
            {
                s.executeUpdate("UPSERT INTO kv VALUES ('isolated', 'yes')");
                try (ResultSet rs = s.executeQuery("SELECT value FROM kv WHERE key = 'isolated'"))
                {
                    assertTrue(rs.next());
                    assertEquals("yes", rs.getString(1));
                }
            }

            final Path example = Paths.get(System.getProperty("geo.config.dir")).getParent()
                .resolve("docs/examples/JdbcExample.java");
            final Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", jar().toString(), example.toString(), cluster.url(2))
                .redirectErrorStream(true).start();
            final String output;
            try
            {
                // until the example exits and closes its output (the class's timeout bounds it)
                output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "example finished: " + output);
            }
            finally
            {
                process.destroyForcibly();
            }
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains("read: greeting = hello"), output);
            assertTrue(output.contains("compare-and-set hello -> hello, world: swapped"), output);
            assertTrue(output.contains("compare-and-set again: not swapped"), output);
        }
    }
}
