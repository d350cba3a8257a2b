package io.fjord.broker.replica;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.fjord.storage.log.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Per-partition gauges ({@code fjord.partition.log.end.offset}, {@code .high.watermark}, {@code .log.start.offset},
 * {@code .log.size.bytes}, {@code .isr.size}, {@code .leader}), tagged topic and partition; added when a replica
 * appears, removed when it goes. Thread-safe.
 */
final class PartitionMetrics {
    private final MeterRegistry registry;
    private final Map<TopicPartition, List<Meter>> meters = new ConcurrentHashMap<>();

    PartitionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void add(Partition partition) {
        meters.computeIfAbsent(partition.topicPartition(), tp -> {
            Tags tags = Tags.of("topic", tp.topic(), "partition", Integer.toString(tp.partition()));
            List<Meter> list = new ArrayList<>();
            list.add(gauge("fjord.partition.log.end.offset", tags, partition, p -> p.view().logEndOffset()));
            list.add(gauge("fjord.partition.high.watermark", tags, partition, p -> p.highWatermark()));
            list.add(gauge("fjord.partition.log.start.offset", tags, partition, p -> p.view().logStartOffset()));
            list.add(gauge("fjord.partition.log.size.bytes", tags, partition, p -> p.view().sizeInBytes()));
            list.add(gauge("fjord.partition.isr.size", tags, partition, p -> p.view().isrSize()));
            list.add(gauge("fjord.partition.leader", tags, partition, p -> p.view().isLeader() ? 1 : 0));
            return list;
        });
    }

    private Meter gauge(String name, Tags tags, Partition partition, ToDoubleFunction<Partition> value) {
        return Gauge.builder(name, partition, p -> {
            try {
                return value.applyAsDouble(p);
            } catch (RuntimeException e) {
                return Double.NaN; // an offline or deleted log
            }
        }).tags(tags).register(registry);
    }

    void remove(TopicPartition tp) {
        List<Meter> list = meters.remove(tp);
        if (list != null) {
            list.forEach(registry::remove);
        }
    }
}
