package io.neurowatch.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyCodecTest {

    @Test
    void bucketsSortNumericallyIncludingNegatives() {
        long[] buckets = {Long.MIN_VALUE, -2, -1, 0, 1, 470_000, Long.MAX_VALUE};
        for (int i = 1; i < buckets.length; i++) {
            byte[] a = KeyCodec.bucketPrefix(buckets[i - 1]);
            byte[] b = KeyCodec.bucketPrefix(buckets[i]);
            assertTrue(Arrays.compareUnsigned(a, b) < 0, buckets[i - 1] + " vs " + buckets[i]);
        }
    }

    @Test
    void namesArePrefixFreeAndDecode() {
        byte[] short_ = KeyCodec.sketch(5, "m", "layer", 3);
        byte[] long_ = KeyCodec.sketch(5, "m", "layerX", 3);
        byte[] layerPrefix = KeyCodec.bucketLayerPrefix(5, "m", "layer");
        assertTrue(KeyCodec.startsWith(short_, layerPrefix));
        assertFalse(KeyCodec.startsWith(long_, layerPrefix));
        KeyCodec.KeyReader r = new KeyCodec.KeyReader(KeyCodec.histogram(-7, "mödel", "l", 12, "c"));
        assertEquals(-7, r.bucket());
        assertEquals("mödel", r.name());
        assertEquals("l", r.name());
        assertEquals(12, r.int32());
        assertEquals("c", r.name());
    }

    @Test
    void prefixEndIsTheNextPrefix() {
        assertArrayEquals(new byte[] {1, 3}, KeyCodec.prefixEnd(new byte[] {1, 2}));
        assertArrayEquals(new byte[] {2}, KeyCodec.prefixEnd(new byte[] {1, (byte) 0xFF}));
        assertNull(KeyCodec.prefixEnd(new byte[] {(byte) 0xFF}));
    }

    @Test
    void counterValuesAreLittleEndianForUint64add() {
        assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 0, 0}, KeyCodec.uint64le(1));
        assertEquals(300, KeyCodec.readUint64le(KeyCodec.uint64le(300)));
    }

    @Test
    void rejectsNamesTheEncodingCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> KeyCodec.requireName("model", ""));
        assertThrows(IllegalArgumentException.class, () -> KeyCodec.requireName("model", "a\0b"));
        assertThrows(NullPointerException.class, () -> KeyCodec.requireName("model", null));
    }
}
