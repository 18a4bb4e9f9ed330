package io.geo.epaxos.api;

import java.util.List;

/**
 * The replica's durable state. Writes made during one input call must be durable before the messages and client
 * replies emitted in that call are released (see {@link MessageSink}). A restarted replica is rebuilt from what this
 * store returns, so a host that loses unsynced writes on a crash must also have dropped the messages that followed
 * them.
 */
public interface DurableStore
{
    /** Insert or replace the record of {@code record.instance()}. */
    void saveInstance(InstanceRecord record);

    /** Forget an instance that every replica has executed (garbage collection). */
    void removeInstance(long instance);

    /** Persist: instances 1..watermark[r] of each replica r are executed everywhere and were forgotten. */
    void saveGcWatermarks(long[] watermarks);

    /** Every saved, not removed, instance record, in any order. */
    List<InstanceRecord> loadInstances();

    /** The last saved watermarks, or an all-zero array of {@code replicas} entries if none were saved. */
    long[] loadGcWatermarks(int replicas);
}
