package io.geo.jdbc;

import io.geo.client.WireMessage;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;

/**
 * The {@link DatabaseMetaData} of a connection: a dynamic proxy that answers what a key-value store can say
 * (product, driver, URL, user, JDBC version, batches yes, transactions no) and throws
 * {@link SQLFeatureNotSupportedException} naming the method for everything else, including the catalog queries
 * ({@code getTables}, {@code getColumns}...). A proxy instead of a class of some 180 methods that would almost all
 * throw. Answers reflect the node connected at the time of the call.
 */
final class GeoDatabaseMetaData implements InvocationHandler
{
    private final GeoConnection connection;

    private GeoDatabaseMetaData(final GeoConnection connection)
    {
        this.connection = connection;
    }

    static DatabaseMetaData create(final GeoConnection connection)
    {
        return (DatabaseMetaData)Proxy.newProxyInstance(GeoDatabaseMetaData.class.getClassLoader(),
            new Class<?>[]{ DatabaseMetaData.class }, new GeoDatabaseMetaData(connection));
    }

    @Override
    public Object invoke(final Object proxy, final Method method, final Object[] args) throws Throwable
    {
        final int arity = method.getParameterCount();
        switch (method.getName())
        {
            case "equals":
                return arity == 1 && proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "GeoDatabaseMetaData[" + connection + "]";
            case "getDatabaseProductName":
                return "geo";
            case "getDatabaseProductVersion":
            {
                final WireMessage.HelloOk hello = connection.session().hello();
                return "cluster " + hello.cluster() + ", node region " + hello.region();
            }
            case "getDriverName":
                return GeoDriver.NAME;
            case "getDriverVersion":
                return GeoDriver.MAJOR_VERSION + "." + GeoDriver.MINOR_VERSION;
            case "getDriverMajorVersion":
                return GeoDriver.MAJOR_VERSION;
            case "getDriverMinorVersion":
                return GeoDriver.MINOR_VERSION;
            case "getJDBCMajorVersion":
                return 4;
            case "getJDBCMinorVersion":
                return 2;
            case "getURL":
                return connection.session().config().url;
            case "getUserName":
                return connection.session().config().user;
            case "getConnection":
                return connection;
            case "isReadOnly":
                return connection.isReadOnly();
            case "supportsTransactions":
            case "supportsSavepoints":
            case "supportsGetGeneratedKeys":
            case "supportsStoredProcedures":
                return false;
            case "supportsBatchUpdates":
                return true;
            case "supportsResultSetType":
                return (Integer)args[0] == ResultSet.TYPE_FORWARD_ONLY;
            case "supportsResultSetConcurrency":
                return (Integer)args[0] == ResultSet.TYPE_FORWARD_ONLY &&
                    (Integer)args[1] == ResultSet.CONCUR_READ_ONLY;
            case "getResultSetHoldability":
                return ResultSet.HOLD_CURSORS_OVER_COMMIT;
            case "getSQLStateType":
                return DatabaseMetaData.sqlStateSQL;
            case "getIdentifierQuoteString":
                return " "; // JDBC: a space when quoting identifiers is not supported
            case "getTables":
                throw new SQLFeatureNotSupportedException("DatabaseMetaData.getTables is not supported: keyspaces " +
                    "are configured in the cluster (this node knows " +
                    String.join(", ", connection.session().hello().keyspaces()) + ")", "0A000");
            case "unwrap":
            {
                final Class<?> iface = (Class<?>)args[0];
                if (iface.isInstance(proxy))
                {
                    return proxy;
                }
                throw new SQLException("not a wrapper for " + iface.getName(), "HY000");
            }
            case "isWrapperFor":
                return ((Class<?>)args[0]).isInstance(proxy);
            default:
                throw new SQLFeatureNotSupportedException("DatabaseMetaData." + method.getName() +
                    " is not supported by the geo driver", "0A000");
        }
    }

}
