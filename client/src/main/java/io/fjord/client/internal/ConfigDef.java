package io.fjord.client.internal;

import io.fjord.client.ConfigException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The keys a client accepts, with their types, defaults and allowed values, and the parser that turns a user's
 * {@code Map<String,Object>} (or {@link Properties}) into typed values. Values may be given typed ({@code 16384},
 * {@code List.of(...)}) or as strings ({@code "16384"}, {@code "a,b"}), as in Kafka. A bad value fails with a
 * {@link ConfigException} naming the key, the value and what is allowed. Unknown keys are ignored (so one map can
 * configure several clients). Immutable once built; thread-safe.
 */
public final class ConfigDef {
    /** The type a key's value is parsed into. */
    public enum Type { INT, LONG, STRING, LIST, BOOLEAN }

    private record Key(String name, Type type, Object defaultValue, Object[] allowed, Long min, Long max) {
    }

    private final Map<String, Key> keys = new LinkedHashMap<>();

    /** A key with a default; {@code defaultValue == null} with no value given means "unset". */
    public ConfigDef define(String name, Type type, Object defaultValue) {
        keys.put(name, new Key(name, type, defaultValue, null, null, null));
        return this;
    }

    /** A numeric key with an inclusive range. */
    public ConfigDef defineRange(String name, Type type, Object defaultValue, long min, long max) {
        keys.put(name, new Key(name, type, defaultValue, null, min, max));
        return this;
    }

    /** A string key that must be one of {@code allowed} (case-insensitive). */
    public ConfigDef defineOneOf(String name, Object defaultValue, String... allowed) {
        keys.put(name, new Key(name, Type.STRING, defaultValue, allowed, null, null));
        return this;
    }

    /** Parses {@code given} into one value per defined key (the default where none is given). */
    public Map<String, Object> parse(Map<String, ?> given) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Key key : keys.values()) {
            Object raw = given.containsKey(key.name) ? given.get(key.name) : key.defaultValue;
            out.put(key.name, raw == null ? null : parseValue(key, raw));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The {@code bootstrap.servers} list of parsed {@code values}, as strings.
     *
     * @throws io.fjord.client.ConfigException if it is missing or empty
     */
    public static java.util.List<String> bootstrapServers(Map<String, Object> values, Map<String, ?> originals) {
        Object value = values.get("bootstrap.servers");
        java.util.List<String> servers = value == null ? java.util.List.of()
                : ((java.util.List<?>) value).stream().map(Object::toString).toList();
        if (servers.isEmpty()) {
            throw new io.fjord.client.ConfigException("bootstrap.servers", originals.get("bootstrap.servers"),
                    "is a non-empty list of host:port");
        }
        return servers;
    }

    public static Map<String, Object> toMap(Properties properties) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return map;
    }

    private static Object parseValue(Key key, Object raw) {
        Object value;
        try {
            value = convert(key.type, raw);
        } catch (RuntimeException e) {
            throw new ConfigException(key.name, raw, describeType(key));
        }
        if (key.min != null) {
            long n = ((Number) value).longValue();
            if (n < key.min || n > key.max) {
                throw new ConfigException(key.name, raw, describeType(key));
            }
        }
        if (key.allowed != null) {
            String s = ((String) value).trim().toLowerCase(Locale.ROOT);
            for (Object allowed : key.allowed) {
                if (allowed.toString().equals(s)) {
                    return s;
                }
            }
            throw new ConfigException(key.name, raw, describeType(key));
        }
        return value;
    }

    private static Object convert(Type type, Object raw) {
        switch (type) {
            case INT:
                return raw instanceof Number n ? Math.toIntExact(n.longValue()) : Integer.parseInt(raw.toString().trim());
            case LONG:
                return raw instanceof Number n ? n.longValue() : Long.parseLong(raw.toString().trim());
            case BOOLEAN:
                if (raw instanceof Boolean b) {
                    return b;
                }
                String s = raw.toString().trim().toLowerCase(Locale.ROOT);
                if (!s.equals("true") && !s.equals("false")) {
                    throw new IllegalArgumentException(s);
                }
                return Boolean.parseBoolean(s);
            case LIST:
                if (raw instanceof List<?> list) {
                    return List.copyOf(list);
                }
                List<Object> items = new ArrayList<>();
                for (String part : raw.toString().split(",")) {
                    if (!part.isBlank()) {
                        items.add(part.trim());
                    }
                }
                return List.copyOf(items);
            default:
                return raw instanceof Class<?> c ? c.getName() : raw.toString();
        }
    }

    private static String describeType(Key key) {
        if (key.allowed != null) {
            return "are " + String.join(", ", Arrays.stream(key.allowed).map(Object::toString).toList());
        }
        String kind = key.type.name().toLowerCase(Locale.ROOT);
        if (key.min != null) {
            return "is " + (key.type == Type.INT || key.type == Type.LONG ? "an integer" : kind)
                    + " in [" + key.min + ", " + (key.max == Long.MAX_VALUE || key.max == Integer.MAX_VALUE
                    ? "..." : key.max) + "]";
        }
        switch (key.type) {
            case INT:
            case LONG:
                return "is an integer";
            case BOOLEAN:
                return "are true, false";
            case LIST:
                return "is a comma-separated list";
            default:
                return "is a string";
        }
    }
}
