package io.fjord.broker.cli;

import io.fjord.proto.internal.v1.DescribeQuorumRequest;
import io.fjord.proto.internal.v1.DescribeQuorumResponse;
import io.fjord.proto.internal.v1.QuorumGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code fjord quorum describe}: the metadata quorum as its leader sees it (Kafka's
 * {@code kafka-metadata-quorum describe --status --replication}).
 */
@Command(name = "quorum", mixinStandardHelpOptions = true, description = "Inspect the metadata quorum.",
        subcommands = QuorumCommand.Describe.class)
final class QuorumCommand {
    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Show leader, epoch, high watermark and each replica's lag, from the leader's view.")
    static final class Describe implements Callable<Integer> {
        @Option(names = "--bootstrap-controller", required = true, split = ",",
                description = "Controller listener(s) to ask, host:port; the leader's view is shown if one of them"
                        + " leads, otherwise the first answer.")
        List<String> controllers;

        @Override
        public Integer call() {
            List<String> failures = new ArrayList<>();
            DescribeQuorumResponse first = null;
            for (String controller : controllers) {
                try {
                    DescribeQuorumResponse view = ask(controller);
                    if (view.getState().equals("Leader")) {
                        print(view);
                        return 0;
                    }
                    first = first == null ? view : first;
                } catch (StatusRuntimeException | IllegalArgumentException e) {
                    failures.add(controller + ": " + e.getMessage());
                }
            }
            if (first == null) {
                throw new IllegalStateException("no controller answered (" + String.join("; ", failures) + ")");
            }
            print(first);
            System.out.println("(node " + first.getNodeId() + " is not the leader; ask node " + first.getLeaderId()
                    + " for each replica's lag)");
            return 0;
        }

        private static DescribeQuorumResponse ask(String controller) {
            int colon = controller.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("not host:port");
            }
            ManagedChannel channel = NettyChannelBuilder.forAddress(controller.substring(0, colon),
                    Integer.parseInt(controller.substring(colon + 1))).usePlaintext().build();
            try {
                return QuorumGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .describeQuorum(DescribeQuorumRequest.getDefaultInstance());
            } finally {
                channel.shutdownNow();
            }
        }

        private static void print(DescribeQuorumResponse view) {
            System.out.printf("NodeId:          %d (%s)%n", view.getNodeId(), view.getState());
            System.out.printf("LeaderId:        %d%n", view.getLeaderId());
            System.out.printf("LeaderEpoch:     %d%n", view.getEpoch());
            System.out.printf("HighWatermark:   %d%n", view.getHighWatermark());
            System.out.printf("LogEndOffset:    %d%n", view.getLogEndOffset());
            if (!view.getReplicaLagMap().isEmpty()) {
                System.out.println("ReplicaId  Lag");
                for (Map.Entry<Integer, Long> e : new java.util.TreeMap<>(view.getReplicaLagMap()).entrySet()) {
                    System.out.printf("%-10d %d%n", e.getKey(), e.getValue());
                }
            }
        }
    }
}
