package io.fjord.broker.server;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.MapPropertySource;
import io.micronaut.context.env.PropertySource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where a node's configuration comes from, lowest precedence first (Micronaut's order): the configuration file
 * (Java properties, or YAML with nested or dotted keys, optionally under a top-level {@code fjord:}), then
 * environment variables ({@code FJORD_LOG_RETENTION_MS} is {@code log.retention.ms}; only known keys are taken, as
 * the environment is shared), then system properties ({@code -Dfjord.log.retention.ms=...}; an unknown
 * {@code fjord.} key is an error, except under {@code fjord.test.}, the test harness's). Each becomes a Micronaut
 * property source of a short-lived application context, which binds {@link FjordProperties}; the result is checked by
 * {@link ServerConfig#from}. The sources are passed in (not read from the process), so tests can give them.
 */
final class ConfigSources {
    static final String ENV_PREFIX = "FJORD_";
    static final String PROPERTY_PREFIX = FjordProperties.PREFIX + ".";
    /** Reserved for the test harness ({@code -Dfjord.test.seed=N}), not node configuration. */
    static final String TEST_PREFIX = PROPERTY_PREFIX + "test.";
    // Micronaut's own orders for these sources: a higher order wins
    private static final int FILE_ORDER = -300;
    private static final int ENV_ORDER = -200;
    private static final int SYSTEM_ORDER = -100;

    private ConfigSources() {
    }

    /**
     * @param file the configuration file, or null for none
     * @throws IllegalArgumentException naming the file and the problem
     */
    static Properties resolve(Path file, Map<String, String> env, Properties system) {
        Map<String, Object> fromFile = new HashMap<>();
        if (file != null) {
            readFile(file).forEach((key, value) -> fromFile.put(PROPERTY_PREFIX + key, value));
        }
        Map<String, Object> fromEnv = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                fromEnv.put(name, value);
            }
        });
        Map<String, Object> fromSystem = new HashMap<>();
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith(PROPERTY_PREFIX) && !name.startsWith(TEST_PREFIX)) {
                fromSystem.put(name, system.getProperty(name));
            }
        }
        try (ApplicationContext context = ApplicationContext.builder()
                .deduceEnvironment(false)
                .banner(false)
                .enableDefaultPropertySources(false) // exactly these three, never the process's own by surprise
                .propertySources(
                        source("file " + file, fromFile, PropertySource.PropertyConvention.JAVA_PROPERTIES, FILE_ORDER),
                        source("env", fromEnv, PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE, ENV_ORDER),
                        source("system", fromSystem, PropertySource.PropertyConvention.JAVA_PROPERTIES, SYSTEM_ORDER))
                .start()) {
            Properties settings = bind(context);
            // unknown keys, for ServerConfig to name: from the file and -D only (the environment is shared by
            // everything on the machine, so only known keys count there)
            for (Map<String, Object> listed : List.of(fromFile, fromSystem)) {
                listed.forEach((name, value) -> {
                    String key = name.substring(PROPERTY_PREFIX.length());
                    if (!ServerConfig.knownKeys().contains(key)) {
                        settings.setProperty(key, String.valueOf(value));
                    }
                });
            }
            return settings;
        }
    }

    /** The bound settings; a binding failure becomes the one-line error the node prints. */
    private static Properties bind(ApplicationContext context) {
        try {
            return context.getBean(FjordProperties.class).settings();
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
                cause = cause.getCause();
            }
            throw new IllegalArgumentException(cause.getMessage().replace('\n', ' '), e);
        }
    }

    private static PropertySource source(String name, Map<String, Object> values,
                                         PropertySource.PropertyConvention convention, int order) {
        return new MapPropertySource(name, values) {
            @Override
            public int getOrder() {
                return order;
            }

            @Override
            public PropertyConvention getConvention() {
                return convention;
            }
        };
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
