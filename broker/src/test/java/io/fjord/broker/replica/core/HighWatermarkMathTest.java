package io.fjord.broker.replica.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** HW = min LEO over the ISR (DESIGN §6), from a table. Leader is broker 1. */
class HighWatermarkMathTest {
    @ParameterizedTest(name = "hw={0} leo={1} isr={2} followers={3} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            # currentHw | leaderLeo | isr   | follower LEOs (id:leo) | expected
            0           | 0         | 1     |                        | 0
            0           | 10        | 1     |                        | 10
            4           | 10        | 1     |                        | 10
            0           | 10        | 1 2   | 2:7                    | 7
            0           | 10        | 1 2 3 | 2:7 3:5                | 5
            6           | 10        | 1 2 3 | 2:7 3:5                | 6
            0           | 10        | 1 2 3 | 2:12 3:10              | 10
            3           | 10        | 1 2   |                        | 3
            3           | 10        | 1 2 3 | 2:9                    | 3
            0           | 10        | 1 2   | 2:9 3:1                | 9
            12          | 10        | 1     |                        | 10
            0           | 10        | 2     | 2:4                    | 4
            """)
    void highWatermarkIsTheMinimumLogEndOverTheIsr(long currentHw, long leaderLeo, String isr, String followers,
                                                   long expected) {
        List<Integer> replicas = new ArrayList<>();
        for (String id : isr.trim().split(" ")) {
            replicas.add(Integer.parseInt(id));
        }
        Map<Integer, Long> leos = new HashMap<>();
        if (followers != null) {
            for (String entry : followers.trim().split(" ")) {
                String[] kv = entry.split(":");
                leos.put(Integer.parseInt(kv[0]), Long.parseLong(kv[1]));
            }
        }
        assertEquals(expected, HighWatermarkMath.highWatermark(currentHw, 1, leaderLeo, replicas, leos));
    }

    @ParameterizedTest(name = "now={0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1000  |
            30999 |
            31001 | 3
            60002 | 2 3
            """)
    void followersLeaveTheIsrWhenTheyLagTooLong(long nowMs, String expectedOut) {
        Map<Integer, Long> caughtUp = Map.of(2, 30_001L); // 3 never caught up since the leadership began at 1000
        Set<Integer> expected = new java.util.HashSet<>();
        if (expectedOut != null) {
            for (String id : expectedOut.trim().split(" ")) {
                expected.add(Integer.parseInt(id));
            }
        }
        assertEquals(expected, HighWatermarkMath.outOfSyncReplicas(1, List.of(1, 2, 3), caughtUp, 1000, nowMs, 30_000));
    }

    @org.junit.jupiter.api.Test
    void anUncommittedIsrChangeCountsBothSets() {
        assertEquals(Set.of(1, 2, 3), HighWatermarkMath.effectiveIsr(List.of(1, 2), List.of(1, 3)));
        assertEquals(Set.of(1, 2), HighWatermarkMath.effectiveIsr(List.of(1, 2), null));
    }
}
