package io.geo.router.storage;

import io.geo.epaxos.api.InstanceRecord;
import io.geo.epaxos.primitives.InstanceId;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.fail;

/** Field-by-field comparison of instance records (a record's equals compares its deps array by reference). */
final class StorageAssertions
{
    private StorageAssertions()
    {
    }

    static boolean sameRecord(final InstanceRecord a, final InstanceRecord b)
    {
        return a.instance() == b.instance() && a.status() == b.status() &&
            a.promisedBallot() == b.promisedBallot() && a.voteBallot() == b.voteBallot() &&
            Objects.equals(a.command(), b.command()) &&
            // null (a bare promise) and the no-op command must stay apart
            (a.command() == null) == (b.command() == null) &&
            a.seq() == b.seq() && Arrays.equals(a.deps(), b.deps()) && a.identical() == b.identical();
    }

    static boolean sameRecords(final List<InstanceRecord> expected, final List<InstanceRecord> actual)
    {
        if (expected.size() != actual.size())
        {
            return false;
        }
        for (int i = 0; i < expected.size(); i++)
        {
            if (!sameRecord(expected.get(i), actual.get(i)))
            {
                return false;
            }
        }
        return true;
    }

    static void assertSameRecord(final InstanceRecord expected, final InstanceRecord actual, final String context)
    {
        if (!sameRecord(expected, actual))
        {
            fail(context + ": expected " + describe(expected) + " but was " + describe(actual));
        }
    }

    /** Both lists sorted by instance id. */
    static void assertSameRecords(final List<InstanceRecord> expected, final List<InstanceRecord> actual,
        final String context)
    {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++)
        {
            assertSameRecord(expected.get(i), actual.get(i), context + " [" + i + "]");
        }
        if (expected.size() != actual.size())
        {
            fail(context + ": expected " + expected.size() + " records but found " + actual.size());
        }
    }

    static String describe(final InstanceRecord r)
    {
        return r == null ? "null" : "InstanceRecord[" + InstanceId.toString(r.instance()) + " " + r.status() +
            " promised=" + r.promisedBallot() + " vote=" + r.voteBallot() + " command=" + r.command() +
            " seq=" + r.seq() + " deps=" + Arrays.toString(r.deps()) + " identical=" + r.identical() + "]";
    }
}
