package io.neurowatch.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnotationStoreTest {
    @TempDir
    Path dir;

    @Test
    void annotationsAndOffsetsSurviveReopenAndLaterAnnotationsReplaceEarlierOnes() throws Exception {
        try (AnnotationStore s = AnnotationStore.open(dir, true)) {
            s.apply(List.of(new AnnotationStore.Annotation("m", 7, new int[] {1, 4}),
                    new AnnotationStore.Annotation("m", 9, new int[0])), List.of(new SourceOffset("ann", 0, 41)));
            s.apply(List.of(new AnnotationStore.Annotation("m", 7, new int[] {2}),
                    new AnnotationStore.Annotation("other", 8, new int[] {3})), List.of(new SourceOffset("ann", 0, 42),
                    new SourceOffset("ann", 1, 3)));
        }
        try (AnnotationStore s = AnnotationStore.open(dir, true)) {
            int[][] got = s.lookup("m", new long[] {7, 8, 9});
            assertArrayEquals(new int[] {2}, got[0]);
            assertNull(got[1], "sample 8 of model m has no annotation (model 'other' does)");
            assertArrayEquals(new int[0], got[2]);
            assertEquals(Map.of(new SourcePartition("ann", 0), 43L, new SourcePartition("ann", 1), 4L),
                    s.committedOffsets());
            assertTrue(s.hasAnnotations("m"));
            assertTrue(s.hasAnnotations("other"));
            assertFalse(s.hasAnnotations("o"), "a prefix of a model's name is another model");
            assertFalse(s.hasAnnotations("otherwise"));
            assertFalse(s.hasAnnotations("zzz"), "past the last key");
            s.close();
            assertThrows(IllegalStateException.class, () -> s.lookup("m", new long[] {7}));
        }
    }
}
