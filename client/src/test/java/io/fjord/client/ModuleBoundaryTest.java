package io.fjord.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * DESIGN §3: the client depends on {@code proto} only. A plain scan of imports: no broker, storage or quorum
 * classes, no Micronaut, and only the shaded Netty (so an application's own Netty never clashes).
 */
class ModuleBoundaryTest {
    private static final List<String> FORBIDDEN = List.of("import io.fjord.broker", "import io.fjord.storage",
            "import io.fjord.quorum", "import io.fjord.metadata", "import io.micronaut", "import io.netty",
            "import io.grpc.netty.NettyChannelBuilder");

    @Test
    void clientImportsOnlyProtoAndLibraries() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<String> violations = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream()
                            .filter(line -> FORBIDDEN.stream().anyMatch(line::startsWith))
                            .map(line -> p + ": " + line);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertEquals(List.of(), violations);
        }
    }
}
