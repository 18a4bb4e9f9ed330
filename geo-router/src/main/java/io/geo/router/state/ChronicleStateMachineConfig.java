package io.geo.router.state;

import java.nio.file.Path;

/**
 * Settings of a {@link ChronicleStateMachine}, with defaults. {@link #conclude()} validates every value once and
 * throws an {@link IllegalArgumentException} naming the setting and the bad value; the state machine calls it.
 *
 * <p>Two kinds of settings:
 * <ul>
 *   <li><b>Sizing</b> ({@link #entries}, {@link #averageKeyBytes}, {@link #averageValueBytes}, {@link #sessions},
 *   {@link #averageSessionRecordBytes}) shapes the Chronicle Map files when a directory is first created. Chronicle
 *   Map files keep the layout they were created with: on reopen these settings only size the admission checks, and
 *   the files are not resized.</li>
 *   <li><b>Limits</b> ({@link #maxKeyBytes}, {@link #maxValueBytes}, {@link #maxOpsPerCommand},
 *   {@link #maxCommandBytes}) are checked on every command before anything is written; their defaults equal the
 *   replica's ({@code ReplicaConfig}), which rejects bigger commands before they are ever proposed.</li>
 * </ul>
 * The files are laid out so that the largest record the limits allow fits in one Chronicle Map entry; a
 * configuration where it cannot is rejected here, naming the setting to raise.
 */
public final class ChronicleStateMachineConfig
{
    /** Chronicle segment tiers are sized to hold this many worst-case entries. */
    static final int WORST_CASE_ENTRIES_PER_TIER = 2;
    /** Bytes a Chronicle entry adds to key and value (size prefixes, checksum, alignment), rounded up generously. */
    static final int ENTRY_OVERHEAD_BYTES = 64;
    /** How far past {@link #entries} a Chronicle map may grow by chaining extra segment tiers. */
    static final double MAX_BLOAT_FACTOR = 3.0;

    private Path directory;
    private long entries = 1_000_000;
    private int averageKeyBytes = 32;
    private int averageValueBytes = 128;
    private long sessions = 100_000;
    private int averageSessionRecordBytes = 64;
    private int maxKeyBytes = 1024;
    private int maxValueBytes = 64 * 1024;
    private int maxOpsPerCommand = 64;
    private int maxCommandBytes = 512 * 1024;

    /** The directory holding the map files; created if missing. Required. */
    public ChronicleStateMachineConfig directory(final Path value)
    {
        directory = value;
        return this;
    }

    /**
     * Keys the data map is sized for (default 1,000,000). A command that would take the key count above it is
     * rejected before it writes anything (Chronicle itself has headroom up to {@value #MAX_BLOAT_FACTOR} times).
     */
    public ChronicleStateMachineConfig entries(final long value)
    {
        entries = value;
        return this;
    }

    /** Average key length in bytes, for sizing (default 32). */
    public ChronicleStateMachineConfig averageKeyBytes(final int value)
    {
        averageKeyBytes = value;
        return this;
    }

    /** Average value length in bytes, for sizing (default 128). */
    public ChronicleStateMachineConfig averageValueBytes(final int value)
    {
        averageValueBytes = value;
        return this;
    }

    /**
     * Clients the dedup table is sized for (default 100,000). Dedup records are kept for ever (no session expiry
     * yet), so this bounds the number of distinct client ids that ever write; a write of a new client beyond it
     * is rejected before it writes anything.
     */
    public ChronicleStateMachineConfig sessions(final long value)
    {
        sessions = value;
        return this;
    }

    /**
     * Average encoded dedup record in bytes (default 64: a request number and the results of a short command),
     * for sizing. Results that carry values (GET, failed CAS, INCR) make records larger.
     */
    public ChronicleStateMachineConfig averageSessionRecordBytes(final int value)
    {
        averageSessionRecordBytes = value;
        return this;
    }

    /** Largest key in bytes (default 1024, as the replica's maxKeyBytes). */
    public ChronicleStateMachineConfig maxKeyBytes(final int value)
    {
        maxKeyBytes = value;
        return this;
    }

    /** Largest value in bytes, also for CAS's expected value (default 65,536, as the replica's maxValueBytes). */
    public ChronicleStateMachineConfig maxValueBytes(final int value)
    {
        maxValueBytes = value;
        return this;
    }

    /** Most ops in one command (default 64, as the replica's maxOpsPerCommand). */
    public ChronicleStateMachineConfig maxOpsPerCommand(final int value)
    {
        maxOpsPerCommand = value;
        return this;
    }

    /** Largest command by {@code Command.encodedSize()} (default 512 KiB, as the replica's maxCommandBytes). */
    public ChronicleStateMachineConfig maxCommandBytes(final int value)
    {
        maxCommandBytes = value;
        return this;
    }

    public Path directory()
    {
        return directory;
    }

    public long entries()
    {
        return entries;
    }

    public int averageKeyBytes()
    {
        return averageKeyBytes;
    }

    public int averageValueBytes()
    {
        return averageValueBytes;
    }

    public long sessions()
    {
        return sessions;
    }

    public int averageSessionRecordBytes()
    {
        return averageSessionRecordBytes;
    }

    public int maxKeyBytes()
    {
        return maxKeyBytes;
    }

    public int maxValueBytes()
    {
        return maxValueBytes;
    }

    public int maxOpsPerCommand()
    {
        return maxOpsPerCommand;
    }

    public int maxCommandBytes()
    {
        return maxCommandBytes;
    }

    /** Validates every setting; throws IllegalArgumentException naming the first bad one. Idempotent. */
    public ChronicleStateMachineConfig conclude()
    {
        if (directory == null)
        {
            throw new IllegalArgumentException("directory: required, none given");
        }
        require(entries >= 1 && entries <= 1L << 32, "entries", entries, "1..2^32");
        require(averageKeyBytes >= 1, "averageKeyBytes", averageKeyBytes, ">= 1");
        require(averageValueBytes >= 1, "averageValueBytes", averageValueBytes, ">= 1");
        require(sessions >= 1 && sessions <= 1L << 32, "sessions", sessions, "1..2^32");
        require(averageSessionRecordBytes >= 16, "averageSessionRecordBytes", averageSessionRecordBytes, ">= 16");
        require(maxKeyBytes >= 1 && maxKeyBytes <= 1 << 20, "maxKeyBytes", maxKeyBytes, "1..1 MiB");
        require(maxValueBytes >= 0 && maxValueBytes <= 16 << 20, "maxValueBytes", maxValueBytes, "0..16 MiB");
        require(maxOpsPerCommand >= 1 && maxOpsPerCommand <= 4096, "maxOpsPerCommand", maxOpsPerCommand,
            "1..4096");
        require(maxCommandBytes >= 64 && maxCommandBytes <= 64 << 20, "maxCommandBytes", maxCommandBytes,
            "64..64 MiB");
        require(averageKeyBytes <= maxKeyBytes, "averageKeyBytes", averageKeyBytes,
            "<= maxKeyBytes (" + maxKeyBytes + ")");
        require(averageValueBytes <= Math.max(1, maxValueBytes), "averageValueBytes", averageValueBytes,
            "<= maxValueBytes (" + maxValueBytes + ")");
        require(maxPendingRecordBytes() <= Integer.MAX_VALUE / 2, "maxOpsPerCommand", maxOpsPerCommand,
            "small enough that maxOpsPerCommand * maxValueBytes + maxCommandBytes stays below 1 GiB");
        return this;
    }

    /** Worst-case data entry: the largest key with the largest value. */
    long maxDataEntryBytes()
    {
        return (long)maxKeyBytes + Math.max(maxValueBytes, ChronicleStateMachine.MAX_INCR_VALUE_BYTES);
    }

    /** Worst-case dedup record: every op returns the largest value (GET, failed CAS). */
    long maxSessionRecordBytes()
    {
        return StateRecords.maxSessionRecordBytes(maxOpsPerCommand,
            Math.max(maxValueBytes, ChronicleStateMachine.MAX_INCR_VALUE_BYTES));
    }

    /**
     * Worst-case pending record: the writes (bounded by the command's own bytes, plus INCR's computed values) and
     * the dedup record.
     */
    long maxPendingRecordBytes()
    {
        return StateRecords.maxPendingRecordBytes(maxOpsPerCommand, maxCommandBytes, maxSessionRecordBytes());
    }

    private static void require(final boolean ok, final String name, final long value, final String expected)
    {
        if (!ok)
        {
            throw new IllegalArgumentException(name + ": bad value " + value + ", expected " + expected);
        }
    }
}
