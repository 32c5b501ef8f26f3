package io.neurowatch.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.wire.WireFormatException.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Round trips and rejections of sample annotations (message type 2). */
class SampleAnnotationCodecTest {

    private static SampleAnnotation roundTrip(SampleAnnotation a, FloatEncoding encoding) throws Exception {
        byte[] bytes = SampleAnnotationCodec.encode(a, encoding);
        assertEquals(MessageType.SAMPLE_ANNOTATION, RecordHeader.peek(ByteBuffer.wrap(bytes), 1024).type());
        return SampleAnnotationCodec.decode(bytes, bytes.length);
    }

    @Test
    void roundTripsWithAndWithoutSimilarity() throws Exception {
        SampleAnnotation plain = SampleAnnotation.of("resnet18", 123_456_789_012L, 5, 0, 17);
        assertEquals(plain, roundTrip(plain, FloatEncoding.FLOAT32));
        assertNull(roundTrip(plain, FloatEncoding.FLOAT32).similarity());

        SampleAnnotation none = SampleAnnotation.of("resnet18", -1);
        assertEquals(none, roundTrip(none, FloatEncoding.FLOAT32));
        assertEquals(0, roundTrip(none, FloatEncoding.FLOAT32).conceptIds().length);

        SampleAnnotation sim = new SampleAnnotation("clip", 9, new int[] {2}, new float[] {0.25f, -0.5f, 0.3f});
        assertEquals(sim, roundTrip(sim, FloatEncoding.FLOAT32));
        SampleAnnotation half = roundTrip(sim, FloatEncoding.FLOAT16);
        assertArrayEquals(new float[] {0.25f, -0.5f, Float16.toFloat(Float16.fromFloat(0.3f))}, half.similarity());
    }

    @Test
    void encodingMatchesTheDocumentedLayout() {
        RawRecord r = RawRecord.header(2, 1, WireFormat.FLAG_SIMILARITY).string("m").i64(77).u32(2).i32s(3, 1)
                .u32(2).f32s(0.5f, 1.5f);
        SampleAnnotation a = new SampleAnnotation("m", 77, new int[] {3, 1}, new float[] {0.5f, 1.5f});
        assertArrayEquals(r.bytes(), SampleAnnotationCodec.encode(a));
    }

    @Test
    void keyIsModelSlashSample() {
        assertEquals("resnet18/42", SampleAnnotation.of("resnet18", 42, 1).key());
    }

    private static WireFormatException reject(byte[] bytes, Reason reason, long offset, String fragment) {
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> SampleAnnotationCodec.decode(bytes, 1 << 16));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        return e;
    }

    @Test
    void rejectsBatchesAndForeignFlags() {
        byte[] batch = new RawBatch().bytes();
        reject(batch, Reason.WRONG_MESSAGE_TYPE, 6, "ACTIVATION_BATCH where SAMPLE_ANNOTATION");
        byte[] labelsFlag = RawRecord.header(2, 1, WireFormat.FLAG_LABELS).string("m").i64(1).u32(0).bytes();
        reject(labelsFlag, Reason.UNKNOWN_FLAGS, 8, "bits 0x4 that SAMPLE_ANNOTATION does not define");
    }

    @Test
    void rejectsBadConceptIds() {
        RawRecord r = RawRecord.header(2, 1, 0).string("m").i64(5).u32(3).mark("ids").i32s(1, 2, -7);
        reject(r.bytes(), Reason.BAD_LABELS, r.at("ids") + 8, "negative concept id -7 in annotation of sample 5");
        r = RawRecord.header(2, 1, 0).string("m").i64(5).u32(3).mark("ids").i32s(9, 2, 9);
        reject(r.bytes(), Reason.BAD_LABELS, r.at("ids") + 8, "concept id 9 repeated");
    }

    @Test
    void rejectsInconsistentSizes() {
        RawRecord r = RawRecord.header(2, 1, 0).string("m").i64(5).mark("count").u32(0x7FFFFFFF).i32s(1);
        reject(r.bytes(), Reason.SIZE_MISMATCH, r.at("count"), "2147483647 concept ids");
        r = RawRecord.header(2, 1, WireFormat.FLAG_SIMILARITY).string("m").i64(5).u32(0).mark("m").u32(3)
                .f32s(1f);
        reject(r.bytes(), Reason.SIZE_MISMATCH, r.at("m"), "similarity row of M = 3");
        r = RawRecord.header(2, 1, WireFormat.FLAG_SIMILARITY).string("m").i64(5).u32(0).mark("m").u32(0);
        reject(r.bytes(), Reason.BAD_DIMENSION, r.at("m"), "similarity width M is 0");
        r = RawRecord.header(2, 1, 0).string("m").i64(5).u32(0).u8(0);
        reject(r.bytes(), Reason.TRAILING_BYTES, r.size() - 1, "1 bytes after the last section");
        byte[] valid = SampleAnnotationCodec.encode(SampleAnnotation.of("m", 5, 1));
        reject(Arrays.copyOf(valid, valid.length - 1), Reason.TRUNCATED, valid.length - 1, "declares");
    }

    @Test
    void rejectsNonFiniteSimilarity() {
        RawRecord r = RawRecord.header(2, 2, WireFormat.FLAG_SIMILARITY).string("m").i64(5).u32(0).u32(3)
                .mark("sim").f16s((short) 0x3c00, (short) 0x7e00, (short) 0);
        reject(r.bytes(), Reason.NON_FINITE, r.at("sim") + 2, "non-finite similarity NaN at row 0, column 1");
    }

    @Test
    void recordRejectsInvalidValues() {
        assertThrows(IllegalArgumentException.class, () -> SampleAnnotation.of("", 1, 2));
        assertThrows(IllegalArgumentException.class, () -> SampleAnnotation.of("m", 1, -2));
        assertThrows(IllegalArgumentException.class, () -> SampleAnnotation.of("m", 1, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new SampleAnnotation("m", 1, new int[0], new float[0]));
        assertThrows(IllegalArgumentException.class,
                () -> new SampleAnnotation("m", 1, new int[0], new float[] {Float.NaN}));
        assertThrows(NullPointerException.class, () -> new SampleAnnotation("m", 1, null, null));
        assertThrows(IllegalArgumentException.class, () -> SampleAnnotationCodec.encode(
                new SampleAnnotation("m", 1, new int[0], new float[] {1e6f}), FloatEncoding.FLOAT16));
    }

    @Test
    void recordCopiesItsArrays() {
        int[] ids = {1, 2};
        float[] sim = {0.5f};
        SampleAnnotation a = new SampleAnnotation("m", 1, ids, sim);
        ids[0] = 99;
        sim[0] = 9f;
        a.conceptIds()[1] = 98;
        a.similarity()[0] = 8f;
        assertArrayEquals(new int[] {1, 2}, a.conceptIds());
        assertArrayEquals(new float[] {0.5f}, a.similarity());
    }
}
