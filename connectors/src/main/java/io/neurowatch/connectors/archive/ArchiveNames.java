package io.neurowatch.connectors.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Model and layer names as directory names. Names are escaped, not rejected, because real layer names contain
 * characters a path cannot ({@code block1_conv1/Relu}, {@code features.8}, {@code ..}): every UTF-8 byte outside
 * {@code [A-Za-z0-9._-]} becomes {@code %XX} (upper-case hex), and so does a leading {@code .} or {@code _}. The
 * result is never empty, hidden, {@code .} or {@code ..}, contains no separator, and never starts with {@code _},
 * which keeps {@code _archive.json} and the other names the archive keeps at its root out of the name space.
 * The mapping is one-to-one: {@link #decode} accepts only the canonical form, so two directories cannot claim the
 * same name. Limits: the escaped form must fit in {@value #MAX_ENCODED} characters (file systems allow 255 bytes);
 * case-insensitive file systems would merge names that differ only in case, which is not checked.
 *
 * <p>Stateless and thread-safe.
 */
final class ArchiveNames {
    static final int MAX_ENCODED = 200;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ArchiveNames() {
    }

    /**
     * @param kind "model" or "layer", for the message
     * @throws IllegalArgumentException if the name is null, empty or too long once escaped
     */
    static String encode(String kind, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(kind + " name must be non-empty; found " + (name == null ? "null"
                    : "''"));
        }
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(utf8.length + 8);
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xff;
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-'
                    || ((b == '.' || b == '_') && i > 0);
            if (plain) {
                sb.append((char) b);
            } else {
                sb.append('%').append(HEX[b >> 4]).append(HEX[b & 15]);
            }
        }
        if (sb.length() > MAX_ENCODED) {
            throw new IllegalArgumentException(kind + " name '" + abbreviate(name) + "' is too long for a directory"
                    + " name (" + sb.length() + " characters escaped, at most " + MAX_ENCODED + ")");
        }
        return sb.toString();
    }

    /** The name a directory stands for, or null if the directory name is not the canonical escape of any name. */
    static String decode(String dirName) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(dirName.length());
        for (int i = 0; i < dirName.length(); i++) {
            char c = dirName.charAt(i);
            if (c == '%') {
                if (i + 2 >= dirName.length()) {
                    return null;
                }
                int hi = Character.digit(dirName.charAt(i + 1), 16);
                int lo = Character.digit(dirName.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c < 128) {
                out.write(c);
            } else {
                return null;
            }
        }
        String name = new String(out.toByteArray(), StandardCharsets.UTF_8);
        try {
            return encode("directory", name).equals(dirName) ? name : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
