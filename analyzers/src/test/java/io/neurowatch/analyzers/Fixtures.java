package io.neurowatch.analyzers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.connectors.io.LabelReader;
import io.neurowatch.connectors.io.NpyActivations;
import io.neurowatch.connectors.io.NpyReader;
import io.neurowatch.core.InMemoryActivations;
import io.neurowatch.core.LabelMatrix;
import io.neurowatch.testkit.TestData;
import java.io.IOException;
import java.nio.file.Path;

/** Readers of {@code testdata/reference}, the reference implementations' golden files. */
public final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** The fixture folder; fails loudly (not silently skips) when the checkout lacks it. */
    public static Path dir(String sub) {
        return TestData.reference(sub);
    }

    public static JsonNode json(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    public static InMemoryActivations activations(Path file) throws IOException {
        return NpyActivations.open(file);
    }

    public static LabelMatrix labels(Path file) throws IOException {
        return LabelReader.read(file);
    }

    public static double[] doubles(Path file) throws IOException {
        return NpyReader.read(file).toDoubleRowMajor();
    }

    public static long[] shape(Path file) throws IOException {
        return NpyReader.read(file).shape();
    }
}
