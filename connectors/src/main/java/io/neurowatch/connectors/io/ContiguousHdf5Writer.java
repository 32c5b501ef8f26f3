package io.neurowatch.connectors.io;

import io.jhdf.checksum.ChecksumUtils;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a small HDF5 file of contiguous, unfiltered datasets in one sequential pass: the superblock, each dataset's
 * values straight from the caller's arrays through one reused buffer, then the object headers (whose addresses
 * follow from the data's sizes, so each header is built once, before anything is written). Direct I/O where the
 * file system allows it: the file is then padded with zeros to a whole 4 KiB block, inside the end the superblock
 * declares and part of no object. This is the stream archive's hot path: jhdf 0.13.0 encodes a dataset into one
 * array, cuts chunks out of it element by element and copies each once more on the way to the file, which made
 * the archive the largest consumer of CPU in {@code neurowatch bench stream}.
 *
 * <p>The layout is the one libhdf5 writes with {@code libver='latest'}: superblock version 2, version-2 object
 * headers with checksums, a root group whose links are stored in its header, datasets with contiguous layout,
 * attributes in the headers. Readable by h5py, libhdf5 and jhdf.
 *
 * <p>Dataset values: {@code float[][]} (float32 [n, D], rows of equal length), {@code float[]}, {@code long[]}
 * (int64) and {@code int[]} (int32), each with at least one element. Attribute values: {@code String} (fixed-length
 * UTF-8, null-padded; h5py reads it as bytes), {@code Integer}, {@code Long}, {@code int[]}, {@code long[]}.
 * Names are at most 255 UTF-8 bytes. Stateless and thread-safe.
 */
public final class ContiguousHdf5Writer {
    private static final long UNDEFINED = -1L;
    private static final int SUPERBLOCK_BYTES = 48;
    private static final int IO_BUFFER = 1 << 20;
    /** Alignment of direct I/O: buffer address, file offset and length (4 KiB covers 512-byte devices too). */
    private static final int BLOCK = 4096;

    private static final int MSG_DATASPACE = 0x01;
    private static final int MSG_LINK_INFO = 0x02;
    private static final int MSG_DATATYPE = 0x03;
    private static final int MSG_FILL_VALUE = 0x05;
    private static final int MSG_LINK = 0x06;
    private static final int MSG_LAYOUT = 0x08;
    private static final int MSG_GROUP_INFO = 0x0A;
    private static final int MSG_ATTRIBUTE = 0x0C;

    /** A named dataset and the attributes of its object header, in order. */
    public record Dataset(String name, Object values, Map<String, ?> attributes) {
        public Dataset {
            attributes = attributes == null ? Map.of() : new LinkedHashMap<>(attributes);
        }
    }

    private ContiguousHdf5Writer() {
    }

    /**
     * Writes {@code datasets} (in order) and the root attributes to a new or truncated {@code file}; does not
     * force it to disk (the caller publishes it).
     *
     * @throws IllegalArgumentException for an unsupported, empty or ragged value, or a duplicate or too long name
     * @throws IOException if writing fails
     */
    public static void write(Path file, List<Dataset> datasets, Map<String, ?> rootAttributes) throws IOException {
        write(file, datasets, rootAttributes, true);
    }

    /** As {@link #write(Path, List, Map)}; {@code tryDirect = false} writes through the page cache only. */
    static void write(Path file, List<Dataset> datasets, Map<String, ?> rootAttributes, boolean tryDirect)
            throws IOException {
        List<Shape> shapes = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Dataset d : datasets) {
            if (!names.add(d.name())) {
                throw new IllegalArgumentException("dataset '" + d.name() + "' is given twice (writing " + file + ")");
            }
            shapes.add(Shape.of(d, file));
        }
        // Addresses: superblock, the data of each dataset in order, the dataset headers, the root group's header.
        long[] dataAddress = new long[datasets.size()];
        long at = SUPERBLOCK_BYTES;
        for (int i = 0; i < datasets.size(); i++) {
            at = align8(at);
            dataAddress[i] = at;
            at += shapes.get(i).bytes();
        }
        long metadataAddress = align8(at);
        java.io.ByteArrayOutputStream metadata = new java.io.ByteArrayOutputStream();
        long[] headerAddress = new long[datasets.size()];
        for (int i = 0; i < datasets.size(); i++) {
            headerAddress[i] = metadataAddress + metadata.size();
            metadata.writeBytes(datasetHeader(datasets.get(i), shapes.get(i), dataAddress[i]));
        }
        long rootAddress = metadataAddress + metadata.size();
        metadata.writeBytes(rootHeader(datasets, headerAddress, rootAttributes));
        Layout layout = new Layout(dataAddress, metadataAddress, metadata.toByteArray(), rootAddress);
        FileChannel direct = tryDirect ? openDirect(file) : null;
        if (direct != null) {
            try {
                writeFile(direct, true, file, datasets, layout);
                return;
            } catch (IOException e) {
                // A file system may accept O_DIRECT at open and refuse the writes (alignment rules): buffered then.
            }
        }
        FileChannel buffered = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        writeFile(buffered, false, file, datasets, layout);
    }

    /** Where everything goes: each dataset's values, then the object headers, the root group's last. */
    private record Layout(long[] dataAddress, long metadataAddress, byte[] metadata, long rootAddress) {
        long end() {
            return metadataAddress + metadata.length;
        }
    }

    /** Writes the planned bytes through {@code channel} and closes it. */
    private static void writeFile(FileChannel channel, boolean direct, Path file, List<Dataset> datasets,
                                  Layout layout) throws IOException {
        // Direct I/O writes whole blocks: the file ends with zeros up to a block boundary, inside its address space.
        long fileEnd = direct ? alignBlock(layout.end()) : layout.end();
        try (FileChannel c = channel) {
            ByteBuffer buf = (direct ? ByteBuffer.allocateDirect(IO_BUFFER + BLOCK).alignedSlice(BLOCK)
                    : ByteBuffer.allocate(IO_BUFFER)).order(ByteOrder.LITTLE_ENDIAN);
            Out out = new Out(c, buf, direct);
            out.put(superblock(fileEnd, layout.rootAddress()));
            for (int i = 0; i < datasets.size(); i++) {
                out.padTo(layout.dataAddress()[i]);
                out.values(datasets.get(i).values());
            }
            out.padTo(layout.metadataAddress());
            out.put(layout.metadata());
            out.padTo(fileEnd);
            out.flush();
            if (c.position() != fileEnd) {
                throw new IllegalStateException("wrote " + c.position() + " bytes to " + file + ", planned "
                        + fileEnd);
            }
        }
    }

    /**
     * The file opened for direct I/O (O_DIRECT: no copy into the page cache and no write-back of it, which was
     * most of the archive thread's kernel time), or null where the platform or file system refuses it.
     */
    private static FileChannel openDirect(Path file) {
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, com.sun.nio.file.ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static long alignBlock(long v) {
        return (v + BLOCK - 1) & -(long) BLOCK;
    }

    private static long align8(long v) {
        return (v + 7) & ~7L;
    }

    /** Element type and dimensions of a dataset value. */
    private record Shape(int elementBytes, char kind, long[] dims) {
        long bytes() {
            long n = elementBytes;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        static Shape of(Dataset d, Path file) {
            Object v = d.values();
            Shape s;
            if (v instanceof float[][] rows) {
                int cols = rows.length == 0 ? 0 : rows[0].length;
                for (int i = 1; i < rows.length; i++) {
                    if (rows[i].length != cols) {
                        throw new IllegalArgumentException("dataset '" + d.name() + "' row " + i + " has "
                                + rows[i].length + " values but row 0 has " + cols + " (writing " + file + ")");
                    }
                }
                s = new Shape(4, 'f', new long[] {rows.length, cols});
            } else if (v instanceof float[] a) {
                s = new Shape(4, 'f', new long[] {a.length});
            } else if (v instanceof long[] a) {
                s = new Shape(8, 'i', new long[] {a.length});
            } else if (v instanceof int[] a) {
                s = new Shape(4, 'i', new long[] {a.length});
            } else {
                throw new IllegalArgumentException("dataset '" + d.name() + "': unsupported value "
                        + (v == null ? "null" : v.getClass().getSimpleName()) + " (writing " + file + ")");
            }
            if (s.bytes() == 0) {
                throw new IllegalArgumentException("dataset '" + d.name() + "' is empty (writing " + file + ")");
            }
            return s;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Metadata encoding (HDF5 File Format Specification 3.0; all little-endian, offsets and lengths 8 bytes).

    private static byte[] superblock(long endOfFile, long rootAddress) {
        Bytes b = new Bytes();
        b.raw(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'});
        b.u8(2); // superblock version
        b.u8(8); // size of offsets
        b.u8(8); // size of lengths
        b.u8(0); // file consistency flags
        b.u64(0); // base address
        b.u64(UNDEFINED); // superblock extension
        b.u64(endOfFile);
        b.u64(rootAddress);
        return b.checksummed();
    }

    private static byte[] rootHeader(List<Dataset> datasets, long[] addresses, Map<String, ?> attributes) {
        List<byte[]> messages = new ArrayList<>();
        Bytes linkInfo = new Bytes();
        linkInfo.u8(0).u8(0).u64(UNDEFINED).u64(UNDEFINED); // links stored in the header: no heap, no index
        messages.add(message(MSG_LINK_INFO, linkInfo.array()));
        messages.add(message(MSG_GROUP_INFO, new byte[] {0, 0}));
        for (int i = 0; i < datasets.size(); i++) {
            byte[] name = name(datasets.get(i).name());
            Bytes link = new Bytes();
            // Version 1; flags 0x10: a character-set field follows (UTF-8); a hard link; 1-byte name length.
            link.u8(1).u8(0x10).u8(1).u8(name.length).raw(name).u64(addresses[i]);
            messages.add(message(MSG_LINK, link.array()));
        }
        attributes.forEach((k, v) -> messages.add(attribute(k, v)));
        return objectHeader(messages);
    }

    private static byte[] datasetHeader(Dataset d, Shape s, long dataAddress) {
        List<byte[]> messages = new ArrayList<>();
        messages.add(message(MSG_DATATYPE, s.kind() == 'f' ? float32() : integer(s.elementBytes())));
        messages.add(message(MSG_DATASPACE, dataspace(s.dims())));
        // Fill value version 3: allocated early, written never, no fill value defined (all data is written).
        messages.add(message(MSG_FILL_VALUE, new byte[] {3, 0x01 | 0x04}));
        Bytes layout = new Bytes();
        layout.u8(3).u8(1).u64(dataAddress).u64(s.bytes()); // version 3, contiguous
        messages.add(message(MSG_LAYOUT, layout.array()));
        d.attributes().forEach((k, v) -> messages.add(attribute(k, v)));
        return objectHeader(messages);
    }

    /** Object header version 2 with a 4-byte chunk size, no times, no creation order. */
    private static byte[] objectHeader(List<byte[]> messages) {
        int size = 0;
        for (byte[] m : messages) {
            size += m.length;
        }
        Bytes b = new Bytes();
        b.raw(new byte[] {'O', 'H', 'D', 'R'}).u8(2).u8(0x02).u32(size);
        for (byte[] m : messages) {
            b.raw(m);
        }
        return b.checksummed();
    }

    private static byte[] message(int type, byte[] body) {
        if (body.length > 0xFFFF) {
            throw new IllegalArgumentException("header message of " + body.length + " bytes is too large");
        }
        Bytes b = new Bytes();
        b.u8(type).u16(body.length).u8(0).raw(body);
        return b.array();
    }

    private static byte[] attribute(String name, Object value) {
        byte[] type;
        byte[] space;
        byte[] data;
        if (value instanceof String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            int size = Math.max(1, utf8.length); // a zero-size string type is invalid; padded with a null
            Bytes t = new Bytes();
            t.u8(0x13).u8(0x11).u8(0).u8(0).u32(size); // version 1, class 3; null-padded, UTF-8
            type = t.array();
            space = dataspace(new long[0]);
            data = java.util.Arrays.copyOf(utf8, size);
        } else if (value instanceof Integer v) {
            type = integer(4);
            space = dataspace(new long[0]);
            data = new Bytes().u32(v).array();
        } else if (value instanceof Long v) {
            type = integer(8);
            space = dataspace(new long[0]);
            data = new Bytes().u64(v).array();
        } else if (value instanceof int[] a) {
            type = integer(4);
            space = dataspace(new long[] {a.length});
            Bytes b = new Bytes();
            for (int v : a) {
                b.u32(v);
            }
            data = b.array();
        } else if (value instanceof long[] a) {
            type = integer(8);
            space = dataspace(new long[] {a.length});
            Bytes b = new Bytes();
            for (long v : a) {
                b.u64(v);
            }
            data = b.array();
        } else {
            throw new IllegalArgumentException("attribute '" + name + "': unsupported value "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        byte[] n = name(name);
        Bytes b = new Bytes();
        // Version 3: name (null-terminated, unpadded), datatype, dataspace, data; name encoding UTF-8.
        b.u8(3).u8(0).u16(n.length + 1).u16(type.length).u16(space.length).u8(1);
        b.raw(n).u8(0).raw(type).raw(space).raw(data);
        return message(MSG_ATTRIBUTE, b.array());
    }

    private static byte[] name(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        if (utf8.length == 0 || utf8.length > 255 || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("HDF5 name '" + name + "' must be 1 to 255 UTF-8 bytes without '/'"
                    + " or NUL");
        }
        return utf8;
    }

    /** Dataspace version 2: scalar for no dimensions, else simple without maximum dimensions. */
    private static byte[] dataspace(long[] dims) {
        Bytes b = new Bytes();
        b.u8(2).u8(dims.length).u8(0).u8(dims.length == 0 ? 0 : 1);
        for (long d : dims) {
            b.u64(d);
        }
        return b.array();
    }

    /** IEEE float32, little-endian. */
    private static byte[] float32() {
        Bytes b = new Bytes();
        b.u8(0x11).u8(0x20).u8(31).u8(0).u32(4); // version 1, class 1; implied mantissa MSB; sign at bit 31
        b.u16(0).u16(32).u8(23).u8(8).u8(0).u8(23).u32(127); // offset, precision, exponent, mantissa, bias
        return b.array();
    }

    /** Signed two's complement integer of {@code bytes} bytes, little-endian. */
    private static byte[] integer(int bytes) {
        Bytes b = new Bytes();
        b.u8(0x10).u8(0x08).u8(0).u8(0).u32(bytes); // version 1, class 0; signed
        b.u16(0).u16(bytes * 8); // bit offset, precision
        return b.array();
    }

    /** A little-endian byte builder for metadata. */
    private static final class Bytes {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            return u8(v).u8(v >>> 8);
        }

        Bytes u32(int v) {
            return u16(v).u16(v >>> 16);
        }

        Bytes u64(long v) {
            return u32((int) v).u32((int) (v >>> 32));
        }

        Bytes raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        byte[] array() {
            return out.toByteArray();
        }

        /** The bytes followed by their Jenkins lookup3 checksum, as HDF5 metadata blocks end. */
        byte[] checksummed() {
            byte[] body = out.toByteArray();
            return new Bytes().raw(body).u32(ChecksumUtils.checksum(body)).array();
        }
    }

    /**
     * Sequential output through one buffer; values are copied into it and written when it fills. For direct I/O
     * only whole blocks are written, the rest moves to the front of the buffer.
     */
    private static final class Out {
        private final FileChannel ch;
        private final ByteBuffer buf;
        private final boolean direct;
        private long position;

        Out(FileChannel ch, ByteBuffer buf, boolean direct) {
            this.ch = ch;
            this.buf = buf;
            this.direct = direct;
        }

        void put(byte[] b) throws IOException {
            int off = 0;
            while (off < b.length) {
                int n = Math.min(buf.remaining(), b.length - off);
                buf.put(b, off, n);
                off += n;
                position += n;
                drainIfFull();
            }
        }

        void padTo(long address) throws IOException {
            while (position < address) {
                buf.put((byte) 0);
                position++;
                drainIfFull();
            }
        }

        void values(Object v) throws IOException {
            if (v instanceof float[][] rows) {
                for (float[] r : rows) {
                    floats(r);
                }
            } else if (v instanceof float[] a) {
                floats(a);
            } else if (v instanceof long[] a) {
                for (int i = 0; i < a.length; ) {
                    int n = Math.min(buf.remaining() / 8, a.length - i);
                    buf.asLongBuffer().put(a, i, n);
                    advance(8 * n);
                    i += n;
                }
            } else {
                int[] a = (int[]) v;
                for (int i = 0; i < a.length; ) {
                    int n = Math.min(buf.remaining() / 4, a.length - i);
                    buf.asIntBuffer().put(a, i, n);
                    advance(4 * n);
                    i += n;
                }
            }
        }

        private void floats(float[] a) throws IOException {
            for (int i = 0; i < a.length; ) {
                int n = Math.min(buf.remaining() / 4, a.length - i);
                buf.asFloatBuffer().put(a, i, n);
                advance(4 * n);
                i += n;
            }
        }

        /** Moves past {@code bytes} just written through a view buffer (views do not move the parent). */
        private void advance(int bytes) throws IOException {
            buf.position(buf.position() + bytes);
            position += bytes;
            drainIfFull();
        }

        private void drainIfFull() throws IOException {
            // Fewer than 8 bytes left cannot take one more int64: write out, so views always make progress.
            if (buf.remaining() < 8) {
                drain();
            }
        }

        /** Writes the buffer out: all of it, or for direct I/O its whole blocks (the tail moves to the front). */
        private void drain() throws IOException {
            int keep = direct ? buf.position() % BLOCK : 0;
            buf.limit(buf.position() - keep).position(0);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.limit(buf.capacity());
            if (keep > 0) {
                ByteBuffer tail = buf.duplicate();
                tail.position(buf.position()).limit(buf.position() + keep);
                buf.position(0);
                buf.put(tail);
            } else {
                buf.position(0);
            }
        }

        /** Writes what is left; for direct I/O the caller has padded it to a whole block. */
        void flush() throws IOException {
            if (direct && buf.position() % BLOCK != 0) {
                throw new IllegalStateException("direct write of " + buf.position() + " bytes is not whole blocks");
            }
            drain();
        }
    }
}
