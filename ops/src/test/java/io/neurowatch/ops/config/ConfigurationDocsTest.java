package io.neurowatch.ops.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.testkit.TestData;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The settings tables of the docs are the settings table of the code. */
class ConfigurationDocsTest {
    static final String BEGIN = "<!-- settings-table:begin (generated from Settings.TABLE; `neurowatch config "
            + "--markdown` prints it) -->\n";
    static final String END = "<!-- settings-table:end -->";

    @Test
    void theSettingsSectionOfStreamingMdIsTheTable() throws Exception {
        String doc = Files.readString(TestData.file("docs/streaming.md"));
        int from = doc.indexOf(BEGIN);
        int to = doc.indexOf(END);
        assertTrue(from >= 0 && to > from, "docs/streaming.md has no generated settings table between markers");
        assertEquals(Settings.TABLE.markdown(), doc.substring(from + BEGIN.length(), to),
                "docs/streaming.md disagrees with the settings table: paste `neurowatch config --markdown` there");
    }
}
