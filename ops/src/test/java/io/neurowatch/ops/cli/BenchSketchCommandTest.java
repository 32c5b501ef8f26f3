package io.neurowatch.ops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.state.NeuronSketch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code bench sketch} on a small workload: it reports both sketches, and the log-bucket errors keep its bound. */
class BenchSketchCommandTest {
    private static final Pattern PERCENT = Pattern.compile("([0-9.]+)%");

    @Test
    void reportsBothSketchesAndTheLogBucketValueErrorStaysWithinItsBound() {
        CliRun run = CliRun.run("bench", "sketch", "--neurons", "16", "--samples", "5000", "--rounds", "1");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        assertTrue(out.contains("update, median of 1 rounds: log-bucket"), out);
        assertTrue(out.contains("serialized, mean per sketch after 5000 values"), out);
        double alpha = 100 * NeuronSketch.relativeErrorBound(NeuronSketch.DEFAULT_PRECISION_BITS);
        double[] logErrors = percents(line(out, "value error, log-bucket"));
        double[] kllErrors = percents(line(out, "value error, KLL"));
        assertEquals(4, logErrors.length, out);
        assertEquals(4, kllErrors.length, out);
        for (double e : logErrors) {
            assertTrue(e <= alpha + 1e-3, "value error " + e + "% above alpha " + alpha + "%\n" + out);
        }
    }

    private static String line(String out, String label) {
        for (String l : out.split("\n")) {
            if (l.contains(label)) {
                return l.substring(l.indexOf(label) + label.length());
            }
        }
        throw new AssertionError("no line '" + label + "' in:\n" + out);
    }

    private static double[] percents(String s) {
        Matcher m = PERCENT.matcher(s);
        java.util.List<Double> v = new java.util.ArrayList<>();
        while (m.find()) {
            v.add(Double.parseDouble(m.group(1)));
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
