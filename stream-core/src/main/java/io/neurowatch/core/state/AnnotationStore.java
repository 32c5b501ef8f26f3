package io.neurowatch.core.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Late concept labels by sample id (the annotations topic), kept in RocksDB so that the labeller can join them to
 * archived activations. Each apply writes the annotations and the consumed offsets in one write batch, so after a
 * crash the annotations consumer resumes exactly where the stored annotations end.
 *
 * <p>Keys: {@code model 0x00 sampleId(8 bytes big-endian)} → concept ids as little-endian int32s; offsets:
 * {@code topic 0x00 partition(4 bytes BE)} → next offset (8 bytes BE). A later annotation of the same sample
 * replaces the earlier one. Thread-safe (RocksDB is); blocking.
 */
public final class AnnotationStore implements AutoCloseable {
    private final Path path;
    private final NativeHandles handles;
    private final RocksDB db;
    private final ColumnFamilyHandle labels;
    private final ColumnFamilyHandle offsets;
    private final WriteOptions writeOptions;
    private volatile boolean closed;

    /** One late label: the concept ids of one sample of one model. */
    public record Annotation(String model, long sampleId, int[] conceptIds) {
        public Annotation {
            KeyCodec.requireName("model", model);
            conceptIds = conceptIds.clone();
        }
    }

    private AnnotationStore(Path path, NativeHandles handles, RocksDB db, ColumnFamilyHandle labels,
                            ColumnFamilyHandle offsets, WriteOptions writeOptions) {
        this.path = path;
        this.handles = handles;
        this.db = db;
        this.labels = labels;
        this.offsets = offsets;
        this.writeOptions = writeOptions;
    }

    /** @throws IOException "Error opening annotation store at <path>: …" */
    public static AnnotationStore open(Path path, boolean syncWrites) throws IOException {
        RocksDB.loadLibrary();
        // Closed in reverse order of registration: handles, DB, then the options the DB uses.
        NativeHandles handles = new NativeHandles();
        try {
            Files.createDirectories(path);
            DBOptions dbOptions = handles.add(new DBOptions().setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true).setKeepLogFileNum(5));
            ColumnFamilyOptions plain = handles.add(new ColumnFamilyOptions());
            WriteOptions wo = handles.add(new WriteOptions().setSync(syncWrites));
            List<ColumnFamilyHandle> cfs = new ArrayList<>();
            RocksDB db = RocksDB.open(dbOptions, path.toString(), List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, plain),
                    new ColumnFamilyDescriptor("offsets".getBytes(StandardCharsets.UTF_8), plain)), cfs);
            handles.add(db::closeE);
            cfs.forEach(handles::add);
            return new AnnotationStore(path, handles, db, cfs.get(0), cfs.get(1), wo);
        } catch (RocksDBException | IOException | RuntimeException e) {
            try {
                handles.closeAll();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IOException("Error opening annotation store at " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stores annotations and marks {@code consumed} records as consumed, atomically.
     *
     * @throws IOException naming the store if RocksDB fails; nothing is then visible
     */
    public void apply(List<Annotation> annotations, List<SourceOffset> consumed) throws IOException {
        checkOpen();
        Map<SourcePartition, Long> next = new HashMap<>();
        for (SourceOffset o : consumed) {
            next.merge(o.sourcePartition(), o.offset() + 1, Math::max);
        }
        try (WriteBatch batch = new WriteBatch()) {
            for (Annotation a : annotations) {
                ByteBuffer v = ByteBuffer.allocate(4 * a.conceptIds().length).order(ByteOrder.LITTLE_ENDIAN);
                for (int c : a.conceptIds()) {
                    v.putInt(c);
                }
                batch.put(labels, key(a.model(), a.sampleId()), v.array());
            }
            for (Map.Entry<SourcePartition, Long> e : next.entrySet()) {
                batch.put(offsets, offsetKey(e.getKey()), ByteBuffer.allocate(8).putLong(e.getValue()).array());
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new IOException("annotation store at " + path + ": " + e.getMessage(), e);
        }
    }

    /** Concept ids of each sample, or null where no annotation arrived. */
    public int[][] lookup(String model, long[] sampleIds) throws IOException {
        checkOpen();
        List<byte[]> keys = new ArrayList<>(sampleIds.length);
        for (long id : sampleIds) {
            keys.add(key(model, id));
        }
        List<ColumnFamilyHandle> cfs = new ArrayList<>(sampleIds.length);
        for (int i = 0; i < sampleIds.length; i++) {
            cfs.add(labels);
        }
        try {
            List<byte[]> values = db.multiGetAsList(cfs, keys);
            int[][] out = new int[sampleIds.length][];
            for (int i = 0; i < out.length; i++) {
                byte[] v = values.get(i);
                if (v != null) {
                    ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
                    out[i] = new int[v.length / 4];
                    for (int k = 0; k < out[i].length; k++) {
                        out[i][k] = b.getInt();
                    }
                }
            }
            return out;
        } catch (RocksDBException e) {
            throw new IOException("annotation store at " + path + ": " + e.getMessage(), e);
        }
    }

    /** Whether any annotation of {@code model} is stored (one seek). */
    public boolean hasAnnotations(String model) {
        checkOpen();
        byte[] prefix = key(model, 0);
        int n = prefix.length - 8; // the model's bytes and the separator
        try (RocksIterator it = db.newIterator(labels)) {
            it.seek(java.util.Arrays.copyOf(prefix, n));
            return it.isValid() && java.util.Arrays.equals(it.key(), 0, n, prefix, 0, n);
        }
    }

    /** Next offset to read per partition of the annotations topic. */
    public Map<SourcePartition, Long> committedOffsets() {
        checkOpen();
        Map<SourcePartition, Long> out = new HashMap<>();
        try (RocksIterator it = db.newIterator(offsets)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] k = it.key();
                int sep = k.length - 5;
                String topic = new String(k, 0, sep, StandardCharsets.UTF_8);
                int partition = ByteBuffer.wrap(k, sep + 1, 4).getInt();
                out.put(new SourcePartition(topic, partition), ByteBuffer.wrap(it.value()).getLong());
            }
        }
        return out;
    }

    private static byte[] key(String model, long sampleId) {
        byte[] m = model.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(m.length + 9).put(m).put((byte) 0).putLong(sampleId).array();
    }

    private static byte[] offsetKey(SourcePartition p) {
        byte[] t = p.topic().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(t.length + 5).put(t).put((byte) 0).putInt(p.partition()).array();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("annotation store at " + path + " is closed");
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            handles.closeAll();
        } catch (Exception e) {
            throw new IOException("closing annotation store at " + path + ": " + e.getMessage(), e);
        }
    }
}
