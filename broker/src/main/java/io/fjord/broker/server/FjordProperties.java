package io.fjord.broker.server;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.env.Environment;

import java.util.Properties;

/**
 * A node's settings as Micronaut binds them: each of Kafka's key names under {@code fjord.}, resolved from the
 * property sources {@link ConfigSources} gives the context, with Micronaut's precedence and its mapping of
 * environment variable names ({@code FJORD_LOG_RETENTION_MS} is {@code fjord.log.retention.ms}). Kafka's dotted
 * names stay whole, the way Micronaut's Kafka integration passes {@code kafka.*} through: as bean properties,
 * {@code log.retention.ms} would be a nested path. Only known keys are bound; {@link ConfigSources} finds unknown
 * ones. Typed and checked by {@link ServerConfig#from}.
 */
@ConfigurationProperties(FjordProperties.PREFIX)
public final class FjordProperties {
    static final String PREFIX = "fjord";

    private final Properties settings = new Properties();

    FjordProperties(Environment environment) {
        for (String key : ServerConfig.knownKeys()) {
            try {
                environment.getProperty(PREFIX + "." + key, String.class).ifPresent(v -> settings.setProperty(key, v));
            } catch (RuntimeException e) { // a ${placeholder} that nothing defines
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
        }
    }

    /** The settings by Kafka key name (without {@code fjord.}). */
    public Properties settings() {
        Properties copy = new Properties();
        copy.putAll(settings);
        return copy;
    }
}
