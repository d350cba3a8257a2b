package io.fjord.client.internal;

import io.fjord.client.TimeoutException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BufferMemoryTest {
    @Test
    void pooledBuffersCountAgainstTheTotalAndGiveWayToOtherSizes() {
        BufferMemory memory = new BufferMemory(4096, 1024);
        List<ByteBuffer> batches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batches.add(memory.allocate(1024, 0));
        }
        batches.forEach(b -> memory.deallocate(b, 1024));
        assertEquals(4, memory.pooledBuffers());
        assertEquals(0, memory.usedBytes());

        ByteBuffer big = memory.allocate(2500, 0); // room made by dropping pooled buffers, not by exceeding 4096
        assertEquals(1, memory.pooledBuffers());
        ByteBuffer reused = memory.allocate(1024, 0);
        assertSame(batches.get(3), reused, "the most recently freed buffer is reused");
        assertThrows(TimeoutException.class, () -> memory.allocate(1024, 10), "2500 + 1024 held: no room for 1024");

        memory.deallocate(big, 2500);
        assertEquals(0, memory.pooledBuffers(), "only batch.size buffers are kept");
        assertEquals(1024, memory.usedBytes());
    }

    @Test
    void aRecordLargerThanEverythingStillGoesWhenNothingElseIsHeld() {
        BufferMemory memory = new BufferMemory(1000, 100);
        memory.deallocate(memory.allocate(100, 0), 100);
        ByteBuffer huge = memory.allocate(5000, 0);
        assertEquals(5000, huge.capacity());
        assertEquals(0, memory.pooledBuffers());
    }
}
