package io.neurowatch.ops.stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.wire.ActivationBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerSchemasTest {
    @TempDir
    Path dir;

    private static ActivationBatch batch(String layer) {
        return ActivationBatch.of("m", "1", layer, new long[] {1, 2}, 8, new float[16]);
    }

    @Test
    void theFirstShapeOfALayerIsKeptAcrossRestartsAndAnotherOneIsAChange() throws IOException {
        Path file = dir.resolve("schemas.json");
        LayerSchemas s = LayerSchemas.open(file);
        ActivationBatch cube = batch("conv").withFeatureShape(2, 2, 2);
        assertNull(s.check(cube));
        s.remember(cube);
        assertNull(s.check(batch("conv").withFeatureShape(2, 2, 2)));
        assertNull(s.check(batch("conv")), "a batch without a shape is accepted");
        assertNull(s.check(batch("fc").withFeatureShape(8)), "another layer has its own shape");

        LayerSchemas reopened = LayerSchemas.open(file);
        String change = reopened.check(batch("conv").withFeatureShape(8));
        assertNotNull(change);
        assertTrue(change.contains("m/conv") && change.contains("[8]") && change.contains("[2, 2, 2]"), change);
    }

    @Test
    void aShapeIsOnlyFixedWhenRememberedAndAnUnreadableFileIsNamed() throws IOException {
        Path file = dir.resolve("schemas.json");
        LayerSchemas s = LayerSchemas.open(file);
        assertNull(s.check(batch("conv").withFeatureShape(8)));
        // Not remembered (say the archive refused it): the next shape is still the first.
        assertNull(s.check(batch("conv").withFeatureShape(4, 2)));
        Files.writeString(file, "[1, 2");
        IOException e = assertThrows(IOException.class, () -> LayerSchemas.open(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
