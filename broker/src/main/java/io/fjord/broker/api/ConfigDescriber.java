package io.fjord.broker.api;

import io.fjord.proto.v1.ConfigEntry;
import io.fjord.proto.v1.ConfigResource;
import io.fjord.proto.v1.ConfigResourceType;
import io.fjord.proto.v1.ConfigSource;
import io.fjord.proto.v1.ConfigsResult;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.quorum.metadata.MetadataImage;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Kafka's DescribeConfigs: a topic's effective configuration (its overrides from the metadata log, else this
 * broker's defaults), or this broker's static configuration (read-only). Pure.
 */
public final class ConfigDescriber {
    private final SortedMap<String, String> topicDefaults;
    private final SortedMap<String, String> brokerConfig;
    private final int brokerId;

    /**
     * @param topicDefaults every topic-level key with the value a topic without an override gets
     * @param brokerConfig  the broker's static configuration, as it was given or defaulted
     */
    public ConfigDescriber(int brokerId, Map<String, String> topicDefaults, Map<String, String> brokerConfig) {
        this.brokerId = brokerId;
        this.topicDefaults = new TreeMap<>(topicDefaults);
        this.brokerConfig = new TreeMap<>(brokerConfig);
    }

    public ConfigsResult describe(MetadataImage image, ConfigResource resource) {
        ConfigsResult.Builder out = ConfigsResult.newBuilder().setResource(resource);
        if (resource.getType() == ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC) {
            if (image.topic(resource.getName()) == null) {
                return out.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                        .setErrorMessage("topic '" + resource.getName() + "' does not exist").build();
            }
            SortedMap<String, String> overrides = image.topicConfig(resource.getName());
            SortedMap<String, String> keys = new TreeMap<>(topicDefaults);
            keys.putAll(overrides);
            keys.forEach((k, v) -> out.addEntries(ConfigEntry.newBuilder().setName(k).setValue(v)
                    .setSource(overrides.containsKey(k) ? ConfigSource.CONFIG_SOURCE_TOPIC
                            : ConfigSource.CONFIG_SOURCE_DEFAULT)));
            return out.build();
        }
        if (resource.getType() == ConfigResourceType.CONFIG_RESOURCE_TYPE_BROKER) {
            if (!resource.getName().equals(String.valueOf(brokerId)) && !resource.getName().isEmpty()) {
                return out.setErrorCode(ErrorCode.INVALID_REQUEST).setErrorMessage("this is broker " + brokerId
                        + "; ask broker " + resource.getName() + " for its own configuration").build();
            }
            brokerConfig.forEach((k, v) -> out.addEntries(ConfigEntry.newBuilder().setName(k).setValue(v)
                    .setSource(ConfigSource.CONFIG_SOURCE_STATIC_BROKER).setReadOnly(true)));
            return out.build();
        }
        return out.setErrorCode(ErrorCode.INVALID_REQUEST)
                .setErrorMessage("the resource type must be TOPIC or BROKER").build();
    }
}
