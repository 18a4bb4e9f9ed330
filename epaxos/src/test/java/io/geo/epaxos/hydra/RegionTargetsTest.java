package io.geo.epaxos.hydra;

import io.geo.epaxos.messages.Commit;
import io.geo.epaxos.messages.Message;
import io.geo.epaxos.messages.Prepare;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Node 0 (region 0, alone) sends to region 1 (nodes 1, 2, 3) and region 2 (node 4). */
class RegionTargetsTest
{
    private static final long SILENCE = 100;
    private static final int[] REGION_OF = {0, 1, 1, 1, 2};

    private final List<int[]> sent = new ArrayList<>();
    private final Set<Integer> unreachable = new HashSet<>();
    private final RegionTargets targets = new RegionTargets(new RegionLayout(REGION_OF), 0, SILENCE, (to, message) ->
    {
        if (unreachable.contains(to))
        {
            return false;
        }
        sent.add(new int[] {to, (int)(message instanceof Commit c ? c.instance() : ((Prepare)message).ballot())});
        return true;
    });

    /** A Commit of instance {@code id} (the one message kind resent on a move). */
    private static Message m(final int id)
    {
        return new Commit(id, Command.of(1, id, Op.get(Key.of("k"))), 1, new long[0]);
    }

    @Test
    void shouldKeepOneTargetWhileItAnswers()
    {
        for (int i = 0; i < 10; i++)
        {
            targets.send(1, m(i), i * 50);
            targets.heard(1);
            targets.check(i * 50 + 1);
        }
        assertEquals(1, targets.target(1));
        assertEquals(0, targets.targetChanges());
        assertEquals(10, sent.size());
    }

    @Test
    void shouldMoveASilentTargetsUnheardMessagesToTheNextNode()
    {
        targets.send(1, m(1), 0);
        targets.send(1, m(2), 10);
        targets.check(SILENCE); // not yet silent: 100 after the first send is the bound itself
        assertEquals(1, targets.target(1));
        targets.check(SILENCE + 1);
        assertEquals(2, targets.target(1));
        assertEquals(2, targets.resent());
        assertEquals(List.of("1:1", "1:2", "2:1", "2:2"), describe());

        // node 2 answers: nothing to resend when it later goes quiet for good
        targets.heard(2);
        targets.check(10 * SILENCE);
        assertEquals(2, targets.target(1));
    }

    @Test
    void shouldNotResendRequestsTheirProposerRetransmits()
    {
        targets.send(1, new Prepare(5, 1), 0);
        targets.send(1, m(6), 1);
        targets.check(SILENCE + 1);
        assertEquals(List.of("1:5", "1:6", "2:6"), describe());
    }

    @Test
    void shouldSendToARegionOfOneNodeWhoseNodeWasSilent()
    {
        targets.send(2, m(3), 0);
        targets.send(2, m(4), SILENCE + 5); // silent, not yet checked: still its only node
        assertEquals(List.of("4:3", "4:4"), describe());
        assertEquals(0, targets.refused());
    }

    @Test
    void shouldSkipAnUnreachableNodeAtOnce()
    {
        unreachable.add(1);
        targets.send(1, m(7), 0);
        assertEquals(2, targets.target(1));
        assertEquals(List.of("2:7"), describe());
        unreachable.add(2);
        unreachable.add(3);
        targets.send(1, m(8), 1);
        assertEquals(1, targets.refused());
    }

    @Test
    void shouldNotRotateARegionOfOneNode()
    {
        targets.send(2, m(3), 0);
        targets.check(SILENCE * 5);
        assertEquals(4, targets.target(2));
        assertEquals(0, targets.targetChanges());
        assertEquals(0, targets.resent());
    }

    private List<String> describe()
    {
        final List<String> out = new ArrayList<>();
        for (final int[] s : sent)
        {
            out.add(s[0] + ":" + s[1]);
        }
        return out;
    }
}
