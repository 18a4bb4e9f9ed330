package io.geo.router.storage;

/** What {@link WriteAheadLog#sync()} promises when it returns. */
public enum Durability
{
    /**
     * Write the group's records and {@code fsync} (FileChannel.force) them before returning: synced records survive
     * a process crash and a power failure. The default, and the only setting the protocol's host contract allows.
     */
    SYNC,
    /**
     * Write the group's records to the operating system but never {@code fsync}. A process crash (kill -9) keeps
     * them, because the kernel already holds them; a power failure or kernel crash loses recent writes (whatever the
     * kernel had not yet written back). For benchmarks only: a replica running this way may break its promises.
     */
    NONE;

    /** Parses {@code sync} or {@code none}, in any case. */
    public static Durability parse(final String text)
    {
        for (final Durability durability : values())
        {
            if (durability.name().equalsIgnoreCase(text.trim()))
            {
                return durability;
            }
        }
        throw new IllegalArgumentException("unknown durability '" + text + "': expected sync or none");
    }
}
