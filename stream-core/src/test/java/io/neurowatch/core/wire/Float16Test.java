package io.neurowatch.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Binary16 conversions; numpy agreement is checked in {@link CrossLanguageWireTest}. */
class Float16Test {

    @Test
    void everyHalfWidensAndNarrowsBackToItself() {
        for (int bits = 0; bits < 0x10000; bits++) {
            int pattern = bits;
            short h = (short) bits;
            float f = Float16.toFloat(h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(f))));
            } else {
                assertEquals(h, Float16.fromFloat(f), () -> "half 0x" + Integer.toHexString(pattern));
            }
        }
    }

    @Test
    void knownBitPatternsConvertBothWays() {
        assertEquals(1f, Float16.toFloat((short) 0x3c00));
        assertEquals(-2f, Float16.toFloat((short) 0xc000));
        assertEquals(65504f, Float16.toFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Float16.toFloat((short) 0x0001));
        assertEquals(0x1p-14f, Float16.toFloat((short) 0x0400));
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat((short) 0x7c00));
        assertTrue(Float.isNaN(Float16.toFloat((short) 0x7e00)));
        assertEquals((short) 0x7c00, Float16.fromFloat(65520f));
        assertEquals((short) 0x7bff, Float16.fromFloat(65519.99f));
        assertEquals((short) 0x0000, Float16.fromFloat(0x1p-25f));
        assertEquals((short) 0x0001, Float16.fromFloat(0x1.000002p-25f));
        assertEquals((short) 0x8000, Float16.fromFloat(-1e-30f));
        assertEquals((short) 0xfc00, Float16.fromFloat(Float.NEGATIVE_INFINITY));
    }

    @Test
    void midpointsRoundToEven() {
        for (int bits = 0; bits < 0x7bff; bits++) {
            float low = Float16.toFloat((short) bits);
            float high = Float16.toFloat((short) (bits + 1));
            // Two adjacent halves differ in at most 11 significant bits, so their midpoint is exact in float32.
            float mid = (float) (((double) low + high) / 2);
            short even = (short) ((bits & 1) == 0 ? bits : bits + 1);
            assertEquals(even, Float16.fromFloat(mid), "midpoint above half 0x" + Integer.toHexString(bits));
            assertEquals((short) bits, Float16.fromFloat(Math.nextDown(mid)));
            assertEquals((short) (bits + 1), Float16.fromFloat(Math.nextUp(mid)));
            assertEquals((short) (bits | 0x8000), Float16.fromFloat(-Math.nextDown(mid)));
        }
    }
}
