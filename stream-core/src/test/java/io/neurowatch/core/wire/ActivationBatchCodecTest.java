package io.neurowatch.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Round trips of activation batches, with every combination of optional sections and both float encodings. */
class ActivationBatchCodecTest {

    /** Bit i of {@code sections} adds optional section i, in flag order. */
    static ActivationBatch batch(int sections, Random rnd) {
        int b = 1 + rnd.nextInt(5);
        int c = 1 + rnd.nextInt(3);
        int h = 1 + rnd.nextInt(3);
        int w = 1 + rnd.nextInt(3);
        int d = c * h * w;
        long[] ids = new long[b];
        float[] acts = new float[b * d];
        for (int i = 0; i < b; i++) {
            ids[i] = rnd.nextLong();
        }
        for (int i = 0; i < acts.length; i++) {
            acts[i] = (float) rnd.nextGaussian() * 10;
        }
        ActivationBatch batch = ActivationBatch.of("resnet50-ñ/imagenet", "2024.1", "layer3.5.conv3", ids, d, acts);
        if ((sections & WireFormat.FLAG_FEATURE_SHAPE) != 0) {
            batch = batch.withFeatureShape(c, h, w);
        }
        if ((sections & WireFormat.FLAG_TIMESTAMPS) != 0) {
            long[] ts = new long[b];
            for (int i = 0; i < b; i++) {
                ts[i] = 1_700_000_000_000L + rnd.nextInt(1_000_000);
            }
            batch = batch.withTimestamps(ts);
        }
        if ((sections & WireFormat.FLAG_LABELS) != 0) {
            int[][] rows = new int[b][];
            for (int i = 0; i < b; i++) {
                rows[i] = rnd.ints(0, 1000).distinct().limit(rnd.nextInt(4)).toArray();
            }
            batch = batch.withLabels(ConceptLabels.of(rows));
        }
        if ((sections & WireFormat.FLAG_SIMILARITY) != 0) {
            int m = 1 + rnd.nextInt(6);
            float[] sim = new float[b * m];
            for (int i = 0; i < sim.length; i++) {
                sim[i] = rnd.nextFloat();
            }
            batch = batch.withSimilarities(sim);
        }
        return batch;
    }

    @ParameterizedTest(name = "sections 0b{0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
    void roundTripsEveryCombinationOfOptionalSections(int sections) throws Exception {
        Random rnd = new Random(sections);
        for (int trial = 0; trial < 20; trial++) {
            ActivationBatch batch = batch(sections, rnd);
            byte[] bytes = ActivationBatchCodec.encode(batch);
            ActivationBatch back = ActivationBatchCodec.decode(bytes, bytes.length);
            assertEquals(batch, back);
            assertEquals(batch.hashCode(), back.hashCode());
            assertEquals(sections, RecordHeader.peek(ByteBuffer.wrap(bytes), bytes.length).flags());
            assertEquals(sections != 0 && (sections & WireFormat.FLAG_LABELS) != 0, back.labels() != null);
        }
    }

    @Test
    void encodingMatchesTheDocumentedLayoutByteForByte() {
        RawBatch raw = new RawBatch();
        assertArrayEquals(raw.bytes(), ActivationBatchCodec.encode(raw.expected()));
        RawBatch minimal = new RawBatch().minimal();
        assertArrayEquals(minimal.bytes(), ActivationBatchCodec.encode(minimal.expected()));
        RawBatch half = new RawBatch();
        half.dtype = FloatEncoding.FLOAT16.code();
        assertArrayEquals(half.bytes(), ActivationBatchCodec.encode(half.expected(), FloatEncoding.FLOAT16));
    }

    @Test
    void minimalRecordHasTheDocumentedSize() {
        ActivationBatch batch = ActivationBatch.of("m", "", "l", new long[] {7}, 1, new float[] {1f});
        byte[] bytes = ActivationBatchCodec.encode(batch);
        // header 16 + strings (4+1) + (4+0) + (4+1) + B 4 + D 4 + one id 8 + one float 4
        assertEquals(50, bytes.length);
        assertEquals(batch, roundTrip(bytes));
    }

    @Test
    void decodesFloat16WideningExactly() throws Exception {
        RawBatch raw = new RawBatch();
        raw.dtype = FloatEncoding.FLOAT16.code();
        raw.activations = new float[] {0f, -0f, 1f, -2.5f, 65504f, -65504f, 0x1p-24f, 0x1p-14f, 1.0009765625f,
            0.333251953125f, 1000f, 3f};
        raw.similarities = new float[] {0.5f, 0.25f, -0.125f, 2f, 4f, 8f};
        ActivationBatch back = roundTrip(raw.bytes());
        assertArrayEquals(raw.activations, back.activations());
        assertArrayEquals(raw.similarities, back.similarities());
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(back.activation(0, 1)));
    }

    @Test
    void float16EncodingRoundsToNearestAndHalvesTheMatrix() throws Exception {
        Random rnd = new Random(3);
        ActivationBatch batch = batch(WireFormat.FLAG_SIMILARITY, rnd);
        byte[] full = ActivationBatchCodec.encode(batch);
        byte[] half = ActivationBatchCodec.encode(batch, FloatEncoding.FLOAT16);
        int floats = batch.activations().length + batch.similarities().length;
        assertEquals(full.length - 2 * floats, half.length);
        ActivationBatch back = roundTrip(half);
        for (int i = 0; i < batch.batchSize(); i++) {
            for (int j = 0; j < batch.features(); j++) {
                float v = batch.activation(i, j);
                assertEquals(Float16.toFloat(Float16.fromFloat(v)), back.activation(i, j));
                assertEquals(v, back.activation(i, j), Math.abs(v) / 1024 + 1e-7f);
            }
        }
        // Re-encoding widened values as float16 is lossless.
        assertArrayEquals(half, ActivationBatchCodec.encode(back, FloatEncoding.FLOAT16));
    }

    @Test
    void float16EncodingRejectsValuesOutsideItsRange() {
        ActivationBatch batch = ActivationBatch.of("m", "v", "l", new long[] {1, 2}, 2,
                new float[] {1f, 2f, 3f, 65520f});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ActivationBatchCodec.encode(batch, FloatEncoding.FLOAT16));
        assertTrue(e.getMessage().contains("row 1, column 1"), e.getMessage());
        ActivationBatch fits = ActivationBatch.of("m", "v", "l", new long[] {1, 2}, 2,
                new float[] {1f, 2f, 3f, 65519f});
        assertEquals(65504f, roundTrip(ActivationBatchCodec.encode(fits, FloatEncoding.FLOAT16)).activation(1, 1));
    }

    @Test
    void decodesFromAByteBufferWithoutMovingIt() throws Exception {
        ActivationBatch batch = batch(15, new Random(9));
        byte[] bytes = ActivationBatchCodec.encode(batch);
        byte[] padded = new byte[bytes.length + 10];
        System.arraycopy(bytes, 0, padded, 7, bytes.length);
        ByteBuffer buffer = ByteBuffer.wrap(padded, 7, bytes.length);
        assertEquals(batch, ActivationBatchCodec.decode(buffer, 1 << 20));
        assertEquals(7, buffer.position());
        assertEquals(7 + bytes.length, buffer.limit());
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        assertEquals(batch, ActivationBatchCodec.decode(direct, bytes.length));
    }

    @Test
    void emptyModelVersionAndSamplesWithoutLabelsRoundTrip() {
        ActivationBatch batch = ActivationBatch.of("m", "", "l", new long[] {-5, 0, Long.MAX_VALUE}, 1,
                new float[] {-0f, Float.MIN_VALUE, Float.MAX_VALUE})
                .withLabels(ConceptLabels.of(new int[0], new int[] {Integer.MAX_VALUE}, new int[0]))
                .withTimestamps(new long[] {Long.MIN_VALUE, 0, -1});
        ActivationBatch back = roundTrip(ActivationBatchCodec.encode(batch));
        assertEquals(batch, back);
        assertEquals("", back.modelVersion());
        assertEquals(0, back.labels().conceptsOf(0).length);
        assertNull(back.featureShape());
        assertNull(back.similarities());
        assertEquals(0, back.similarityWidth());
    }

    @Test
    void keyIsModelSlashLayer() {
        ActivationBatch batch = ActivationBatch.of("resnet18", "v3", "layer4.0", new long[] {1}, 1, new float[1]);
        assertEquals("resnet18/layer4.0", batch.key());
    }

    @Test
    void defaultLimitAcceptsOrdinaryRecords() throws Exception {
        ActivationBatch batch = batch(15, new Random(1));
        assertEquals(batch, ActivationBatchCodec.decode(ActivationBatchCodec.encode(batch)));
    }

    private static ActivationBatch roundTrip(byte[] bytes) {
        try {
            return ActivationBatchCodec.decode(bytes, bytes.length);
        } catch (WireFormatException e) {
            throw new AssertionError(e);
        }
    }
}
