package io.neurowatch.connectors.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the tiny subset of Python literal syntax that NPY headers use ({@code ast.literal_eval} on the numpy side):
 * dicts with string keys, strings, integers, True/False/None, tuples and lists. Tuples and lists both become
 * {@link List}; integers become {@link Long}.
 */
final class PyLiteral {
    private final String s;
    private int i;

    private PyLiteral(String s) {
        this.s = s;
    }

    /** @throws IllegalArgumentException with the position of the first unparseable character */
    static Object parse(String text) {
        PyLiteral p = new PyLiteral(text);
        Object v = p.value();
        p.skipSpace();
        if (p.i != p.s.length()) {
            throw p.error("unexpected text after the literal");
        }
        return v;
    }

    private Object value() {
        skipSpace();
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(i);
        if (c == '{') {
            return dict();
        }
        if (c == '(' || c == '[') {
            return sequence(c == '(' ? ')' : ']');
        }
        if (c == '\'' || c == '"') {
            return string();
        }
        if (c == '-' || c == '+' || Character.isDigit(c)) {
            return integer();
        }
        if (Character.isLetter(c)) {
            int start = i;
            while (i < s.length() && Character.isLetterOrDigit(s.charAt(i))) {
                i++;
            }
            String word = s.substring(start, i);
            switch (word) {
                case "True":
                    return Boolean.TRUE;
                case "False":
                    return Boolean.FALSE;
                case "None":
                    return null;
                default:
                    i = start;
                    throw error("unknown name '" + word + "'");
            }
        }
        throw error("unexpected character '" + c + "'");
    }

    private Map<String, Object> dict() {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        while (true) {
            skipSpace();
            if (peek() == '}') {
                i++;
                return m;
            }
            int keyAt = i;
            Object key = value();
            if (!(key instanceof String k)) {
                i = keyAt;
                throw error("dict key is not a string");
            }
            skipSpace();
            expect(':');
            Object v = value();
            if (m.containsKey(k)) {
                throw error("duplicate key '" + k + "'");
            }
            m.put(k, v);
            skipSpace();
            if (peek() == ',') {
                i++;
            } else if (peek() != '}') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> sequence(char close) {
        List<Object> l = new ArrayList<>();
        i++;
        while (true) {
            skipSpace();
            if (peek() == close) {
                i++;
                return l;
            }
            l.add(value());
            skipSpace();
            if (peek() == ',') {
                i++;
            } else if (peek() != close) {
                throw error("expected ',' or '" + close + "'");
            }
        }
    }

    private String string() {
        char quote = s.charAt(i++);
        StringBuilder b = new StringBuilder();
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == quote) {
                return b.toString();
            }
            if (c == '\\' && i < s.length()) {
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case '\\', '\'', '"' -> b.append(e);
                    default -> b.append('\\').append(e);
                }
            } else {
                b.append(c);
            }
        }
        throw error("unterminated string");
    }

    private Long integer() {
        int start = i;
        if (s.charAt(i) == '-' || s.charAt(i) == '+') {
            i++;
        }
        int digits = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == digits) {
            throw error("expected digits");
        }
        String text = s.substring(start, i);
        // Python 2 era headers wrote long integers with an 'L' suffix.
        if (i < s.length() && (s.charAt(i) == 'L' || s.charAt(i) == 'l')) {
            i++;
        }
        BigInteger v = new BigInteger(text);
        if (v.bitLength() > 63) {
            i = start;
            throw error("integer " + text + " is too large");
        }
        return v.longValue();
    }

    private char peek() {
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        return s.charAt(i);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        i++;
    }

    private void skipSpace() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + i);
    }
}
