package io.geo.epaxos.primitives;

/**
 * An EPaxos instance id packed in a long: the command leader's replica id in the top 16 bits and the leader's
 * instance number (1, 2, 3, ...) in the low 48 bits. Packing keeps ids allocation-free in collections and on the wire.
 */
public final class InstanceId
{
    public static final int MAX_REPLICAS = 1 << 15;
    public static final long MAX_NUMBER = (1L << 48) - 1;
    /** Reserved: no instance. Instance numbers start at 1. */
    public static final long NONE = 0;

    private InstanceId()
    {
    }

    public static long of(final int replica, final long number)
    {
        if (replica < 0 || replica >= MAX_REPLICAS)
        {
            throw new IllegalArgumentException("replica out of range: " + replica);
        }
        if (number < 1 || number > MAX_NUMBER)
        {
            throw new IllegalArgumentException("instance number out of range: " + number);
        }
        return ((long)replica << 48) | number;
    }

    public static int replica(final long instanceId)
    {
        return (int)(instanceId >>> 48);
    }

    public static long number(final long instanceId)
    {
        return instanceId & MAX_NUMBER;
    }

    public static String toString(final long instanceId)
    {
        return instanceId == NONE ? "none" : replica(instanceId) + "." + number(instanceId);
    }
}
