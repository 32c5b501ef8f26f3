package io.neurowatch.connectors.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PolledRecordTest {

    @Test
    void copiesArraysInAndOut() {
        byte[] value = {1, 2, 3};
        PolledRecord r = new PolledRecord("t", 0, 7, 0L, null, value);
        value[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, r.value());
        r.value()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, r.value());
        assertNull(r.key());
        assertEquals(8, r.nextOffset());
        assertEquals(3, r.sizeInBytes());
    }

    @Test
    void buffersAreReadOnlyViews() {
        PolledRecord r = new PolledRecord("t", 0, 0, 0L, new byte[] {4}, new byte[] {5, 6});
        ByteBuffer b = r.valueBuffer();
        assertTrue(b.isReadOnly());
        assertEquals(2, b.remaining());
        assertThrows(java.nio.ReadOnlyBufferException.class, () -> b.put(0, (byte) 1));
    }

    @Test
    void tombstoneStaysNull() {
        PolledRecord r = new PolledRecord("t", 1, 0, 0L, new byte[] {1}, null);
        assertTrue(r.isTombstone());
        assertNull(r.valueBuffer());
        assertEquals(new PolledRecord("t", 1, 0, 0L, new byte[] {1}, null), r);
    }
}
