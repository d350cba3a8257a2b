package io.fjord.broker.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code ./fjord} launcher: which Java it runs, the options it passes, and its ahead-of-time cache. It runs a copy
 * of the real script beside a placeholder jar (so it builds nothing) against fake JDKs whose {@code java} only logs
 * its arguments.
 */
class LauncherScriptTest {
    @TempDir
    Path tmp;

    private Path launcher;
    private Path jar;
    private Path javaLog;

    @BeforeEach
    void copyLauncher() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("fjord"));
        launcher = Files.copy(Path.of("..", "fjord"), root.resolve("fjord"));
        jar = Files.createDirectories(root.resolve("broker/target")).resolve("fjord.jar");
        Files.writeString(jar, "placeholder");
        javaLog = tmp.resolve("java.log");
        fakeJdk("jdk-21", "21.0.4", "21.0.4+7");
        fakeJdk("jdk-99", "99.0.1", "99.0.1+1");
        Files.createDirectories(tmp.resolve("jdks/not-a-jdk/bin")); // no release file, no java: ignored
    }

    /** A JDK whose java logs its arguments, writes an AOT cache when asked to record one, and fails on request. */
    private void fakeJdk(String name, String version, String build) throws IOException {
        Path home = Files.createDirectories(tmp.resolve("jdks").resolve(name));
        Files.writeString(home.resolve("release"),
                "IMPLEMENTOR=\"Fake\"\nJAVA_RUNTIME_VERSION=\"" + build + "\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                echo "%s $*" >>"$FAKE_JAVA_LOG"
                for arg in "$@"; do
                  case "$arg" in -XX:AOTCacheOutput=*)
                    [ -n "${FAKE_TRAINING_FAILS:-}" ] && exit 1
                    echo cache >"${arg#-XX:AOTCacheOutput=}" ;;
                  esac
                done
                """.formatted(name));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Launch(int exitCode, String output) {
    }

    /** Runs the launcher; returns the fake java's log of its calls, after checking the launcher succeeded. */
    private List<String> run(Map<String, String> env, String... args) throws Exception {
        Launch launch = launch(env, args);
        assertEquals(0, launch.exitCode(), launch.output());
        return Files.exists(javaLog) ? Files.readAllLines(javaLog, StandardCharsets.UTF_8) : List.of();
    }

    private Launch launch(Map<String, String> env, String... args) throws Exception {
        Files.deleteIfExists(javaLog);
        List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JAVA_HOME");
        builder.environment().remove("FJORD_JAVA_HOME");
        builder.environment().remove("FJORD_JAVA_OPTS");
        builder.environment().remove("FJORD_AOT");
        builder.environment().put("FJORD_JDK_DIRS", tmp.resolve("jdks").toString());
        builder.environment().put("FAKE_JAVA_LOG", javaLog.toString());
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(tmp.resolve("launcher.out").toFile());
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the launcher finished");
        return new Launch(process.exitValue(), Files.readString(tmp.resolve("launcher.out")));
    }

    private String jdk(String name) {
        return tmp.resolve("jdks").resolve(name).toString();
    }

    @Test
    void runsTheNewestInstalledJdkUnlessJavaHomeNamesOne() throws Exception {
        Map<String, String> noAot = Map.of("FJORD_AOT", "off");
        List<String> newest = run(noAot, "topics", "list");
        assertEquals(1, newest.size(), newest.toString());
        assertTrue(newest.get(0).startsWith("jdk-99 "), "newer than java on PATH and jdk-21: " + newest);
        assertTrue(newest.get(0).endsWith(" -jar " + jar + " topics list"), newest.get(0));

        List<String> javaHome = run(Map.of("FJORD_AOT", "off", "JAVA_HOME", jdk("jdk-21")), "topics", "list");
        assertTrue(javaHome.get(0).startsWith("jdk-21 "), javaHome.toString());

        List<String> fjordJavaHome = run(Map.of("FJORD_AOT", "off", "JAVA_HOME", jdk("jdk-99"),
                "FJORD_JAVA_HOME", jdk("jdk-21")), "topics", "list");
        assertTrue(fjordJavaHome.get(0).startsWith("jdk-21 "), fjordJavaHome.toString());
    }

    @Test
    void comparesWholeVersionsAndTakesJdksWithSpacesAndJavaOnPath() throws Exception {
        fakeJdk("jdk 99 patched", "99.0.10", "99.0.10+2"); // newer update of the same feature, a space in its name
        List<String> update = run(Map.of("FJORD_AOT", "off"), "topics", "list");
        assertTrue(update.get(0).startsWith("jdk 99 patched "), update.toString());

        fakeJdk("on-path", "100", "100+1");
        Path onPath = tmp.resolve("jdks/on-path");
        Files.move(onPath, tmp.resolve("elsewhere")); // not under FJORD_JDK_DIRS: found only through PATH
        Path bin = Files.createDirectories(tmp.resolve("path-bin"));
        Files.createSymbolicLink(bin.resolve("java"), tmp.resolve("elsewhere/bin/java"));
        List<String> path = run(Map.of("FJORD_AOT", "off",
                "PATH", bin + ":" + System.getenv("PATH")), "topics", "list");
        assertTrue(path.get(0).startsWith("on-path "), "java on PATH, through its symlink: " + path);
    }

    @Test
    void aJavaHomeWithoutJavaIsReportedInOneLine() throws Exception {
        Launch launch = launch(Map.of("JAVA_HOME", jdk("not-a-jdk")), "topics", "list");
        assertEquals(1, launch.exitCode(), launch.output());
        assertEquals("fjord: " + tmp.resolve("jdks/not-a-jdk/bin/java") + " is not an executable java (set by"
                + " JAVA_HOME)", launch.output().strip());
    }

    @Test
    void passesVersionSpecificOptionsAndAShortRunJitPolicyToToolsOnly() throws Exception {
        String tool = run(Map.of("FJORD_AOT", "off", "JAVA_HOME", jdk("jdk-21")), "perf", "produce").get(0);
        assertTrue(tool.contains("-Xlog:all=warning:stderr"), "JVM warnings stay off stdout: " + tool);
        assertFalse(tool.contains("--sun-misc-unsafe-memory-access"), "JDK 21 does not know it: " + tool);
        assertTrue(tool.contains("-XX:Tier4InvocationThreshold=30000"), tool);

        String node = run(Map.of("FJORD_AOT", "off", "FJORD_JAVA_OPTS", "-Xmx1g"), "dev").get(0);
        assertTrue(node.contains("--sun-misc-unsafe-memory-access=allow"), node);
        assertFalse(node.contains("Tier4"), "nodes keep the JDK's JIT policy: " + node);
        assertTrue(node.endsWith(" -Xmx1g -jar " + jar + " dev"), node);
    }

    @Test
    void recordsTheAheadOfTimeCacheOncePerBuildAndUsesIt() throws Exception {
        Path cache = jar.resolveSibling("fjord-jdk-99.0.1+1.aot");
        List<String> first = run(Map.of(), "topics", "list");
        assertEquals(2, first.size(), first.toString());
        assertTrue(first.get(0).contains("-XX:AOTCacheOutput=") && first.get(0).endsWith(" aot-training"),
                first.get(0));
        assertTrue(first.get(1).contains("-XX:AOTCache=" + cache + " "), first.get(1));

        List<String> second = run(Map.of(), "topics", "list");
        assertEquals(1, second.size(), "recorded once: " + second);
        assertTrue(second.get(0).contains("-XX:AOTCache=" + cache + " "), second.get(0));

        Files.setLastModifiedTime(cache, FileTime.from(Instant.now().minusSeconds(60))); // the jar is a newer build
        List<String> rebuilt = run(Map.of("FAKE_TRAINING_FAILS", "yes"), "topics", "list");
        assertEquals(2, rebuilt.size(), "recorded again after a build: " + rebuilt);
        assertFalse(rebuilt.get(1).contains("-XX:AOTCache"), "a stale cache is not used: " + rebuilt.get(1));

        List<String> afterFailure = run(Map.of(), "topics", "list");
        assertEquals(1, afterFailure.size(), "a failed recording is not retried until the next build");
        assertFalse(afterFailure.get(0).contains("-XX:AOTCache"), afterFailure.get(0));
        try (var files = Files.list(jar.getParent())) {
            assertEquals(List.of("aot-training.log", "fjord-jdk-99.0.1+1.aot", "fjord-jdk-99.0.1+1.aot.failed",
                            "fjord.jar"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no lock or partial cache left");
        }
    }
}
