package io.fjord.quorum.controller;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class IsrChangesTest {
    /** isr, broker removed → isr. */
    static Stream<Arguments> removals() {
        return Stream.of(
            arguments("a member is removed, order kept", List.of(3, 1, 2), 1, List.of(3, 2)),
            arguments("the first member is removed", List.of(3, 1, 2), 3, List.of(1, 2)),
            arguments("a non-member changes nothing", List.of(1, 2), 7, List.of(1, 2)),
            arguments("the last member stays", List.of(2), 2, List.of(2)),
            arguments("a non-member of a one-member ISR", List.of(2), 5, List.of(2)),
            arguments("an empty ISR stays empty", List.of(), 1, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("removals")
    void removesABrokerButNeverEmptiesTheIsr(String name, List<Integer> isr, int brokerId, List<Integer> expected) {
        assertEquals(expected, IsrChanges.removeBroker(isr, brokerId));
    }
}
