package io.neurowatch.connectors.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.core.wire.ActivationBatch;
import io.neurowatch.core.wire.ActivationBatchCodec;
import io.neurowatch.core.wire.ConceptLabels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The records the publisher builds (sending them is tested end to end in ops' InferCommandTest). */
class ActivationPublisherTest {
    // Never connects: only batches() is called, and the producer connects lazily on the first send.
    private static KafkaRecordSink sink;

    @BeforeAll
    static void open() {
        sink = KafkaRecordSink.create("127.0.0.1:1");
    }

    @AfterAll
    static void close() {
        sink.close();
    }

    @Test
    void oneRecordPerLayerKeyedModelSlashLayer() throws Exception {
        ActivationPublisher p = new ActivationPublisher(sink, "t", "cnn", "v2");
        Map<String, float[][]> acts = new LinkedHashMap<>();
        acts.put("conv3", new float[][] {{1, 2, 3}, {4, 5, 6}});
        acts.put("logits", new float[][] {{-1, 1}, {0.5f, 0}});
        List<ActivationBatch> batches = p.batches(acts, new long[] {7, 9}, new int[][] {{3}, {}}, 1234L);
        assertEquals(2, batches.size());
        ActivationBatch conv = ActivationBatchCodec.decode(ActivationBatchCodec.encode(batches.get(0)));
        assertEquals("cnn/conv3", conv.key());
        assertEquals("v2", conv.modelVersion());
        assertArrayEquals(new long[] {7, 9}, conv.sampleIds());
        assertEquals(3, conv.features());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, conv.activations());
        assertArrayEquals(new long[] {1234, 1234}, conv.timestampsMillis());
        assertEquals(ConceptLabels.of(new int[] {3}, new int[0]), conv.labels());
        assertEquals("cnn/logits", batches.get(1).key());
        assertNull(p.batches(acts, new long[] {7, 9}, null, 0).get(1).labels());
    }

    @Test
    void inconsistentInputNamesTheLayer() {
        ActivationPublisher p = new ActivationPublisher(sink, "t", "cnn", "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.batches(Map.of("fc", new float[][] {{1}, {2, 3}}), new long[] {1, 2}, null, 0));
        assertTrue(e.getMessage().contains("layer 'fc' row 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> p.batches(Map.of("fc", new float[][] {{Float.NaN}}), new long[] {1}, null, 0));
        assertTrue(e.getMessage().startsWith("layer 'fc': "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> p.batches(Map.of("fc", new float[][] {{1}}), new long[] {1, 2}, null, 0));
        assertTrue(e.getMessage().contains("1 rows for 2 sample ids"), e.getMessage());
    }
}
