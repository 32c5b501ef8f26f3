package io.neurowatch.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tests find the repository's own files. Everything a test reads lives inside the repository: the golden
 * outputs of the reference implementations are under {@code testdata/reference/} (see its README and
 * {@code MANIFEST.sha256}).
 */
public final class TestData {
    /** Set by surefire to the reactor root; a test run from an IDE finds the root by walking up instead. */
    static final String ROOT_PROPERTY = "neurowatch.repo.root";

    private TestData() {
    }

    /** The repository root: the folder holding {@code testdata/reference}. */
    public static Path repoRoot() {
        String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null && Files.isDirectory(Path.of(configured, "testdata"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("testdata/reference"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a folder with testdata/reference) above "
                + Path.of("").toAbsolutePath());
    }

    /**
     * A folder of the reference fixtures, e.g. {@code reference("invert")}.
     *
     * @throws IllegalStateException naming the path when the folder is missing: a broken checkout fails, never skips
     */
    public static Path reference(String sub) {
        Path p = repoRoot().resolve("testdata/reference").resolve(sub).normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("reference fixture folder missing: " + p);
        }
        return p;
    }

    /** A file or folder under the repository root, e.g. {@code file("docs/streaming.md")}. */
    public static Path file(String relative) {
        return repoRoot().resolve(relative).normalize();
    }
}
