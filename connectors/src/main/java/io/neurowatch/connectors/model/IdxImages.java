package io.neurowatch.connectors.model;

import io.neurowatch.connectors.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The images of an IDX file: [N, H, W] gray or [N, H, W, C] with C = 1 or 3 (channels last), unsigned bytes scaled
 * to [0, 1]. Image i has sample id {@code firstSampleId + i}. Held in memory; immutable.
 */
public final class IdxImages implements ImageSource {
    private final Path file;
    private final IdxReader.IdxArray array;
    private final int count;
    private final int height;
    private final int width;
    private final int channels;
    private final long firstSampleId;

    private IdxImages(Path file, IdxReader.IdxArray array, long firstSampleId) throws FileFormatException {
        int[] dims = array.dims();
        boolean gray = dims.length == 3;
        boolean channelsLast = dims.length == 4 && (dims[3] == 1 || dims[3] == 3);
        if (!gray && !channelsLast) {
            throw new FileFormatException(file, "expected images [N, H, W] or [N, H, W, 1|3], found extents "
                    + Arrays.toString(dims));
        }
        this.file = file;
        this.array = array;
        this.count = dims[0];
        this.height = dims[1];
        this.width = dims[2];
        this.channels = gray ? 1 : dims[3];
        this.firstSampleId = firstSampleId;
    }

    /**
     * Reads {@code file} (plain or gzip IDX).
     *
     * @throws FileFormatException if it is not an IDX file of images
     */
    public static IdxImages open(Path file, long firstSampleId) throws IOException {
        return new IdxImages(file, IdxReader.read(file), firstSampleId);
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public String describe() {
        return file + " (" + count + " images " + channels + "x" + height + "x" + width + ")";
    }

    /** [C, H, W] of the stored images. */
    public int[] imageShape() {
        return new int[] {channels, height, width};
    }

    @Override
    public ImageBatch read(int from, int to, ImageTransform transform) {
        ImageSource.checkRange(from, to, count);
        int n = to - from;
        int plane = height * width;
        long[] ids = new long[n];
        String[] names = new String[n];
        float[] out = new float[n * transform.pixels()];
        float[] image = new float[channels * plane];
        byte[] data = array.data();
        for (int i = 0; i < n; i++) {
            int row = from + i;
            ids[i] = firstSampleId + row;
            names[i] = file.getFileName() + "#" + row;
            long base = (long) row * channels * plane;
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < channels; c++) {
                    image[c * plane + p] = (data[(int) (base + (long) p * channels + c)] & 0xff) / 255f;
                }
            }
            transform.apply(image, channels, height, width, out, i * transform.pixels());
        }
        return new ImageBatch(ids, names, out, transform.channels(), transform.height(), transform.width());
    }
}
