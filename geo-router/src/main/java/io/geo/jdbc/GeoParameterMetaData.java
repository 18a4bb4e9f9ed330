package io.geo.jdbc;

import java.sql.JDBCType;
import java.sql.ParameterMetaData;
import java.sql.SQLException;
import java.sql.Types;

/** The parameters of a prepared statement: IN, never null, VARCHAR or BIGINT (an increment's delta). Immutable. */
final class GeoParameterMetaData implements ParameterMetaData
{
    private final int[] types;

    /** @param types {@code types[i - 1]} is the {@link Types} code of parameter {@code i}. */
    GeoParameterMetaData(final int[] types)
    {
        this.types = types.clone();
    }

    @Override
    public int getParameterCount()
    {
        return types.length;
    }

    @Override
    public int isNullable(final int param) throws SQLException
    {
        type(param);
        return parameterNoNulls;
    }

    @Override
    public boolean isSigned(final int param) throws SQLException
    {
        return type(param) == Types.BIGINT;
    }

    @Override
    public int getPrecision(final int param) throws SQLException
    {
        return type(param) == Types.BIGINT ? 19 : 0;
    }

    @Override
    public int getScale(final int param) throws SQLException
    {
        type(param);
        return 0;
    }

    @Override
    public int getParameterType(final int param) throws SQLException
    {
        return type(param);
    }

    @Override
    public String getParameterTypeName(final int param) throws SQLException
    {
        return JDBCType.valueOf(type(param)).getName();
    }

    @Override
    public String getParameterClassName(final int param) throws SQLException
    {
        return type(param) == Types.BIGINT ? Long.class.getName() : String.class.getName();
    }

    @Override
    public int getParameterMode(final int param) throws SQLException
    {
        type(param);
        return parameterModeIn;
    }

    @Override
    public <T> T unwrap(final Class<T> iface) throws SQLException
    {
        if (iface.isInstance(this))
        {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName(), "HY000");
    }

    @Override
    public boolean isWrapperFor(final Class<?> iface)
    {
        return iface.isInstance(this);
    }

    private int type(final int param) throws SQLException
    {
        if (param < 1 || param > types.length)
        {
            throw new SQLException("parameter index " + param + " out of range " +
                (types.length == 0 ? "(the statement has no parameters)" : "1.." + types.length), "07009");
        }
        return types[param - 1];
    }
}
