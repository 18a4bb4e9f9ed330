package io.geo.epaxos.replica;

import io.geo.epaxos.api.Rejection;
import io.geo.epaxos.messages.Accept;
import io.geo.epaxos.messages.PreAccept;
import io.geo.epaxos.messages.Prepare;
import io.geo.epaxos.messages.PrepareReply;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Deps;
import io.geo.epaxos.primitives.InstanceId;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.replica.ClusterHarness.Outcome;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.geo.epaxos.replica.ClusterHarness.RECOVERY_DUE_NS;
import static io.geo.epaxos.replica.ClusterHarness.about;
import static io.geo.epaxos.replica.ClusterHarness.bytes;
import static io.geo.epaxos.replica.ClusterHarness.from;
import static io.geo.epaxos.replica.ClusterHarness.ofType;
import static io.geo.epaxos.replica.ClusterHarness.to;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A batch of client commands in one instance: ordered as one, executed and answered member by member. */
class EpaxosReplicaBatchTest
{
    private static Command put(final long client, final long request, final String key, final String value)
    {
        return Command.of(client, request, Op.put(Key.of(key), bytes(value)));
    }

    @Test
    void shouldExecuteEveryMemberInOrderAndAnswerEachOfThemOnce()
    {
        final ClusterHarness h = new ClusterHarness(3);
        final Command first = put(1, 1, "x", "one");
        final Command second = Command.of(2, 1, Op.incr(Key.of("n"), 5));
        final Command third = put(1, 2, "x", "two"); // the same client again, later in the batch
        final long id = h.submit(0, Command.batch(List.of(first, second, third)));
        h.runUntilQuiet();

        assertEquals(1, h.replica(0).counters().proposed(), "one instance for the three commands");
        for (final Command member : List.of(first, second, third))
        {
            final Outcome outcome = h.outcome(0, member);
            assertNotNull(outcome, "answered: " + member);
            assertTrue(outcome.executed());
            assertEquals(id, outcome.instance());
        }
        assertEquals(3, h.outcomes(0).size(), "one answer per member, none for the batch itself");
        assertEquals(1, h.outcome(0, second).results().length, "the results of its own ops");
        assertTrue(h.outcome(0, second).results()[0].ok());
        for (int r = 0; r < 3; r++)
        {
            assertArrayEquals(bytes("two"), h.stateMachine(r).get(Key.of("x")), "members apply in order at " + r);
        }
        h.assertConverged();
        h.assertSafety();
    }

    @Test
    void shouldOrderABatchAfterAnyCommandThatConflictsWithOneMember()
    {
        final ClusterHarness h = new ClusterHarness(3);
        final long earlier = h.submit(1, put(9, 1, "y", "earlier"));
        h.runUntilQuiet();
        final long batch = h.submit(0, Command.batch(List.of(put(1, 1, "x", "a"), put(2, 1, "y", "b"))));
        h.runUntilQuiet();
        assertTrue(Deps.contains(h.decided(batch).deps(), earlier), "the batch writes y: it depends on 'earlier'");
        final long session = h.submit(2, put(1, 2, "z", "c")); // client 1's next write: its session conflicts
        h.runUntilQuiet();
        assertTrue(Deps.contains(h.decided(session).deps(), batch), "client 1's session passes through the batch");
        h.assertConverged();
        h.assertSafety();
    }

    @Test
    void shouldRejectOnlyTheInvalidMembersOfABatch()
    {
        final ClusterHarness h = new ClusterHarness(3, c -> c.maxValueBytes(4));
        final Command good = put(1, 1, "x", "ok");
        final Command tooLarge = put(2, 1, "y", "far too large");
        final Command alsoGood = put(3, 1, "z", "ok");
        h.submit(0, Command.batch(List.of(good, tooLarge, alsoGood)));
        h.runUntilQuiet();

        assertEquals(Rejection.INVALID, h.outcome(0, tooLarge).rejection());
        assertTrue(h.outcome(0, good).executed());
        assertTrue(h.outcome(0, alsoGood).executed());
        final long id = h.outcome(0, good).instance();
        assertEquals(Command.batch(List.of(good, alsoGood)), h.decided(id).command(), "the valid members go on");
        h.assertSafety();
    }

    @Test
    void shouldAbortEveryMemberWhenRecoveryCommitsANoop()
    {
        final ClusterHarness h = new ClusterHarness(5);
        final Command a = put(1, 1, "x", "a");
        final Command b = put(2, 1, "w", "b");
        final long lostId = h.submit(0, Command.batch(List.of(a, b)));
        h.deliverMatching(ofType(PreAccept.class).and(about(lostId)).and(to(1)));
        h.isolate(0);

        h.submit(1, put(3, 1, "x", "later"));
        h.deliverAll();
        h.advance(RECOVERY_DUE_NS);
        h.tick(3);
        h.deliverMatching(ofType(Prepare.class).and(about(lostId)).and(to(2).or(to(4))));
        h.deliverMatching(ofType(PrepareReply.class).and(to(3)));
        final List<ClusterHarness.Envelope> accepts = h.pending(ofType(Accept.class).and(about(lostId)).and(from(3)));
        assertFalse(accepts.isEmpty(), "replica 3 decided with promises from 2, 3 and 4");
        assertTrue(((Accept)accepts.get(0).message()).command().isNoop());

        h.runUntilQuiet(1, 2, 3, 4);
        h.heal();
        h.runUntilQuiet();
        assertTrue(h.decided(lostId).command().isNoop(), InstanceId.toString(lostId));
        assertEquals(Rejection.ABORTED, h.outcome(0, a).rejection());
        assertEquals(Rejection.ABORTED, h.outcome(0, b).rejection());
        assertEquals(0, h.replica(0).inFlightCommands(), "both members left the in-flight count");
        h.assertConverged();
        h.assertSafety();
    }
}
