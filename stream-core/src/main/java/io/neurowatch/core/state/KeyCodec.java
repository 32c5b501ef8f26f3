package io.neurowatch.core.state;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Byte layout of every RocksDB key and of the small fixed-size values of {@link StatisticsStore}.
 *
 * <p>Building blocks:
 * <pre>
 *   name    UTF-8 bytes, then one 0x00 byte. Names are non-empty and contain no U+0000, so the encoding is
 *           prefix-free ("m" never prefixes "mx") and sorts like the names (UTF-8 byte order = code point order).
 *   int32   4 bytes big-endian; neurons and partitions are &gt;= 0, so byte order = numeric order.
 *   bucket  8 bytes big-endian of (bucketIndex XOR Long.MIN_VALUE): byte order = numeric order, negative
 *           indexes (timestamps before 1970) included. bucketIndex = floorDiv(timestampMillis, bucketMillis).
 * </pre>
 *
 * <p>Keys and values per column family:
 * <pre>
 *   family      key                                        value
 *   meta        0x01                                       int32 format version
 *               0x02                                       int64 big-endian bucket length in milliseconds
 *               0x03 bucket                                empty: the bucket holds data
 *   offsets     topic:name partition:int32                 int64 big-endian next offset to read
 *   catalog     'N' model:name layer:name neuron:int32     {@link BinEdges} bytes (the neuron exists)
 *               'C' model:name layer:name concept:name     empty (the concept was seen for the layer)
 *   sketches    bucket model:name layer:name neuron:int32  {@link NeuronSketch} bytes
 *   histograms  bucket model layer neuron:int32 concept    {@link ConceptHistogram} bytes
 *   counters    bucket model layer concept 'S' | 'P'       uint64 little-endian, summed by RocksDB's
 *                                                          built-in "uint64add" merge operator
 *                                                          ('S' samples labelled, 'P' positives)
 * </pre>
 *
 * <p>Bucket-first keys make retention a range delete ({@code [bucket MIN, bucket t)}) and keep one bucket's
 * data contiguous; per-neuron reads do one point lookup per retained bucket (the 0x03 markers list them).
 * Not instantiable; all methods are pure and thread-safe.
 */
final class KeyCodec {
    static final byte META_FORMAT = 0x01;
    static final byte META_BUCKET_MILLIS = 0x02;
    static final byte META_BUCKET = 0x03;
    static final byte CATALOG_NEURON = 'N';
    static final byte CATALOG_CONCEPT = 'C';
    static final byte COUNTER_SAMPLES = 'S';
    static final byte COUNTER_POSITIVES = 'P';

    private KeyCodec() {
    }

    /**
     * Checks a model, layer, concept or topic name.
     *
     * @throws IllegalArgumentException naming {@code what} if the name is empty or contains U+0000
     * @throws NullPointerException if {@code name} is null
     */
    static String requireName(String what, String name) {
        if (name == null) {
            throw new NullPointerException(what + " is null");
        }
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " '" + name.replace('\0', '?')
                    + "' is empty or contains U+0000, which the key encoding reserves as terminator");
        }
        return name;
    }

    static KeyBuilder key() {
        return new KeyBuilder();
    }

    static byte[] metaBucket(long bucket) {
        return key().tag(META_BUCKET).bucket(bucket).build();
    }

    static byte[] offset(SourcePartition tp) {
        return key().name(tp.topic()).int32(tp.partition()).build();
    }

    static byte[] catalogNeuron(String model, String layer, int neuron) {
        return key().tag(CATALOG_NEURON).name(model).name(layer).int32(neuron).build();
    }

    static byte[] catalogConcept(String model, String layer, String concept) {
        return key().tag(CATALOG_CONCEPT).name(model).name(layer).name(concept).build();
    }

    static byte[] sketch(long bucket, String model, String layer, int neuron) {
        return key().bucket(bucket).name(model).name(layer).int32(neuron).build();
    }

    static byte[] histogram(long bucket, String model, String layer, int neuron, String concept) {
        return key().bucket(bucket).name(model).name(layer).int32(neuron).name(concept).build();
    }

    static byte[] counter(long bucket, String model, String layer, String concept, byte kind) {
        return key().bucket(bucket).name(model).name(layer).name(concept).tag(kind).build();
    }

    /** The bucket prefix of a sketch, histogram or counter key followed by model and layer. */
    static byte[] bucketLayerPrefix(long bucket, String model, String layer) {
        return key().bucket(bucket).name(model).name(layer).build();
    }

    static byte[] bucketPrefix(long bucket) {
        return key().bucket(bucket).build();
    }

    /**
     * The smallest key greater than every key starting with {@code prefix}, or null if there is none (all 0xFF).
     * Used as the exclusive end of range deletes and prefix scans.
     */
    static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    static byte[] int32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    static byte[] int64(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static int readInt32(byte[] b) {
        requireLength(b, 4);
        return ByteBuffer.wrap(b).getInt();
    }

    static long readInt64(byte[] b) {
        requireLength(b, 8);
        return ByteBuffer.wrap(b).getLong();
    }

    /** RocksDB's uint64add operator decodes fixed64, which RocksDB stores little-endian on every platform. */
    static byte[] uint64le(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static long readUint64le(byte[] b) {
        requireLength(b, 8);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static void requireLength(byte[] b, int n) {
        if (b.length != n) {
            throw new IllegalArgumentException("expected a " + n + "-byte value, found " + b.length + " bytes");
        }
    }

    /** Appends key parts in order. Not thread-safe; one per key. */
    static final class KeyBuilder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(48);

        KeyBuilder tag(byte tag) {
            out.write(tag);
            return this;
        }

        KeyBuilder name(String name) {
            out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
            out.write(0);
            return this;
        }

        KeyBuilder int32(int v) {
            out.writeBytes(KeyCodec.int32(v));
            return this;
        }

        KeyBuilder bucket(long bucket) {
            out.writeBytes(KeyCodec.int64(bucket ^ Long.MIN_VALUE));
            return this;
        }

        byte[] build() {
            return out.toByteArray();
        }
    }

    /** Reads key parts in the order they were written. Not thread-safe. */
    static final class KeyReader {
        private final byte[] key;
        private int pos;

        KeyReader(byte[] key) {
            this.key = key;
        }

        KeyReader skip(int n) {
            pos += n;
            return this;
        }

        byte tag() {
            return key[pos++];
        }

        String name() {
            int end = pos;
            while (end < key.length && key[end] != 0) {
                end++;
            }
            if (end == key.length) {
                throw new IllegalArgumentException("key ends inside a name at byte " + pos);
            }
            String s = new String(key, pos, end - pos, StandardCharsets.UTF_8);
            pos = end + 1;
            return s;
        }

        int int32() {
            int v = ByteBuffer.wrap(key, pos, 4).getInt();
            pos += 4;
            return v;
        }

        long bucket() {
            long v = ByteBuffer.wrap(key, pos, 8).getLong() ^ Long.MIN_VALUE;
            pos += 8;
            return v;
        }
    }
}
