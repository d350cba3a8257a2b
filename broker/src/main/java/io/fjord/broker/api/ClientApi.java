package io.fjord.broker.api;

import io.fjord.broker.replica.ReplicaManager;
import io.fjord.proto.v1.FetchServiceGrpc;
import io.fjord.proto.v1.ProduceServiceGrpc;
import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptors;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Adds the data-path services of the client API ({@code ProduceService}, {@code FetchService}) to a gRPC server, each
 * behind {@link GrpcErrors}, and bounds request size: a larger request is refused by gRPC with RESOURCE_EXHAUSTED.
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
        GrpcErrors errors = new GrpcErrors();
        return builder.maxInboundMessageSize(maxRequestBytes)
                .callExecutor(new DataPathOnEventLoop())
                .addService(ServerInterceptors.intercept(new ProduceGrpcService(replicaManager, metrics), errors))
                .addService(ServerInterceptors.intercept(new FetchGrpcService(replicaManager, metrics), errors));
    }

    /**
     * {@code Produce} and {@code Fetch} run on the connection's event-loop thread, as Kafka's network threads serve
     * fetches: they only validate, append to or read from the page cache and answer (waits go to the purgatory), and
     * a hand-off to a pool thread per call cost 5-10% of the broker's throughput here. Everything else (metadata,
     * admin calls that wait for the controller, subscriptions, list offsets) keeps the server's pool. The one blocking
     * step left on the event loop is an fsync that {@code flush.messages} asks for inline: with that (discouraged)
     * setting, other requests of the same event loop wait for it.
     */
    private static final class DataPathOnEventLoop implements ServerCallExecutorSupplier {
        private static final Executor CALLER = Runnable::run;
        private static final Set<String> METHODS = Set.of(ProduceServiceGrpc.getProduceMethod().getFullMethodName(),
                FetchServiceGrpc.getFetchMethod().getFullMethodName());

        @Override
        public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
            return METHODS.contains(call.getMethodDescriptor().getFullMethodName()) ? CALLER : null;
        }
    }
}
