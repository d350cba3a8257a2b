package io.fjord.broker;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Module boundaries (DESIGN §3, STYLE "Boundaries are checked by a test"): storage and the metadata quorum carry
 * no Micronaut; protocol cores import no gRPC, no sockets or channels, and no framework; lower modules never reach
 * into higher ones.
 */
class ArchitectureTest {
    private static JavaClasses fjord;

    /** Pure protocol cores: codec, Raft core, and any {@code core} package. */
    private static final String[] CORE_PACKAGES = {"io.fjord.proto.record..", "io.fjord.quorum.raft..", "..core.."};

    @BeforeAll
    static void importClasses() {
        fjord = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.fjord");
    }

    @Test
    void seesEveryModule() {
        for (String pkg : new String[] {"io.fjord.proto.record", "io.fjord.storage.log", "io.fjord.quorum.raft",
                "io.fjord.broker.cli"}) {
            assertTrue(fjord.containPackage(pkg), "classes of " + pkg + " were not imported");
        }
    }

    @Test
    void storageAndQuorumCarryNoMicronaut() {
        noClasses().that().resideInAnyPackage("io.fjord.storage..", "io.fjord.quorum..")
                .should().dependOnClassesThat().resideInAnyPackage("io.micronaut..", "jakarta.inject..")
                .allowEmptyShould(true).check(fjord);
    }

    @Test
    void protocolCoresAreFreeOfIo() {
        noClasses().that().resideInAnyPackage(CORE_PACKAGES)
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.grpc..", "java.nio.channels..", "java.net..", "io.micronaut..", "java.nio.file..")
                .allowEmptyShould(true).check(fjord);
    }

    @Test
    void lowerModulesDoNotReachUp() {
        noClasses().that().resideInAnyPackage("io.fjord.proto..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.fjord.storage..", "io.fjord.quorum..", "io.fjord.broker..", "io.fjord.client..")
                .check(fjord);
        noClasses().that().resideInAnyPackage("io.fjord.storage..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.fjord.quorum..", "io.fjord.broker..", "io.fjord.client..")
                .check(fjord);
        noClasses().that().resideInAnyPackage("io.fjord.client..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.fjord.storage..", "io.fjord.quorum..", "io.fjord.broker..")
                .allowEmptyShould(true).check(fjord);
    }

    @Test
    void ruleCatchesAViolation() {
        ArchRule brokerUsesNoStorage = classes().that().resideInAPackage("io.fjord.broker.cli..")
                .should().onlyDependOnClassesThat().resideOutsideOfPackage("io.fjord.storage..");
        EvaluationResult result = brokerUsesNoStorage.evaluate(fjord);
        assertTrue(result.hasViolation(), "the rule engine must report a known dependency");
    }
}
