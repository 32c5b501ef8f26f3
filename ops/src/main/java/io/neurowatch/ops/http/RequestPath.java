package io.neurowatch.ops.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Strict parsing of a request target into decoded path segments. Anything that could name something outside the
 * intended tree is rejected (empty result, answered 404): a target that is not origin-form ({@code /…}), malformed
 * or non-UTF-8 percent escapes, {@code .} or {@code ..} segments (also when percent-encoded), encoded slashes or
 * backslashes, control characters, and empty segments other than a single trailing one ({@code //x}).
 */
final class RequestPath {
    private RequestPath() {
    }

    /**
     * @param rawUri the request target as received (path and optional query)
     * @return the decoded segments; {@code "/"} gives an empty list; a trailing slash gives a final empty segment
     */
    static Optional<List<String>> segments(String rawUri) {
        if (rawUri == null || rawUri.isEmpty() || rawUri.charAt(0) != '/') {
            return Optional.empty();
        }
        String path = rawUri;
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        int h = path.indexOf('#');
        if (h >= 0) {
            path = path.substring(0, h);
        }
        List<String> out = new ArrayList<>();
        if (path.equals("/")) {
            return Optional.of(out);
        }
        String[] raw = path.substring(1).split("/", -1);
        for (int i = 0; i < raw.length; i++) {
            boolean last = i == raw.length - 1;
            if (raw[i].isEmpty()) {
                if (last) {
                    out.add("");
                    continue;
                }
                return Optional.empty();
            }
            Optional<String> seg = decode(raw[i]);
            if (seg.isEmpty()) {
                return Optional.empty();
            }
            String s = seg.get();
            if (s.equals(".") || s.equals("..") || s.isEmpty()) {
                return Optional.empty();
            }
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
                    return Optional.empty();
                }
            }
            out.add(s);
        }
        return Optional.of(out);
    }

    private static Optional<String> decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return Optional.of(raw);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return Optional.empty(); // raw non-ASCII in a request target is not valid
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
