package io.fjord.quorum.controller;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The placement and election rules are pure (STYLE "Boundaries are checked by a test"): their sources import only
 * {@code java.util}. Listed by name because the controller's event loop shares the package.
 */
class ControllerPurityTest {
    private static final List<String> PURE = List.of("BrokerInfo", "ReplicaPlacer", "RackAlternation",
            "PartitionLeaderElection", "IsrChanges");

    @Test
    void placementAndElectionImportOnlyJavaUtil() throws IOException {
        Path dir = Path.of("src/main/java/io/fjord/quorum/controller");
        for (String name : PURE) {
            List<String> foreign = Files.readAllLines(dir.resolve(name + ".java")).stream()
                    .filter(line -> line.startsWith("import "))
                    .filter(line -> !line.startsWith("import java.util."))
                    .toList();
            assertEquals(List.of(), foreign, name);
        }
    }
}
