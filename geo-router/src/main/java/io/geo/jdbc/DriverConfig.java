package io.geo.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A connection's settings, from a URL {@code jdbc:geo://host:port[,host:port...][/][?name=value[&name=value...]]}
 * and JDBC properties (properties win over URL parameters). Validated once; every error names the setting and the
 * bad value (SQLState 08001: the connection was not made). The settings are documented in docs/jdbc.md and by
 * {@link GeoDriver#getPropertyInfo}.
 */
final class DriverConfig
{
    static final String URL_PREFIX = "jdbc:geo:";

    /** Consistency of reads. */
    enum Consistency
    {
        /** Reads are ordered with conflicting writes across all regions (the default). */
        LINEARIZABLE("linearizable"),
        /** Reads are answered from the connected node's applied state, without a round of agreement. */
        STALE_LOCAL("stale-local");

        private final String text;

        Consistency(final String text)
        {
            this.text = text;
        }

        String text()
        {
            return text;
        }

        static Consistency parse(final String text) throws SQLException
        {
            for (final Consistency c : values())
            {
                if (c.text.equalsIgnoreCase(text.trim()))
                {
                    return c;
                }
            }
            throw invalid("consistency", text, "linearizable or stale-local");
        }
    }

    /** One setting: name, default and description (also for getPropertyInfo). */
    enum Setting
    {
        USER("user", "", "User name sent to the node (checked when the cluster configures client credentials)."),
        PASSWORD("password", "", "Password sent with the user name."),
        REGION("region", "", "The application's region: nodes of this region are preferred; a listed node of " +
            "another region is refused unless crossRegionFailover is true."),
        CONSISTENCY("consistency", "linearizable", "Reads: linearizable (default) or stale-local."),
        CONNECT_TIMEOUT("connectTimeout", "2000", "Milliseconds to connect to one node and open the session."),
        REQUEST_TIMEOUT("requestTimeout", "30000",
            "Default deadline of a statement in milliseconds (Statement.setQueryTimeout overrides it)."),
        ATTEMPT_TIMEOUT("attemptTimeout", "5000",
            "Milliseconds to wait for one node before retrying the same request on another node."),
        CROSS_REGION_FAILOVER("crossRegionFailover", "false",
            "When the listed nodes fail, also try nodes of other regions (learned from the cluster)."),
        DISCOVER_NODES("discoverNodes", "true",
            "Fail over to node addresses the cluster advertises; false when clients reach nodes only through the " +
            "URL's addresses (proxies, NAT).");

        private final String key;
        private final String defaultValue;
        private final String description;

        Setting(final String key, final String defaultValue, final String description)
        {
            this.key = key;
            this.defaultValue = defaultValue;
            this.description = description;
        }

        String key()
        {
            return key;
        }

        String defaultValue()
        {
            return defaultValue;
        }

        String description()
        {
            return description;
        }
    }

    /** A host and port from the URL. */
    record HostPort(String host, int port)
    {
        @Override
        public String toString()
        {
            return host + ":" + port;
        }
    }

    private static final int MAX_HOSTS = 64;
    /** The longest deadline a node accepts for a request (ClientRouter.MAX_REQUEST_TIMEOUT_MS). */
    static final int MAX_TIMEOUT_MS = 600_000;

    final List<HostPort> hosts;
    final String user;
    final String password;
    final String region;
    final Consistency consistency;
    final int connectTimeoutMs;
    final int requestTimeoutMs;
    final int attemptTimeoutMs;
    final boolean crossRegionFailover;
    final boolean discoverNodes;
    final String url;

    private DriverConfig(final String url, final List<HostPort> hosts, final Map<String, String> settings)
        throws SQLException
    {
        this.url = url;
        this.hosts = List.copyOf(hosts);
        this.user = settings.get(Setting.USER.key);
        this.password = settings.get(Setting.PASSWORD.key);
        this.region = settings.get(Setting.REGION.key).trim();
        this.consistency = Consistency.parse(settings.get(Setting.CONSISTENCY.key));
        this.connectTimeoutMs = millis(settings, Setting.CONNECT_TIMEOUT);
        this.requestTimeoutMs = millis(settings, Setting.REQUEST_TIMEOUT);
        this.attemptTimeoutMs = millis(settings, Setting.ATTEMPT_TIMEOUT);
        this.crossRegionFailover = bool(settings, Setting.CROSS_REGION_FAILOVER);
        this.discoverNodes = bool(settings, Setting.DISCOVER_NODES);
    }

    static boolean accepts(final String url)
    {
        return url != null && url.regionMatches(true, 0, URL_PREFIX, 0, URL_PREFIX.length());
    }

    /** Parses and validates; {@code info} may be null. */
    static DriverConfig parse(final String url, final Properties info) throws SQLException
    {
        if (!accepts(url))
        {
            throw new SQLException("not a geo URL (expected jdbc:geo://host:port/...): " + url, "08001");
        }
        String rest = url.substring(URL_PREFIX.length());
        if (!rest.startsWith("//"))
        {
            throw new SQLException("expected '//' after jdbc:geo: in " + url, "08001");
        }
        rest = rest.substring(2);
        final int queryStart = rest.indexOf('?');
        final String query = queryStart < 0 ? "" : rest.substring(queryStart + 1);
        String authority = queryStart < 0 ? rest : rest.substring(0, queryStart);
        if (authority.endsWith("/"))
        {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.contains("/"))
        {
            throw new SQLException("unexpected path in " + url + " (the form is jdbc:geo://host:port[,host:port]/" +
                "?name=value)", "08001");
        }
        final List<HostPort> hosts = new ArrayList<>();
        for (final String part : authority.split(",", -1))
        {
            hosts.add(hostPort(part.trim(), url));
        }
        if (hosts.size() > MAX_HOSTS)
        {
            throw new SQLException("too many hosts in the URL (at most " + MAX_HOSTS + ")", "08001");
        }

        final Map<String, String> settings = new LinkedHashMap<>();
        for (final Setting setting : Setting.values())
        {
            settings.put(setting.key, setting.defaultValue);
        }
        if (!query.isEmpty())
        {
            for (final String pair : query.split("&", -1))
            {
                final int eq = pair.indexOf('=');
                if (eq <= 0)
                {
                    throw new SQLException("URL parameter '" + pair + "' is not name=value in " + url, "08001");
                }
                put(settings, decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        if (info != null)
        {
            for (final String name : info.stringPropertyNames())
            {
                put(settings, name, info.getProperty(name));
            }
        }
        return new DriverConfig(url, hosts, settings);
    }

    private static void put(final Map<String, String> settings, final String name, final String value)
        throws SQLException
    {
        for (final Setting setting : Setting.values())
        {
            if (setting.key.equalsIgnoreCase(name))
            {
                settings.put(setting.key, value == null ? "" : value);
                return;
            }
        }
        final List<String> known = new ArrayList<>();
        for (final Setting setting : Setting.values())
        {
            known.add(setting.key);
        }
        throw new SQLException("unknown connection property '" + name + "' (known: " + String.join(", ", known) + ")",
            "08001");
    }

    private static String decode(final String text) throws SQLException
    {
        try
        {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new SQLException("bad %-escape in URL parameter '" + text + "'", "08001");
        }
    }

    private static HostPort hostPort(final String text, final String url) throws SQLException
    {
        final int colon = text.lastIndexOf(':');
        if (text.isEmpty() || colon <= 0 || colon == text.length() - 1)
        {
            throw new SQLException("expected host:port, got '" + text + "' in " + url, "08001");
        }
        final String host = text.substring(0, colon);
        final String portText = text.substring(colon + 1);
        final int port;
        try
        {
            port = Integer.parseInt(portText);
        }
        catch (final NumberFormatException ex)
        {
            throw new SQLException("port '" + portText + "' is not a number in " + url, "08001");
        }
        if (port < 1 || port > 65535)
        {
            throw new SQLException("port " + port + " out of range 1..65535 in " + url, "08001");
        }
        return new HostPort(host, port);
    }

    private static int millis(final Map<String, String> settings, final Setting setting) throws SQLException
    {
        final String text = settings.get(setting.key).trim();
        try
        {
            final int value = Integer.parseInt(text);
            if (value >= 1 && value <= MAX_TIMEOUT_MS)
            {
                return value;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // reported below
        }
        throw invalid(setting.key, text, "milliseconds between 1 and " + MAX_TIMEOUT_MS);
    }

    private static boolean bool(final Map<String, String> settings, final Setting setting) throws SQLException
    {
        final String text = settings.get(setting.key).trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false"))
        {
            return text.equals("true");
        }
        throw invalid(setting.key, text, "true or false");
    }

    private static SQLException invalid(final String key, final String value, final String expected)
    {
        return new SQLException("connection property " + key + "='" + value + "' is invalid: expected " + expected,
            "08001");
    }
}
