package io.geo.router.state;

import io.geo.epaxos.Invariants;
import io.geo.epaxos.api.SnapshotStateMachine;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.OpType;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.state.KeyValueStateMachine;
import io.geo.epaxos.state.OpSemantics;
import io.geo.epaxos.state.StateDigest;
import io.geo.epaxos.state.StateSnapshotFormat;
import net.openhft.chronicle.hash.ChronicleHash;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import org.agrona.collections.Long2ObjectHashMap;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The key-value state machine of a sidecar, persisted in Chronicle Map files: the data (key bytes to value bytes)
 * and the dedup table (client id to its last write request number and that request's results). It gives exactly
 * the results of the reference {@link KeyValueStateMachine} for every command sequence, and its {@link #digest()}
 * equals the reference's for the same state.
 *
 * <h2>Files</h2>
 * In the directory given to the constructor (and nowhere else): {@code data.cm}, {@code sessions.cm} (dedup
 * table), {@code pending.cm} (at most one pending record, see below), {@code layout.properties} (the sizing the
 * directory was created with; reopening with other sizing is refused), {@code lock} (an OS file lock held while
 * open: one process, one instance per directory) and {@code clean} (present only between a clean
 * {@link #close()} and the next open). Reopening a directory restores its state. Sizing, capacity and limits: see
 * {@link ChronicleStateMachineConfig} and {@code docs/state-machine.md}. The Chronicle libraries themselves write
 * nothing else except short-lived native-library copies in {@code java.io.tmpdir} (and an empty
 * {@code java.io.tmpdir/target} directory); the usage-analytics module is excluded from the build and disabled.
 *
 * <h2>Crash atomicity (process crash, e.g. kill -9)</h2>
 * Chronicle Map makes no single operation atomic against a crash: an entry being written in place may be left
 * torn, and Chronicle's recovery (run on every open that does not find the {@code clean} marker) deletes entries
 * whose checksum does not match. Across several operations it offers nothing. So a command is made durable in
 * one of two ways:
 * <ul>
 *   <li><b>Redo record</b> (the general case: batches, CAS, INCR). All results and the final value of every
 *   written key are computed first, in memory, from the current state; nothing has been written yet. Then one
 *   Chronicle operation <i>inserts</i> a single pending record holding those writes and the encoded dedup record:
 *   this insert is the commit point. Then the data writes are applied, then the dedup record is written (last),
 *   then the pending record is removed. On open, a pending record left by a crash is replayed (its writes and
 *   dedup record written again) and removed. Every step after the commit point writes absolute values, so
 *   replaying it any number of times, over any prefix of it that took effect, gives the same state; a crash
 *   before the commit point leaves the state untouched. After the replay the replica re-applies the command
 *   (it had not recorded the execution) and gets the recorded results from the dedup table. The pending record
 *   is always inserted into an empty map, never overwritten in place, and carries its own CRC32C, so a torn
 *   insert is either invisible or rejected (and then nothing else of the command was written).</li>
 *   <li><b>Direct</b> (one PUT, or a command that writes no data, such as a failed CAS): the data write, then the
 *   dedup record. A crash between them is repaired by the replica's re-application: a PUT gives the same result
 *   and state when applied again, and a command that wrote no data is simply evaluated again on the same state.
 *   (A DELETE is not direct: its result says whether the key existed, which its own write changes.)</li>
 * </ul>
 * A command without a session (client id 0) writes no dedup record; it is applied atomically the same way, but
 * the replica's re-application after a crash applies it again (a non-idempotent INCR or CAS then takes effect
 * twice): exactly-once needs a session, as in the {@link StateMachine} contract.
 *
 * <p>Machine crashes (power loss) are not covered: Chronicle Map writes through a shared memory mapping and the
 * kernel flushes its pages in any order. {@link #close()} and {@link #sync()} force the files to the device; after a
 * power loss without them the files may be inconsistent and the node must be rebuilt (from its peers or log).
 *
 * <h2>Use</h2>
 * Not thread-safe: confine it to the thread that executes commands. An exception from {@link #apply} before
 * anything was written (a limit exceeded, the map full) leaves the state unchanged and the instance usable; any
 * failure after the first write puts it in {@link State#FAILED}: every later call throws, and {@link #close()}
 * releases the files without the clean marker, so the next open recovers exactly as after a crash.
 */
public final class ChronicleStateMachine implements SnapshotStateMachine, AutoCloseable
{
    static
    {
        // Before any Chronicle class initialises: this class's own static initialiser runs first.
        ChronicleSystemProperties.apply();
    }

    /** The longest value INCR writes: "-9223372036854775808". */
    static final int MAX_INCR_VALUE_BYTES = 20;
    static final String DATA_FILE = "data.cm";
    static final String SESSIONS_FILE = "sessions.cm";
    static final String PENDING_FILE = "pending.cm";
    static final String LOCK_FILE = "lock";
    static final String CLEAN_FILE = "clean";
    /** Average pending record the pending map is sized for; bigger ones span more chunks. */
    private static final int AVERAGE_PENDING_RECORD_BYTES = 1024;
    private static final Long PENDING_KEY = 0L;
    /** The overlay's marker for a key deleted by the command being evaluated. */
    private static final byte[] TOMBSTONE = new byte[0];
    /** Most clients whose last request number the heap remembers; beyond it the memory is cleared and refilled. */
    static final int MAX_REMEMBERED_SESSIONS = 65_536;

    /** Lifecycle of an instance; every transition goes through {@link #state(State)}. */
    public enum State
    {
        /** Files open, commands accepted. */
        OPEN,
        /** A failure after a command's first write; no more commands; closing skips the clean marker. */
        FAILED,
        /** Closed; files released. */
        CLOSED
    }

    /** Test hook: called after every write to a Chronicle map with the number of writes since open (from 1). */
    @FunctionalInterface
    interface WriteListener
    {
        void afterWrite(long writeNumber);
    }

    private final ChronicleStateMachineConfig config;
    private final Path directory;
    private final WriteListener writeListener;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean openedAfterCrash;
    private final ArrayList<ChronicleMap<?, ?>> opened = new ArrayList<>(3);
    private final ChronicleMap<byte[], byte[]> data;
    private final ChronicleMap<Long, byte[]> sessions;
    private final ChronicleMap<Long, byte[]> pending;
    private final LinkedHashMap<Key, byte[]> overlay = new LinkedHashMap<>();
    /** The shared op semantics see the maps through the command's overlay of pending writes. */
    private final OpSemantics.View overlayView = new OpSemantics.View()
    {
        @Override
        public byte[] get(final Key key)
        {
            return current(key);
        }

        @Override
        public void put(final Key key, final byte[] value)
        {
            overlay.put(key, value);
        }

        @Override
        public void remove(final Key key)
        {
            overlay.put(key, TOMBSTONE);
        }
    };
    private final ArrayList<StateRecords.Write> planned = new ArrayList<>();
    /**
     * Per client, {last request number, dedup record length} as in the dedup table, for the clients seen lately: a
     * new request (the common case) is told from a duplicate without reading the table. Written after the table.
     */
    private final Long2ObjectHashMap<long[]> sessionHeads = new Long2ObjectHashMap<>();
    private final long dataBytesBudget;
    private final long sessionBytesBudget;
    private State state = State.OPEN;
    private long dataSize;
    private long dataBytes;
    private long sessionCount;
    private long sessionBytes;
    private long writes;
    private long applied;
    private long duplicates;
    private long recoveryCorruptions;
    private long replayedPendingRecords;
    private long discardedPendingRecords;

    /** Opens (or creates) the state machine in {@code directory} with default sizing and limits. */
    public ChronicleStateMachine(final Path directory) throws IOException
    {
        this(new ChronicleStateMachineConfig().directory(directory));
    }

    /**
     * Opens (or creates) the state machine described by {@code config} (validated here). After a crash (no clean
     * marker) runs Chronicle's recovery on each file and replays a pending record. Throws IOException if the files
     * cannot be opened, IllegalArgumentException for a bad configuration, IllegalStateException if another instance
     * holds the directory or the existing files cannot hold the configured limits.
     */
    public ChronicleStateMachine(final ChronicleStateMachineConfig config) throws IOException
    {
        this(config, writeNumber -> { });
    }

    ChronicleStateMachine(final ChronicleStateMachineConfig config, final WriteListener writeListener)
        throws IOException
    {
        this.config = config.conclude();
        this.directory = config.directory().toAbsolutePath();
        this.writeListener = writeListener;
        Files.createDirectories(directory);
        lockChannel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        boolean wasClean = false;
        try
        {
            lock = lock(lockChannel, directory);
            final Path clean = directory.resolve(CLEAN_FILE);
            wasClean = Files.exists(clean);
            openedAfterCrash = !wasClean && Files.exists(directory.resolve(DATA_FILE));
            if (wasClean)
            {
                // From here on a crash must be noticed by the next open, before any write can happen.
                Files.delete(clean);
                syncDirectory(directory);
            }
            ChronicleStateMachineLayout.requireSame(directory, config);
            data = register(open(dataBuilder(config), DATA_FILE, config.maxDataEntryBytes()));
            sessions = register(open(longKeyBuilder("geo-state-sessions", config.sessions(),
                config.averageSessionRecordBytes(), config.maxSessionRecordBytes()), SESSIONS_FILE,
                config.maxSessionRecordBytes()));
            pending = register(open(longKeyBuilder("geo-state-pending", 1, AVERAGE_PENDING_RECORD_BYTES,
                config.maxPendingRecordBytes()), PENDING_FILE, config.maxPendingRecordBytes()));
            replayPending();
            Invariants.check(pending.longSize() == 0, "no pending record after open", pending.longSize());
            dataBytesBudget = dataBytesBudget(config);
            sessionBytesBudget = sessionBytesBudget(config);
            countStoredBytes();
        }
        catch (final Throwable ex)
        {
            state(State.CLOSED);
            try
            {
                closeMaps();
                if (wasClean && writes == 0)
                {
                    // Nothing was written: the files are still as the last clean close left them.
                    writeCleanMarker();
                }
            }
            catch (final Throwable cleanup)
            {
                ex.addSuppressed(cleanup);
            }
            try
            {
                lockChannel.close();
            }
            catch (final IOException cleanup)
            {
                ex.addSuppressed(cleanup);
            }
            throw ex;
        }
    }

    // ------------------------------------------------------------------------------------------------ commands

    /**
     * Applies {@code command} and returns one result per op, exactly as {@link KeyValueStateMachine} would.
     * Throws IllegalArgumentException for a command over the configured limits and IllegalStateException when the
     * data map or the dedup table is full, in both cases before writing anything; throws IllegalStateException
     * when not {@link State#OPEN}. {@code instance} is not used.
     */
    @Override
    public Result[] apply(final long instance, final Command command)
    {
        requireOpen();
        validate(command);
        if (!command.hasSession())
        {
            // No dedup: reads change nothing, and a session-less write is applied whenever it is executed.
            final Result[] results = evaluate(command);
            if (!overlay.isEmpty())
            {
                commit(command, results, null);
            }
            applied++;
            return results;
        }
        long[] head = sessionHeads.get(command.clientId());
        byte[] recorded = null;
        if (head == null)
        {
            recorded = sessions.get(command.clientId());
            if (recorded != null)
            {
                head = rememberSession(command.clientId(), StateRecords.sessionRequestNumber(recorded),
                    recorded.length);
            }
        }
        if (head != null && command.requestNumber() <= head[0])
        {
            duplicates++;
            if (command.requestNumber() == head[0])
            {
                return StateRecords.sessionResults(recorded != null ? recorded : sessions.get(command.clientId()));
            }
            // An older request of a client that has moved on: superseded, not applied.
            final Result[] stale = new Result[command.opCount()];
            Arrays.fill(stale, Result.SUPERSEDED);
            return stale;
        }
        final Result[] results = evaluate(command);
        final byte[] sessionRecord = StateRecords.encodeSession(command.requestNumber(), results);
        Invariants.check(sessionRecord.length <= config.maxSessionRecordBytes(), "session record within its bound",
            sessionRecord.length, config.maxSessionRecordBytes());
        if (head == null && sessionCount >= config.sessions())
        {
            throw new IllegalStateException("dedup table full: " + sessionCount + " clients, sessions=" +
                config.sessions() + "; create a new directory with more sessions");
        }
        final long sessionBytesAfter = sessionBytes + Long.BYTES + sessionRecord.length -
            (head == null ? 0 : Long.BYTES + head[1]);
        if (sessionBytesAfter > sessionBytesBudget)
        {
            throw new IllegalStateException("dedup table full: its records would take " + sessionBytesAfter +
                " bytes, the budget of sessions * averageSessionRecordBytes is " + sessionBytesBudget +
                "; create a new directory with larger sizing");
        }
        commit(command, results, sessionRecord);
        sessionBytes = sessionBytesAfter;
        if (head == null)
        {
            sessionCount++;
        }
        rememberSession(command.clientId(), command.requestNumber(), sessionRecord.length);
        applied++;
        return results;
    }

    private void validate(final Command command)
    {
        if (command.isNoop())
        {
            throw new IllegalArgumentException("the replica never applies a no-op");
        }
        if (command.opCount() > config.maxOpsPerCommand())
        {
            throw new IllegalArgumentException("command has " + command.opCount() + " ops, maxOpsPerCommand=" +
                config.maxOpsPerCommand());
        }
        if (command.encodedSize() > config.maxCommandBytes())
        {
            throw new IllegalArgumentException("command of " + command.encodedSize() + " bytes, maxCommandBytes=" +
                config.maxCommandBytes());
        }
        for (int i = 0; i < command.opCount(); i++)
        {
            final Op op = command.op(i);
            if (op.key().length() > config.maxKeyBytes())
            {
                throw new IllegalArgumentException("op " + i + ": key of " + op.key().length() +
                    " bytes, maxKeyBytes=" + config.maxKeyBytes());
            }
            if (op.type() == OpType.PUT || op.type() == OpType.CAS)
            {
                if (op.value() == null)
                {
                    throw new IllegalArgumentException("op " + i + ": " + op.type() + " without a value");
                }
                if (op.value().length > config.maxValueBytes())
                {
                    throw new IllegalArgumentException("op " + i + ": value of " + op.value().length +
                        " bytes, maxValueBytes=" + config.maxValueBytes());
                }
            }
            if (op.expected() != null && op.expected().length > config.maxValueBytes())
            {
                throw new IllegalArgumentException("op " + i + ": expected value of " + op.expected().length +
                    " bytes, maxValueBytes=" + config.maxValueBytes());
            }
        }
    }

    /**
     * Computes the results of {@code command} and leaves the final value of every key it writes in
     * {@link #overlay} (in first-write order; {@link #TOMBSTONE} = deleted). Reads the maps, writes nothing. Later
     * ops see earlier ops' writes, as in a batch of the reference.
     */
    private Result[] evaluate(final Command command)
    {
        overlay.clear();
        final Result[] results = new Result[command.opCount()];
        for (int i = 0; i < command.opCount(); i++)
        {
            results[i] = OpSemantics.apply(command.op(i), overlayView);
        }
        return results;
    }

    /** The value of {@code key} as the command being evaluated sees it. */
    private byte[] current(final Key key)
    {
        final byte[] written = overlay.get(key);
        if (written != null)
        {
            return written == TOMBSTONE ? null : written;
        }
        return data.get(key.bytes());
    }

    /**
     * Makes the evaluated command durable (see the class comment): checks capacity, then writes directly or through
     * the pending record. {@code sessionRecord} is null for a command without a session.
     */
    private void commit(final Command command, final Result[] results, final byte[] sessionRecord)
    {
        if (command.opCount() == 1 && command.op(0).type() == OpType.PUT)
        {
            putAlone(command, sessionRecord);
            return;
        }
        planned.clear();
        long sizeAfter = dataSize;
        long bytesAfter = dataBytes;
        for (final Map.Entry<Key, byte[]> e : overlay.entrySet())
        {
            final byte[] keyBytes = e.getKey().bytes();
            final long storedValueBytes = storedValueBytes(keyBytes);
            final byte[] value = e.getValue() == TOMBSTONE ? null : e.getValue();
            if (storedValueBytes >= 0)
            {
                sizeAfter--;
                bytesAfter -= keyBytes.length + storedValueBytes;
            }
            if (value != null)
            {
                sizeAfter++;
                bytesAfter += keyBytes.length + value.length;
            }
            planned.add(new StateRecords.Write(keyBytes, value));
        }
        checkCapacity(sizeAfter, bytesAfter);
        // Only a lone PUT (putAlone) gives the same result when re-applied over its own write; a DELETE's result
        // says whether the key existed, which its own write changes, so it goes through the redo record like a batch.
        final boolean direct = planned.isEmpty();
        try
        {
            if (direct)
            {
                writeAll(planned, command.clientId(), sessionRecord);
            }
            else
            {
                final byte[] record = StateRecords.encodePending(command.clientId(), command.requestNumber(), planned,
                    sessionRecord);
                Invariants.check(record.length <= config.maxPendingRecordBytes(), "pending record within its bound",
                    record.length, config.maxPendingRecordBytes());
                Invariants.check(pending.longSize() == 0, "one pending record at a time", pending.longSize());
                pending.put(PENDING_KEY, record);
                afterWrite();
                writeAll(planned, command.clientId(), sessionRecord);
                pending.remove(PENDING_KEY);
                afterWrite();
            }
        }
        catch (final RuntimeException | Error ex)
        {
            state(State.FAILED);
            throw ex;
        }
        dataSize = sizeAfter;
        dataBytes = bytesAfter;
        overlay.clear();
        planned.clear();
    }

    /**
     * The commonest command, a lone PUT, written directly (re-applying it gives the same result): the capacity check
     * and the data write in one Chronicle query (one key lookup under the segment's update lock), then the dedup
     * record. Nothing is written when the map would be over its limits.
     */
    private void putAlone(final Command command, final byte[] sessionRecord)
    {
        final byte[] keyBytes = command.op(0).key().bytes();
        final byte[] value = command.op(0).value();
        final long sizeAfter;
        final long bytesAfter;
        try (ExternalMapQueryContext<byte[], byte[], ?> context = data.queryContext(keyBytes))
        {
            context.updateLock().lock();
            final MapEntry<byte[], byte[]> entry = context.entry();
            sizeAfter = dataSize + (entry == null ? 1 : 0);
            bytesAfter = dataBytes + value.length + (entry == null ? keyBytes.length : -entry.value().size());
            checkCapacity(sizeAfter, bytesAfter);
            try
            {
                if (entry == null)
                {
                    context.absentEntry().doInsert(context.wrapValueAsData(value));
                }
                else
                {
                    entry.doReplaceValue(context.wrapValueAsData(value));
                }
            }
            catch (final RuntimeException | Error ex)
            {
                state(State.FAILED);
                throw ex;
            }
        }
        try
        {
            afterWrite();
            if (sessionRecord != null)
            {
                sessions.put(command.clientId(), sessionRecord);
                afterWrite();
            }
        }
        catch (final RuntimeException | Error ex)
        {
            state(State.FAILED);
            throw ex;
        }
        dataSize = sizeAfter;
        dataBytes = bytesAfter;
        overlay.clear();
    }

    private void checkCapacity(final long sizeAfter, final long bytesAfter)
    {
        if (sizeAfter > config.entries())
        {
            throw new IllegalStateException("data map full: the command would make it hold " + sizeAfter +
                " keys, entries=" + config.entries() + "; create a new directory with more entries");
        }
        if (bytesAfter > dataBytesBudget)
        {
            throw new IllegalStateException("data map full: its keys and values would take " + bytesAfter +
                " bytes, the budget of entries * (averageKeyBytes + averageValueBytes) is " + dataBytesBudget +
                "; create a new directory with larger sizing");
        }
    }

    /** Length of the value stored for {@code keyBytes}, or -1 when absent; does not copy the value. */
    private long storedValueBytes(final byte[] keyBytes)
    {
        try (ExternalMapQueryContext<byte[], byte[], ?> context = data.queryContext(keyBytes))
        {
            final MapEntry<byte[], byte[]> entry = context.entry();
            return entry == null ? -1 : entry.value().size();
        }
    }

    private void countStoredBytes()
    {
        final long[] counts = new long[4];
        data.forEachEntry(entry ->
        {
            counts[0]++;
            counts[1] += entry.key().size() + entry.value().size();
        });
        sessions.forEachEntry(entry ->
        {
            counts[2]++;
            counts[3] += Long.BYTES + entry.value().size();
        });
        dataSize = counts[0];
        dataBytes = counts[1];
        sessionCount = counts[2];
        sessionBytes = counts[3];
        Invariants.check(dataSize == data.longSize(), "key count matches Chronicle's", dataSize, data.longSize());
        Invariants.check(sessionCount == sessions.longSize(), "client count matches Chronicle's", sessionCount,
            sessions.longSize());
    }

    /** The data writes, then the dedup record last. Absolute values: safe to repeat over any prefix of itself. */
    private void writeAll(final List<StateRecords.Write> toWrite, final long clientId, final byte[] sessionRecord)
    {
        for (int i = 0; i < toWrite.size(); i++)
        {
            final StateRecords.Write write = toWrite.get(i);
            if (write.value() == null)
            {
                data.remove(write.key());
            }
            else
            {
                data.put(write.key(), write.value());
            }
            afterWrite();
        }
        if (sessionRecord != null)
        {
            sessions.put(clientId, sessionRecord);
            afterWrite();
        }
    }

    private long[] rememberSession(final long clientId, final long requestNumber, final int recordLength)
    {
        long[] head = sessionHeads.get(clientId);
        if (head == null)
        {
            if (sessionHeads.size() >= MAX_REMEMBERED_SESSIONS)
            {
                sessionHeads.clear();
            }
            head = new long[2];
            sessionHeads.put(clientId, head);
        }
        head[0] = requestNumber;
        head[1] = recordLength;
        return head;
    }

    private void replayPending()
    {
        final byte[] record = pending.get(PENDING_KEY);
        if (record == null)
        {
            return;
        }
        StateRecords.Pending decoded = null;
        try
        {
            decoded = StateRecords.decodePending(record);
        }
        catch (final StateRecords.CorruptRecordException ex)
        {
            // Torn before its commit completed: nothing else of that command was written.
            discardedPendingRecords++;
        }
        if (decoded != null)
        {
            writeAll(Arrays.asList(decoded.writes()), decoded.clientId(), decoded.sessionRecord());
            replayedPendingRecords++;
        }
        pending.remove(PENDING_KEY);
        afterWrite();
    }

    private void afterWrite()
    {
        writes++;
        writeListener.afterWrite(writes);
    }

    // ------------------------------------------------------------------------------------------------ queries

    /** The value of a key, or null. A fresh array. */
    public byte[] get(final Key key)
    {
        requireOpen();
        return data.get(key.bytes());
    }

    /** Number of keys. */
    public long size()
    {
        requireOpen();
        return dataSize;
    }

    /** Number of clients in the dedup table. */
    public long sessionCount()
    {
        requireOpen();
        return sessionCount;
    }

    /**
     * Order-independent digest of data and dedup table ({@link StateDigest}): equals
     * {@link KeyValueStateMachine#digest()} for the same state. Reads every entry: for tests and occasional
     * comparisons, not the hot path.
     */
    public long digest()
    {
        requireOpen();
        final StateDigest digest = new StateDigest();
        for (final Map.Entry<byte[], byte[]> e : data.entrySet())
        {
            digest.addEntry(e.getKey(), e.getValue());
        }
        for (final Map.Entry<Long, byte[]> e : sessions.entrySet())
        {
            final byte[] record = e.getValue();
            digest.addSession(e.getKey(), StateRecords.sessionRequestNumber(record), StateRecords.sessionResults(record));
        }
        return digest.value();
    }

    /**
     * The whole state (data and dedup table) as {@link StateSnapshotFormat} bytes: a region snapshot's state part.
     * Reads every entry into the heap (the snapshot is one array).
     */
    @Override
    public byte[] captureState()
    {
        requireOpen();
        final StateSnapshotFormat.Writer out = new StateSnapshotFormat.Writer();
        for (final Map.Entry<byte[], byte[]> e : data.entrySet())
        {
            out.entry(e.getKey(), e.getValue());
        }
        for (final Map.Entry<Long, byte[]> e : sessions.entrySet())
        {
            final byte[] record = e.getValue();
            out.session(e.getKey(), StateRecords.sessionRequestNumber(record), StateRecords.sessionResults(record));
        }
        return out.toBytes();
    }

    /**
     * Replaces the whole state by a captured one (a peer's region snapshot). Checks it all, and that it fits this
     * directory's sizing and limits, before changing anything; a failure while writing leaves the instance
     * {@link State#FAILED} (the sidecar rebuilds its state from the kept snapshot at every start).
     *
     * @throws IllegalArgumentException if the bytes are not a state snapshot or do not fit this directory's limits.
     */
    @Override
    public void installState(final byte[] state)
    {
        requireOpen();
        final ArrayList<byte[]> entries = new ArrayList<>();
        final ArrayList<Long> clients = new ArrayList<>();
        final ArrayList<byte[]> records = new ArrayList<>();
        final long[] totals = new long[2];
        StateSnapshotFormat.read(state, new StateSnapshotFormat.Visitor()
        {
            @Override
            public void entry(final byte[] key, final byte[] value)
            {
                if (key.length > config.maxKeyBytes() || value.length > config.maxValueBytes())
                {
                    throw new IllegalArgumentException("state snapshot holds a key of " + key.length +
                        " bytes with a value of " + value.length + " bytes; maxKeyBytes=" + config.maxKeyBytes() +
                        ", maxValueBytes=" + config.maxValueBytes());
                }
                entries.add(key);
                entries.add(value);
                totals[0] += key.length + value.length;
            }

            @Override
            public void session(final long clientId, final long requestNumber, final Result[] results)
            {
                final byte[] record = StateRecords.encodeSession(requestNumber, results);
                if (record.length > config.maxSessionRecordBytes())
                {
                    throw new IllegalArgumentException("state snapshot holds a dedup record of " + record.length +
                        " bytes for client " + clientId + "; at most " + config.maxSessionRecordBytes() + " here");
                }
                clients.add(clientId);
                records.add(record);
                totals[1] += Long.BYTES + record.length;
            }
        });
        if (entries.size() / 2 > config.entries() || totals[0] > dataBytesBudget ||
            clients.size() > config.sessions() || totals[1] > sessionBytesBudget)
        {
            throw new IllegalArgumentException("state snapshot of " + entries.size() / 2 + " keys (" + totals[0] +
                " bytes) and " + clients.size() + " clients (" + totals[1] + " bytes) does not fit this directory: " +
                "entries=" + config.entries() + ", data budget " + dataBytesBudget + " bytes, sessions=" +
                config.sessions() + ", session budget " + sessionBytesBudget + " bytes");
        }
        try
        {
            data.clear();
            sessions.clear();
            sessionHeads.clear();
            afterWrite();
            for (int i = 0; i < entries.size(); i += 2)
            {
                data.put(entries.get(i), entries.get(i + 1));
                afterWrite();
            }
            for (int i = 0; i < clients.size(); i++)
            {
                sessions.put(clients.get(i), records.get(i));
                afterWrite();
            }
        }
        catch (final RuntimeException | Error ex)
        {
            state(State.FAILED);
            throw ex;
        }
        countStoredBytes();
    }

    /** A sorted copy of the data, for comparing replicas in tests; reads every entry into the heap. */
    public Map<Key, byte[]> snapshot()
    {
        requireOpen();
        final TreeMap<Key, byte[]> copy = new TreeMap<>();
        for (final Map.Entry<byte[], byte[]> e : data.entrySet())
        {
            copy.put(Key.wrap(e.getKey()), e.getValue());
        }
        return copy;
    }

    public State state()
    {
        return state;
    }

    public Path directory()
    {
        return directory;
    }

    /** Commands applied since open (reads included, duplicates not). */
    public long appliedCommands()
    {
        return applied;
    }

    /** Write commands answered from the dedup table since open (duplicates and stale requests). */
    public long duplicateCommands()
    {
        return duplicates;
    }

    /** True when this open found the files of a run that did not close cleanly, and recovered them. */
    public boolean openedAfterCrash()
    {
        return openedAfterCrash;
    }

    /** Pending records replayed by this open (0 or 1). */
    public long replayedPendingRecords()
    {
        return replayedPendingRecords;
    }

    /** Pending records this open found torn and dropped (0 or 1; nothing else of their command had been written). */
    public long discardedPendingRecords()
    {
        return discardedPendingRecords;
    }

    /** Corruptions Chronicle's recovery reported and repaired during this open (lock state, counters, torn entries). */
    public long recoveryCorruptions()
    {
        return recoveryCorruptions;
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /**
     * Forces the map files to the storage device (fsync; on Linux this also writes the pages Chronicle dirtied
     * through its memory mapping). Blocking. Covers the writes made before the call only.
     */
    public void sync() throws IOException
    {
        requireOpen();
        syncFiles();
    }

    /**
     * Closes the maps and releases the directory. After a clean run, forces the files to the device and writes the
     * clean marker, so the next open skips recovery; after a failure ({@link State#FAILED}) it leaves the marker
     * out, so the next open recovers as after a crash. Idempotent.
     */
    @Override
    public void close() throws IOException
    {
        if (state == State.CLOSED)
        {
            return;
        }
        final boolean clean = state == State.OPEN;
        state(State.CLOSED);
        try
        {
            closeMaps();
            if (clean)
            {
                syncFiles();
                writeCleanMarker();
            }
        }
        finally
        {
            lockChannel.close();
        }
    }

    private void writeCleanMarker() throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory.resolve(CLEAN_FILE), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE))
        {
            channel.force(true);
        }
        syncDirectory(directory);
    }

    private void state(final State next)
    {
        state = next;
    }

    private void requireOpen()
    {
        if (state != State.OPEN)
        {
            throw new IllegalStateException("state machine in " + directory + " is " + state);
        }
    }

    private <M extends ChronicleMap<?, ?>> M register(final M map)
    {
        opened.add(map);
        return map;
    }

    private void closeMaps()
    {
        RuntimeException failure = null;
        for (int i = opened.size() - 1; i >= 0; i--)
        {
            try
            {
                opened.get(i).close();
            }
            catch (final RuntimeException ex)
            {
                if (failure == null)
                {
                    failure = ex;
                }
                else
                {
                    failure.addSuppressed(ex);
                }
            }
        }
        opened.clear();
        if (failure != null)
        {
            throw failure;
        }
    }

    private void syncFiles() throws IOException
    {
        for (final String name : new String[] {DATA_FILE, SESSIONS_FILE, PENDING_FILE})
        {
            try (FileChannel channel = FileChannel.open(directory.resolve(name), StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                channel.force(true);
            }
        }
    }

    private static void syncDirectory(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    private static FileLock lock(final FileChannel channel, final Path directory) throws IOException
    {
        final FileLock lock;
        try
        {
            lock = channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            throw new IllegalStateException("state directory " + directory + " is already open in this JVM", ex);
        }
        if (lock == null)
        {
            throw new IllegalStateException("state directory " + directory + " is locked by another process");
        }
        return lock;
    }

    // ------------------------------------------------------------------------------------------------ layout

    private <K, V> ChronicleMap<K, V> open(
        final ChronicleMapBuilder<K, V> builder, final String fileName, final long worstEntryBytes) throws IOException
    {
        final Path file = directory.resolve(fileName);
        final ChronicleMap<K, V> map;
        if (!Files.exists(file) || !openedAfterCrash)
        {
            map = builder.createPersistedTo(file.toFile());
        }
        else
        {
            // Reads the layout from the file's header (it may predate a change of the sizing settings).
            map = builder.recoverPersistedTo(file.toFile(), false, corruption -> recoveryCorruptions++);
        }
        try
        {
            requireRoomFor(map, fileName, worstEntryBytes);
        }
        catch (final RuntimeException ex)
        {
            map.close();
            throw ex;
        }
        return map;
    }

    /** Checks, on the opened file, that the largest record the limits allow fits in one entry. */
    private static void requireRoomFor(final ChronicleHash<?, ?, ?, ?> map, final String fileName, final long worstBytes)
    {
        if (map instanceof VanillaChronicleHash<?, ?, ?, ?> hash)
        {
            final long maxEntryBytes = hash.chunkSize * hash.maxChunksPerEntry;
            if (maxEntryBytes < worstBytes + ChronicleStateMachineConfig.ENTRY_OVERHEAD_BYTES)
            {
                throw new IllegalStateException(fileName + " holds entries of up to " + maxEntryBytes +
                    " bytes, the configured limits need " + (worstBytes + ChronicleStateMachineConfig.ENTRY_OVERHEAD_BYTES) +
                    ": lower maxValueBytes/maxOpsPerCommand/maxCommandBytes, or create a new directory");
            }
            if (!hash.checksumEntries)
            {
                throw new IllegalStateException(fileName + " was created without entry checksums");
            }
        }
    }

    private static ChronicleMapBuilder<byte[], byte[]> dataBuilder(final ChronicleStateMachineConfig config)
    {
        final int averageEntryBytes = config.averageKeyBytes() + config.averageValueBytes();
        final long entries = chronicleEntries(config.entries(), averageEntryBytes, config.maxDataEntryBytes());
        return ChronicleMap.of(byte[].class, byte[].class)
            .name("geo-state-data")
            .entries(entries)
            .averageKeySize(config.averageKeyBytes())
            .averageValueSize(config.averageValueBytes())
            .actualSegments(segments(entries, averageEntryBytes, config.maxDataEntryBytes()))
            .maxBloatFactor(ChronicleStateMachineConfig.MAX_BLOAT_FACTOR)
            .checksumEntries(true)
            .putReturnsNull(true)
            .removeReturnsNull(true);
    }

    private static ChronicleMapBuilder<Long, byte[]> longKeyBuilder(
        final String name, final long configuredEntries, final int averageValueBytes, final long worstValueBytes)
    {
        final int averageEntryBytes = Long.BYTES + averageValueBytes;
        final long entries = chronicleEntries(configuredEntries, averageEntryBytes, worstValueBytes);
        return ChronicleMap.of(Long.class, byte[].class)
            .name(name)
            .entries(entries)
            .averageValueSize(averageValueBytes)
            .actualSegments(segments(entries, averageEntryBytes, worstValueBytes))
            .maxBloatFactor(ChronicleStateMachineConfig.MAX_BLOAT_FACTOR)
            .checksumEntries(true)
            .putReturnsNull(true)
            .removeReturnsNull(true);
    }

    /** What the data map may hold in key and value bytes: what it was sized for (Chronicle has bloat headroom). */
    static long dataBytesBudget(final ChronicleStateMachineConfig config)
    {
        final int averageEntryBytes = config.averageKeyBytes() + config.averageValueBytes();
        return chronicleEntries(config.entries(), averageEntryBytes, config.maxDataEntryBytes()) * averageEntryBytes;
    }

    /** What the dedup table may hold in client ids and records. */
    static long sessionBytesBudget(final ChronicleStateMachineConfig config)
    {
        final int averageEntryBytes = Long.BYTES + config.averageSessionRecordBytes();
        return chronicleEntries(config.sessions(), averageEntryBytes, config.maxSessionRecordBytes()) *
            averageEntryBytes;
    }

    /**
     * Chronicle sizes a segment tier for about entries/segments average entries, and one entry cannot span tiers.
     * Declares at least enough entries that one tier has room for {@code WORST_CASE_ENTRIES_PER_TIER} worst-case
     * entries (this only enlarges the file when the configured entries are few and the worst case is big).
     */
    static long chronicleEntries(final long entries, final int averageEntryBytes, final long worstEntryBytes)
    {
        final long needed = ChronicleStateMachineConfig.WORST_CASE_ENTRIES_PER_TIER *
            (worstEntryBytes + ChronicleStateMachineConfig.ENTRY_OVERHEAD_BYTES);
        return Math.max(entries, (needed + averageEntryBytes - 1) / averageEntryBytes);
    }

    /** The most segments (a power of two, at most 1024, at least 32 entries each) whose tiers fit the worst case. */
    static int segments(final long entries, final int averageEntryBytes, final long worstEntryBytes)
    {
        final long needed = ChronicleStateMachineConfig.WORST_CASE_ENTRIES_PER_TIER *
            (worstEntryBytes + ChronicleStateMachineConfig.ENTRY_OVERHEAD_BYTES);
        final double bySize = entries * (double)averageEntryBytes / needed;
        final long limit = Math.min(1024, Math.min(entries / 32, (long)bySize));
        return (int)Long.highestOneBit(Math.max(1, limit));
    }
}
