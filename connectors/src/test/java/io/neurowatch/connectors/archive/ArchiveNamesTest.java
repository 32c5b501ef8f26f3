package io.neurowatch.connectors.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArchiveNamesTest {
    @Test
    void escapesEverythingAPathCouldMisreadAndRoundTrips() {
        String[][] cases = {
                {"features.8", "features.8"},
                {"block1_conv1/Relu", "block1_conv1%2FRelu"},
                {"..", "%2E."},
                {".", "%2E"},
                {"_archive.json", "%5Farchive.json"},
                {"a\\b", "a%5Cb"},
                {"50%", "50%25"},
                {"späť", "sp%C3%A4%C5%A5"},
                {"a b\u0000", "a%20b%00"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], ArchiveNames.encode("layer", c[0]));
            assertEquals(c[0], ArchiveNames.decode(c[1]));
        }
    }

    @Test
    void decodeAcceptsOnlyTheCanonicalForm() {
        assertNull(ArchiveNames.decode("%61"), "'a' written escaped would alias 'a'");
        assertNull(ArchiveNames.decode("%2e."), "lower-case hex");
        assertNull(ArchiveNames.decode(".hidden"));
        assertNull(ArchiveNames.decode("_archive.json"));
        assertNull(ArchiveNames.decode("50%2"));
        assertNull(ArchiveNames.decode("%ZZ"));
        assertNull(ArchiveNames.decode(""));
    }

    @Test
    void rejectsEmptyAndOverlongNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ArchiveNames.encode("model", ""));
        assertTrue(e.getMessage().startsWith("model name"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ArchiveNames.encode("model", null));
        assertThrows(IllegalArgumentException.class, () -> new LayerKey("m", "/".repeat(67)));
        assertEquals(198, ArchiveNames.encode("layer", "/".repeat(66)).length());
    }
}
