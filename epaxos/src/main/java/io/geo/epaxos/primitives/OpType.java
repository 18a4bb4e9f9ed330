package io.geo.epaxos.primitives;

/** The operations a command is made of. Only GET is a read; every other operation writes its key. */
public enum OpType
{
    /** Read the value of a key (null when absent). */
    GET(false),
    /** Set a key to a value. */
    PUT(true),
    /** Remove a key; ok when the key existed (the key is absent afterwards either way). */
    DELETE(true),
    /** Set a key to a new value if its current value equals the expected one (expected null = absent). */
    CAS(true),
    /** Add a delta to a key holding a decimal long (absent counts as 0); fails if the value is not a number. */
    INCR(true);

    private final boolean write;

    OpType(final boolean write)
    {
        this.write = write;
    }

    public boolean isWrite()
    {
        return write;
    }

    private static final OpType[] VALUES = values();

    public static OpType fromCode(final int code)
    {
        if (code < 0 || code >= VALUES.length)
        {
            throw new IllegalArgumentException("unknown op code: " + code);
        }
        return VALUES[code];
    }
}
