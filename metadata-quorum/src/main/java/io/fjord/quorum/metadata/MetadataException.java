package io.fjord.quorum.metadata;

/** A metadata record that cannot be applied to the image it follows: a bug in whoever wrote the record. */
public final class MetadataException extends IllegalStateException {
    public MetadataException(String message) {
        super(message);
    }
}
