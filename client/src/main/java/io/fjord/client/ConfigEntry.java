package io.fjord.client;

/** One configuration value and where it comes from ({@code DEFAULT}, {@code STATIC_BROKER}, {@code TOPIC}). */
public record ConfigEntry(String name, String value, String source, boolean readOnly) {
}
