package io.fjord.storage.testkit;

import java.util.function.LongConsumer;

/**
 * Runs a randomized test over seeds: {@code -Dfjord.test.seed=N} replays one, {@code -Dfjord.test.seeds=N} runs N
 * (default: the test's own count). A failure names the seed and the command that replays it.
 */
public final class Seeds {
    private Seeds() {
    }

    public static void run(String testClass, String testMethod, int defaultSeeds, LongConsumer body) {
        run(testClass, testMethod, chosenSeeds(defaultSeeds), body);
    }

    /** Runs {@code body} for each seed in order, stopping at the first failure. */
    public static void run(String testClass, String testMethod, long[] seeds, LongConsumer body) {
        for (long seed : seeds) {
            runOne(testClass, testMethod, seed, body);
        }
    }

    /** The seeds the system properties ask for, or 1..defaultSeeds. */
    static long[] chosenSeeds(int defaultSeeds) {
        String one = System.getProperty("fjord.test.seed", "");
        if (!one.isBlank()) {
            return new long[] {Long.parseLong(one.trim())};
        }
        String many = System.getProperty("fjord.test.seeds", "");
        int count = many.isBlank() ? defaultSeeds : Integer.parseInt(many.trim());
        return java.util.stream.LongStream.rangeClosed(1, count).toArray();
    }

    private static void runOne(String testClass, String testMethod, long seed, LongConsumer body) {
        try {
            body.accept(seed);
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + " failed; replay with: ./mvnw -pl storage -am verify"
                    + " -Dsurefire.failIfNoSpecifiedTests=false -Dtest=" + testClass + "#" + testMethod
                    + " -Dfjord.test.seed=" + seed + "\n" + t, t);
        }
    }
}
