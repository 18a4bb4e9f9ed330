package io.geo.epaxos.sim;

import io.geo.epaxos.check.History;

import java.util.List;

/** Outcome of one simulation run: counts, latencies per region, the trace hash and any violations. */
public record SimResult(
    long seed,
    int replicas,
    long commands,
    long ok,
    long failed,
    long unknown,
    long fastPath,
    long slowPath,
    long recoveries,
    long crashes,
    long partitions,
    long messagesSent,
    long messagesDropped,
    long bytesSent,
    long events,
    long simulatedNs,
    long wallNs,
    long checkNs,
    long traceHash,
    /** Live instances on the replica holding the most, at the end of the run. */
    long liveInstancesAtEnd,
    /** The most live instances any replica held at any tick. */
    long peakLiveInstances,
    List<String> violations,
    boolean linearizabilityUnknown,
    List<String> regions,
    /** Per region, sorted: client invoke to client reply (after execution at the leader). */
    long[][] latenciesNs,
    /** Per region, sorted: client invoke to commit at the leader. */
    long[][] commitLatenciesNs,
    History history,
    /** Hydra, per region, sorted: client invoke to reply for regional commands (empty arrays otherwise). */
    long[][] regionalLatenciesNs,
    /** Hydra: EPaxos instances and regional entries that carried a batch of client commands, and those commands. */
    long batches,
    long batchedCommands)
{
    public boolean passed()
    {
        return violations.isEmpty();
    }

    /** slow / (fast + slow): the share of commands led here that could not take the fast path. */
    public double conflictRate()
    {
        final long total = fastPath + slowPath;
        return total == 0 ? 0 : (double)slowPath / total;
    }

    public double percentileMs(final int region, final double percentile)
    {
        return percentileMs(latenciesNs[region], percentile);
    }

    static double percentileMs(final long[] sortedNs, final double percentile)
    {
        if (sortedNs.length == 0)
        {
            return Double.NaN;
        }
        final int index = (int)Math.min(sortedNs.length - 1, Math.ceil(percentile / 100.0 * sortedNs.length) - 1);
        return sortedNs[Math.max(0, index)] / 1e6;
    }

    public String summaryLine()
    {
        return String.format("seed %d: %s regions=%d commands=%d ok=%d fail=%d unknown=%d fast=%d slow=%d " +
            "recoveries=%d crashes=%d partitions=%d messages=%d live(peak)=%d simulated=%.1fs wall=%dms " +
            "trace=%016x",
            seed, passed() ? "ok" : "VIOLATION", replicas, commands, ok, failed, unknown, fastPath, slowPath,
            recoveries, crashes, partitions, messagesSent, peakLiveInstances, simulatedNs / 1e9, wallNs / 1_000_000,
            traceHash);
    }
}
