package io.geo.jdbc;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver's own contract: URLs, property info, registration, and a connect that fails in time. */
class GeoDriverTest
{
    private final GeoDriver driver = new GeoDriver();

    @Test
    void shouldAcceptGeoUrlsOnly() throws Exception
    {
        assertTrue(driver.acceptsURL("jdbc:geo://127.0.0.1:29410/"));
        assertTrue(driver.acceptsURL("JDBC:geo://h:1,h:2"));
        assertFalse(driver.acceptsURL("jdbc:postgresql://h/db"));
        assertEquals("08001", assertThrows(SQLException.class, () -> driver.acceptsURL(null)).getSQLState());
    }

    @Test
    void shouldReturnNullForForeignUrlsWithoutConnecting() throws Exception
    {
        assertNull(driver.connect("jdbc:postgresql://127.0.0.1:1/db", new Properties()));
    }

    @Test
    void shouldBeFoundByDriverManagerThroughTheServiceFile() throws Exception
    {
        assertInstanceOf(GeoDriver.class, DriverManager.getDriver("jdbc:geo://127.0.0.1:29410"));
    }

    @Test
    void shouldDescribeEverySettingWithChoicesAndValues() throws Exception
    {
        final Properties info = new Properties();
        info.setProperty("password", "secret");
        final DriverPropertyInfo[] infos =
            driver.getPropertyInfo("jdbc:geo://h:1/?consistency=stale-local&connectTimeout=750&user=app", info);
        final Map<String, DriverPropertyInfo> byName = new LinkedHashMap<>();
        for (final DriverPropertyInfo property : infos)
        {
            byName.put(property.name, property);
        }

        assertEquals(Arrays.stream(DriverConfig.Setting.values()).map(DriverConfig.Setting::key).toList(),
            byName.keySet().stream().toList());
        assertEquals("stale-local", byName.get("consistency").value);
        assertArrayEquals(new String[]{ "linearizable", "stale-local" }, byName.get("consistency").choices);
        assertArrayEquals(new String[]{ "true", "false" }, byName.get("crossRegionFailover").choices);
        assertEquals("750", byName.get("connectTimeout").value);
        assertEquals("30000", byName.get("requestTimeout").value);
        assertEquals("app", byName.get("user").value);
        assertNull(byName.get("password").value);
        assertTrue(byName.get("requestTimeout").description.contains("Default: '30000'"));
        for (final DriverPropertyInfo property : infos)
        {
            assertFalse(property.required, property.name);
            assertFalse(property.description.isEmpty(), property.name);
        }
    }

    @Test
    void shouldDescribeSettingsOfAnUnparsableUrlFromTheProperties() throws Exception
    {
        final Properties info = new Properties();
        info.setProperty("CONSISTENCY", "stale-local");
        final DriverPropertyInfo[] infos = driver.getPropertyInfo("jdbc:geo://", info);

        assertEquals(DriverConfig.Setting.values().length, infos.length);
        assertEquals("stale-local", Arrays.stream(infos).filter(p -> p.name.equals("consistency")).findFirst()
            .orElseThrow().value);
    }

    @Test
    void shouldStateVersionAndCompliance()
    {
        assertEquals(0, driver.getMajorVersion());
        assertEquals(1, driver.getMinorVersion());
        assertFalse(driver.jdbcCompliant());
        assertThrows(SQLFeatureNotSupportedException.class, driver::getParentLogger);
    }

    @Test
    void shouldFailToConnectToAPortWithNothingListeningWithin08001InTime() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = socket.getLocalPort();
        }
        final Properties info = new Properties();
        info.setProperty("connectTimeout", "500");
        final Driver registered = DriverManager.getDriver("jdbc:geo://127.0.0.1:" + port);

        final long startNs = System.nanoTime();
        final SQLException ex =
            assertThrows(SQLException.class, () -> registered.connect("jdbc:geo://127.0.0.1:" + port, info));
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        assertEquals("08001", ex.getSQLState());
        assertTrue(ex.getMessage().contains("127.0.0.1:" + port), ex.getMessage());
        assertTrue(elapsedMs < 2_500, "took " + elapsedMs + " ms with a connect timeout of 500 ms");
    }

    @Test
    void shouldFailToConnectWithABadPropertyNamingIt()
    {
        final Properties info = new Properties();
        info.setProperty("consistency", "eventual");

        final SQLException ex =
            assertThrows(SQLException.class, () -> driver.connect("jdbc:geo://127.0.0.1:1", info));

        assertEquals("08001", ex.getSQLState());
        assertTrue(ex.getMessage().contains("consistency='eventual'"), ex.getMessage());
    }
}
