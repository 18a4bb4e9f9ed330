package io.geo.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Throughput of the region log state machine ({@link io.geo.epaxos.regionlog.RegionLogNode}): entries per second
 * appended and applied by a whole group of {@value BenchRegionLogGroup#NODE_COUNT} nodes, all driven in the one
 * benchmark thread by {@link BenchRegionLogGroup} (messages handed over as objects, no codec, no network, dropping
 * stores). Every node's work for an entry is counted: its proposer's, both other acceptors' and every node's apply.
 * A node of a real group does only part of it, and not an equal third: the trial's end prints the messages per entry
 * the leader and the two others sent and received.
 *
 * <p>One invocation appends {@value #BATCH} entries of {@code payloadBytes} each, spread round-robin over the three
 * nodes (the first node rotates per invocation), all at the same synthetic instant, then runs rounds until every
 * node applied all of them. The score is entries per second ({@link OperationsPerInvocation}), so
 * {@code gc.alloc.rate.norm} is bytes per entry for the whole group. It includes the copy of the payload each append
 * makes and, once per {@value #MAX_SLOTS_PER_GROUP} slots, the rebuild below. {@code measured.alloc.norm}
 * ({@code -prof io.geo.bench.MeasuredAllocationProfiler}) leaves out the rebuild.
 *
 * <p>The group is built, and a leader elected, at the start of the trial. The nodes run without snapshots (no log
 * truncation), so every node keeps every slot. The per-invocation teardown therefore checks that all nodes applied
 * the same entries in the same order, and rebuilds and re-elects the group once node 0 applied
 * {@value #MAX_SLOTS_PER_GROUP} slots. The log
 * thus holds between 0 and that many slots, whatever the speed of the run.
 *
 * <p>{@code protocol}: {@code DELEGATION} is the default delegated-leader log (every node proposes its own entries in
 * slots the leader granted it); {@code MULTI_PAXOS} is {@code RegionLogConfig.delegation(false)}, the baseline (the
 * others forward their entries to the leader, which proposes them all).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class RegionLogBenchmark
{
    static final int BATCH = 64;
    static final int MAX_SLOTS_PER_GROUP = 1 << 16;
    /** Bound on the rounds one batch may take: 1 s of synthetic time. */
    static final int MAX_ROUNDS_PER_BATCH = 10_000;

    public enum Protocol
    {
        /** Delegated leader: the default, {@code delegation(true)}. */
        DELEGATION,
        /** Multi-Paxos, {@code delegation(false)}: the baseline. */
        MULTI_PAXOS
    }

    @Param
    public Protocol protocol;

    @Param({"16", "1024"})
    public int payloadBytes;

    private BenchRegionLogGroup group;
    private byte[] payload;
    private long invocations;

    // Totals over the trial (warmup included), printed at its end: what one entry costs in messages and slots.
    private long groupsBuilt;
    private long totalEntries;
    private long totalSlots;
    private long totalMessages;
    private long totalRounds;
    private long totalStoreWrites;
    /** Messages sent and received by the leader and by the two other nodes together. */
    private long leaderSent;
    private long leaderReceived;
    private long othersSent;
    private long othersReceived;
    private int leader;
    private final long[] sentAtElection = new long[BenchRegionLogGroup.NODE_COUNT];
    private final long[] receivedAtElection = new long[BenchRegionLogGroup.NODE_COUNT];
    private long slotsAtElection;
    private long messagesAtElection;
    private long roundsAtElection;
    private long storeWritesAtElection;

    @Setup(Level.Trial)
    public void createGroup()
    {
        payload = new byte[payloadBytes];
        for (int i = 0; i < payloadBytes; i++)
        {
            payload[i] = (byte)i;
        }
        newGroup();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int appendAndApply()
    {
        final long allocatedAtStart = MeasuredAllocation.start();
        final int firstNode = (int)(invocations++ % BenchRegionLogGroup.NODE_COUNT);
        for (int i = 0; i < BATCH; i++)
        {
            group.append((firstNode + i) % BenchRegionLogGroup.NODE_COUNT, payload);
        }
        final int rounds = group.runUntilAllApplied(MAX_ROUNDS_PER_BATCH);
        MeasuredAllocation.record(allocatedAtStart, BATCH);
        return rounds;
    }

    @TearDown(Level.Invocation)
    public void verifyAndBound()
    {
        group.verifyAgreement();
        if (group.node(0).appliedIndex() >= MAX_SLOTS_PER_GROUP)
        {
            addTotals();
            newGroup();
        }
    }

    @TearDown(Level.Trial)
    public void report()
    {
        addTotals();
        final double entries = Math.max(1, totalEntries);
        System.out.printf(
            "%nregion log, %s, %d B: %d entries in %d groups; per entry: %.2f slots, %.2f messages delivered, " +
            "%.2f store writes (3 nodes); %.2f rounds per batch of %d; messages per entry sent/received by the " +
            "leader %.2f/%.2f, by the two others %.2f/%.2f%n",
            protocol, payloadBytes, totalEntries, groupsBuilt, totalSlots / entries, totalMessages / entries,
            totalStoreWrites / entries, totalRounds / (entries / BATCH), BATCH, leaderSent / entries,
            leaderReceived / entries, othersSent / entries, othersReceived / entries);
    }

    private void newGroup()
    {
        group = new BenchRegionLogGroup(protocol == Protocol.DELEGATION);
        leader = group.elect();
        groupsBuilt++;
        for (int id = 0; id < BenchRegionLogGroup.NODE_COUNT; id++)
        {
            sentAtElection[id] = group.messagesSentBy(id);
            receivedAtElection[id] = group.messagesDeliveredTo(id);
        }
        slotsAtElection = group.appliedSlots(0);
        messagesAtElection = group.messagesDelivered();
        roundsAtElection = group.rounds();
        storeWritesAtElection = storeWrites();
    }

    /** Adds the current group's counts since its election to the totals. */
    private void addTotals()
    {
        totalEntries += group.appendedEntries();
        totalSlots += group.appliedSlots(0) - slotsAtElection;
        totalMessages += group.messagesDelivered() - messagesAtElection;
        totalRounds += group.rounds() - roundsAtElection;
        totalStoreWrites += storeWrites() - storeWritesAtElection;
        BenchRegionLogGroup.require(group.leader() == leader, "leader at the end of a group", leader, group.leader());
        for (int id = 0; id < BenchRegionLogGroup.NODE_COUNT; id++)
        {
            final long sent = group.messagesSentBy(id) - sentAtElection[id];
            final long received = group.messagesDeliveredTo(id) - receivedAtElection[id];
            if (id == leader)
            {
                leaderSent += sent;
                leaderReceived += received;
            }
            else
            {
                othersSent += sent;
                othersReceived += received;
            }
        }
    }

    private long storeWrites()
    {
        long writes = 0;
        for (int id = 0; id < BenchRegionLogGroup.NODE_COUNT; id++)
        {
            writes += group.store(id).writes();
        }
        return writes;
    }
}
