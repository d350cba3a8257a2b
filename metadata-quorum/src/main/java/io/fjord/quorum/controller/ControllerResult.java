package io.fjord.quorum.controller;

import io.fjord.proto.internal.v1.MetadataRecord;

import java.util.List;

/**
 * A controller decision: the records to append (atomically, as one quorum entry; none if nothing changes) and the
 * answer to give once they are committed.
 */
public record ControllerResult<T>(List<MetadataRecord> records, T response) {
    public ControllerResult {
        records = List.copyOf(records);
    }

    public static <T> ControllerResult<T> of(T response) {
        return new ControllerResult<>(List.of(), response);
    }
}
