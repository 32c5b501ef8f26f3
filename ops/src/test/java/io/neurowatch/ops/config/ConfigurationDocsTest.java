package io.neurowatch.ops.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.testkit.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every settings key is documented (with its default) in docs/configuration.md or docs/streaming.md. */
class ConfigurationDocsTest {

    @Test
    void everyKeyIsDocumented() throws Exception {
        Path root = TestData.repoRoot();
        String docs = Files.readString(root.resolve("docs/configuration.md"))
                + Files.readString(root.resolve("docs/streaming.md"));
        List<String> missing = new ArrayList<>();
        for (String key : Settings.keys()) {
            if (!docs.contains("`" + key + "`")) {
                missing.add(key);
            }
        }
        assertTrue(missing.isEmpty(), "undocumented settings keys: " + missing);
    }
}
