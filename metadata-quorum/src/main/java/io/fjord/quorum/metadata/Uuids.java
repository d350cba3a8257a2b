package io.fjord.quorum.metadata;

import io.fjord.proto.internal.v1.Uuid;

import java.util.UUID;

/** {@link UUID} to and from the metadata records' {@code Uuid}. */
public final class Uuids {
    private Uuids() {
    }

    public static Uuid toProto(UUID id) {
        return Uuid.newBuilder().setMostSignificantBits(id.getMostSignificantBits())
                .setLeastSignificantBits(id.getLeastSignificantBits()).build();
    }

    public static UUID fromProto(Uuid id) {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }
}
