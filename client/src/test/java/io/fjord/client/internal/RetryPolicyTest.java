package io.fjord.client.internal;

import io.fjord.client.FjordException;
import io.fjord.proto.v1.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static io.fjord.client.internal.RetryPolicy.Decision.FAIL;
import static io.fjord.client.internal.RetryPolicy.Decision.RETRY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryPolicyTest {
    @ParameterizedTest
    @CsvSource({
            "NOT_LEADER_OR_FOLLOWER, true, true",
            "LEADER_NOT_AVAILABLE, true, true",
            "UNKNOWN_TOPIC_OR_PARTITION, true, true",
            "REQUEST_TIMED_OUT, true, false",
            "NOT_ENOUGH_REPLICAS, true, false",
            "FENCED_LEADER_EPOCH, true, true",
            "UNKNOWN_LEADER_EPOCH, true, true",
            "STORAGE_ERROR, true, true",
            "RECORD_TOO_LARGE, false, false",
            "CORRUPT_MESSAGE, false, false",
            "INVALID_TOPIC_EXCEPTION, false, false",
            "INVALID_REQUIRED_ACKS, false, false",
            "INVALID_CONFIG, false, false",
            "TOPIC_ALREADY_EXISTS, false, false",
            "UNKNOWN_SERVER_ERROR, false, false",
    })
    void classifiesErrorCodes(ErrorCode code, boolean retriable, boolean refresh) {
        assertEquals(retriable, RetryPolicy.isRetriable(code));
        assertEquals(refresh, RetryPolicy.needsMetadataRefresh(code));
        assertEquals(retriable, FjordException.forError(code, "m", "ctx").isRetriable());
    }

    @ParameterizedTest(name = "retriable={0} attempts={1} retries={2} now={3} -> {6}")
    @CsvSource({
            // retriable, attempts, retries, nowMs, backoffMs, deadlineMs, decision
            "true, 1, 5, 0, 100, 1000, RETRY",
            "false, 1, 5, 0, 100, 1000, FAIL",     // non-retriable: never
            "true, 6, 5, 0, 100, 1000, FAIL",      // out of retries
            "true, 5, 5, 0, 100, 1000, RETRY",     // the last retry
            "true, 1, 5, 900, 100, 1000, FAIL",    // a retry would start at the deadline
            "true, 1, 5, 899, 100, 1000, RETRY",
            "true, 1, 0, 0, 100, 1000, FAIL",      // retries=0
    })
    void decidesWithinAttemptsAndDeliveryTimeout(boolean retriable, int attempts, int retries, long nowMs,
                                                 long backoffMs, long deadlineMs, RetryPolicy.Decision expected) {
        assertEquals(expected, RetryPolicy.decide(retriable, attempts, retries, nowMs, backoffMs, deadlineMs));
    }

    @Test
    void exceptionMessageCarriesCodeBrokerMessageAndContext() {
        FjordException e = FjordException.forError(ErrorCode.RECORD_TOO_LARGE, "batch 2000000 > 1048588",
                "orders-0 on broker 1");
        assertEquals(ErrorCode.RECORD_TOO_LARGE, e.errorCode());
        assertEquals("RECORD_TOO_LARGE: batch 2000000 > 1048588 (orders-0 on broker 1)", e.getMessage());
        assertFalse(e.isRetriable());
        assertTrue(FjordException.forError(ErrorCode.NOT_LEADER_OR_FOLLOWER, "", null).isRetriable());
        assertEquals(RETRY, RetryPolicy.decide(true, 1, 1, 0, 0, 1));
        assertEquals(FAIL, RetryPolicy.decide(true, 2, 1, 0, 0, 10));
    }
}
