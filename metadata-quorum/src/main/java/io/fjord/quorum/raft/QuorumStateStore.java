package io.fjord.quorum.raft;

/** Persistence port for {@link QuorumState}: {@link #write} returns only once the state is durable. */
public interface QuorumStateStore {
    /** The last state written, or {@link QuorumState#INITIAL}. */
    QuorumState read();

    void write(QuorumState state);
}
