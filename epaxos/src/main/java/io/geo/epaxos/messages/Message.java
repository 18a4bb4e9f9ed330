package io.geo.epaxos.messages;

/**
 * A replication message between EPaxos replicas. Messages are immutable values; arrays inside them are never
 * modified after construction. The transport encodes them with the SBE schema (see codec.MessageCodec).
 */
public sealed interface Message
    permits PreAccept, PreAcceptReply, Accept, AcceptReply, Commit, Prepare, PrepareReply, ExecutedWatermarks
{
    /** The instance this message is about, or {@code InstanceId.NONE} for replica-wide messages. */
    long instance();
}
