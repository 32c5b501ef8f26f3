package io.neurowatch.connectors.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps segment files that open windows read from being deleted by retention: retention unlists a segment at once
 * (new windows no longer see it) but the file goes only when the last window using it closes. Windows may be read
 * and closed on another thread than the archive's writer thread, hence the lock.
 *
 * <p>Thread-safe (all methods synchronized; deletion happens under the lock).
 */
final class SegmentPins {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentPins.class);
    private final Map<Path, Integer> counts = new HashMap<>();
    private final Set<Path> doomed = new HashSet<>();

    synchronized void pin(Collection<Path> files) {
        for (Path f : files) {
            counts.merge(f, 1, Integer::sum);
        }
    }

    synchronized void unpin(Collection<Path> files) {
        for (Path f : files) {
            Integer c = counts.get(f);
            if (c == null) {
                continue;
            }
            if (c > 1) {
                counts.put(f, c - 1);
            } else {
                counts.remove(f);
                if (doomed.remove(f)) {
                    delete(f);
                }
            }
        }
    }

    /** Deletes the file now, or when its last window closes. Failures are logged: reconciliation removes it later. */
    synchronized void deleteWhenUnpinned(Path f) {
        if (counts.containsKey(f)) {
            doomed.add(f);
        } else {
            delete(f);
        }
    }

    private static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            LOG.warn("{}: could not delete dropped segment ({}); the next open removes it", f, e.toString());
        }
    }
}
