package io.neurowatch.ops.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerResultsTest {
    @TempDir
    Path root;

    private final AtomicInteger reads = new AtomicInteger();

    private String read(Path file) throws IOException {
        reads.incrementAndGet();
        String s = Files.readString(file).strip();
        if (s.startsWith("bad")) {
            throw new IOException("unparseable");
        }
        return s;
    }

    @Test
    void filesAreReadOnceAndAgainWhenTheyChange() throws Exception {
        LayerResults<String> r = new LayerResults<>(root, "r.json", this::read);
        assertEquals(Optional.empty(), r.get("m", "l"));
        Path f = Files.createDirectories(root.resolve("m/l")).resolve("r.json");
        Files.writeString(f, "one");
        assertEquals(Optional.of("one"), r.get("m", "l"));
        assertEquals(Optional.of("one"), r.get("m", "l"));
        assertEquals(1, reads.get(), "cached while unchanged");
        Files.writeString(f, "two!");
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 2000));
        assertEquals(Optional.of("two!"), r.get("m", "l"));
        Files.writeString(f, "bad file");
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 4000));
        assertEquals(Optional.empty(), r.get("m", "l"), "unreadable counts as absent");
        int before = reads.get();
        assertEquals(Optional.empty(), r.get("m", "l"));
        assertEquals(before, reads.get(), "an unreadable file is not parsed again until it changes");
        Files.delete(f);
        assertEquals(Optional.empty(), r.get("m", "l"));
    }

    @Test
    void inProcessResultsWinAndNamesCannotLeaveTheRoot() throws Exception {
        Files.createDirectories(root.resolve("m/l"));
        Files.writeString(root.resolve("m/l/r.json"), "file");
        Files.writeString(root.resolve("r.json"), "root");
        LayerResults<String> r = new LayerResults<>(root.resolve("m"), "r.json", this::read);
        r.put("m", "x", "pushed");
        assertEquals(Optional.of("pushed"), r.get("m", "x"));
        for (String[] bad : new String[][] {{"..", "m"}, {".", "."}, {"../m", "l"}, {"m/l", "x"}, {"", "l"}}) {
            assertTrue(r.get(bad[0], bad[1]).isEmpty(), bad[0] + "/" + bad[1]);
        }
        LayerResults<String> none = new LayerResults<>(null, "r.json", this::read);
        assertTrue(none.get("m", "l").isEmpty());
    }
}
