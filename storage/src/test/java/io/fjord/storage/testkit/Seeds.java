package io.fjord.storage.testkit;

import java.util.function.LongConsumer;

/**
 * Runs a randomized test over seeds: {@code -Dfjord.test.seed=N} replays one, {@code -Dfjord.test.seeds=N} runs N
 * (default: the test's own count). A failure names the seed and the command that replays it.
 */
public final class Seeds {
    private Seeds() {
    }

    public static void run(Class<?> testClass, String testMethod, int defaultSeeds, LongConsumer body) {
        run(testClass, testMethod, chosenSeeds(defaultSeeds), body);
    }

    /** Runs {@code body} for each seed in order, stopping at the first failure. */
    public static void run(Class<?> testClass, String testMethod, long[] seeds, LongConsumer body) {
        for (long seed : seeds) {
            runOne(testClass, testMethod, seed, body);
        }
    }

    /** The Maven module holding a test class, from its package. */
    static String moduleOf(Class<?> testClass) {
        String pkg = testClass.getPackageName();
        return pkg.startsWith("io.fjord.quorum") ? "metadata-quorum" : pkg.startsWith("io.fjord.storage") ? "storage"
                : pkg.startsWith("io.fjord.proto") ? "proto" : "broker";
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

    private static void runOne(Class<?> testClass, String testMethod, long seed, LongConsumer body) {
        try {
            body.accept(seed);
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + " failed; replay with: ./mvnw -pl " + moduleOf(testClass) + " -am verify"
                    + " -Dsurefire.failIfNoSpecifiedTests=false -Dtest=" + testClass.getSimpleName() + "#" + testMethod
                    + " -Dfjord.test.seed=" + seed + "\n" + t, t);
        }
    }
}
