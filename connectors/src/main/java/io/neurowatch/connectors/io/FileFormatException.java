package io.neurowatch.connectors.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that exists and can be read but whose content is not what the reader accepts (bad magic, truncated data,
 * unsupported type, wrong shape, invalid values). The message always starts with the file name.
 *
 * <p>Immutable.
 */
public class FileFormatException extends IOException {
    private final transient Path file;

    public FileFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public FileFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The offending file (or directory). */
    public Path file() {
        return file;
    }
}
