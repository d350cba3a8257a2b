package io.fjord.broker.replica;

import io.fjord.proto.record.CorruptRecordException;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.storage.StorageException;
import io.fjord.storage.log.OffsetOutOfRangeException;
import io.fjord.storage.log.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one mapping from exceptions met while serving one partition to {@link ErrorCode}s. Stateless. */
public final class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    public static ApiException from(Throwable e) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof CorruptRecordException) {
            return new ApiException(ErrorCode.CORRUPT_MESSAGE, e.getMessage());
        }
        if (e instanceof RecordTooLargeException) {
            return new ApiException(ErrorCode.RECORD_TOO_LARGE, e.getMessage());
        }
        if (e instanceof OffsetOutOfRangeException) {
            return new ApiException(ErrorCode.OFFSET_OUT_OF_RANGE, e.getMessage());
        }
        if (e instanceof StorageException) {
            return new ApiException(ErrorCode.STORAGE_ERROR, e.getMessage());
        }
        LOG.warn("unexpected error serving a partition", e);
        return new ApiException(ErrorCode.UNKNOWN_SERVER_ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
