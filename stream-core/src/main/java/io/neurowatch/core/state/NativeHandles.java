package io.neurowatch.core.state;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Native objects registered where they are created and closed in reverse order of registration. Creation order
 * is dependency order (options before the DB that uses them, the DB before its column family handles), so the
 * reverse is the order RocksDB needs: a native object must not be freed while another one still points to it.
 * Not thread-safe.
 */
final class NativeHandles {
    private final Deque<AutoCloseable> handles = new ArrayDeque<>();

    <T extends AutoCloseable> T add(T handle) {
        handles.push(handle);
        return handle;
    }

    /**
     * Closes everything, even after a failure; the first failure is thrown at the end, later ones suppressed.
     */
    void closeAll() throws Exception {
        Exception first = null;
        while (!handles.isEmpty()) {
            try {
                handles.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
