package io.neurowatch.ops.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Files under one classpath folder (the dashboard). A file is found only by segments that each match
 * {@code [A-Za-z0-9_-][A-Za-z0-9._-]*} (no dot files, no {@code ..}), so nothing outside the folder can be named;
 * directories are never served.
 */
final class StaticResources {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"));

    /** A file's bytes and content type. */
    record Resource(byte[] bytes, String contentType) {
    }

    private final String root;
    private final ClassLoader loader;
    /** Files found (only existing files under the root, so bounded); resources do not change while running. */
    private final Map<String, Resource> cache = new ConcurrentHashMap<>();

    /** @param root the classpath folder, without slashes at either end, e.g. {@code dashboard} */
    StaticResources(String root, ClassLoader loader) {
        this.root = root;
        this.loader = loader;
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /** @param segments the path below the root, already decoded by {@link RequestPath} */
    Optional<Resource> find(List<String> segments) {
        if (segments.isEmpty()) {
            return Optional.empty();
        }
        for (String s : segments) {
            if (!SEGMENT.matcher(s).matches()) {
                return Optional.empty();
            }
        }
        String name = root + "/" + String.join("/", segments);
        Resource cached = cache.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        URL url = loader.getResource(name);
        if (url == null) {
            return Optional.empty();
        }
        try {
            if (!isRegularFile(url)) {
                return Optional.empty();
            }
            try (InputStream in = url.openStream()) {
                Resource r = new Resource(in.readAllBytes(), contentType(segments.get(segments.size() - 1)));
                cache.put(name, r);
                return Optional.of(r);
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isRegularFile(URL url) throws IOException, URISyntaxException {
        switch (url.getProtocol()) {
            case "file":
                return Files.isRegularFile(Path.of(url.toURI()));
            case "jar":
                URLConnection c = url.openConnection();
                return c instanceof JarURLConnection j && j.getJarEntry() != null && !j.getJarEntry().isDirectory();
            default:
                return false;
        }
    }
}
