package io.geo.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The geo JDBC driver, for URLs {@code jdbc:geo://host:port[,host:port...][/][?name=value[&name=value...]]} (the
 * settings: {@link #getPropertyInfo}). Registers itself with {@link DriverManager} when loaded (also found through
 * {@code META-INF/services/java.sql.Driver}). Stateless and thread-safe.
 */
public final class GeoDriver implements Driver
{
    public static final String NAME = "geo JDBC driver";
    public static final int MAJOR_VERSION = 0;
    public static final int MINOR_VERSION = 1;

    static
    {
        try
        {
            DriverManager.registerDriver(new GeoDriver());
        }
        catch (final SQLException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /**
     * Opens a session with the first reachable node of the URL (in order), each tried within the connect timeout.
     *
     * @return null when the URL is not a geo URL (DriverManager then asks the next driver).
     * @throws SQLException 08001 for a bad URL or property (naming it) or when no node is reachable; 28000 when the
     * credentials are refused.
     */
    @Override
    public Connection connect(final String url, final Properties info) throws SQLException
    {
        if (!acceptsURL(url))
        {
            return null;
        }
        return new GeoConnection(GeoSession.open(DriverConfig.parse(url, info)));
    }

    /** True for URLs that start with {@code jdbc:geo:} (case-insensitive); says nothing of their validity. */
    @Override
    public boolean acceptsURL(final String url) throws SQLException
    {
        if (url == null)
        {
            throw new SQLException("url is null", "08001");
        }
        return DriverConfig.accepts(url);
    }

    /**
     * Every setting with its description, its default, and its value from {@code url} and {@code info} when they
     * parse (else from {@code info} alone); the password is never echoed.
     */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(final String url, final Properties info)
    {
        DriverConfig config = null;
        try
        {
            config = DriverConfig.parse(url, info);
        }
        catch (final SQLException ignore)
        {
            // a URL being typed in: report what info says
        }
        final DriverConfig.Setting[] settings = DriverConfig.Setting.values();
        final DriverPropertyInfo[] infos = new DriverPropertyInfo[settings.length];
        for (int i = 0; i < settings.length; i++)
        {
            final DriverConfig.Setting setting = settings[i];
            final DriverPropertyInfo property = new DriverPropertyInfo(setting.key(),
                config != null ? value(config, setting) : given(info, setting));
            property.description = setting.description() + " Default: '" + setting.defaultValue() + "'.";
            property.required = false;
            if (setting == DriverConfig.Setting.CONSISTENCY)
            {
                property.choices = new String[]{
                    DriverConfig.Consistency.LINEARIZABLE.text(), DriverConfig.Consistency.STALE_LOCAL.text() };
            }
            else if (setting == DriverConfig.Setting.CROSS_REGION_FAILOVER)
            {
                property.choices = new String[]{ "true", "false" };
            }
            if (setting == DriverConfig.Setting.PASSWORD)
            {
                property.value = null;
            }
            infos[i] = property;
        }
        return infos;
    }

    @Override
    public int getMajorVersion()
    {
        return MAJOR_VERSION;
    }

    @Override
    public int getMinorVersion()
    {
        return MINOR_VERSION;
    }

    /** False: geo speaks a key-value command language, not SQL 92. */
    @Override
    public boolean jdbcCompliant()
    {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException
    {
        throw new SQLFeatureNotSupportedException("the geo driver does not log through java.util.logging", "0A000");
    }

    private static String value(final DriverConfig config, final DriverConfig.Setting setting)
    {
        switch (setting)
        {
            case USER:
                return config.user;
            case PASSWORD:
                return null;
            case REGION:
                return config.region;
            case CONSISTENCY:
                return config.consistency.text();
            case CONNECT_TIMEOUT:
                return Integer.toString(config.connectTimeoutMs);
            case REQUEST_TIMEOUT:
                return Integer.toString(config.requestTimeoutMs);
            case ATTEMPT_TIMEOUT:
                return Integer.toString(config.attemptTimeoutMs);
            case CROSS_REGION_FAILOVER:
                return Boolean.toString(config.crossRegionFailover);
            default:
                return setting.defaultValue();
        }
    }

    private static String given(final Properties info, final DriverConfig.Setting setting)
    {
        if (info != null)
        {
            for (final String name : info.stringPropertyNames())
            {
                if (name.equalsIgnoreCase(setting.key()))
                {
                    return info.getProperty(name);
                }
            }
        }
        return setting.defaultValue();
    }
}
