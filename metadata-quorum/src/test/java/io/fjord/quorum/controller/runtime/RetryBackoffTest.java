package io.fjord.quorum.controller.runtime;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RetryBackoffTest {
    @Test
    void delaysDoubleUpToTheCeilingAndOnlyTheRunsPowerOfTwoFailuresAreLogged() {
        RetryBackoff backoff = new RetryBackoff(10, 1000);
        assertFalse(backoff.worthLogging(), "nothing failed yet");
        List<Long> delays = new ArrayList<>();
        List<Long> logged = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            delays.add(backoff.failed());
            if (backoff.worthLogging()) {
                logged.add(backoff.failures());
            }
        }
        assertEquals(List.of(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1000L, 1000L), delays.subList(0, 9));
        assertEquals(1000L, delays.get(99), "no overflow however long the run");
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L), logged);

        backoff.succeeded();
        assertEquals(0, backoff.failures());
        assertEquals(10, backoff.failed(), "a success starts a new run");
        assertEquals(1, backoff.failures());
    }

    @Test
    void refusesDelaysThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(20, 10));
    }
}
