package io.geo.epaxos.api;

/**
 * A state machine whose whole replicated state (data and dedup table) can be captured as bytes and replaced by such
 * bytes: what a region's snapshot holds besides its replica (docs/hydra.md, "Snapshots"). The bytes are those of
 * {@code io.geo.epaxos.state.StateSnapshotFormat}, so one implementation installs what another captured.
 */
public interface SnapshotStateMachine extends StateMachine
{
    /** The whole replicated state, as it is after the commands applied so far. */
    byte[] captureState();

    /**
     * Replaces the whole replicated state by one {@link #captureState()} wrote (here or on another node).
     *
     * @throws IllegalArgumentException if the bytes are not a state snapshot; the state is unchanged then.
     */
    void installState(byte[] state);
}
