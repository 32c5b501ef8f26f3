package io.neurowatch.connectors.io;

import static io.neurowatch.connectors.io.Hdf5Assertions.assertBlockSplitsAgree;
import static io.neurowatch.connectors.io.Hdf5Assertions.assertColumns;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * h5py (libhdf5) is the other side of the format: files it writes must read the same through jhdf, and it must read
 * ours. Skipped, with the install hint, where Debian's python3-h5py is absent; CI installs it.
 */
class H5pyCrossCheckTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void needH5py() {
        TestFiles.assumeH5py();
    }

    /** Rows as numpy saved them, read with our NPY reader (itself checked against numpy). */
    private static float[][] rowsOf(Path npy) throws IOException {
        NpyArray a = NpyReader.read(npy);
        long[] s = a.shape();
        float[] flat = (float[]) a.data();
        float[][] rows = new float[(int) s[0]][(int) s[1]];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(flat, i * rows[i].length, rows[i], 0, rows[i].length);
        }
        return rows;
    }

    @Test
    void readsH5pyFilesWithGzipShuffleLzfAndResizableDatasets() throws IOException {
        TestFiles.pythonOk("""
                import sys, numpy as np, h5py
                d = sys.argv[1]
                rng = np.random.default_rng(2024)
                D = 37
                y = (rng.standard_normal((1000, D)) * 10.0 ** rng.integers(-3, 4, (1000, D))).astype('<f4')
                np.save(d + '/y.npy', y)
                with h5py.File(d + '/gzip.h5', 'w') as f:
                    ds = f.create_dataset('Y', shape=(0, D), maxshape=(None, D), dtype='f4', chunks=(64, 8),
                                          compression='gzip', shuffle=True)
                    # Appended in uneven batches, as a live writer would: extend then hyperslab write.
                    start = 0
                    for n in [1, 99, 300, 600]:
                        ds.resize(start + n, axis=0)
                        ds[start:start + n] = y[start:start + n]
                        start += n
                    ds.attrs['feature_shape'] = np.array([37, 1, 1], dtype=np.int64)
                    ds.attrs['layer'] = 'features.8'
                    ds.attrs['model_id'] = 'vgg16'
                with h5py.File(d + '/lzf.h5', 'w') as f:
                    f.create_dataset('Y', data=y, chunks=(100, 37), compression='lzf', maxshape=(None, D))
                with h5py.File(d + '/be.h5', 'w') as f:
                    f.create_dataset('acts/Y', data=y.astype('>f4'))
                """, tmp.toString());
        float[][] y = rowsOf(tmp.resolve("y.npy"));
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(tmp.resolve("gzip.h5"))) {
            assertColumns(y, src, 8);
            assertColumns(y, src, 10);
            assertBlockSplitsAgree(src, 1, 5, 16, 36);
            assertArrayEquals(new int[] {37, 1, 1}, src.featureShape().orElseThrow());
            assertEquals("features.8", src.layer().orElseThrow());
            assertEquals("vgg16", src.modelId().orElseThrow());
        }
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(tmp.resolve("lzf.h5"))) {
            assertColumns(y, src, 37);
            assertColumns(y, src, 6);
        }
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(tmp.resolve("be.h5"), "acts/Y")) {
            assertColumns(y, src, 11);
        }
    }

    @Test
    void readsAnH5pySegmentDirectoryIncludingAnEmptySegment() throws IOException {
        Path dir = tmp.resolve("segments");
        TestFiles.pythonOk("""
                import sys, os, numpy as np, h5py
                d = sys.argv[1]
                os.makedirs(d)
                rng = np.random.default_rng(9)
                parts = [rng.standard_normal((n, 12)).astype('f4') for n in [50, 0, 77, 3]]
                for i, p in enumerate(parts):
                    with h5py.File(d + '/seg-%06d.h5' % i, 'w') as f:
                        f.create_dataset('Y', data=p, maxshape=(None, 12), chunks=(16, 4), compression='gzip')
                np.save(d + '/../all.npy', np.concatenate(parts))
                """, dir.toString());
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(dir)) {
            assertEquals(4, src.files().size());
            assertColumns(rowsOf(tmp.resolve("all.npy")), src, 5);
        }
    }

    @Test
    void h5pyReadsWhatWeWrite() throws IOException {
        float[][] rows = TestFiles.matrix(700, 33, 77);
        Path f = tmp.resolve("ours.h5");
        try (Hdf5ActivationWriter w = Hdf5ActivationWriter.create(f, Hdf5WriteOptions.defaults().withChunks(128, 16)
                .withFeatureShape(3, 11).withLayer("blocks.4").withModelId("vit-b/16"))) {
            w.append(rows);
        }
        Path segDir = tmp.resolve("segs");
        try (Hdf5SegmentWriter w = Hdf5SegmentWriter.open(segDir, Hdf5WriteOptions.defaults(), 300)) {
            w.append(rows);
        }
        Path expected = tmp.resolve("expected.npy");
        float[] flat = new float[700 * 33];
        for (int i = 0; i < 700; i++) {
            System.arraycopy(rows[i], 0, flat, i * 33, 33);
        }
        NpyWriter.writeFloat32(expected, flat, 700, 33);
        String out = TestFiles.pythonOk("""
                import sys, json, numpy as np, h5py
                f, segdir, exp = sys.argv[1], sys.argv[2], sys.argv[3]
                want = np.load(exp)
                with h5py.File(f, 'r') as h:
                    ds = h['Y']
                    a = ds[...]
                    attrs = {k: (v.decode('utf-8') if isinstance(v, bytes) else v.tolist()) for k, v in ds.attrs.items()}
                    info = dict(shape=list(ds.shape), dtype=str(ds.dtype), chunks=list(ds.chunks),
                                compression=ds.compression, shuffle=bool(ds.shuffle), attrs=attrs,
                                equal=bool(np.array_equal(a, want)), block=ds[5:9, 16:20].tolist())
                m = json.load(open(segdir + '/manifest.json'))
                parts = []
                for s in m['segments']:
                    with h5py.File(segdir + '/' + s['file'], 'r') as h:
                        assert h['Y'].shape[0] == s['rows']
                        parts.append(h['Y'][...])
                info['segments'] = [s['file'] for s in m['segments']]
                info['segments_equal'] = bool(np.array_equal(np.concatenate(parts), want))
                print('RESULT ' + json.dumps(info))
                """, f.toString(), segDir.toString(), expected.toString());
        String json = out.substring(out.indexOf("RESULT ") + 7).strip();
        JsonNode info = new ObjectMapper().readTree(json);
        assertEquals("[700,33]", info.get("shape").toString());
        assertEquals("float32", info.get("dtype").textValue());
        assertEquals("[128,16]", info.get("chunks").toString());
        assertEquals("gzip", info.get("compression").textValue());
        assertTrue(info.get("shuffle").booleanValue());
        assertEquals("[3,11]", info.get("attrs").get("feature_shape").toString());
        assertEquals("blocks.4", info.get("attrs").get("layer").textValue());
        assertEquals("vit-b/16", info.get("attrs").get("model_id").textValue());
        assertTrue(info.get("equal").booleanValue(), "h5py reads exactly the values we wrote");
        assertEquals(rows[6][17], info.get("block").get(1).get(1).floatValue());
        assertEquals("[\"seg-000000.h5\",\"seg-000001.h5\",\"seg-000002.h5\"]", info.get("segments").toString());
        assertTrue(info.get("segments_equal").booleanValue());
    }
}
