package io.neurowatch.connectors.model;

import io.neurowatch.connectors.io.FileFormatException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The PNG, JPEG, GIF and BMP files directly inside a directory, sorted by file name, decoded with ImageIO as RGB
 * (alpha ignored) and scaled to [0, 1]. A file's sample id is derived from its name alone, so that it is stable
 * across runs and directory contents, and a labelling service can compute it: the first 8 bytes of the SHA-256 of
 * the UTF-8 file name, big-endian, with the sign bit cleared ({@link #sampleIdOf}). Files are read on demand.
 * Immutable.
 */
public final class ImageDirectory implements ImageSource {
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp");

    private final Path dir;
    private final List<Path> files;
    private final long[] ids;

    private ImageDirectory(Path dir, List<Path> files, long[] ids) {
        this.dir = dir;
        this.files = files;
        this.ids = ids;
    }

    /**
     * Lists the images of {@code dir} (not recursing).
     *
     * @throws IOException if the directory cannot be listed, holds no image, or two names share an id
     */
    public static ImageDirectory open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new java.io.FileNotFoundException(dir + ": not a directory");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(ImageDirectory::isImage)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
        if (files.isEmpty()) {
            throw new FileFormatException(dir, "no image files (" + EXTENSIONS + ") in the directory");
        }
        long[] ids = new long[files.size()];
        Map<Long, Path> seen = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            ids[i] = sampleIdOf(files.get(i).getFileName().toString());
            Path other = seen.putIfAbsent(ids[i], files.get(i));
            if (other != null) {
                throw new FileFormatException(dir, "file names " + other.getFileName() + " and "
                        + files.get(i).getFileName() + " hash to the same sample id " + ids[i]);
            }
        }
        return new ImageDirectory(dir, files, ids);
    }

    /** The sample id of a file name: SHA-256 of its UTF-8 bytes, first 8 bytes big-endian, sign bit cleared. */
    public static long sampleIdOf(String fileName) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(fileName.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v & Long.MAX_VALUE;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public String describe() {
        return dir + " (" + files.size() + " images)";
    }

    /** The image files, in sample order. */
    public List<Path> files() {
        return files;
    }

    /** A decoded image as RGB CHW floats in [0, 1] (alpha ignored). */
    public static float[] chw(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        float[] rgb = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                rgb[y * w + x] = ((argb >> 16) & 0xff) / 255f;
                rgb[h * w + y * w + x] = ((argb >> 8) & 0xff) / 255f;
                rgb[2 * h * w + y * w + x] = (argb & 0xff) / 255f;
            }
        }
        return rgb;
    }

    @Override
    public ImageBatch read(int from, int to, ImageTransform transform) throws IOException {
        ImageSource.checkRange(from, to, files.size());
        int n = to - from;
        long[] batchIds = new long[n];
        String[] names = new String[n];
        float[] out = new float[n * transform.pixels()];
        for (int i = 0; i < n; i++) {
            Path file = files.get(from + i);
            BufferedImage img;
            try {
                img = ImageIO.read(file.toFile());
            } catch (IOException e) {
                throw new FileFormatException(file, "cannot decode the image: " + e.getMessage(), e);
            }
            if (img == null) {
                throw new FileFormatException(file, "no ImageIO reader can decode this file");
            }
            transform.apply(chw(img), 3, img.getHeight(), img.getWidth(), out, i * transform.pixels());
            batchIds[i] = ids[from + i];
            names[i] = file.getFileName().toString();
        }
        return new ImageBatch(batchIds, names, out, transform.channels(), transform.height(), transform.width());
    }
}
