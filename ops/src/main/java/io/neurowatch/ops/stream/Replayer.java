package io.neurowatch.ops.stream;

import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.core.ActivationSource;
import io.neurowatch.core.LabelMatrix;
import io.neurowatch.core.wire.ActivationBatch;
import io.neurowatch.core.wire.ActivationBatchCodec;
import io.neurowatch.core.wire.ConceptLabels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import reactor.core.publisher.Flux;

/**
 * A stand-in inference service: publishes the rows of an activation table as wire-format batches, with labels
 * inline, at an optional rate. Sample ids are {@code firstSampleId + row}. Blocking; call off reactive threads.
 */
public final class Replayer {

    /**
     * What to publish and how; copy-on-write, so one instance can serve as a template.
     *
     * @param batchSize samples per record
     * @param firstSampleId the sample id of row 0
     * @param samplesPerSecond pace (0 = as fast as the broker takes them)
     * @param featureShape the layer's feature shape on the wire, or null
     */
    public record Options(String model, String modelVersion, String layer, String topic, int batchSize,
                          long firstSampleId, double samplesPerSecond, int[] featureShape) {
        public Options {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
        }

        /** Model version "1", 100 samples per record, sample ids from 0, unpaced, no feature shape. */
        public static Options of(String model, String layer, String topic) {
            return new Options(model, "1", layer, topic, 100, 0, 0, null);
        }

        public Options withModelVersion(String version) {
            return new Options(model, version, layer, topic, batchSize, firstSampleId, samplesPerSecond, featureShape);
        }

        public Options withBatchSize(int samples) {
            return new Options(model, modelVersion, layer, topic, samples, firstSampleId, samplesPerSecond,
                    featureShape);
        }

        public Options withFirstSampleId(long id) {
            return new Options(model, modelVersion, layer, topic, batchSize, id, samplesPerSecond, featureShape);
        }

        public Options withRate(double samplesPerSecond) {
            return new Options(model, modelVersion, layer, topic, batchSize, firstSampleId, samplesPerSecond,
                    featureShape);
        }

        public Options withFeatureShape(int... shape) {
            return new Options(model, modelVersion, layer, topic, batchSize, firstSampleId, samplesPerSecond,
                    shape.clone());
        }
    }

    private Replayer() {
    }

    /**
     * Publishes every row of {@code source} and waits for all acknowledgements.
     *
     * @param labels per-row labels or null; column c is concept id c on the wire
     * @param progress receives the number of rows published so far
     * @return rows published
     */
    public static long replay(ActivationSource source, LabelMatrix labels, Options o, KafkaRecordSink sink,
                              LongConsumer progress) throws IOException {
        return replay(source, labels, 0, Math.toIntExact(source.rows()), o, sink, progress);
    }

    /**
     * Publishes rows {@code [fromRow, toRow)} of {@code source}; sample ids stay {@code firstSampleId + row}, so a
     * table can be streamed in parts.
     */
    public static long replay(ActivationSource source, LabelMatrix labels, int fromRow, int toRow, Options o,
                              KafkaRecordSink sink, LongConsumer progress) throws IOException {
        long n = source.rows();
        if (fromRow < 0 || toRow > n || fromRow > toRow) {
            throw new IllegalArgumentException("rows [" + fromRow + ", " + toRow + ") outside [0, " + n + ") of "
                    + source.describe());
        }
        if (labels != null && labels.rows() != n) {
            throw new IllegalArgumentException("labels have " + labels.rows() + " rows but " + source.describe()
                    + " has " + n);
        }
        int d = source.features();
        // Read the whole table column-blocked once: replay is a test/demo tool, tables fit in memory.
        double[][] cols = source.readColumns(0, d);
        byte[] key = (o.model() + "/" + o.layer()).getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        long sent = 0;
        List<reactor.core.publisher.Mono<?>> inFlight = new ArrayList<>();
        for (long from = fromRow; from < toRow; from += o.batchSize()) {
            int b = (int) Math.min(o.batchSize(), toRow - from);
            long[] ids = new long[b];
            long[] ts = new long[b];
            float[] rows = new float[b * d];
            int[][] perSample = new int[b][];
            long now = System.currentTimeMillis();
            for (int i = 0; i < b; i++) {
                int row = (int) (from + i);
                ids[i] = o.firstSampleId() + row;
                ts[i] = now;
                for (int j = 0; j < d; j++) {
                    rows[i * d + j] = (float) cols[j][row];
                }
                if (labels != null) {
                    perSample[i] = conceptsOf(labels, row);
                }
            }
            ActivationBatch batch = ActivationBatch.of(o.model(), o.modelVersion(), o.layer(), ids, d, rows)
                    .withTimestamps(ts);
            if (o.featureShape() != null) {
                batch = batch.withFeatureShape(o.featureShape());
            }
            if (labels != null) {
                batch = batch.withLabels(ConceptLabels.of(perSample));
            }
            inFlight.add(sink.send(o.topic(), key, ActivationBatchCodec.encode(batch), null));
            sent += b;
            progress.accept(sent);
            if (inFlight.size() >= 64) {
                Flux.concat(inFlight).blockLast();
                inFlight.clear();
            }
            pace(o.samplesPerSecond(), sent, start);
        }
        Flux.concat(inFlight).blockLast();
        return sent;
    }

    private static int[] conceptsOf(LabelMatrix labels, int row) {
        int count = 0;
        for (int c = 0; c < labels.concepts(); c++) {
            count += labels.get(row, c) ? 1 : 0;
        }
        int[] out = new int[count];
        int k = 0;
        for (int c = 0; c < labels.concepts(); c++) {
            if (labels.get(row, c)) {
                out[k++] = c;
            }
        }
        return out;
    }

    private static void pace(double samplesPerSecond, long sent, long startNanos) {
        if (samplesPerSecond <= 0) {
            return;
        }
        long due = startNanos + (long) (sent / samplesPerSecond * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
