package io.fjord.proto.grpc;

import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Rebuilds a bound gRPC service with each method replaced, keeping the service's name and schema (for reflection). */
final class ServiceDefinitions {
    private ServiceDefinitions() {
    }

    static ServerServiceDefinition mapMethods(ServerServiceDefinition service,
                                              UnaryOperator<ServerMethodDefinition<?, ?>> rebind) {
        ServiceDescriptor bound = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(bound.getName())
                .setSchemaDescriptor(bound.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<?, ?> rebound = rebind.apply(method);
            descriptor.addMethod(rebound.getMethodDescriptor());
            methods.add(rebound);
        }
        ServerServiceDefinition.Builder rebuilt = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(rebuilt::addMethod);
        return rebuilt.build();
    }
}
