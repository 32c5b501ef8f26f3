package io.neurowatch.connectors.archive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock on {@code <root>/.lock} that makes a {@link StreamArchive} the only writer of its root, within
 * this JVM and across processes (two writers would reuse segment numbers and corrupt the offsets).
 *
 * <p>Not thread-safe; {@link #close()} is idempotent.
 */
final class RootLock implements AutoCloseable {
    static final String FILE_NAME = ".lock";
    private final FileChannel channel;
    private final FileLock lock;

    private RootLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws IOException if another writer holds the root, or the lock file cannot be created */
    static RootLock acquire(Path root) throws IOException {
        FileChannel ch = FileChannel.open(root.resolve(FILE_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw new IOException(root + ": another stream archive writer has this directory open");
        }
        return new RootLock(ch, lock);
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
