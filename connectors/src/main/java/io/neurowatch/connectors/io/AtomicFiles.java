package io.neurowatch.connectors.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Write-to-temp-then-rename, so that a reader (or a crash) never sees a half-written file: jhdf writes nothing until
 * close and does not truncate an existing file, and NPY/manifest files are read by other processes.
 *
 * <p>Stateless and thread-safe. Public (only {@link #writeAtomically}) for the stream archive's metadata files and
 * the result files of the CLI.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * A fresh, not yet existing name in the target's directory. It starts with a dot and ends in {@code .tmp} so
     * that segment scans ignore it. It is not created here so the writer creates it with the default permissions.
     */
    static Path tempSibling(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.resolveSibling("." + abs.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    /**
     * Moves a complete temp file to {@code target} after forcing it to disk.
     *
     * @param replace whether an existing target may be replaced; when false an existing target is an error
     * @throws FileAlreadyExistsException if {@code replace} is false and the target exists
     */
    static void publish(Path temp, Path target, boolean replace) throws IOException {
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.READ)) {
            ch.force(true);
        }
        if (replace) {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } else {
            // rename(2) silently replaces, so a hard link is the atomic "create only if absent".
            boolean linked;
            try {
                Files.createLink(target, temp);
                linked = true;
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | IOException e) {
                linked = false;
            }
            if (linked) {
                Files.delete(temp);
            } else {
                // No hard links on this file system: check-then-rename, safe for the single writer we allow.
                if (Files.exists(target)) {
                    throw new FileAlreadyExistsException(target.toString());
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Writes {@code content} to {@code target} atomically (temp + fsync + rename, replacing), then syncs the
     * directory. Blocks on the disk.
     *
     * @throws IOException if writing fails; {@code target} is then unchanged and the temp file removed
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = tempSibling(target);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            publish(temp, target, true);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes a file's content to a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(java.io.OutputStream out) throws IOException;
    }

    /**
     * As {@link #writeAtomically(Path, byte[])}, streaming: {@code content} writes to a temp sibling (creating the
     * target's directory if needed), which then replaces {@code target}. For files too large to build in memory.
     *
     * @throws IOException if writing fails; {@code target} is then unchanged and the temp file removed
     */
    public static void writeAtomically(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = tempSibling(target);
        try {
            try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(temp,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
                content.writeTo(out);
            }
            publish(temp, target, true);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Makes the rename durable where the platform allows opening a directory; elsewhere it is best effort. */
    private static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException ignored) {
            // Not supported on every platform (e.g. Windows); the data itself is already forced.
        }
    }
}
