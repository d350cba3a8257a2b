package io.fjord.quorum.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fjord.proto.internal.v1.DescribeQuorumResponse;
import io.fjord.proto.internal.v1.FetchResponse;
import io.fjord.proto.internal.v1.QuorumEnvelope;
import io.fjord.proto.internal.v1.VoteRequest;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.Message;
import io.fjord.quorum.raft.Message.Envelope;
import io.fjord.quorum.raft.OffsetAndEpoch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every quorum message survives the wire (through bytes, as gRPC carries it); malformed envelopes are refused. */
class QuorumMessagesTest {
    private static final UUID DIR_A = new UUID(0x0123456789abcdefL, 0xfedcba9876543210L);
    private static final UUID DIR_B = new UUID(-1L, Long.MIN_VALUE); // both halves need all 64 bits

    /** Encodes, serializes, parses and decodes, as one message travels from driver to driver. */
    private static Envelope overTheWire(Envelope envelope) {
        try {
            byte[] bytes = QuorumMessages.toProto(envelope).toByteArray();
            return QuorumMessages.fromProto(QuorumEnvelope.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertRoundTrip(Message body) {
        Envelope envelope = new Envelope(3, 7, body);
        assertEquals(envelope, overTheWire(envelope), body.getClass().getSimpleName());
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void electionMessagesRoundTrip() {
        assertRoundTrip(new Message.VoteRequest(5, 3, DIR_A, DIR_B, new OffsetAndEpoch(1234, 4), false));
        assertRoundTrip(new Message.VoteRequest(6, 3, DIR_A, DIR_B, OffsetAndEpoch.ZERO, true));
        assertRoundTrip(new Message.VoteRequest(6, 3, null, null, new OffsetAndEpoch(Long.MAX_VALUE, 9), true));
        assertRoundTrip(new Message.VoteResponse(5, -1, true, false, DIR_B));
        assertRoundTrip(new Message.VoteResponse(5, 2, false, true, null));
        assertRoundTrip(new Message.BeginQuorumEpoch(Integer.MAX_VALUE, 3));
        for (Message.Error error : Message.Error.values()) {
            assertRoundTrip(new Message.BeginQuorumEpochResponse(5, error));
        }
        assertRoundTrip(new Message.EndQuorumEpoch(5, 3, List.of(2, 1)));
        assertRoundTrip(new Message.EndQuorumEpoch(5, 3, List.of()));
    }

    @Test
    void fetchMessagesRoundTrip() {
        assertRoundTrip(new Message.FetchRequest(5, 2, DIR_A, 1000, 4, Long.MAX_VALUE, 250));
        assertRoundTrip(new Message.FetchRequest(5, 2, null, 0, 0, 0, 0));
        List<LogEntry> entries = new ArrayList<>();
        entries.add(new LogEntry(100, 5, true, new byte[0])); // the leader-change entry opening epoch 5
        for (int i = 1; i <= 300; i++) {
            entries.add(new LogEntry(100 + i, 5, false, randomBytes(i * 7, i)));
        }
        entries.add(new LogEntry(401, 5, false, randomBytes(1 << 20, 42)));
        assertRoundTrip(new Message.FetchResponse(5, 3, Message.Error.NONE, entries, 90, null, null, 77));
        assertRoundTrip(new Message.FetchResponse(5, 3, Message.Error.NONE, List.of(), 90,
                new OffsetAndEpoch(50, 3), null, 78));
        assertRoundTrip(new Message.FetchResponse(5, 3, Message.Error.NONE, List.of(), 90, null,
                new OffsetAndEpoch(4000, 4), 79));
        assertRoundTrip(new Message.FetchResponse(6, -1, Message.Error.FENCED_LEADER_EPOCH, List.of(), 0,
                new OffsetAndEpoch(1, 1), new OffsetAndEpoch(2, 2), -5));
    }

    @Test
    void snapshotMessagesRoundTrip() {
        assertRoundTrip(new Message.FetchSnapshotRequest(5, 2, new OffsetAndEpoch(4000, 4), 1 << 20, 12));
        byte[] chunk = randomBytes(1 << 20, 7);
        Message.FetchSnapshotResponse sent = new Message.FetchSnapshotResponse(5, 3, Message.Error.NONE,
                new OffsetAndEpoch(4000, 4), 3L << 20, 1 << 20, chunk, 12);
        Message.FetchSnapshotResponse received = (Message.FetchSnapshotResponse) overTheWire(
                new Envelope(3, 2, sent)).body();
        // a record with an array compares the array by identity: field by field
        assertEquals(List.of(sent.epoch(), sent.leaderId(), sent.error(), sent.snapshotId(), sent.size(),
                        sent.position(), sent.correlationId()),
                List.of(received.epoch(), received.leaderId(), received.error(), received.snapshotId(),
                        received.size(), received.position(), received.correlationId()));
        assertArrayEquals(chunk, received.chunk());

        Message.FetchSnapshotResponse notFound = (Message.FetchSnapshotResponse) overTheWire(new Envelope(3, 2,
                new Message.FetchSnapshotResponse(5, 3, Message.Error.SNAPSHOT_NOT_FOUND, null, 0, 0, null, 13)))
                .body();
        assertEquals(Message.Error.SNAPSHOT_NOT_FOUND, notFound.error());
        assertNull(notFound.snapshotId());
        assertEquals(0, notFound.chunk().length, "an absent chunk arrives empty");
    }

    @Test
    void entryBytesAreNotSharedWithTheWireOnReceipt() {
        byte[] data = {1, 2, 3};
        QuorumEnvelope wire = QuorumMessages.toProto(new Envelope(1, 2, new Message.FetchResponse(5, 1,
                Message.Error.NONE, List.of(new LogEntry(0, 5, false, data)), 1, null, null, 1)));
        Message.FetchResponse first = (Message.FetchResponse) QuorumMessages.fromProto(wire).body();
        first.entries().get(0).data()[0] = 9;
        Message.FetchResponse second = (Message.FetchResponse) QuorumMessages.fromProto(wire).body();
        assertEquals(1, second.entries().get(0).data()[0], "each decode owns its bytes");
    }

    @Test
    void anEnvelopeWithoutBodyIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuorumMessages.fromProto(QuorumEnvelope.newBuilder().setFrom(1).setTo(2).build()));
        assertEquals("malformed quorum envelope 1->2: no message body", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QuorumMessages.toProto(new Envelope(1, 2, null)));
    }

    @Test
    void aBodyFromANewerProtocolIsRefusedAsMissing() throws Exception {
        // field 99 of QuorumEnvelope (a message this reader does not know), length-delimited, empty
        byte[] unknownBody = {0x08, 0x01, 0x10, 0x02, (byte) 0x9a, 0x06, 0x00};
        QuorumEnvelope parsed = QuorumEnvelope.parseFrom(unknownBody);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuorumMessages.fromProto(parsed));
        assertTrue(e.getMessage().contains("no message body"), e.getMessage());
    }

    @Test
    void anUnknownErrorCodeIsRefused() {
        QuorumEnvelope wire = QuorumEnvelope.newBuilder().setFrom(3).setTo(1)
                .setFetchResponse(FetchResponse.newBuilder().setEpoch(5).setErrorValue(99)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuorumMessages.fromProto(wire));
        assertEquals("malformed quorum envelope 3->1: unknown error code 99", e.getMessage());
    }

    @Test
    void requiredFieldsAreRequired() {
        QuorumEnvelope noLastLog = QuorumEnvelope.newBuilder().setFrom(3).setTo(1)
                .setVoteRequest(VoteRequest.newBuilder().setEpoch(5).setCandidateId(3)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuorumMessages.fromProto(noLastLog));
        assertEquals("malformed quorum envelope 3->1: VoteRequest without last_log", e.getMessage());
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class, () -> QuorumMessages.toProto(
                new Envelope(3, 1, new Message.FetchSnapshotRequest(5, 3, null, 0, 1))));
        assertEquals("FetchSnapshotRequest.snapshotId is required", out.getMessage());
    }

    @Test
    void describeQuorumCarriesTheStatus() {
        TreeMap<Integer, Long> lag = new TreeMap<>(Map.of(1, 0L, 2, 3L, 3, 250L));
        DescribeQuorumResponse view = QuorumMessages.describeQuorumResponse(
                new QuorumDriver.Status(1, 7, 1, "Leader", 1000, 1250, lag));
        assertEquals(List.of(1, 7, 1, "Leader", 1000L, 1250L), Arrays.asList(view.getNodeId(), view.getEpoch(),
                view.getLeaderId(), view.getState(), view.getHighWatermark(), view.getLogEndOffset()));
        assertEquals(lag, view.getReplicaLagMap());
    }
}
