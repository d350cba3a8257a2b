package io.fjord.client.internal;

import io.fjord.client.ConsumerRecord;
import io.fjord.client.TopicPartition;
import io.fjord.proto.record.Header;
import io.fjord.proto.v1.Record;
import io.fjord.proto.v1.RecordHeader;

import java.util.ArrayList;
import java.util.List;

/** Converts records of the simple path (decoded by the broker) into {@link ConsumerRecord}s. Stateless. */
final class SimpleRecords {
    private SimpleRecords() {
    }

    static List<ConsumerRecord> toConsumerRecords(TopicPartition tp, List<Record> records, long fetchOffset) {
        List<ConsumerRecord> out = new ArrayList<>(records.size());
        for (Record r : records) {
            if (r.getOffset() < fetchOffset) {
                continue;
            }
            List<Header> headers = new ArrayList<>(r.getHeadersCount());
            for (RecordHeader h : r.getHeadersList()) {
                headers.add(new Header(h.getKey(), h.hasValue() ? h.getValue().toByteArray() : null));
            }
            out.add(new ConsumerRecord(tp.topic(), tp.partition(), r.getOffset(), r.getTimestampMs(),
                    r.hasKey() ? r.getKey().toByteArray() : null, r.hasValue() ? r.getValue().toByteArray() : null,
                    headers));
        }
        return out;
    }
}
