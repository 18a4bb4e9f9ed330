package io.geo.epaxos.replica;

import io.geo.epaxos.api.InstanceRecord;
import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.messages.Accept;
import io.geo.epaxos.messages.AcceptReply;
import io.geo.epaxos.messages.Commit;
import io.geo.epaxos.messages.PreAccept;
import io.geo.epaxos.messages.PreAcceptReply;
import io.geo.epaxos.messages.Prepare;
import io.geo.epaxos.messages.PrepareReply;
import io.geo.epaxos.primitives.Ballot;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.Result;
import io.geo.epaxos.primitives.Status;
import io.geo.epaxos.replica.ClusterHarness.Delivery;
import io.geo.epaxos.replica.ClusterHarness.Envelope;
import io.geo.epaxos.replica.ClusterHarness.Outcome;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.geo.epaxos.replica.ClusterHarness.FAST_PATH_TIMEOUT_NS;
import static io.geo.epaxos.replica.ClusterHarness.GC_INTERVAL_NS;
import static io.geo.epaxos.replica.ClusterHarness.RECOVERY_DUE_NS;
import static io.geo.epaxos.replica.ClusterHarness.about;
import static io.geo.epaxos.replica.ClusterHarness.bytes;
import static io.geo.epaxos.replica.ClusterHarness.from;
import static io.geo.epaxos.replica.ClusterHarness.ofType;
import static io.geo.epaxos.replica.ClusterHarness.to;
import static io.geo.epaxos.replica.ClusterHarness.touching;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Protocol scenarios for {@link EpaxosReplica}, each built message by message with {@link ClusterHarness}: the fast
 * and slow paths, leader crashes in every phase, the fast-path recovery trap, concurrent recoveries, ballots,
 * partitions, duplicated and reordered traffic, restarts, garbage collection and limits. Every scenario ends by
 * checking safety (one value per instance, conflicting commands in one order everywhere, same final state).
 */
class EpaxosReplicaScenarioTest
{
    // ------------------------------------------------------------------------------------------------ fast path

    @ParameterizedTest(name = "N={0}")
    @CsvSource({"3, 1", "5, 2", "7, 4"})
    void shouldCommitOnFastPathAfterOneRoundFromNearestFastQuorumWhenNoConflicts(
        final int replicas, final int otherReplies)
    {
        final ClusterHarness h = new ClusterHarness(replicas);
        assertEquals(otherReplies + 1, ReplicaConfig.fastQuorum(replicas), "fast quorum including the leader");

        for (int leader = 0; leader < replicas; leader++)
        {
            final Command command = put(leader + 1, "key-" + leader, "value-" + leader);
            final long id = h.submit(leader, command);
            for (int i = 1; i <= otherReplies; i++)
            {
                deliverPreAccept(h, id, (leader + i) % replicas);
            }
            final List<Envelope> replies = h.pending(ofType(PreAcceptReply.class).and(about(id)));
            assertEquals(otherReplies, replies.size());
            for (final Envelope reply : replies)
            {
                assertFalse(h.replica(leader).status(id).isCommitted(), "committed before the last fast-quorum reply");
                assertTrue(((PreAcceptReply)reply.message()).identical(), "no conflict, so every vote is identical");
                h.deliver(reply);
            }

            assertTrue(h.replica(leader).status(id).isCommitted(), "committed after one round");
            assertEquals(1, h.replica(leader).counters().fastPathCommits());
            assertEquals(0, h.replica(leader).counters().slowPathCommits());
            assertTrue(h.pending(ofType(Accept.class)).isEmpty());
            assertEquals(replicas - 1, h.pending(ofType(Commit.class).and(about(id))).size());
            final Outcome outcome = h.outcome(leader, command);
            assertNotNull(outcome);
            assertTrue(outcome.executed());
            assertTrue(outcome.fastPath());
            h.runUntilQuiet();
        }

        assertTrue(h.sent(ofType(Accept.class)).isEmpty(), "no command needed phase 2");
        h.assertConverged();
        for (int r = 0; r < replicas; r++)
        {
            assertArrayEquals(bytes("value-" + r), h.stateMachine(0).get(Key.of("key-" + r)));
        }
    }

    // ------------------------------------------------------------------------------------------------ slow path

    @Test
    void shouldCommitConflictingConcurrentCommandsOnSlowPathInOneOrderEverywhere()
    {
        final ClusterHarness h = new ClusterHarness(5);
        final Command first = put(1, "x", "first");
        final Command second = put(2, "x", "second");
        final long a = h.submit(0, first);
        final long b = h.submit(1, second);

        // Replica 2 sees a first, replica 3 sees b first, the leaders see each other's command second, and replica
        // 4 is slow: neither leader can gather a fast quorum of identical votes. Once its nearest fast quorum (two
        // other replicas for N = 5) has answered without agreeing, a leader runs Accept at once instead of waiting
        // for replica 4.
        deliverPreAccept(h, a, 2);
        deliverPreAccept(h, b, 3);
        deliverPreAccept(h, a, 1);
        deliverPreAccept(h, b, 0);
        deliverPreAccept(h, a, 3);
        deliverPreAccept(h, b, 2);
        h.deliverMatching(ofType(PreAcceptReply.class));
        assertEquals(4, h.pending(ofType(Accept.class).and(about(a))).size(), "leader 0 gave up the fast path");
        assertEquals(4, h.pending(ofType(Accept.class).and(about(b))).size(), "leader 1 gave up the fast path");
        h.deliverAll();

        for (final int leader : new int[] {0, 1})
        {
            assertEquals(0, h.replica(leader).counters().fastPathCommits());
            assertEquals(1, h.replica(leader).counters().slowPathCommits());
        }
        final InstanceRecord committedA = h.decided(a);
        final InstanceRecord committedB = h.decided(b);
        assertTrue(Deps.contains(committedA.deps(), b) || Deps.contains(committedB.deps(), a),
            "conflicting committed commands: one depends on the other");
        assertFalse(h.outcome(0, first).fastPath());
        assertFalse(h.outcome(1, second).fastPath());

        h.runUntilQuiet();
        h.assertConverged();
        final List<Long> reference = h.executionOrder(0);
        for (int r = 1; r < 5; r++)
        {
            assertEquals(reference, h.executionOrder(r), "execution order at replica " + r);
        }
    }

    // ------------------------------------------------------------------------------------------------ leader crashes

    @Test
    void shouldRecoverPreAcceptedCommandWhenLeaderCrashesBeforeAnyReply()
    {
        final ClusterHarness h = new ClusterHarness(5);
        final Command command = put(1, "x", "a");
        final long id = h.submit(0, command);
        deliverPreAccept(h, id, 1);
        deliverPreAccept(h, id, 2);
        h.crash(0);
        h.drop(touching(0));

        h.tickAll(RECOVERY_DUE_NS);
        assertTrue(h.replica(1).counters().recoveriesStarted() + h.replica(2).counters().recoveriesStarted() > 0);
        h.runUntilQuiet();

        final PreAccept proposal = originalPreAccept(h, id);
        final InstanceRecord decided = h.decided(id);
        assertEquals(command, decided.command(), "a fast quorum may have voted for it: recovery keeps it");
        assertEquals(proposal.seq(), decided.seq());
        assertArrayEquals(proposal.deps(), decided.deps());
        for (int r = 1; r < 5; r++)
        {
            assertEquals(command, h.executedCommand(r, id), "replica " + r);
        }
        h.assertConverged();

        h.restart(0);
        h.runUntilQuiet();
        assertEquals(command, h.executedCommand(0, id), "the restarted leader learns the recovered commit");
        h.assertConverged();
    }

    @Test
    void shouldCommitNoopAndAbortClientWhenNoMajorityMemberSawThePreAcceptOfASilentLeader()
    {
        final ClusterHarness h = new ClusterHarness(5);
        final Command lost = put(1, "x", "lost");
        final long lostId = h.submit(0, lost);
        deliverPreAccept(h, lostId, 1);
        h.isolate(0);

        // Replica 1 depends on the lost instance; 2, 3 and 4 learn of it only from that dependency.
        final Command later = put(2, "x", "later");
        final long laterId = h.submit(1, later);
        h.deliverAll();
        assertTrue(Deps.contains(h.decided(laterId).deps(), lostId));
        for (int r = 1; r < 5; r++)
        {
            assertEquals(Status.COMMITTED, h.replica(r).status(laterId), "waits for the lost instance at " + r);
        }

        h.advance(RECOVERY_DUE_NS);
        h.tick(3);
        h.deliverMatching(ofType(Prepare.class).and(about(lostId)).and(to(2).or(to(4))));
        h.deliverMatching(ofType(PrepareReply.class).and(to(3)));
        final List<Envelope> accepts = h.pending(ofType(Accept.class).and(about(lostId)).and(from(3)));
        assertFalse(accepts.isEmpty(), "replica 3 decided with promises from 2, 3 and 4");
        assertTrue(((Accept)accepts.get(0).message()).command().isNoop());

        h.runUntilQuiet(1, 2, 3, 4);
        assertTrue(h.decided(lostId).command().isNoop());
        for (int r = 1; r < 5; r++)
        {
            assertEquals(later, h.executedCommand(r, laterId));
            assertNull(h.executedCommand(r, lostId));
        }

        h.heal();
        h.runUntilQuiet();
        final Outcome outcome = h.outcome(0, lost);
        assertNotNull(outcome, "the leader answers its client once it learns the no-op");
        assertEquals(Rejection.ABORTED, outcome.rejection());
        assertEquals(later, h.executedCommand(0, laterId));
        h.assertConverged();
        assertArrayEquals(bytes("later"), h.stateMachine(0).get(Key.of("x")));
    }

    @Test
    void shouldFinishRecoveryWithAcceptedAttributesWhenLeaderCrashesAfterAcceptReachedOneReplica()
    {
        final ClusterHarness h = new ClusterHarness(5);
        // Replicas 2 and 3 know an earlier conflicting command the leader has not heard of: its command must take
        // the slow path with their deps.
        final Command earlier = put(1, "x", "earlier");
        final long earlierId = h.submit(1, earlier);
        deliverPreAccept(h, earlierId, 2);
        deliverPreAccept(h, earlierId, 3);

        final Command command = put(2, "x", "a");
        final long id = h.submit(0, command);
        deliverPreAccept(h, id, 1);
        deliverPreAccept(h, id, 2);
        deliverPreAccept(h, id, 3);
        h.deliverMatching(ofType(PreAcceptReply.class).and(about(id)));
        final Envelope acceptToOne = h.single(ofType(Accept.class).and(about(id)).and(to(1)));
        final Accept accept = (Accept)acceptToOne.message();
        assertTrue(Deps.contains(accept.deps(), earlierId), "slow path with the union of the replies");
        h.deliver(acceptToOne);
        h.crash(0);
        h.drop(touching(0));
        h.deliverAll();
        assertEquals(Status.ACCEPTED, h.replica(1).status(id));
        assertFalse(h.replica(2).status(id).isCommitted());

        h.advance(RECOVERY_DUE_NS);
        h.tick(2);
        h.deliverMatching(ofType(Prepare.class).and(about(id)).and(to(1).or(to(3))));
        h.deliverMatching(ofType(PrepareReply.class).and(to(2)));
        h.deliverAll();

        final InstanceRecord decided = h.decided(id);
        assertNotNull(decided, "recovered");
        assertEquals(command, decided.command());
        assertEquals(accept.seq(), decided.seq());
        assertArrayEquals(accept.deps(), decided.deps());
        h.runUntilQuiet();
        h.assertConverged();
        assertArrayEquals(bytes("a"), h.stateMachine(1).get(Key.of("x")));
    }

    @Test
    void shouldLearnTheSameCommitThroughRecoveryWhenLeaderCrashesAfterCommitReachedOneReplica()
    {
        final ClusterHarness h = new ClusterHarness(5);
        final Command command = put(1, "x", "a");
        final long id = h.submit(0, command);
        deliverPreAccept(h, id, 1);
        deliverPreAccept(h, id, 2);
        h.deliverMatching(ofType(PreAcceptReply.class));
        final InstanceRecord atLeader = h.replica(0).committed(id);
        assertNotNull(atLeader, "fast path");
        h.deliverMatching(ofType(Commit.class).and(to(3)));
        h.crash(0);
        h.drop(touching(0));
        assertTrue(h.replica(3).status(id).isCommitted());
        assertEquals(Status.PRE_ACCEPTED, h.replica(1).status(id));
        assertEquals(Status.NONE, h.replica(4).status(id));

        h.advance(RECOVERY_DUE_NS);
        h.tick(1);
        h.deliverAll();
        for (int r = 1; r < 5; r++)
        {
            final InstanceRecord committed = h.replica(r).committed(id);
            assertNotNull(committed, "replica " + r + " learned the commit");
            assertTrue(ClusterHarness.sameAttributes(atLeader, committed), "replica " + r + " has " +
                ClusterHarness.attributes(committed) + ", the leader had " + ClusterHarness.attributes(atLeader));
        }
        h.runUntilQuiet();
        h.assertConverged();
    }

    /**
     * The classic EPaxos recovery trap: the leader committed on the fast path, its Commits were lost and it crashed;
     * a conflicting command then commits depending on it. Recovery must commit the leader's seq and deps, not
     * attributes recomputed from a conflict index that now holds the later command (that would make the two
     * commands a cycle ordered the other way round at the replicas that did not execute with the leader).
     */
    @ParameterizedTest(name = "N={0}")
    @ValueSource(ints = {3, 5})
    void shouldRecoverFastPathCommitWithItsOriginalAttributesAfterLostCommitsAndLeaderCrash(final int replicas)
    {
        final ClusterHarness h = new ClusterHarness(replicas);
        final int others = ReplicaConfig.fastQuorum(replicas) - 1;
        final Command first = put(1, "x", "first");
        final long firstId = h.submit(0, first);
        for (int r = 1; r <= others; r++)
        {
            deliverPreAccept(h, firstId, r);
        }
        h.drop(ofType(PreAccept.class).and(about(firstId)));
        h.deliverMatching(ofType(PreAcceptReply.class).and(about(firstId)));
        final InstanceRecord atLeader = h.replica(0).committed(firstId);
        assertNotNull(atLeader, "the leader committed on the fast path");
        assertEquals(1, h.replica(0).counters().fastPathCommits());
        assertTrue(h.outcome(0, first).fastPath());
        assertEquals(Status.EXECUTED, h.replica(0).status(firstId), "and executed it");
        h.drop(ofType(Commit.class));
        h.crash(0);
        h.drop(touching(0));

        // A conflicting command at a replica outside the fast quorum: it commits depending on the first.
        final int other = replicas - 1;
        final Command second = put(2, "x", "second");
        final long secondId = h.submit(other, second);
        h.deliverAll();
        h.tickAll(FAST_PATH_TIMEOUT_NS);
        h.deliverAll();
        assertTrue(h.replica(other).status(secondId).isCommitted());
        assertTrue(Deps.contains(h.decided(secondId).deps(), firstId));

        // The replica that knows the first command only as a dependency recovers it; replicas outside the fast
        // quorum answer first.
        h.advance(RECOVERY_DUE_NS);
        h.tick(other);
        final Predicate<Envelope> prepare = ofType(Prepare.class).and(about(firstId));
        for (int r = others + 1; r < replicas; r++)
        {
            h.deliverMatching(prepare.and(to(r)));
        }
        h.deliverMatching(ofType(PrepareReply.class).and(to(other)));
        h.deliverAll();
        if (replicas == 5)
        {
            assertTrue(h.replica(other).counters().recoveryWaits() > 0,
                "with one identical vote and one replica unheard of, recovery waited instead of choosing");
        }

        for (int r = 1; r < replicas; r++)
        {
            final InstanceRecord committed = h.replica(r).committed(firstId);
            assertNotNull(committed, "replica " + r + " committed the first command");
            assertTrue(ClusterHarness.sameAttributes(atLeader, committed), "replica " + r + " committed " +
                ClusterHarness.attributes(committed) + ", the leader " + ClusterHarness.attributes(atLeader));
        }
        h.restart(0);
        h.runUntilQuiet();
        h.assertConverged();
        for (int r = 0; r < replicas; r++)
        {
            final List<Long> order = h.executionOrder(r);
            assertTrue(order.indexOf(firstId) < order.indexOf(secondId), "first before second at replica " + r);
            assertArrayEquals(bytes("second"), h.stateMachine(r).get(Key.of("x")));
        }
    }

    @Test
    void shouldRecoverOnceACrashedFastQuorumMemberRestartsAfterLeaderCrash()
    {
        final ClusterHarness h = new ClusterHarness(5);
        final Command command = put(1, "x", "a");
        final long id = h.submit(0, command);
        deliverPreAccept(h, id, 1);
        deliverPreAccept(h, id, 2);
        h.deliverMatching(ofType(PreAcceptReply.class));
        final InstanceRecord atLeader = h.replica(0).committed(id);
        assertNotNull(atLeader, "fast path");
        h.crash(0);
        h.crash(2);
        h.drop(touching(0).or(touching(2)));

        h.restart(2);
        h.runUntilQuiet();
        for (int r = 1; r < 5; r++)
        {
            assertTrue(ClusterHarness.sameAttributes(atLeader, h.replica(r).committed(id)), "replica " + r);
        }
        h.assertConverged();
    }

    /**
     * N = 5 tolerates two failures, but after the leader and one member of its fast quorum crash, recovery on the
     * surviving majority {1, 3, 4} sees one identical vote and one replica unheard of, and waits for that replica
     * forever. The EPaxos paper's recovery decides here (floor((F + 1) / 2) = 1 identical vote among F + 1 replies,
     * and no conflicting command exists), committing the leader's attributes.
     */
    @Test
    @Disabled("liveness: EpaxosReplica.decideRecovery waits (recoveryWaits) while identicalVotes + unknown >= " +
        "fastQuorum - 1, so with the leader and one fast-quorum member permanently down (F = 2 of N = 5) the " +
        "instance, and every command that conflicts with it, never commits; safe, and it commits once the member " +
        "restarts (see shouldRecoverOnceACrashedFastQuorumMemberRestartsAfterLeaderCrash)")
    void shouldRecoverWhenLeaderAndOneFastQuorumMemberStayDown()
    {
        final ClusterHarness h = new ClusterHarness(5);
        final Command command = put(1, "x", "a");
        final long id = h.submit(0, command);
        deliverPreAccept(h, id, 1);
        deliverPreAccept(h, id, 2);
        h.deliverMatching(ofType(PreAcceptReply.class));
        final InstanceRecord atLeader = h.replica(0).committed(id);
        h.crash(0);
        h.crash(2);
        h.drop(touching(0).or(touching(2)));

        h.runUntilQuiet();
        for (final int r : new int[] {1, 3, 4})
        {
            assertTrue(ClusterHarness.sameAttributes(atLeader, h.replica(r).committed(id)), "replica " + r);
        }
        h.assertConverged();
    }

    // ------------------------------------------------------------------------------------------------ recovery

    @Test
    void shouldCommitOneValueWhenTwoReplicasRecoverTheSameInstanceConcurrently()
    {
        final ClusterHarness h = new ClusterHarness(5);
        final Command command = put(1, "x", "a");
        final long id = h.submit(0, command);
        deliverPreAccept(h, id, 1);
        deliverPreAccept(h, id, 2);
        deliverPreAccept(h, id, 3);
        h.crash(0);
        h.drop(touching(0));
        final Command conflicting = put(2, "x", "b");
        final long conflictingId = h.submit(4, conflicting);
        h.deliverAll();
        assertTrue(Deps.contains(h.decided(conflictingId).deps(), id));

        h.advance(RECOVERY_DUE_NS);
        h.tick(1);
        h.tick(2);
        final Predicate<Envelope> fromOne = ofType(Prepare.class).and(from(1));
        final Predicate<Envelope> fromTwo = ofType(Prepare.class).and(from(2));
        final long ballotOne = ((Prepare)h.single(fromOne.and(to(3))).message()).ballot();
        final long ballotTwo = ((Prepare)h.single(fromTwo.and(to(3))).message()).ballot();
        assertTrue(ballotTwo > ballotOne);

        // Replica 1 wins promises from 3 and 4 first and starts its Accept, which reaches replica 3 only ...
        h.deliverMatching(fromOne.and(to(3)));
        h.deliverMatching(fromOne.and(to(4)));
        h.deliverMatching(ofType(PrepareReply.class).and(to(1)));
        final List<Envelope> acceptsOfOne = h.pending(ofType(Accept.class).and(from(1)));
        assertFalse(acceptsOfOne.isEmpty(), "replica 1 decided");
        final Accept acceptOfOne = (Accept)acceptsOfOne.get(0).message();
        h.deliverMatching(ofType(Accept.class).and(from(1)).and(to(3)));
        // ... then replica 2's higher ballot takes over everywhere, interleaved with replica 1's stale Prepare.
        h.deliverMatching(fromTwo.and(to(4)));
        h.deliverMatching(fromOne.and(to(2)));
        h.deliverMatching(fromTwo.and(to(3)));
        h.deliverMatching(fromTwo.and(to(1)));
        h.deliverAll();

        final InstanceRecord decided = h.decided(id);
        assertNotNull(decided);
        assertEquals(command, decided.command());
        assertEquals(acceptOfOne.seq(), decided.seq(), "the value accepted in the highest ballot wins");
        assertArrayEquals(acceptOfOne.deps(), decided.deps());
        assertTrue(h.replica(1).counters().preempted() > 0, "replica 1 lost to replica 2");
        h.runUntilQuiet();
        h.assertConverged();
    }

    @Test
    void shouldRejectLatePreAcceptOfOriginalLeaderAfterPromisingRecoveryBallot()
    {
        final ClusterHarness h = new ClusterHarness(3);
        final Command command = put(1, "x", "a");
        final long id = h.submit(0, command);
        deliverPreAccept(h, id, 1);
        h.drop(ofType(PreAcceptReply.class));

        h.advance(RECOVERY_DUE_NS);
        h.tick(1);
        final Prepare prepare = (Prepare)h.single(ofType(Prepare.class).and(to(2))).message();
        assertTrue(prepare.ballot() > Ballot.initial(0));
        h.deliverMatching(ofType(Prepare.class).and(to(2)));
        h.deliverMatching(ofType(PreAccept.class).and(to(2)));

        final PreAcceptReply reply = (PreAcceptReply)h.single(ofType(PreAcceptReply.class).and(from(2))).message();
        assertFalse(reply.ok(), "the late PreAccept is below the promise");
        assertEquals(prepare.ballot(), reply.promisedBallot());
        assertEquals(Status.NONE, h.replica(2).status(id), "no vote was cast");

        h.runUntilQuiet();
        final Outcome outcome = h.outcome(0, command);
        assertTrue(outcome.executed(), "recovery kept the command");
        assertFalse(outcome.fastPath());
        h.assertConverged();
    }

    /**
     * Same as above, but the recovering replica knows the instance only as a dependency of a committed command, so it
     * has never promised any ballot for it, and its id is lower than the leader's.
     */
    @Test
    void shouldRejectLatePreAcceptAfterPromisingRecoveryOfReplicaThatOnlyKnewInstanceAsDependency()
    {
        final ClusterHarness h = new ClusterHarness(3);
        // Leader 2's PreAccepts for its first command are slow; its next, conflicting command reaches 0 and 1 at
        // once and commits on the fast path, depending on the first.
        final long lostId = h.submit(2, put(1, "x", "lost"));
        final long laterId = h.submit(2, put(2, "x", "later"));
        h.deliverMatching(ofType(PreAccept.class).and(about(laterId)));
        h.deliverMatching(ofType(PreAcceptReply.class).and(about(laterId)));
        h.deliverMatching(ofType(Commit.class).and(about(laterId)));
        assertEquals(Status.NONE, h.replica(0).status(lostId), "replica 0 knows the lost instance as a dependency");

        h.advance(RECOVERY_DUE_NS);
        h.tick(0);
        final Prepare prepare = (Prepare)h.single(ofType(Prepare.class).and(to(1))).message();
        assertTrue(prepare.ballot() > Ballot.initial(2), "a recovery ballot " + Ballot.toString(prepare.ballot()) +
            " must be above the leader's initial ballot " + Ballot.toString(Ballot.initial(2)));
        h.deliverMatching(ofType(Prepare.class).and(to(1)));
        h.deliverMatching(ofType(PreAccept.class).and(about(lostId)).and(to(1)));

        final PreAcceptReply reply = (PreAcceptReply)h.single(ofType(PreAcceptReply.class).and(from(1))).message();
        assertFalse(reply.ok(), "the late PreAccept is below the promise");
    }

    /**
     * What the ballot bug above leads to: replica 0 recovers the leader's instance as a no-op in ballot 0.0 while the
     * leader, whose initial ballot 0.2 is higher, carries on and commits its command in the same instance.
     */
    @Test
    void shouldCommitOneValueWhenReplicaThatOnlyKnowsInstanceAsDependencyRecoversItWhileLeaderIsSlow()
    {
        final ClusterHarness h = new ClusterHarness(3);
        final Command lost = put(1, "x", "lost");
        final long lostId = h.submit(2, lost);
        final long laterId = h.submit(2, put(2, "x", "later"));
        // As above: the later command commits at once, depending on the lost one, whose PreAccepts are slow.
        h.deliverMatching(ofType(PreAccept.class).and(about(laterId)));
        h.deliverMatching(ofType(PreAcceptReply.class).and(about(laterId)));
        h.deliverMatching(ofType(Commit.class).and(about(laterId)));

        // The leader's PreAccepts for the lost instance are slow; replica 0 recovers it from promises of 0 and 1.
        h.advance(RECOVERY_DUE_NS);
        h.tick(0);
        h.deliverMatching(ofType(Prepare.class).and(to(1)));
        h.deliverMatching(ofType(PrepareReply.class).and(to(0)));
        h.deliverMatching(ofType(Accept.class).and(from(0)).and(to(1)));
        h.deliverMatching(ofType(AcceptReply.class).and(to(0)));
        assertNotNull(h.replica(0).committed(lostId), "replica 0 committed the instance");

        // The leader's PreAccept now reaches replica 1, then its Accept after the fast-path timeout.
        h.deliverMatching(ofType(PreAccept.class).and(about(lostId)).and(to(1)));
        h.deliverMatching(ofType(PreAcceptReply.class).and(to(2)));
        h.tickAll(FAST_PATH_TIMEOUT_NS);
        h.deliverMatching(ofType(Accept.class).and(from(2)).and(to(1)));
        h.deliverMatching(ofType(AcceptReply.class).and(to(2)));

        h.assertSafety();
        h.runUntilQuiet();
        h.assertConverged();
    }

    // ------------------------------------------------------------------------------------------------ partitions

    @Test
    void shouldCommitOnMajoritySideOfPartitionAndCatchUpMinorityAfterHealing()
    {
        final ClusterHarness h = new ClusterHarness(5);
        h.isolate(3, 4);
        final List<Command> majority = new ArrayList<>();
        final List<Long> majorityIds = new ArrayList<>();
        for (int i = 0; i < 9; i++)
        {
            final int leader = i % 3;
            final Command command = i % 2 == 0 ? put(10 + i, "shared", "v" + i) : incr(10 + i, "own-" + leader, i);
            majority.add(command);
            majorityIds.add(h.submit(leader, command));
        }
        final Command minority = put(99, "shared", "minority");
        final long minorityId = h.submit(3, minority);

        h.runUntilQuiet(0, 1, 2);
        for (int i = 0; i < majority.size(); i++)
        {
            final Outcome outcome = h.outcome(i % 3, majority.get(i));
            assertNotNull(outcome, "command " + i + " answered");
            assertTrue(outcome.executed());
        }
        assertFalse(h.replica(3).status(minorityId).isCommitted(), "the minority cannot commit");
        assertTrue(h.executionOrder(3).isEmpty());
        assertTrue(h.executionOrder(4).isEmpty());
        h.assertSafety();

        h.heal();
        h.runUntilQuiet();
        for (int r = 0; r < 5; r++)
        {
            for (final long id : majorityIds)
            {
                assertNotNull(h.executedCommand(r, id), "replica " + r + " executed " + InstanceId.toString(id));
            }
            assertEquals(minority, h.executedCommand(r, minorityId));
        }
        assertTrue(h.outcome(3, minority).executed());
        h.assertConverged();
    }

    // ------------------------------------------------------------------------------------------------ duplicates

    @Test
    void shouldGiveSameResultsWhenEveryMessageIsDeliveredTwiceInReverseOrder()
    {
        final ClusterHarness inOrder = new ClusterHarness(3);
        final ClusterHarness twiceReversed = new ClusterHarness(3);
        final List<Result[]> expected = runScript(inOrder, Delivery.IN_ORDER);
        final List<Result[]> actual = runScript(twiceReversed, Delivery.TWICE_REVERSED);

        for (int i = 0; i < expected.size(); i++)
        {
            assertArrayEquals(expected.get(i), actual.get(i), "results of command " + i);
        }
        assertState(inOrder.stateMachine(0).snapshot(), twiceReversed.stateMachine(0).snapshot());
        inOrder.assertConverged();
        twiceReversed.assertConverged();
        assertEquals(inOrder.stateMachine(0).appliedCommands(), twiceReversed.stateMachine(0).appliedCommands());
    }

    @Test
    void shouldStaySafeWhenConcurrentConflictingTrafficIsDeliveredTwiceInReverseOrder()
    {
        final ClusterHarness h = new ClusterHarness(5);
        final List<Command> commands = new ArrayList<>();
        for (int i = 0; i < 15; i++)
        {
            final Command command = i % 3 == 0 ? incr(i + 1, "counter", 1) : put(i + 1, "k" + (i % 2), "v" + i);
            commands.add(command);
            h.submit(i % 5, command);
        }
        h.runUntilQuiet(Delivery.TWICE_REVERSED);
        for (int i = 0; i < commands.size(); i++)
        {
            final Outcome outcome = h.outcome(i % 5, commands.get(i));
            assertNotNull(outcome, "command " + i + " answered once");
            assertTrue(outcome.executed());
        }
        h.assertConverged();
        assertArrayEquals(bytes("5"), h.stateMachine(4).get(Key.of("counter")));
    }

    @Test
    void shouldAnswerDuplicatePreAcceptWithRecordedVoteEvenAfterConflictingCommandArrives()
    {
        final ClusterHarness h = new ClusterHarness(3);
        final Command first = put(1, "x", "a");
        final long firstId = h.submit(0, first);
        final Predicate<Envelope> preAcceptToOne = ofType(PreAccept.class).and(about(firstId)).and(to(1));
        h.duplicate(preAcceptToOne);
        final List<Envelope> copies = h.pending(preAcceptToOne);
        assertEquals(2, copies.size());
        h.deliver(copies.get(0));
        final PreAcceptReply recorded = (PreAcceptReply)h.single(ofType(PreAcceptReply.class)).message();

        final Command second = put(2, "x", "b");
        final long secondId = h.submit(1, second);
        final PreAccept secondProposal =
            (PreAccept)h.pending(ofType(PreAccept.class).and(about(secondId))).get(0).message();
        assertTrue(Deps.contains(secondProposal.deps(), firstId), "replica 1 now knows a conflicting command");
        h.deliver(copies.get(1));

        final List<Envelope> replies = h.pending(ofType(PreAcceptReply.class).and(about(firstId)));
        assertEquals(2, replies.size());
        final PreAcceptReply again = (PreAcceptReply)replies.get(1).message();
        assertEquals(recorded.ballot(), again.ballot());
        assertTrue(again.ok());
        assertEquals(recorded.seq(), again.seq());
        assertArrayEquals(recorded.deps(), again.deps());
        assertEquals(recorded.identical(), again.identical());
        assertFalse(Deps.contains(again.deps(), secondId), "never recomputed against the later command");

        h.runUntilQuiet();
        h.assertConverged();
        assertEquals(1, h.replica(0).counters().fastPathCommits());
        assertArrayEquals(bytes("b"), h.stateMachine(2).get(Key.of("x")));
    }

    // ------------------------------------------------------------------------------------------------ restart

    @Test
    void shouldKeepPromisesAndCommittedInstancesAcrossRestart()
    {
        final ClusterHarness h = new ClusterHarness(3);
        final Command committed = put(1, "x", "a");
        final long committedId = h.submit(0, committed);
        h.runUntilQuiet();
        assertEquals(Status.EXECUTED, h.replica(1).status(committedId));

        final Command pending = put(2, "y", "b");
        final long pendingId = h.submit(0, pending);
        deliverPreAccept(h, pendingId, 1);
        deliverPreAccept(h, pendingId, 2);
        h.crash(0);
        h.drop(touching(0));
        h.advance(RECOVERY_DUE_NS);
        h.tick(2);
        h.deliverMatching(ofType(Prepare.class).and(to(1)));
        h.drop(ofType(PrepareReply.class));
        final long promised = h.store(1).record(pendingId).promisedBallot();
        assertEquals(Ballot.of(1, 2), promised);

        h.crash(1);
        h.restart(1);
        assertEquals(Status.EXECUTED, h.replica(1).status(committedId), "committed instance kept");
        assertArrayEquals(bytes("a"), h.stateMachine(1).get(Key.of("x")));

        final PreAccept proposal = originalPreAccept(h, pendingId);
        h.inject(0, 1, new Accept(Ballot.initial(0), pendingId, pending, proposal.seq(), proposal.deps()));
        h.inject(0, 1, new Accept(Ballot.of(1, 0), pendingId, pending, proposal.seq(), proposal.deps()));
        h.inject(0, 1, new PreAccept(Ballot.initial(0), pendingId, pending, proposal.seq(), proposal.deps()));
        h.inject(0, 1, new Prepare(Ballot.of(1, 0), pendingId));
        h.deliverTo(1);

        final List<Envelope> acceptReplies = h.pending(ofType(AcceptReply.class).and(from(1)));
        assertEquals(2, acceptReplies.size());
        for (final Envelope envelope : acceptReplies)
        {
            final AcceptReply reply = (AcceptReply)envelope.message();
            assertFalse(reply.ok(), "lower-ballot Accept after restart: " + envelope);
            assertEquals(promised, reply.promisedBallot());
        }
        assertFalse(((PreAcceptReply)h.single(ofType(PreAcceptReply.class).and(from(1))).message()).ok());
        assertFalse(((PrepareReply)h.single(ofType(PrepareReply.class).and(from(1))).message()).ok());
        assertEquals(Status.PRE_ACCEPTED, h.replica(1).status(pendingId), "vote unchanged");

        h.runUntilQuiet();
        assertEquals(pending, h.executedCommand(1, pendingId));
        h.restart(0);
        h.runUntilQuiet();
        h.assertConverged();
        assertEquals(1, h.executionOrder(1).stream().filter(id -> id == committedId).count(), "applied once");
    }

    // ------------------------------------------------------------------------------------------------ gc

    @Test
    void shouldForgetEveryInstanceOnEveryReplicaOnceAllExecuted()
    {
        final ClusterHarness h = new ClusterHarness(3);
        int submitted = 0;
        for (int batch = 0; batch < 10; batch++)
        {
            for (int i = 0; i < 15; i++)
            {
                final int leader = i % 3;
                final String key = i % 4 == 0 ? "hot" : "key-" + batch + "-" + i;
                h.submit(leader, put(1_000 + submitted, key, "v" + submitted));
                submitted++;
            }
            h.runUntilQuiet();
        }
        assertEquals(150, h.executionOrder(0).size());

        for (int round = 0; round < 4; round++)
        {
            h.tickAll(GC_INTERVAL_NS);
            h.deliverAll();
        }
        for (int r = 0; r < 3; r++)
        {
            assertEquals(0, h.replica(r).liveInstances(), "live instances at replica " + r);
            assertEquals(0, h.replica(r).indexedKeys(), "indexed keys at replica " + r);
            assertEquals(0, h.store(r).size(), "durable records at replica " + r);
            assertEquals(Status.EXECUTED, h.replica(r).status(InstanceId.of(0, 1)), "forgotten counts as executed");
        }
        h.assertConverged();

        h.submit(1, put(5_000, "hot", "after-gc"));
        h.runUntilQuiet();
        h.assertConverged();
        assertArrayEquals(bytes("after-gc"), h.stateMachine(2).get(Key.of("hot")));
    }

    // ------------------------------------------------------------------------------------------------ limits

    @Test
    void shouldRejectInvalidCommandsAndOverloadBeyondMaxInFlightCommands()
    {
        final ClusterHarness h = new ClusterHarness(3, config -> config
            .maxOpsPerCommand(2)
            .maxKeyBytes(8)
            .maxValueBytes(16)
            .maxInFlightCommands(3));

        final Command tooManyOps = Command.of(1, 1, Op.put(Key.of("a"), bytes("1")), Op.put(Key.of("b"), bytes("2")),
            Op.put(Key.of("c"), bytes("3")));
        final Command longKey = put(2, "123456789", "v");
        final Command emptyKey = Command.of(3, 1, Op.put(Key.of(""), bytes("v")));
        final Command bigValue = put(4, "k", "12345678901234567");
        final Command bigExpected = Command.of(5, 1, Op.cas(Key.of("k"), bytes("12345678901234567"), bytes("v")));
        for (final Command invalid : List.of(tooManyOps, longKey, emptyKey, bigValue, bigExpected))
        {
            assertEquals(InstanceId.NONE, h.submit(0, invalid), invalid.toString());
            assertEquals(Rejection.INVALID, h.outcome(0, invalid).rejection(), invalid.toString());
        }
        assertEquals(5, h.replica(0).counters().rejectedInvalid());
        assertTrue(h.pending().isEmpty(), "nothing invalid reaches the network");

        final List<Command> accepted = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            final Command command = put(10 + i, "ok-" + i, "v");
            accepted.add(command);
            assertNotEquals(InstanceId.NONE, h.submit(0, command));
        }
        assertEquals(3, h.replica(0).inFlightCommands());
        final Command overflow = put(20, "ok-3", "v");
        assertEquals(InstanceId.NONE, h.submit(0, overflow));
        assertEquals(Rejection.OVERLOADED, h.outcome(0, overflow).rejection());
        assertEquals(1, h.replica(0).counters().rejectedOverload());
        assertNotEquals(InstanceId.NONE, h.submit(1, put(21, "other", "v")), "the limit is per replica");

        h.runUntilQuiet();
        for (final Command command : accepted)
        {
            assertTrue(h.outcome(0, command).executed());
        }
        assertEquals(0, h.replica(0).inFlightCommands());
        final Command retry = put(20, "ok-3", "v");
        assertNotEquals(InstanceId.NONE, h.submit(0, retry), "room again once executed");
        h.runUntilQuiet();
        h.assertConverged();
        for (final Command invalid : List.of(tooManyOps, longKey, emptyKey, bigValue, bigExpected))
        {
            assertEquals(1, h.outcomes(0).stream().filter(o -> o.command().equals(invalid)).count());
        }
        assertNull(h.stateMachine(2).get(Key.of("a")), "a rejected command took no effect");
        assertNull(h.stateMachine(2).get(Key.of("k")));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** A scripted sequence, each command submitted once the previous one settled; returns results in order. */
    private static List<Result[]> runScript(final ClusterHarness h, final Delivery delivery)
    {
        final Command[] script = {
            incr(1, "n", 5),
            put(2, "k", "v1"),
            Command.of(3, 1, Op.cas(Key.of("k"), bytes("v1"), bytes("v2"))),
            Command.of(4, 1, Op.get(Key.of("k")), Op.get(Key.of("n"))),
            Command.of(1, 2, Op.incr(Key.of("n"), 3)),
            Command.of(3, 2, Op.cas(Key.of("k"), bytes("v1"), bytes("v3"))),
            Command.of(1, 2, Op.incr(Key.of("n"), 3)),
            Command.of(5, 1, Op.delete(Key.of("k")), Op.get(Key.of("n"))),
        };
        final List<Result[]> results = new ArrayList<>();
        for (int i = 0; i < script.length; i++)
        {
            final int leader = i % h.size();
            assertNotEquals(InstanceId.NONE, h.submit(leader, script[i]));
            h.runUntilQuiet(delivery);
            final List<Outcome> outcomes = new ArrayList<>();
            for (final Outcome outcome : h.outcomes(leader))
            {
                if (outcome.command().equals(script[i]))
                {
                    outcomes.add(outcome);
                }
            }
            // The retried request (index 6) is a second submission of an equal command at another leader.
            assertEquals(1, outcomes.size(), "one answer for command " + i + " at its leader");
            assertTrue(outcomes.get(0).executed());
            results.add(outcomes.get(0).results());
        }
        assertArrayEquals(results.get(4), results.get(6), "a retried request answers from the dedup table");
        assertArrayEquals(bytes("8"), h.stateMachine(0).get(Key.of("n")), "the retry applied once");
        return results;
    }

    private static void deliverPreAccept(final ClusterHarness h, final long instance, final int replica)
    {
        assertEquals(1, h.deliverMatching(ofType(PreAccept.class).and(about(instance)).and(to(replica))),
            "PreAccept of " + InstanceId.toString(instance) + " to " + replica);
    }

    private static PreAccept originalPreAccept(final ClusterHarness h, final long instance)
    {
        final int leader = InstanceId.replica(instance);
        return (PreAccept)h.sent(ofType(PreAccept.class).and(about(instance)).and(from(leader))).get(0).message();
    }

    private static void assertState(final Map<Key, byte[]> expected, final Map<Key, byte[]> actual)
    {
        assertEquals(expected.keySet(), actual.keySet());
        for (final Map.Entry<Key, byte[]> e : expected.entrySet())
        {
            assertTrue(Arrays.equals(e.getValue(), actual.get(e.getKey())), "value of " + e.getKey());
        }
    }

    private static Command put(final long client, final String key, final String value)
    {
        return Command.of(client, 1, Op.put(Key.of(key), bytes(value)));
    }

    private static Command incr(final long client, final String key, final long delta)
    {
        return Command.of(client, 1, Op.incr(Key.of(key), delta));
    }
}
