package io.fjord.broker.api;

import io.fjord.proto.internal.v1.ControllerError;
import io.fjord.proto.internal.v1.ControllerErrorCode;
import io.fjord.proto.v1.ErrorCode;

/** Maps the controller's error codes to the client API's (the same Kafka names, without the internal prefix). */
final class ControllerErrors {
    private static final String PREFIX = "CONTROLLER_ERROR_";

    private ControllerErrors() {
    }

    static ErrorCode fromController(ControllerError error) {
        ControllerErrorCode code = error.getCode();
        if (code == ControllerErrorCode.CONTROLLER_ERROR_NONE) {
            return ErrorCode.NONE;
        }
        if (code == ControllerErrorCode.CONTROLLER_ERROR_UNKNOWN_TOPIC_ID) {
            return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        }
        try {
            return ErrorCode.valueOf(code.name().substring(PREFIX.length()));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return ErrorCode.UNKNOWN_SERVER_ERROR;
        }
    }
}
