package io.fjord.client.internal;

import io.fjord.client.ConfigException;

/** Instantiates user classes named in the configuration ({@code partitioner.class}, {@code interceptor.classes}). */
public final class Plugins {
    private Plugins() {
    }

    public static <T> T newInstance(String key, String className, Class<T> type) {
        try {
            Class<?> c = Class.forName(className, true, Thread.currentThread().getContextClassLoader() == null
                    ? Plugins.class.getClassLoader() : Thread.currentThread().getContextClassLoader());
            if (!type.isAssignableFrom(c)) {
                throw new ConfigException(key, className, "are classes implementing " + type.getName());
            }
            return type.cast(c.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ConfigException(key, className, "are loadable classes with a public no-argument constructor ("
                    + e + ")");
        }
    }
}
