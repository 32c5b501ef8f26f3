package io.neurowatch.analyzers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.connectors.io.LabelReader;
import io.neurowatch.connectors.io.NpyActivations;
import io.neurowatch.connectors.io.NpyReader;
import io.neurowatch.core.InMemoryActivations;
import io.neurowatch.core.LabelMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Access to {@code ../shared/fixtures}, the reference implementations' golden files. */
public final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** The fixture folder; fails loudly (not silently skips) when the checkout lacks it. */
    public static Path dir(String sub) {
        String root = System.getProperty("neurowatch.repo.root", ".");
        Path p = Path.of(root).toAbsolutePath().resolve("../shared/fixtures").resolve(sub).normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("fixture folder missing: " + p + " (expected ../shared next to the repo)");
        }
        return p;
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

    static void assumeExists(Path p) {
        Assumptions.assumeTrue(Files.exists(p), "missing " + p);
    }
}
