package io.geo.jdbc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.SQLException;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** URL and property parsing: a table of valid inputs and a table of invalid ones, each error naming its culprit. */
class DriverConfigTest
{
    static Stream<Arguments> validConfigs()
    {
        return Stream.of(
            arguments("jdbc:geo://127.0.0.1:29410", props(),
                "[127.0.0.1:29410] user= region= linearizable connect=2000 request=30000 attempt=5000 cross=false"),
            arguments("JDBC:GEO://h:1/", props(),
                "[h:1] user= region= linearizable connect=2000 request=30000 attempt=5000 cross=false"),
            arguments("jdbc:geo://a:1,b:2/?consistency=stale-local&connectTimeout=500&region=eu-west-1", props(),
                "[a:1, b:2] user= region=eu-west-1 stale-local connect=500 request=30000 attempt=5000 cross=false"),
            arguments("jdbc:geo://a:1?user=app%20one&crossRegionFailover=TRUE&requestTimeout=600000", props(),
                "[a:1] user=app one region= linearizable connect=2000 request=600000 attempt=5000 cross=true"),
            arguments("jdbc:geo://a:1/?consistency=linearizable",
                props("CONSISTENCY", "Stale-Local", "attemptTimeout", "1"),
                "[a:1] user= region= stale-local connect=2000 request=30000 attempt=1 cross=false"),
            arguments("jdbc:geo://[::1]:5", props("user", "u", "password", "p"),
                "[[::1]:5] user=u region= linearizable connect=2000 request=30000 attempt=5000 cross=false"));
    }

    @ParameterizedTest
    @MethodSource("validConfigs")
    void shouldParseValidUrlsAndProperties(final String url, final Properties info, final String expected)
        throws Exception
    {
        final DriverConfig config = DriverConfig.parse(url, info);

        assertEquals(expected, describe(config));
        assertEquals(url, config.url);
    }

    static Stream<Arguments> invalidConfigs()
    {
        final String manyHosts = IntStream.rangeClosed(1, 65).mapToObj(i -> "h" + i + ":1")
            .collect(Collectors.joining(","));
        return Stream.of(
            arguments("jdbc:mysql://h:1", props(), "not a geo URL"),
            arguments("jdbc:geo:h:1", props(), "expected '//' after jdbc:geo:"),
            arguments("jdbc:geo://h", props(), "expected host:port, got 'h'"),
            arguments("jdbc:geo://a:1,,b:2", props(), "expected host:port, got ''"),
            arguments("jdbc:geo://h:x", props(), "port 'x' is not a number"),
            arguments("jdbc:geo://h:0", props(), "port 0 out of range 1..65535"),
            arguments("jdbc:geo://h:65536", props(), "port 65536 out of range 1..65535"),
            arguments("jdbc:geo://h:1/db", props(), "unexpected path"),
            arguments("jdbc:geo://" + manyHosts, props(), "too many hosts in the URL (at most 64)"),
            arguments("jdbc:geo://h:1/?novalue", props(), "URL parameter 'novalue' is not name=value"),
            arguments("jdbc:geo://h:1/?user=%zz", props(), "bad %-escape in URL parameter '%zz'"),
            arguments("jdbc:geo://h:1/?timeout=5", props(), "unknown connection property 'timeout'"),
            arguments("jdbc:geo://h:1", props("frobnicate", "1"), "unknown connection property 'frobnicate'"),
            arguments("jdbc:geo://h:1/?consistency=eventual", props(), "consistency='eventual'"),
            arguments("jdbc:geo://h:1", props("consistency", ""), "consistency=''"),
            arguments("jdbc:geo://h:1/?connectTimeout=0", props(), "connectTimeout='0'"),
            arguments("jdbc:geo://h:1", props("requestTimeout", "abc"), "requestTimeout='abc'"),
            arguments("jdbc:geo://h:1/?attemptTimeout=3600001", props(), "attemptTimeout='3600001'"),
            arguments("jdbc:geo://h:1/?crossRegionFailover=yes", props(), "crossRegionFailover='yes'"));
    }

    @ParameterizedTest
    @MethodSource("invalidConfigs")
    void shouldRejectInvalidConfigsNamingTheCulpritWith08001(
        final String url, final Properties info, final String expected)
    {
        final SQLException ex = assertThrows(SQLException.class, () -> DriverConfig.parse(url, info));

        assertEquals("08001", ex.getSQLState());
        assertTrue(ex.getMessage().contains(expected), () -> "'" + ex.getMessage() + "' should contain '" +
            expected + "'");
    }

    @Test
    void shouldSayWhatAValidValueLooksLike()
    {
        final SQLException ex =
            assertThrows(SQLException.class, () -> DriverConfig.parse("jdbc:geo://h:1/?connectTimeout=-5", null));

        assertEquals("connection property connectTimeout='-5' is invalid: expected milliseconds between 1 and " +
            "600000", ex.getMessage());
    }

    @Test
    void shouldAcceptOnlyGeoUrls()
    {
        assertTrue(DriverConfig.accepts("jdbc:geo://h:1"));
        assertTrue(DriverConfig.accepts("Jdbc:Geo:anything"));
        assertFalse(DriverConfig.accepts("jdbc:postgresql://h:1/db"));
        assertFalse(DriverConfig.accepts("jdbc:geo"));
        assertFalse(DriverConfig.accepts(null));
    }

    private static String describe(final DriverConfig config)
    {
        return config.hosts + " user=" + config.user + " region=" + config.region + " " + config.consistency.text() +
            " connect=" + config.connectTimeoutMs + " request=" + config.requestTimeoutMs + " attempt=" +
            config.attemptTimeoutMs + " cross=" + config.crossRegionFailover;
    }

    private static Properties props(final String... nameValues)
    {
        final Properties properties = new Properties();
        for (int i = 0; i < nameValues.length; i += 2)
        {
            properties.setProperty(nameValues[i], nameValues[i + 1]);
        }
        return properties;
    }
}
