package io.geo.wan;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The measurement runs end to end at a small size; its figures are checked only loosely (the box may be loaded). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RealTimeWanAccuracyTest
{
    @Test
    void shouldMeasureEveryMessageAndFindNoneEarly()
    {
        final long delayNs = TimeUnit.MILLISECONDS.toNanos(20);
        final RealTimeWanAccuracy.Result result = RealTimeWanAccuracy.measure(
            2_000, delayNs, TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(400));

        assertEquals(0, result.early(), result.toMarkdownRow());
        assertEquals(0, result.notDelivered(), result.toMarkdownRow());
        assertTrue(result.measured() > 700, result.toMarkdownRow());
        assertTrue(result.p50Ns() >= 0 && result.p50Ns() <= result.p99Ns() && result.p99Ns() <= result.maxNs(),
            result.toMarkdownRow());
        assertTrue(result.p50Ns() < delayNs, result.toMarkdownRow());
        assertTrue(result.toMarkdownRow().startsWith("| 2,000 |"), result.toMarkdownRow());
    }
}
