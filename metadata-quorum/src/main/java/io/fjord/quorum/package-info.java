/**
 * The metadata quorum: pull-based Raft over a {@code storage} log, the metadata records, the {@code MetadataImage}
 * and the controller (DESIGN §5). The protocol core lives in {@code io.fjord.quorum.raft} and is pure: no threads,
 * clocks, sockets, files or framework annotations (checked by the broker's {@code ArchitectureTest}).
 */
package io.fjord.quorum;
