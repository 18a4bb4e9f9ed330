package io.geo.epaxos.messages;

import io.geo.epaxos.primitives.InstanceId;

/**
 * Garbage-collection gossip: {@code executed[r]} is the highest n such that instances 1..n of replica r are all
 * executed at the sender. An instance executed at every replica is forgotten everywhere.
 */
public record ExecutedWatermarks(long[] executed) implements Message
{
    @Override
    public long instance()
    {
        return InstanceId.NONE;
    }
}
