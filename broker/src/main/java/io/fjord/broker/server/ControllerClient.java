package io.fjord.broker.server;

import io.fjord.proto.internal.v1.ControllerError;
import io.fjord.proto.internal.v1.ControllerErrorCode;
import io.fjord.proto.internal.v1.ControllerGrpc;
import io.fjord.quorum.config.Voter;
import io.fjord.quorum.config.VoterSet;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A broker's calls to the active controller over the controller listeners: it tries the controller it believes is
 * active, follows NOT_CONTROLLER answers to the one they name, and moves on from unreachable ones. Thread-safe.
 */
final class ControllerClient implements AutoCloseable {
    private final Map<Integer, ManagedChannel> channels = new TreeMap<>();
    private final List<Integer> ids;
    private volatile int target;

    ControllerClient(VoterSet voters) {
        for (Voter v : voters.voters().values()) {
            channels.put(v.id(), NettyChannelBuilder.forAddress(v.host(), v.port()).usePlaintext().build());
        }
        this.ids = new ArrayList<>(channels.keySet());
        this.target = ids.get(0);
    }

    /**
     * One call, answered by the active controller; null if none answered within {@code timeoutMs} (the caller
     * retries later).
     */
    <T> T call(Function<ControllerGrpc.ControllerBlockingStub, T> rpc, Function<T, ControllerError> error,
               long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            int to = target;
            try {
                T answer = rpc.apply(ControllerGrpc.newBlockingStub(channels.get(to))
                        .withDeadlineAfter(Math.max(100, timeoutMs / 2), TimeUnit.MILLISECONDS));
                ControllerError e = error.apply(answer);
                if (e.getCode() != ControllerErrorCode.CONTROLLER_ERROR_NOT_CONTROLLER) {
                    return answer;
                }
                target = channels.containsKey(e.getActiveControllerId()) && e.getActiveControllerId() != to
                        ? e.getActiveControllerId() : next(to);
            } catch (StatusRuntimeException e) {
                target = next(to);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return null;
    }

    private int next(int id) {
        return ids.get((ids.indexOf(id) + 1) % ids.size());
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
