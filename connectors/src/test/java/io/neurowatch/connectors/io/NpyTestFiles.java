package io.neurowatch.connectors.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds NPY files byte by byte, independently of {@link NpyWriter}, for header versions and broken files. */
final class NpyTestFiles {
    private NpyTestFiles() {
    }

    /** Magic, version, header length (2 bytes for v1, 4 for v2/v3), the dict padded to 64 bytes with '\n'. */
    static byte[] header(int major, String dict) {
        int lenBytes = major == 1 ? 2 : 4;
        byte[] text = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int unpadded = 8 + lenBytes + text.length + 1;
        int total = (unpadded + 63) / 64 * 64;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        int headerLen = total - 8 - lenBytes;
        if (lenBytes == 2) {
            b.putShort((short) headerLen);
        } else {
            b.putInt(headerLen);
        }
        b.put(text);
        while (b.position() < total - 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    static String dict(String descr, boolean fortran, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape
                + ", }";
    }

    static Path write(Path file, byte[]... parts) throws IOException {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer all = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            all.put(p);
        }
        return Files.write(file, all.array());
    }

    static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(order);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    static byte[] doubles(ByteOrder order, double... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(order);
        for (double d : v) {
            b.putDouble(d);
        }
        return b.array();
    }

    static byte[] ints(ByteOrder order, int... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(order);
        for (int i : v) {
            b.putInt(i);
        }
        return b.array();
    }

    static byte[] longs(ByteOrder order, long... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(order);
        for (long l : v) {
            b.putLong(l);
        }
        return b.array();
    }

    static byte[] shorts(ByteOrder order, short... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(order);
        for (short s : v) {
            b.putShort(s);
        }
        return b.array();
    }
}
