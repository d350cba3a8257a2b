/**
 * The controller (DESIGN §5): the single-threaded event loop on the active quorum leader and the pure decisions it
 * makes. {@link io.fjord.quorum.controller.ReplicaPlacer}, {@link io.fjord.quorum.controller.PartitionLeaderElection}
 * and {@link io.fjord.quorum.controller.IsrChanges} are pure functions over plain values (no threads, clocks, I/O or
 * frameworks), with Kafka's semantics.
 */
package io.fjord.quorum.controller;
