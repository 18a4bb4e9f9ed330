package io.geo.wan;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures how punctually {@link RealTimeWanDriver} delivers: one thread sends messages at a target rate over one
 * link of fixed one-way delay (jitter 0, loss 0) for a while; the driver thread delivers them; every delivery's
 * error, the clock at delivery minus the requested due time, is recorded. Reports p50, p99, p99.9 and max of the
 * error in microseconds, how many messages came early (must be 0), and the driver thread's CPU time per delivered
 * message.
 * <p>
 * Run: {@code java -cp wan-emulator/target/classes io.geo.wan.RealTimeWanAccuracy [--rates 10000,100000]
 * [--seconds 3] [--warmup-seconds 1] [--delay-ms 80]}. Tests call {@link #measure} with small sizes.
 */
public final class RealTimeWanAccuracy
{
    /** The sender wakes this often and sends what the target rate calls for since the last wake-up. */
    static final long SEND_PERIOD_NS = TimeUnit.MICROSECONDS.toNanos(200);

    /** Most messages one measurement sends: bounds the arrays it preallocates. */
    static final long MAX_MESSAGES = 10_000_000;

    private static final long SETTLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    /**
     * Figures of one measurement.
     *
     * @param ratePerSecond      target send rate.
     * @param achievedPerSecond  rate actually sent during the measured phase (from the first and last send times).
     * @param delayNs            one-way delay of the link.
     * @param measured           deliveries recorded (messages sent in the measured phase).
     * @param notDelivered       messages of the measured phase not delivered (must be 0: loss 0, capacity ample).
     * @param early              deliveries before their due time or before send time plus delay (must be 0).
     * @param p50Ns              median delivery error.
     * @param p99Ns              99th percentile of the error.
     * @param p999Ns             99.9th percentile of the error.
     * @param maxNs              largest error.
     * @param cpuNsPerMessage    driver thread CPU time per delivered message, over the measured phase.
     */
    public record Result(
        int ratePerSecond,
        double achievedPerSecond,
        long delayNs,
        long measured,
        long notDelivered,
        long early,
        long p50Ns,
        long p99Ns,
        long p999Ns,
        long maxNs,
        double cpuNsPerMessage)
    {
        /** Header of the Markdown table {@link #toMarkdownRow()} writes rows of. */
        public static String markdownHeader()
        {
            return "| target rate /s | sent /s | delay ms | delivered | lost | early | p50 us | p99 us | p99.9 us | " +
                "max us | driver CPU us/msg |\n" +
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
        }

        /** One row of the Markdown table. */
        public String toMarkdownRow()
        {
            return String.format(Locale.ROOT,
                "| %,d | %,.0f | %.0f | %,d | %d | %d | %,.0f | %,.0f | %,.0f | %,.0f | %.2f |",
                ratePerSecond, achievedPerSecond, delayNs / 1e6, measured, notDelivered, early, p50Ns / 1e3,
                p99Ns / 1e3, p999Ns / 1e3, maxNs / 1e3, cpuNsPerMessage / 1e3);
        }
    }

    /** A message: when it was sent, and whether it belongs to the measured phase. */
    static final class Probe
    {
        long sentNs;
        boolean measured;
    }

    private RealTimeWanAccuracy()
    {
    }

    /**
     * Run one measurement. Blocks for about {@code warmupNs + measureNs + delayNs}; starts and closes a driver.
     *
     * @param ratePerSecond target send rate, at least 1.
     * @param delayNs       one-way delay of the link, at least 1 ms.
     * @param warmupNs      time sent at the target rate before recording starts (JIT warm-up), at least 0.
     * @param measureNs     time sent at the target rate while recording, more than 0.
     * @return the figures.
     * @throws IllegalArgumentException if a parameter is out of range or the run would exceed
     *                                  {@link #MAX_MESSAGES}.
     * @throws IllegalStateException    if the messages were not all delivered within 10 s after the last send.
     */
    public static Result measure(final int ratePerSecond, final long delayNs, final long warmupNs, final long measureNs)
    {
        if (ratePerSecond < 1 || delayNs < TimeUnit.MILLISECONDS.toNanos(1) || warmupNs < 0 || measureNs <= 0)
        {
            throw new IllegalArgumentException("measure(ratePerSecond=" + ratePerSecond + ", delayNs=" + delayNs +
                ", warmupNs=" + warmupNs + ", measureNs=" + measureNs + "): out of range");
        }
        final long totalMessages = messagesAt(ratePerSecond, warmupNs + measureNs);
        if (totalMessages - messagesAt(ratePerSecond, warmupNs) < 2)
        {
            throw new IllegalArgumentException("measurement would send fewer than 2 messages after the warm-up: " +
                "raise the rate or measureNs");
        }
        if (totalMessages > MAX_MESSAGES)
        {
            throw new IllegalArgumentException("measurement would send " + totalMessages + " messages, more than " +
                MAX_MESSAGES + ": lower the rate or the duration");
        }

        final double rttMs = 2.0 * delayNs / 1e6;
        final WanProfile profile = new WanProfile("accuracy", List.of("sender", "receiver"), Map.of(),
            new double[]{ 0, rttMs, rttMs, 0 }, new double[4], new double[4]);
        // Room for twice the messages in flight at the target rate, so nothing is dropped for capacity.
        final long inFlight = messagesAt(ratePerSecond, delayNs);
        final int capacity = (int)Math.min(RealTimeWan.MAX_CAPACITY, Math.max(1024, 2 * inFlight + 1024));
        final RealTimeWan<Probe> wan = new RealTimeWan<>(
            profile, 1, capacity, RealTimeWan.Ordering.FIFO_PER_LINK, System::nanoTime);

        final Probe[] probes = new Probe[(int)totalMessages];
        for (int i = 0; i < probes.length; i++)
        {
            probes[i] = new Probe();
        }
        final long[] errorNs = new long[probes.length];
        final long[] recorded = new long[2]; // [0] measured deliveries, [1] early deliveries; driver thread only

        final RealTimeWan.Delivery<Probe> recorder = (from, to, probe, dueNs) ->
        {
            final long nowNs = System.nanoTime();
            if (nowNs < dueNs || nowNs - probe.sentNs < delayNs)
            {
                recorded[1]++;
            }
            if (probe.measured)
            {
                errorNs[(int)recorded[0]++] = nowNs - dueNs;
            }
        };
        final RealTimeWan.Delivery<Probe> unexpected = (from, to, probe, dueNs) ->
        {
            throw new IllegalStateException("delivery to the sending region");
        };

        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final long measuredCount;
        final long cpuNs;
        final long deliveredInPhase;
        final double achievedPerSecond;
        final RealTimeWanDriver<Probe> driver = RealTimeWanDriver.start(
            wan, List.of(unexpected, recorder), "real-time-wan-accuracy", Throwable::printStackTrace);
        try
        {
            final long startNs = System.nanoTime();
            final long measureStartNs = startNs + warmupNs;
            final long endNs = measureStartNs + measureNs;
            // Message k is scheduled at startNs + k / rate: the first warmupMessages ones make the warm-up.
            final int warmupMessages = (int)messagesAt(ratePerSecond, warmupNs);
            int sent = 0;
            long cpuStartNs = -1;
            long deliveredAtStart = 0;
            while (sent < probes.length)
            {
                final long nowNs = System.nanoTime();
                if (nowNs >= measureStartNs && cpuStartNs < 0)
                {
                    cpuStartNs = threads.getThreadCpuTime(driver.threadId());
                    deliveredAtStart = wan.deliveredCount();
                }
                final long due = Math.min(probes.length, messagesAt(ratePerSecond, Math.min(nowNs, endNs) - startNs));
                while (sent < due)
                {
                    final Probe probe = probes[sent];
                    probe.measured = sent >= warmupMessages;
                    probe.sentNs = System.nanoTime();
                    wan.send(0, 1, probe);
                    sent++;
                }
                if (nowNs >= endNs)
                {
                    break;
                }
                LockSupport.parkNanos(SEND_PERIOD_NS);
            }
            final int measuredSent = sent - warmupMessages;
            // The rate the sender really kept: it catches up in a burst when it falls behind.
            final long sendSpanNs = probes[sent - 1].sentNs - probes[warmupMessages].sentNs;
            achievedPerSecond = measuredSent > 1 && sendSpanNs > 0 ? (measuredSent - 1) * 1e9 / sendSpanNs : Double.NaN;

            final long settleDeadlineNs = System.nanoTime() + delayNs + SETTLE_TIMEOUT_NS;
            while (wan.inFlightCount() > 0 && System.nanoTime() < settleDeadlineNs)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (wan.inFlightCount() > 0)
            {
                throw new IllegalStateException("messages still in flight 10 s after the last was due: " + wan);
            }
            cpuNs = threads.getThreadCpuTime(driver.threadId()) - cpuStartNs;
            deliveredInPhase = wan.deliveredCount() - deliveredAtStart;
            measuredCount = measuredSent;
        }
        finally
        {
            driver.close();
        }

        // The driver thread has stopped (close joined it): its writes to the arrays are visible here.
        final int count = (int)recorded[0];
        Arrays.sort(errorNs, 0, count);
        return new Result(
            ratePerSecond,
            achievedPerSecond,
            delayNs,
            count,
            measuredCount - count,
            recorded[1],
            percentile(errorNs, count, 0.50),
            percentile(errorNs, count, 0.99),
            percentile(errorNs, count, 0.999),
            count > 0 ? errorNs[count - 1] : 0,
            deliveredInPhase > 0 ? (double)cpuNs / deliveredInPhase : Double.NaN);
    }

    /**
     * Command line: prints a Markdown table with one row per rate.
     *
     * @param args {@code [--rates R1,R2,...] [--seconds S] [--warmup-seconds W] [--delay-ms D]}.
     */
    public static void main(final String[] args)
    {
        int[] rates = { 10_000, 100_000 };
        double seconds = 3;
        double warmupSeconds = 1;
        double delayMs = 80;
        for (int i = 0; i < args.length; i++)
        {
            final String option = args[i];
            if (i + 1 >= args.length)
            {
                usage("missing value after " + option);
            }
            final String value = args[++i];
            try
            {
                switch (option)
                {
                    case "--rates" -> rates = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--seconds" -> seconds = Double.parseDouble(value);
                    case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(value);
                    case "--delay-ms" -> delayMs = Double.parseDouble(value);
                    default -> usage("unknown option " + option);
                }
            }
            catch (final NumberFormatException ex)
            {
                usage("bad number for " + option + ": '" + value + "'");
            }
        }

        System.out.printf(Locale.ROOT, "# RealTimeWanAccuracy: %s %s, %d cores, %.1f s measured after %.1f s warm-up%n",
            System.getProperty("java.vm.name"), System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors(), seconds, warmupSeconds);
        System.out.println(Result.markdownHeader());
        for (final int rate : rates)
        {
            final Result result = measure(rate, (long)(delayMs * 1e6), (long)(warmupSeconds * 1e9),
                (long)(seconds * 1e9));
            System.out.println(result.toMarkdownRow());
        }
    }

    private static long messagesAt(final int ratePerSecond, final long elapsedNs)
    {
        return elapsedNs <= 0 ? 0 : (long)((double)ratePerSecond * elapsedNs / 1e9);
    }

    private static long percentile(final long[] sorted, final int count, final double fraction)
    {
        if (0 == count)
        {
            return 0;
        }
        // Nearest rank: the smallest value with at least this fraction of the values at or below it.
        final int rank = (int)Math.ceil(fraction * count);
        return sorted[Math.max(0, rank - 1)];
    }

    private static void usage(final String problem)
    {
        System.err.println("RealTimeWanAccuracy: " + problem);
        System.err.println("usage: RealTimeWanAccuracy [--rates 10000,100000] [--seconds 3] [--warmup-seconds 1] " +
            "[--delay-ms 80]");
        System.exit(2);
    }
}
