package io.fjord.broker.api;

import io.fjord.broker.replica.ReplicaManager;
import io.fjord.proto.grpc.AliasingMarshaller;
import io.grpc.ServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Adds the data-path services of the client API ({@code ProduceService}, {@code FetchService}) to a gRPC server, each
 * behind {@link GrpcErrors}, and bounds request size: a larger request is refused by gRPC with RESOURCE_EXHAUSTED.
 * Produce requests are parsed without copying their record batches ({@link AliasingMarshaller}).
 */
public final class ClientApi {
    /** Kafka's {@code socket.request.max.bytes}: the largest request accepted. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024;

    private ClientApi() {
    }

    public static <T extends ServerBuilder<T>> T addTo(T builder, ReplicaManager replicaManager,
                                                       MeterRegistry registry, int maxRequestBytes) {
        ApiMetrics metrics = new ApiMetrics(registry);
        replicaManager.bindMetrics(registry);
        return builder.maxInboundMessageSize(maxRequestBytes)
                .addService(GrpcErrors.guarded(AliasingMarshaller.aliasingRequests(
                        new ProduceGrpcService(replicaManager, metrics).bindService())))
                .addService(GrpcErrors.guarded(new FetchGrpcService(replicaManager, metrics).bindService()));
    }
}
