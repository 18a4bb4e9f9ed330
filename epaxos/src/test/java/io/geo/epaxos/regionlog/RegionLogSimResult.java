package io.geo.epaxos.regionlog;

import java.util.List;
import java.util.Locale;

/** Outcome of one region log simulation run: counts, traffic per node, the trace hash and any violations. */
public record RegionLogSimResult(
    long seed,
    int nodes,
    boolean delegation,
    /** append() calls made by clients. */
    long appends,
    /** Refused by the node (too many pending): the client was told it failed. */
    long refused,
    /** The client was told its entry was applied. */
    long acked,
    /** Lost with a crash of the client's node: may or may not be in the log. */
    long unknown,
    /** Slots in the final log, and how many of them are no-ops. */
    long slots,
    long noops,
    /** Distinct views in which some node was leader (so view changes = this - 1 when positive). */
    long leaderViews,
    long crashes,
    long partitions,
    long messagesSent,
    long messagesDropped,
    long[] bytesSent,
    long[] bytesReceived,
    /** Bytes sent or received by whichever node led at the time. */
    long leaderBytes,
    /** Encoded bytes of all messages sent over the network (0 when the codec is off). */
    long wireBytes,
    /** Store writes lost with crashes (staged, never synced). */
    long lostWrites,
    /** Slots applied after a node's last sync and lost with its crash, unseen (not counted unless strictApply). */
    long unseenApplies,
    /** Snapshots nodes took (then truncated their logs), and snapshots installed from a peer. */
    long snapshotsTaken,
    long snapshotsInstalled,
    /** Promises that left slots for a further page (their tail was larger than one message). */
    long promisePages,
    long events,
    long simulatedNs,
    /** From the end of faults to convergence; -1 when the group did not converge. */
    long settleNs,
    long wallNs,
    long traceHash,
    List<String> violations,
    boolean linearizabilityUnknown,
    /** Sorted: append to acknowledgement (entry applied at the client's node, reply released) per acked op. */
    long[] latenciesNs,
    /** Per node (its clients), sorted: append to acknowledgement. */
    long[][] latenciesByNodeNs)
{
    /** Latency percentile in milliseconds; NaN without samples. */
    public double latencyMs(final double percentile)
    {
        return percentileMs(latenciesNs, percentile);
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

    public boolean passed()
    {
        return violations.isEmpty();
    }

    /** Bytes sent plus bytes received over all nodes (each message counts at both ends). */
    public long totalBytes()
    {
        long total = 0;
        for (int i = 0; i < nodes; i++)
        {
            total += bytesSent[i] + bytesReceived[i];
        }
        return total;
    }

    /** The leader's share of all bytes sent and received: 1/n is perfectly balanced, 1/2 is every message. */
    public double leaderShare()
    {
        final long total = totalBytes();
        return total == 0 ? 0 : (double)leaderBytes / total;
    }

    public long viewChanges()
    {
        return Math.max(0, leaderViews - 1);
    }

    public String summaryLine()
    {
        final StringBuilder traffic = new StringBuilder();
        for (int i = 0; i < nodes; i++)
        {
            traffic.append(i == 0 ? "" : " ").append(i).append(':').append(bytesSent[i]).append('/')
                .append(bytesReceived[i]);
        }
        return String.format(Locale.ROOT, "seed %d: %s nodes=%d delegation=%s appends=%d acked=%d refused=%d " +
            "unknown=%d slots=%d noops=%d viewChanges=%d crashes=%d partitions=%d messages=%d dropped=%d " +
            "bytes(sent/received)=[%s] wireBytes=%d leaderShare=%.3f latency(p50/p99)=%.2f/%.2fms " +
            "lostWrites=%d unseenApplies=%d snapshots(taken/installed)=%d/%d simulated=%.2fs settle=%.1fms " +
            "wall=%dms trace=%016x",
            seed, passed() ? "ok" : "VIOLATION", nodes, delegation, appends, acked, refused, unknown, slots, noops,
            viewChanges(), crashes, partitions, messagesSent, messagesDropped, traffic, wireBytes, leaderShare(),
            latencyMs(50), latencyMs(99), lostWrites, unseenApplies, snapshotsTaken, snapshotsInstalled,
            simulatedNs / 1e9, settleNs / 1e6,
            wallNs / 1_000_000, traceHash);
    }
}
