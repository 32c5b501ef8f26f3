package io.neurowatch.ops.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar with rate and ETA for long jobs, redrawn at most every 200 ms. On a non-terminal it prints
 * a plain log line at most every 5 s instead, so CI logs stay readable. Thread-confined.
 */
public final class ProgressBar {
    private final PrintStream out;
    private final String label;
    private final String unit;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw;

    public ProgressBar(PrintStream out, String label, String unit) {
        this.out = out;
        this.label = label;
        this.unit = unit;
        this.terminal = System.console() != null;
    }

    public void update(long done, long total) {
        long now = System.nanoTime();
        boolean finished = done >= total;
        long interval = terminal ? 200_000_000L : 5_000_000_000L;
        if (!finished && now - lastDraw < interval) {
            return;
        }
        lastDraw = now;
        double secs = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / secs;
        double eta = rate > 0 ? (total - done) / rate : Double.NaN;
        String stats = String.format("%d/%d %s  %.1f %s/s  elapsed %s  eta %s", done, total, unit, rate, unit,
                clock(secs), finished ? "0s" : clock(eta));
        if (terminal) {
            int width = 30;
            int filled = total == 0 ? width : (int) (width * done / total);
            out.print("\r" + label + " [" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + stats);
            if (finished) {
                out.println();
            }
        } else {
            out.println(label + ": " + stats);
        }
        out.flush();
    }

    static String clock(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
