package io.neurowatch.ops.stream;

import io.neurowatch.core.state.SourceOffset;
import io.neurowatch.core.wire.ActivationBatch;
import io.neurowatch.core.wire.ActivationBatchCodec;
import io.neurowatch.core.wire.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.ToIntBiFunction;

/**
 * The door: decodes a record of the activations topic and checks everything a later stage relies on, so that what
 * passes is a batch every stage can take and what fails is a dead letter with its reason. The same checks run when a
 * record is processed and when it is replayed to restore state, in the same order, so both reach the same verdict.
 *
 * <p>Owns the layers' feature shapes ({@link LayerSchemas}); reads the archive's D per layer. Not thread-safe (the
 * task's thread).
 */
final class IngestStage {
    /** What the door makes of a record. */
    sealed interface Ingested permits Accepted, Rejected {
    }

    /**
     * A batch every stage can take, and its rows: the decoder's arrays themselves, shared read-only by the archive
     * buffer, the statistics update and the join window.
     */
    record Accepted(ActivationBatch batch, float[][] rows) implements Ingested {
    }

    /** A dead letter: its reason (a {@link WireFormatException.Reason} or an analyzer reason) and detail. */
    record Rejected(String reason, String detail) implements Ingested {
    }

    static final String SCHEMA_CHANGE = "SCHEMA_CHANGE";
    static final String KEY_MISMATCH = "KEY_MISMATCH";

    private final IngestSettings settings;
    private final LayerSchemas schemas;
    private final ToIntBiFunction<String, String> archivedFeatures;

    /**
     * @param archivedFeatures the D the archive holds for (model, layer), 0 for a layer it has not seen
     */
    IngestStage(IngestSettings settings, LayerSchemas schemas, ToIntBiFunction<String, String> archivedFeatures) {
        this.settings = settings;
        this.schemas = schemas;
        this.archivedFeatures = archivedFeatures;
    }

    /**
     * @param key the record's key: it must be the batch's {@code model/layer}, since the key decides the partition
     *     and so the one task that owns the layer
     * @param recordTimestamp the record's Kafka timestamp, which stamps batches sent without timestamps: the same
     *     on every replay, so the archive and the statistics bucket a replayed record alike
     */
    Ingested decode(byte[] key, byte[] value, SourceOffset pos, long recordTimestamp) {
        ActivationBatchCodec.Decoded decoded;
        try {
            if (value == null) {
                throw new WireFormatException(WireFormatException.Reason.TRUNCATED, 0, "empty record value");
            }
            decoded = ActivationBatchCodec.decodeWithRows(ByteBuffer.wrap(value), settings.maxRecordBytes());
        } catch (WireFormatException e) {
            return new Rejected(e.reason().name(), e.getMessage());
        }
        ActivationBatch batch = decoded.batch();
        byte[] expected = batch.key().getBytes(StandardCharsets.UTF_8);
        if (key == null || !Arrays.equals(key, expected)) {
            return new Rejected(KEY_MISMATCH, "record key " + (key == null ? "null"
                    : "'" + new String(key, StandardCharsets.UTF_8) + "'") + " is not the batch's model/layer '"
                    + batch.key() + "': the key decides the partition, hence the one instance that owns the layer");
        }
        if (batch.timestampsMillis() == null) {
            long[] ts = new long[batch.batchSize()];
            Arrays.fill(ts, recordTimestamp);
            batch = batch.withTimestamps(ts);
        }
        String shapeChange = schemas.check(batch);
        if (shapeChange != null) {
            return new Rejected(SCHEMA_CHANGE, shapeChange);
        }
        int d;
        try {
            d = archivedFeatures.applyAsInt(batch.modelId(), batch.layer());
        } catch (IllegalArgumentException e) {
            return new Rejected(SCHEMA_CHANGE, e.getMessage());
        }
        if (d != 0 && d != batch.features()) {
            return new Rejected(SCHEMA_CHANGE, "model '" + batch.modelId() + "' layer '" + batch.layer() + "': record "
                    + pos + " has D = " + batch.features() + " features per row but the layer's archive has D = " + d
                    + "; D cannot change within a layer");
        }
        return new Accepted(batch, decoded.rows());
    }

    /** Fixes the shape of an admitted batch's layer if it has none yet. */
    void admitted(ActivationBatch b) throws java.io.IOException {
        schemas.remember(b);
    }
}
