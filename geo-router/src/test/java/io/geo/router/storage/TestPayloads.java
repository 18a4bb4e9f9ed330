package io.geo.router.storage;

import java.util.SplittableRandom;

/** Deterministic record payloads: the bytes of a sequence depend only on (seed, sequence), so a reader can verify. */
final class TestPayloads
{
    private TestPayloads()
    {
    }

    static byte[] payload(final long seed, final long sequence, final int maxLength)
    {
        final SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + sequence);
        final byte[] bytes = new byte[1 + random.nextInt(maxLength)];
        random.nextBytes(bytes);
        return bytes;
    }
}
