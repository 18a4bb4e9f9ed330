package io.geo.epaxos.state;

import io.geo.epaxos.primitives.Result;

/**
 * The digest of a key-value state machine's replicated state, shared by every implementation so that replicas
 * backed by different stores (the in-memory {@link KeyValueStateMachine}, the Chronicle Map one in geo-router) can
 * be compared cheaply. It covers the data (every key and its value) and the dedup table (per client: the last
 * write request number and its recorded results).
 *
 * <p>Order-independent: each entry is hashed on its own (64-bit FNV-1a over length-prefixed fields, then a
 * MurmurHash3 finaliser) and the entry hashes are added up, so the digest does not depend on the order in which a
 * store iterates. Equal states give equal digests; different states collide with probability about 2^-64 per pair.
 * Not cryptographic: a digest detects divergence, it does not authenticate.
 *
 * <p>Use: one instance per digest computation, {@link #addEntry} for every key, {@link #addSession} for every
 * dedup record, then {@link #value()}. Not thread-safe.
 */
public final class StateDigest
{
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long ENTRY_SEED = 0x5bd1e9955bd1e995L;
    private static final long SESSION_SEED = 0x27d4eb2f165667c5L;

    private long entriesSum;
    private long entryCount;
    private long sessionsSum;
    private long sessionCount;

    /** Adds one key and its (non-null) value. */
    public StateDigest addEntry(final byte[] key, final byte[] value)
    {
        entriesSum += fmix64(hashBytes(hashBytes(FNV_OFFSET ^ ENTRY_SEED, key), value));
        entryCount++;
        return this;
    }

    /** Adds one dedup record: a client's last applied write request number and the results it returned. */
    public StateDigest addSession(final long clientId, final long requestNumber, final Result[] results)
    {
        long h = hashLong(hashLong(FNV_OFFSET ^ SESSION_SEED, clientId), requestNumber);
        h = hashLong(h, results.length);
        for (final Result result : results)
        {
            h = hashLong(h, result.ok() ? 1 : 0);
            h = result.value() == null ? hashLong(h, -1) : hashBytes(h, result.value());
        }
        sessionsSum += fmix64(h);
        sessionCount++;
        return this;
    }

    /** The digest of everything added so far. */
    public long value()
    {
        long h = fmix64(entriesSum ^ fmix64(entryCount));
        h = h * 31 + fmix64(sessionsSum ^ fmix64(sessionCount + SESSION_SEED));
        return fmix64(h);
    }

    private static long hashBytes(final long seed, final byte[] bytes)
    {
        long h = hashLong(seed, bytes.length);
        for (final byte b : bytes)
        {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }

    private static long hashLong(final long seed, final long value)
    {
        long h = seed;
        for (int shift = 0; shift < 64; shift += 8)
        {
            h ^= (value >>> shift) & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }

    private static long fmix64(final long value)
    {
        long k = value;
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
