package io.fjord.quorum.config;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

/** Directory ids as {@code meta.properties} writes them (22 characters of base64url, Kafka's Uuid text form). */
public final class DirectoryIds {
    private DirectoryIds() {
    }

    /** @throws IllegalArgumentException naming the text if it is not a 22-character base64url id */
    public static UUID parse(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (text.length() != 22 || bytes.length != 16) {
            throw new IllegalArgumentException("'" + text + "' is not a directory id (22 characters of A-Z, a-z, 0-9,"
                    + " '_' or '-'; make one with 'fjord random-id')");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    public static String format(UUID id) {
        byte[] bytes = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
