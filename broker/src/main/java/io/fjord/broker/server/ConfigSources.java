package io.fjord.broker.server;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Where a node's configuration comes from, lowest precedence first (Micronaut's order): the configuration file
 * (Java properties, or YAML with nested or dotted keys, optionally under a top-level {@code fjord:}), then
 * environment variables ({@code FJORD_LOG_RETENTION_MS} is {@code log.retention.ms}; only known keys are taken, as
 * the environment is shared), then system properties ({@code -Dfjord.log.retention.ms=...}; an unknown
 * {@code fjord.} key is an error, except under {@code fjord.test.}, the test harness's). The result is checked by {@link ServerConfig#from}. Pure but for reading the file.
 */
final class ConfigSources {
    static final String ENV_PREFIX = "FJORD_";
    static final String PROPERTY_PREFIX = "fjord.";
    /** Reserved for the test harness ({@code -Dfjord.test.seed=N}), not node configuration. */
    static final String TEST_PREFIX = "fjord.test.";

    private ConfigSources() {
    }

    /**
     * @param file the configuration file, or null for none
     * @throws IllegalArgumentException naming the file and the problem
     */
    static Properties resolve(Path file, Map<String, String> env, Properties system, Set<String> knownKeys) {
        Properties out = new Properties();
        if (file != null) {
            out.putAll(readFile(file));
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                String key = name.substring(ENV_PREFIX.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
                if (knownKeys.contains(key)) {
                    out.setProperty(key, value);
                }
            }
        });
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith(PROPERTY_PREFIX) && !name.startsWith(TEST_PREFIX)) {
                out.setProperty(name.substring(PROPERTY_PREFIX.length()), system.getProperty(name));
            }
        }
        return out;
    }

    private static Properties readFile(Path file) {
        String name = file.getFileName().toString();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (name.endsWith(".yml") || name.endsWith(".yaml")) {
                Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
                Properties out = new Properties();
                if (root instanceof Map<?, ?> map) {
                    Object nested = map.get("fjord");
                    if (map.size() == 1 && nested != null && !(nested instanceof Map<?, ?>)) {
                        throw new IllegalArgumentException("configuration file " + file + ": 'fjord:' must hold a"
                                + " mapping of keys to values");
                    }
                    flatten("", nested instanceof Map<?, ?> fjord && map.size() == 1 ? fjord : map, out);
                } else if (root != null) {
                    throw new IllegalArgumentException("configuration file " + file + " is not a YAML mapping of keys"
                            + " to values");
                }
                return out;
            }
            Properties out = new Properties();
            out.load(in);
            return out;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("configuration file " + file + " does not exist");
        } catch (IOException | org.yaml.snakeyaml.error.YAMLException e) {
            throw new IllegalArgumentException("cannot read configuration file " + file + ": "
                    + e.getMessage().replace('\n', ' '));
        }
    }

    private static void flatten(String prefix, Map<?, ?> map, Properties out) {
        map.forEach((k, v) -> {
            String key = prefix + k;
            if (v instanceof Map<?, ?> child) {
                flatten(key + ".", child, out);
            } else if (v instanceof List<?> list) {
                out.setProperty(key, String.join(",", list.stream().map(String::valueOf).toList()));
            } else {
                out.setProperty(key, String.valueOf(v));
            }
        });
    }
}
