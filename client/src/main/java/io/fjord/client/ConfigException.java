package io.fjord.client;

/**
 * An invalid client configuration. The message names the key, the value given and what is allowed, e.g.
 * {@code Invalid value 'maybe' for configuration 'acks': allowed are all, -1, 0, 1}. Immutable.
 */
public class ConfigException extends FjordException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String key, Object value, String allowed) {
        super("Invalid value '" + value + "' for configuration '" + key + "': allowed " + allowed);
    }
}
