package io.neurowatch.ops.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The identity of a model's weights for cache keys: a SHA-256 of the file's bytes, never its path or mtime. */
public final class ModelIdentity {
    private ModelIdentity() {
    }

    /** {@code sha256:<hex>} of {@code file}; its sidecar (tap names) is included when present. */
    public static String of(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            digest(md, file);
            Path sidecar = file.resolveSibling(file.getFileName() + ".taps.json");
            if (Files.exists(sidecar)) {
                digest(md, sidecar);
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static void digest(MessageDigest md, Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
