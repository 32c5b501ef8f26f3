package io.neurowatch.ops.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The neuron images (renders, s-AMS) of a results directory, laid out as
 * {@code <root>/<model>/<layer>/renders/<neuron>[_<tag>].png}, e.g. {@code 12.png}, {@code 12_0+.png}.
 *
 * <p>This is the only place the HTTP server reads files from disk, so it trusts nothing: names must match strict
 * patterns (no dots at the start, no separators), the resolved file, symbolic links followed, must still lie under
 * the root's real path, must be a regular file of at most {@value #MAX_BYTES} bytes, and must start with the PNG
 * signature. Anything else is "not found".
 */
public final class RenderDirectory {
    /** Larger files are not served: renders are thumbnails, and a response is held in memory. */
    static final int MAX_BYTES = 8 << 20;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
    private static final Pattern FILE = Pattern.compile("(\\d{1,9})(?:_[A-Za-z0-9+-]{1,64})?\\.png");
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final Path root;

    /** @param root the results directory; null means there are no renders */
    public RenderDirectory(Path root) {
        this.root = root;
    }

    public static RenderDirectory none() {
        return new RenderDirectory(null);
    }

    /**
     * The image file names of one neuron, sorted; empty when there are none or the names cannot be valid.
     */
    public List<String> list(String model, String layer, int neuron) {
        Optional<Path> dir = folder(model, layer);
        if (dir.isEmpty() || !Files.isDirectory(dir.get())) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir.get(), "*.png")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                Matcher m = FILE.matcher(name);
                if (m.matches() && Integer.parseInt(m.group(1)) == neuron) {
                    out.add(name);
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }

    /** The API path of an image, {@code /api/renders/<model>/<layer>/<file>} (names need no escaping). */
    public static String url(String model, String layer, String file) {
        return "/api/renders/" + model + "/" + layer + "/" + file;
    }

    /** The bytes of a PNG under the root, or empty (see the class comment for what is refused). */
    public Optional<byte[]> read(String model, String layer, String file) {
        Optional<Path> dir = folder(model, layer);
        if (dir.isEmpty() || file == null || !FILE.matcher(file).matches()) {
            return Optional.empty();
        }
        try {
            Path real = dir.get().resolve(file).toRealPath();
            if (!real.startsWith(root.toRealPath()) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)
                    || Files.size(real) > MAX_BYTES) {
                return Optional.empty();
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(real)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
            if (bytes.length > MAX_BYTES || bytes.length < PNG.length
                    || !Arrays.equals(bytes, 0, PNG.length, PNG, 0, PNG.length)) {
                return Optional.empty();
            }
            return Optional.of(bytes);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<Path> folder(String model, String layer) {
        if (root == null || model == null || layer == null || !NAME.matcher(model).matches()
                || !NAME.matcher(layer).matches()) {
            return Optional.empty();
        }
        return Optional.of(root.resolve(model).resolve(layer).resolve("renders"));
    }
}
