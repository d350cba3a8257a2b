package io.fjord.client.testing;

import com.google.protobuf.ByteString;
import io.fjord.proto.record.RecordBatch;
import io.fjord.proto.v1.AdminServiceGrpc;
import io.fjord.proto.v1.AlterConfigsRequest;
import io.fjord.proto.v1.AlterConfigsResponse;
import io.fjord.proto.v1.ConfigEntry;
import io.fjord.proto.v1.ConfigResource;
import io.fjord.proto.v1.ConfigSource;
import io.fjord.proto.v1.ConfigsResult;
import io.fjord.proto.v1.CreatePartitionsRequest;
import io.fjord.proto.v1.CreatePartitionsResponse;
import io.fjord.proto.v1.DescribeConfigsRequest;
import io.fjord.proto.v1.DescribeConfigsResponse;
import io.fjord.proto.v1.BrokerNode;
import io.fjord.proto.v1.CreateTopicsRequest;
import io.fjord.proto.v1.CreateTopicsResponse;
import io.fjord.proto.v1.DeleteTopicsRequest;
import io.fjord.proto.v1.DeleteTopicsResponse;
import io.fjord.proto.v1.DescribeClusterRequest;
import io.fjord.proto.v1.DescribeClusterResponse;
import io.fjord.proto.v1.DescribeTopicsRequest;
import io.fjord.proto.v1.DescribeTopicsResponse;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.FetchPartition;
import io.fjord.proto.v1.FetchPartitionResponse;
import io.fjord.proto.v1.FetchRequest;
import io.fjord.proto.v1.FetchResponse;
import io.fjord.proto.v1.FetchServiceGrpc;
import io.fjord.proto.v1.ListOffsetsPartition;
import io.fjord.proto.v1.ListOffsetsPartitionResponse;
import io.fjord.proto.v1.ListOffsetsRequest;
import io.fjord.proto.v1.ListOffsetsResponse;
import io.fjord.proto.v1.ListTopicsRequest;
import io.fjord.proto.v1.ListTopicsResponse;
import io.fjord.proto.v1.MetadataRequest;
import io.fjord.proto.v1.MetadataResponse;
import io.fjord.proto.v1.MetadataServiceGrpc;
import io.fjord.proto.v1.PartitionMetadata;
import io.fjord.proto.v1.PartitionProduceData;
import io.fjord.proto.v1.PartitionProduceResponse;
import io.fjord.proto.v1.ProduceRequest;
import io.fjord.proto.v1.ProduceResponse;
import io.fjord.proto.v1.ProduceServiceGrpc;
import io.fjord.proto.v1.TopicDescription;
import io.fjord.proto.v1.TopicListing;
import io.fjord.proto.v1.TopicMetadata;
import io.fjord.proto.v1.TopicResult;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double for the client logic: one "broker" (id 1) on 127.0.0.1 that implements the client API with
 * in-memory logs and scripted errors. It is not the Fjord broker; end-to-end tests against the real one come at
 * integration. Thread-safe enough for tests (gRPC calls on its executor).
 */
public final class FakeBroker implements AutoCloseable {
    public final Map<String, Integer> topics = new ConcurrentHashMap<>();
    public final Map<String, Map<String, String>> topicConfigs = new ConcurrentHashMap<>();
    public final Map<String, List<ByteBuffer>> logs = new ConcurrentHashMap<>();
    /** Errors for the next produce answers, one per partition answer, taken in order. */
    public final ConcurrentLinkedDeque<ErrorCode> produceErrors = new ConcurrentLinkedDeque<>();
    /** If set, every produce answer carries this error. */
    public volatile ErrorCode alwaysProduceError;
    /** How long every produce answer is held back (a slow or hung broker). */
    public volatile long produceDelayMs;
    /** If set, produce answers are held until it completes (the test decides when a request may finish). */
    public volatile CompletableFuture<Void> produceGate;
    /** Longest time an empty fetch is held before its (empty) answer, capped by the request's max wait. */
    public volatile long maxLongPollMs = 50;
    /** Errors for the next fetch answers, one per partition answer, taken in order. */
    public final ConcurrentLinkedDeque<ErrorCode> fetchErrors = new ConcurrentLinkedDeque<>();
    public final AtomicInteger fetchCalls = new AtomicInteger();
    /** The fetch offsets asked for, in arrival order. */
    public final List<Long> fetchOffsets = new CopyOnWriteArrayList<>();
    /** At most this many record batches per partition in a fetch answer. */
    public volatile int maxBatchesPerFetch = Integer.MAX_VALUE;
    public final AtomicInteger metadataCalls = new AtomicInteger();
    public final AtomicInteger produceCalls = new AtomicInteger();
    public final List<MetadataRequest> metadataRequests = new CopyOnWriteArrayList<>();
    public final List<ProduceRequest> produceRequests = new CopyOnWriteArrayList<>();
    public volatile boolean autoCreate = true;
    /**
     * For this many metadata answers, partitions are led by broker 2 at {@code deadPort} (where nothing listens),
     * as after a leader crash that metadata has not caught up with; then by this broker again.
     */
    public volatile int staleLeaderAnswers;
    public volatile int deadPort;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Server server;

    public FakeBroker() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new Metadata()).addService(new Produce()).addService(new Fetch())
                .addService(new Admin())
                .build().start();
    }

    public int port() {
        return server.getPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    public void createTopic(String name, int partitions) {
        topics.put(name, partitions);
        topicConfigs.put(name, new ConcurrentHashMap<>());
    }

    private static String key(String topic, int partition) {
        return topic + "-" + partition;
    }

    public synchronized long logEndOffset(String topic, int partition) {
        List<ByteBuffer> log = logs.getOrDefault(key(topic, partition), List.of());
        return log.isEmpty() ? 0 : new RecordBatch(log.get(log.size() - 1), 0).nextOffset();
    }

    private synchronized long append(String topic, int partition, ByteBuffer batches) {
        long base = logEndOffset(topic, partition);
        long next = base;
        int pos = 0;
        while (pos < batches.limit()) {
            int size = RecordBatch.sizeAt(batches, pos, batches.limit());
            ByteBuffer copy = ByteBuffer.allocate(size);
            copy.put(batches.duplicate().position(pos).limit(pos + size)).flip();
            RecordBatch rb = new RecordBatch(copy, 0);
            rb.ensureValid();
            rb.setBaseOffset(next);
            next = rb.nextOffset();
            logs.computeIfAbsent(key(topic, partition), k -> new CopyOnWriteArrayList<>()).add(copy);
            pos += size;
        }
        return base;
    }

    private BrokerNode self() {
        return BrokerNode.newBuilder().setId(1).setHost("127.0.0.1").setPort(port()).build();
    }

    private TopicMetadata topicMetadata(String name) {
        Integer count = topics.get(name);
        if (count == null) {
            return TopicMetadata.newBuilder().setName(name).setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                    .setErrorMessage("topic " + name + " does not exist").build();
        }
        TopicMetadata.Builder b = TopicMetadata.newBuilder().setName(name).setTopicId("id-" + name);
        for (int p = 0; p < count; p++) {
            b.addPartitions(PartitionMetadata.newBuilder().setPartition(p).setLeaderId(1).setLeaderEpoch(0)
                    .addReplicas(1).addIsr(1));
        }
        return b.build();
    }

    private static TopicMetadata ledBy(TopicMetadata topic, int leaderId) {
        TopicMetadata.Builder b = topic.toBuilder().clearPartitions();
        for (PartitionMetadata p : topic.getPartitionsList()) {
            b.addPartitions(p.toBuilder().setLeaderId(leaderId));
        }
        return b.build();
    }

    private final class Metadata extends MetadataServiceGrpc.MetadataServiceImplBase {
        @Override
        public void getMetadata(MetadataRequest request, StreamObserver<MetadataResponse> observer) {
            metadataCalls.incrementAndGet();
            metadataRequests.add(request);
            boolean stale = staleLeaderAnswers > 0;
            if (stale) {
                staleLeaderAnswers--;
            }
            MetadataResponse.Builder b = MetadataResponse.newBuilder().setClusterId("fake-cluster")
                    .setControllerId(1).addBrokers(self());
            if (stale) {
                b.addBrokers(BrokerNode.newBuilder().setId(2).setHost("127.0.0.1").setPort(deadPort));
            }
            List<String> names = request.getTopicsCount() == 0 ? new ArrayList<>(topics.keySet())
                    : request.getTopicsList();
            for (String name : names) {
                if (!topics.containsKey(name) && request.getAllowAutoTopicCreation() && autoCreate) {
                    createTopic(name, 1);
                }
                b.addTopics(stale ? ledBy(topicMetadata(name), 2) : topicMetadata(name));
            }
            observer.onNext(b.build());
            observer.onCompleted();
        }
    }

    private final class Produce extends ProduceServiceGrpc.ProduceServiceImplBase {
        @Override
        public void produce(ProduceRequest request, StreamObserver<ProduceResponse> observer) {
            produceCalls.incrementAndGet();
            produceRequests.add(request);
            CompletableFuture<Void> gate = produceGate;
            if (gate != null) {
                gate.thenRun(() -> answer(request, observer));
            } else if (produceDelayMs > 0) {
                timer.schedule(() -> answer(request, observer), produceDelayMs, TimeUnit.MILLISECONDS);
            } else {
                answer(request, observer);
            }
        }

        private void answer(ProduceRequest request, StreamObserver<ProduceResponse> observer) {
            ProduceResponse.Builder b = ProduceResponse.newBuilder();
            for (PartitionProduceData p : request.getPartitionsList()) {
                ErrorCode scripted = alwaysProduceError != null ? alwaysProduceError : produceErrors.poll();
                PartitionProduceResponse.Builder r = PartitionProduceResponse.newBuilder().setTopic(p.getTopic())
                        .setPartition(p.getPartition()).setLogAppendTimeMs(-1);
                if (scripted != null && scripted != ErrorCode.NONE) {
                    r.setErrorCode(scripted).setErrorMessage("scripted " + scripted).setBaseOffset(-1);
                } else {
                    r.setBaseOffset(append(p.getTopic(), p.getPartition(),
                            p.getRecordBatches().asReadOnlyByteBuffer()));
                }
                b.addPartitions(r);
            }
            observer.onNext(b.build());
            observer.onCompleted();
        }
    }

    private final class Fetch extends FetchServiceGrpc.FetchServiceImplBase {
        @Override
        public void fetch(FetchRequest request, StreamObserver<FetchResponse> observer) {
            fetchCalls.incrementAndGet();
            request.getPartitionsList().forEach(p -> fetchOffsets.add(p.getFetchOffset()));
            FetchResponse response = answer(request);
            boolean empty = response.getPartitionsList().stream().allMatch(p -> p.getRecordBatches().isEmpty()
                    && p.getErrorCode() == ErrorCode.NONE);
            if (empty) {
                timer.schedule(() -> {
                    observer.onNext(answer(request));
                    observer.onCompleted();
                }, Math.min(request.getMaxWaitMs(), maxLongPollMs), TimeUnit.MILLISECONDS);
            } else {
                observer.onNext(response);
                observer.onCompleted();
            }
        }

        private FetchResponse answer(FetchRequest request) {
            FetchResponse.Builder b = FetchResponse.newBuilder();
            for (FetchPartition p : request.getPartitionsList()) {
                long leo = logEndOffset(p.getTopic(), p.getPartition());
                FetchPartitionResponse.Builder r = FetchPartitionResponse.newBuilder().setTopic(p.getTopic())
                        .setPartition(p.getPartition()).setHighWatermark(leo);
                ErrorCode scripted = fetchErrors.poll();
                if (scripted != null) {
                    r.setErrorCode(scripted).setErrorMessage("scripted " + scripted);
                } else if (p.getFetchOffset() > leo || p.getFetchOffset() < 0) {
                    r.setErrorCode(ErrorCode.OFFSET_OUT_OF_RANGE).setErrorMessage("valid: [0, " + leo + "]");
                } else {
                    ByteString.Output out = ByteString.newOutput();
                    int batches = 0;
                    long next = p.getFetchOffset();
                    for (ByteBuffer batch : logs.getOrDefault(key(p.getTopic(), p.getPartition()), List.of())) {
                        long batchNext = new RecordBatch(batch, 0).nextOffset();
                        if (batchNext > p.getFetchOffset() && batches < maxBatchesPerFetch) {
                            out.write(batch.array(), 0, batch.limit());
                            batches++;
                            next = batchNext;
                        }
                    }
                    r.setRecordBatches(out.toByteString()).setNextFetchOffset(next);
                }
                b.addPartitions(r);
            }
            return b.build();
        }

        @Override
        public void listOffsets(ListOffsetsRequest request, StreamObserver<ListOffsetsResponse> observer) {
            ListOffsetsResponse.Builder b = ListOffsetsResponse.newBuilder();
            for (ListOffsetsPartition p : request.getPartitionsList()) {
                long offset;
                switch (p.getSpec()) {
                    case OFFSET_SPEC_EARLIEST:
                        offset = 0;
                        break;
                    case OFFSET_SPEC_LATEST:
                        offset = logEndOffset(p.getTopic(), p.getPartition());
                        break;
                    default:
                        offset = -1;
                }
                b.addPartitions(ListOffsetsPartitionResponse.newBuilder().setTopic(p.getTopic())
                        .setPartition(p.getPartition()).setOffset(offset).setTimestampMs(-1));
            }
            observer.onNext(b.build());
            observer.onCompleted();
        }
    }

    private final class Admin extends AdminServiceGrpc.AdminServiceImplBase {
        @Override
        public void createTopics(CreateTopicsRequest request, StreamObserver<CreateTopicsResponse> observer) {
            CreateTopicsResponse.Builder b = CreateTopicsResponse.newBuilder();
            for (var t : request.getTopicsList()) {
                TopicResult.Builder r = TopicResult.newBuilder().setName(t.getName());
                if (topics.containsKey(t.getName())) {
                    r.setErrorCode(ErrorCode.TOPIC_ALREADY_EXISTS)
                            .setErrorMessage("Topic '" + t.getName() + "' already exists.");
                } else if (t.getReplicationFactor() > 1) {
                    r.setErrorCode(ErrorCode.INVALID_REPLICATION_FACTOR)
                            .setErrorMessage("Replication factor: " + t.getReplicationFactor()
                                    + " larger than available brokers: 1.");
                } else {
                    createTopic(t.getName(), Math.max(1, t.getNumPartitions()));
                    topicConfigs.get(t.getName()).putAll(t.getConfigsMap());
                    r.setTopicId("id-" + t.getName());
                }
                b.addResults(r);
            }
            observer.onNext(b.build());
            observer.onCompleted();
        }

        @Override
        public void deleteTopics(DeleteTopicsRequest request, StreamObserver<DeleteTopicsResponse> observer) {
            DeleteTopicsResponse.Builder b = DeleteTopicsResponse.newBuilder();
            for (String name : request.getNamesList()) {
                TopicResult.Builder r = TopicResult.newBuilder().setName(name);
                if (topics.remove(name) == null) {
                    r.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).setErrorMessage("no topic " + name);
                }
                b.addResults(r);
            }
            observer.onNext(b.build());
            observer.onCompleted();
        }

        @Override
        public void listTopics(ListTopicsRequest request, StreamObserver<ListTopicsResponse> observer) {
            ListTopicsResponse.Builder b = ListTopicsResponse.newBuilder();
            topics.forEach((name, count) -> b.addTopics(TopicListing.newBuilder().setName(name)
                    .setTopicId("id-" + name).setPartitions(count).setReplicationFactor(1)));
            observer.onNext(b.build());
            observer.onCompleted();
        }

        @Override
        public void describeTopics(DescribeTopicsRequest request, StreamObserver<DescribeTopicsResponse> observer) {
            DescribeTopicsResponse.Builder b = DescribeTopicsResponse.newBuilder();
            List<String> names = request.getNamesCount() == 0 ? new ArrayList<>(topics.keySet())
                    : request.getNamesList();
            for (String name : names) {
                b.addTopics(TopicDescription.newBuilder().setMetadata(topicMetadata(name))
                        .putAllConfigs(topicConfigs.getOrDefault(name, Map.of())));
            }
            observer.onNext(b.build());
            observer.onCompleted();
        }

        @Override
        public void createPartitions(CreatePartitionsRequest request,
                                     StreamObserver<CreatePartitionsResponse> observer) {
            TopicResult.Builder r = TopicResult.newBuilder().setName(request.getTopic());
            Integer count = topics.get(request.getTopic());
            if (count == null) {
                r.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).setErrorMessage("no topic " + request.getTopic());
            } else if (request.getTotalCount() <= count) {
                r.setErrorCode(ErrorCode.INVALID_PARTITIONS).setErrorMessage("Topic currently has " + count
                        + " partitions, which is higher than the requested " + request.getTotalCount() + ".");
            } else {
                topics.put(request.getTopic(), request.getTotalCount());
            }
            observer.onNext(CreatePartitionsResponse.newBuilder().setResult(r).build());
            observer.onCompleted();
        }

        @Override
        public void describeConfigs(DescribeConfigsRequest request, StreamObserver<DescribeConfigsResponse> observer) {
            DescribeConfigsResponse.Builder b = DescribeConfigsResponse.newBuilder();
            for (ConfigResource resource : request.getResourcesList()) {
                ConfigsResult.Builder r = ConfigsResult.newBuilder().setResource(resource);
                Map<String, String> configs = topicConfigs.get(resource.getName());
                if (configs == null) {
                    r.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).setErrorMessage("no topic " + resource.getName());
                } else {
                    r.addEntries(ConfigEntry.newBuilder().setName("segment.bytes").setValue("1073741824")
                            .setSource(ConfigSource.CONFIG_SOURCE_DEFAULT));
                    configs.forEach((k, v) -> r.addEntries(ConfigEntry.newBuilder().setName(k).setValue(v)
                            .setSource(ConfigSource.CONFIG_SOURCE_TOPIC)));
                }
                b.addResults(r);
            }
            observer.onNext(b.build());
            observer.onCompleted();
        }

        @Override
        public void alterConfigs(AlterConfigsRequest request, StreamObserver<AlterConfigsResponse> observer) {
            AlterConfigsResponse.Builder b = AlterConfigsResponse.newBuilder().setResource(request.getResource());
            Map<String, String> configs = topicConfigs.get(request.getResource().getName());
            if (configs == null) {
                b.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).setErrorMessage("no such topic");
            } else if (request.getSetMap().containsKey("retention.ms") && !request.getSetMap().get("retention.ms")
                    .matches("-?\\d+")) {
                b.setErrorCode(ErrorCode.INVALID_CONFIG).setErrorMessage("retention.ms must be a number");
            } else {
                configs.putAll(request.getSetMap());
                request.getDeleteList().forEach(configs::remove);
            }
            observer.onNext(b.build());
            observer.onCompleted();
        }

        @Override
        public void describeCluster(DescribeClusterRequest request, StreamObserver<DescribeClusterResponse> observer) {
            observer.onNext(DescribeClusterResponse.newBuilder().setClusterId("fake-cluster").setControllerId(1)
                    .addBrokers(self()).build());
            observer.onCompleted();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
