package io.fjord.client.internal;

import io.fjord.proto.grpc.AliasingMarshaller;
import io.fjord.proto.v1.FetchServiceGrpc;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FetcherTest {
    @Test
    void fetchAnswersAreParsedWithoutCopyingTheirRecords() {
        assertEquals(FetchServiceGrpc.getFetchMethod().getFullMethodName(), Fetcher.FETCH.getFullMethodName());
        assertTrue(Fetcher.FETCH.getResponseMarshaller() instanceof AliasingMarshaller<?>,
                Fetcher.FETCH.getResponseMarshaller().toString());
    }
}
