package io.neurowatch.connectors.archive;

import static io.neurowatch.connectors.archive.TestRecords.Rec;
import static io.neurowatch.connectors.archive.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.connectors.io.TestFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** h5py (libhdf5) reads an archive layer: Y, sample ids, timestamps, label CSR, offsets and the manifest keys. */
class ArchiveH5pyTest {
    @TempDir
    Path tmp;

    @Test
    void h5pyReadsSegmentsWithSampleIdsTimestampsLabelsAndOffsets() throws IOException {
        h5pyReadsTheArchive(ArchiveOptions.defaults());
    }

    /** The analyzer's default: contiguous, unfiltered segments from the archive's own writer. */
    @Test
    void h5pyReadsContiguousSegments() throws IOException {
        ArchiveOptions defaults = ArchiveOptions.defaults();
        h5pyReadsTheArchive(defaults.withWriteOptions(defaults.writeOptions().contiguous()));
    }

    private void h5pyReadsTheArchive(ArchiveOptions options) throws IOException {
        TestFiles.assumeH5py();
        List<Rec> recs = new ArrayList<>();
        for (int k = 0; k < 7; k++) {
            // Records 0 and 1 carry no labels: with 3 rows per segment the first segment has none (padding).
            recs.add(record("vit/b16", "blocks.4", 3, k % 2, 40 + k, 1 + k % 2, 5_000L * k, k >= 2));
        }
        try (StreamArchive a = StreamArchive.open(tmp, options.withRowsPerSegment(3)
                .withMaxSegmentAge(null))) {
            for (Rec r : recs) {
                r.append(a);
            }
        }
        Path dir = new LayerKey("vit/b16", "blocks.4").directory(tmp);
        String out = TestFiles.pythonOk("""
                import sys, json, numpy as np, h5py
                d = sys.argv[1]
                m = json.load(open(d + '/manifest.json'))
                res = dict(model=m['model'], layer=m['layer'], features=m['features'], entries=[], ids=[], ts=[],
                           labels=[], y=[], next_offsets=m['next_offsets'])
                for s in m['segments']:
                    with h5py.File(d + '/' + s['file'], 'r') as f:
                        y, ids, ts = f['Y'][...], f['sample_id'][...], f['timestamp'][...]
                        off, con = f['label_offsets'][...], f['label_concepts'][...]
                        assert y.dtype == np.float32 and ids.dtype == np.int64 and ts.dtype == np.int64
                        assert off.dtype == np.int64 and con.dtype == np.int32
                        assert len(ids) == len(ts) == y.shape[0] == s['rows'] == len(off) - 1
                        assert int(ts.min()) == s['min_timestamp'] and int(ts.max()) == s['max_timestamp']
                        src = json.loads(f.attrs['source_offsets'])
                        assert src == s['offsets'], (src, s['offsets'])
                        res['entries'].append(dict(rows=s['rows'], offsets=s['offsets'], nnz=int(off[-1]),
                                                   concepts_len=int(len(con)), layer=f['Y'].attrs['layer'].decode()))
                        res['ids'] += ids.tolist()
                        res['ts'] += ts.tolist()
                        res['labels'] += [con[off[i]:off[i + 1]].tolist() for i in range(len(ids))]
                        res['y'] += y.tolist()
                print('RESULT ' + json.dumps(res))
                """, dir.toString());
        JsonNode res = new ObjectMapper().readTree(out.substring(out.indexOf("RESULT ") + 7).strip());
        assertEquals("vit/b16", res.get("model").textValue());
        assertEquals("blocks.4", res.get("layer").textValue());
        assertEquals(3, res.get("features").intValue());
        JsonNode first = res.get("entries").get(0);
        assertEquals(0, first.get("nnz").intValue(), "first segment holds the unlabelled records");
        assertEquals(1, first.get("concepts_len").intValue(), "one padding entry");
        assertEquals("blocks.4", first.get("layer").textValue());
        int row = 0;
        for (Rec r : recs) {
            for (int i = 0; i < r.rows(); i++, row++) {
                long id = r.ids()[i];
                assertEquals(id, res.get("ids").get(row).longValue());
                assertEquals(r.ts()[i], res.get("ts").get(row).longValue());
                List<Integer> want = new ArrayList<>();
                for (int c : TestRecords.expectedConcepts(id, r.labelOffsets() != null)) {
                    want.add(c);
                }
                List<Integer> got = new ArrayList<>();
                res.get("labels").get(row).forEach(n -> got.add(n.intValue()));
                assertEquals(want, got, "labels of sample " + id);
                for (int j = 0; j < 3; j++) {
                    assertEquals((double) TestRecords.value(id, j, 3), res.get("y").get(row).get(j).doubleValue());
                }
            }
        }
        assertEquals(row, res.get("ids").size());
        // Partition 0 had offsets 40, 42, 44, 46; partition 1 had 41, 43, 45.
        assertEquals("[{\"topic\":\"acts\",\"partition\":0,\"next\":47},{\"topic\":\"acts\",\"partition\":1,"
                + "\"next\":46}]", res.get("next_offsets").toString());
        int covered = 0;
        for (JsonNode e : res.get("entries")) {
            for (JsonNode o : e.get("offsets")) {
                assertEquals("acts", o.get("topic").textValue());
                covered += (o.get("last").intValue() - o.get("first").intValue()) / 2 + 1;
            }
        }
        assertEquals(7, covered);
    }
}
