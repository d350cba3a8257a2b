package io.fjord.quorum.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VoterSetTest {
    private static final String DIR_1 = DirectoryIds.format(new UUID(1, 2));
    private static final String DIR_2 = DirectoryIds.format(new UUID(3, 4));

    @Test
    void parsesKafkasInitialControllersSyntaxAndRoundTripsThroughItsFile(@TempDir Path tmp) {
        VoterSet voters = VoterSet.parse("1@127.0.0.1:9093:" + DIR_1 + ", 2@ctl-2.fjord.svc:19093:" + DIR_2);
        assertEquals(new Voter(2, "ctl-2.fjord.svc", 19093, new UUID(3, 4)), voters.voters().get(2));
        assertEquals(new UUID(1, 2), voters.directories().get(1));
        voters.write(tmp);
        assertEquals(voters, VoterSet.read(tmp));
        assertEquals("1@127.0.0.1:9093:" + DIR_1 + ",2@ctl-2.fjord.svc:19093:" + DIR_2, voters.toString());
    }

    @Test
    void malformedEntriesAreRefusedByName() {
        String[][] cases = {
            {"1@host:9093", "not of the form"},
            {"x@host:9093:" + DIR_1, "'x@host:9093"},
            {"1@host:0:" + DIR_1, "invalid voter"},
            {"1@host:9093:short", "is not a directory id"},
            {"1@h:1:" + DIR_1 + ",1@h:2:" + DIR_2, "listed twice"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VoterSet.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void aMissingVotersFileSaysHowToFormat(@TempDir Path tmp) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> VoterSet.read(tmp));
        assertTrue(e.getMessage().contains("--initial-controllers"), e.getMessage());
    }

    @Test
    void directoryIdsUseTheTextFormOfMetaProperties() {
        UUID id = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        assertEquals(22, DirectoryIds.format(id).length());
        assertEquals(id, DirectoryIds.parse(DirectoryIds.format(id)));
    }
}
