package io.neurowatch.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records written by the documented Python encoder (docs/examples/produce_activations.py, numpy + struct) decode in
 * Java to the intended values, and Java's encoder writes the very same bytes. Skipped with a message when
 * /usr/bin/python3 or numpy is missing; needs no Kafka.
 */
class CrossLanguageWireTest {

    @TempDir
    static Path out;

    @BeforeAll
    static void runDriver() throws Exception {
        PythonRunner.assumeNumpy();
        Path driver = out.resolve("wire_driver.py");
        try (InputStream in = CrossLanguageWireTest.class.getResourceAsStream("wire_driver.py")) {
            Files.copy(in, driver);
        }
        String output = PythonRunner.runOk(List.of(driver.toString(), PythonRunner.examplesDir().toString(),
                out.toString()));
        assertTrue(output.contains("ok"), output);
    }

    @Test
    void fullBatchFromPythonDecodesAndMatchesJavaEncodingByteForByte() throws Exception {
        int b = 3;
        int d = 12;
        long[] ids = new long[b];
        long[] stamps = new long[b];
        float[] acts = new float[b * d];
        float[] sim = new float[b * 4];
        for (int i = 0; i < b; i++) {
            ids[i] = 1_000_000_000_000L + 7L * i;
            stamps[i] = 1_700_000_000_000L + i;
        }
        for (int k = 0; k < acts.length; k++) {
            acts[k] = k / 8f - 2;
        }
        for (int k = 0; k < sim.length; k++) {
            sim[k] = k / 16f;
        }
        ActivationBatch expected = ActivationBatch.of("resnet18/imagenet", "v2", "layer4.1.conv2", ids, d, acts)
                .withFeatureShape(2, 2, 3).withTimestamps(stamps)
                .withLabels(ConceptLabels.of(new int[] {3, 1}, new int[0], new int[] {7})).withSimilarities(sim);
        byte[] python = read("batch_full.bin");
        assertEquals(expected, ActivationBatchCodec.decode(python, python.length));
        assertArrayEquals(ActivationBatchCodec.encode(expected), python);
        assertEquals("resnet18/imagenet/layer4.1.conv2", expected.key());
    }

    @Test
    void minimalBatchWithUnicodeAndEmptyVersion() throws Exception {
        ActivationBatch expected = ActivationBatch.of("modèle-β", "", "fc", new long[] {-5, 9}, 5,
                new float[] {0.5f, -0f, 1e-30f, 3.4e38f, -1f, 2, 4, 8, 16, 32});
        byte[] python = read("batch_min.bin");
        ActivationBatch decoded = ActivationBatchCodec.decode(python, python.length);
        assertEquals(expected, decoded);
        assertNull(decoded.labels());
        assertNull(decoded.featureShape());
        assertArrayEquals(ActivationBatchCodec.encode(expected), python);
    }

    @Test
    void float16BatchAgreesWithNumpyBitForBit() throws Exception {
        float[] input = floats("f16_input.f32");
        float[] simInput = floats("f16_sim_input.f32");
        float[] numpyWidened = floats("f16_expected.f32");
        int rows = input.length / 8;
        long[] ids = new long[rows];
        for (int i = 0; i < rows; i++) {
            ids[i] = i;
        }
        byte[] python = read("batch_f16.bin");
        ActivationBatch decoded = ActivationBatchCodec.decode(python, python.length);
        assertArrayEquals(numpyWidened, decoded.activations(), "float16 widening differs from numpy");
        assertArrayEquals(new int[] {2, 4}, decoded.featureShape());
        ActivationBatch fromInput = ActivationBatch.of("m", "1", "l", ids, 8, input).withFeatureShape(2, 4)
                .withSimilarities(simInput);
        assertArrayEquals(python, ActivationBatchCodec.encode(fromInput, FloatEncoding.FLOAT16),
                "float16 narrowing differs from numpy's astype(float16)");
    }

    @Test
    void annotationsFromPython() throws Exception {
        byte[] python = read("annotation.bin");
        SampleAnnotation expected = new SampleAnnotation("resnet18/imagenet", 1_000_000_000_007L,
                new int[] {5, 0, 12}, new float[] {0.25f, -0.5f, 0.75f});
        assertEquals(expected, SampleAnnotationCodec.decode(python, python.length));
        assertArrayEquals(SampleAnnotationCodec.encode(expected), python);
        byte[] empty = read("annotation_empty.bin");
        assertEquals(SampleAnnotation.of("m", -3), SampleAnnotationCodec.decode(empty, empty.length));
    }

    @Test
    void exampleProgramWritesADecodableRecordWithoutKafka() throws Exception {
        Path file = out.resolve("cli.bin");
        Path script = PythonRunner.examplesDir().resolve("produce_activations.py");
        PythonRunner.runOk(List.of(script.toString(), "--out", file.toString(), "--model", "cnn", "--layer",
                "conv3", "--batch-size", "4", "--shape", "8", "2", "2", "--concepts", "5", "--first-sample-id",
                "100", "--float16"));
        byte[] bytes = Files.readAllBytes(file);
        ActivationBatch batch = ActivationBatchCodec.decode(bytes, bytes.length);
        assertEquals("cnn/conv3", batch.key());
        assertEquals(4, batch.batchSize());
        assertEquals(32, batch.features());
        assertArrayEquals(new long[] {100, 101, 102, 103}, batch.sampleIds());
        assertArrayEquals(new int[] {8, 2, 2}, batch.featureShape());
        assertNotNull(batch.timestampsMillis());
        assertEquals(4, batch.labels().samples());
        for (float v : batch.activations()) {
            assertTrue(v >= 0, "the example sends ReLU outputs");
        }
        assertEquals(FloatEncoding.FLOAT16, RecordHeader.peek(ByteBuffer.wrap(bytes), bytes.length).encoding());
    }

    private static byte[] read(String name) throws Exception {
        return Files.readAllBytes(out.resolve(name));
    }

    private static float[] floats(String name) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(read(name)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[b.remaining() / 4];
        b.asFloatBuffer().get(values);
        return values;
    }
}
