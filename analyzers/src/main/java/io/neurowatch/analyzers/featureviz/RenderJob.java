package io.neurowatch.analyzers.featureviz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a list of objectives in batches and writes one PNG per image, a labelled contact sheet and a manifest
 * into a directory. Image g of the job starts from the noise seed {@link Start#initSeed(long, int)} of the job seed
 * and g, and every batch replays the same transform draws, so the result does not depend on the batch size.
 *
 * <p>Files: {@code NNN-<label>.png}, {@code contact-sheet.png}, {@code renders.json} (the configuration with its
 * seed, and per image its label, file, start seed and losses).
 */
public record RenderJob(List<Objective> objectives, RenderConfig config, int batchSize) {
    public static final String CONTACT_SHEET = "contact-sheet.png";
    public static final String MANIFEST = "renders.json";

    public RenderJob {
        objectives = List.copyOf(objectives);
        if (objectives.isEmpty() || batchSize < 1) {
            throw new IllegalArgumentException("need objectives and a positive batch size");
        }
    }

    /**
     * @param progress called after every step with the step counted over the whole job, or null
     * @return the renders, indexed by position in the job
     */
    public List<Rendered> run(Renderer renderer, Path directory, ProgressListener progress) throws IOException {
        Files.createDirectories(directory);
        int n = objectives.size();
        int batches = (n + batchSize - 1) / batchSize;
        List<Rendered> all = new ArrayList<>(n);
        for (int first = 0, batch = 0; first < n; first += batchSize, batch++) {
            int end = Math.min(n, first + batchSize);
            List<Start> starts = new ArrayList<>();
            for (int g = first; g < end; g++) {
                starts.add(Start.noise(Start.initSeed(config.seed(), g)));
            }
            int offset = batch * config.iters();
            ProgressListener p = progress == null ? null
                    : (step, total, loss) -> progress.onStep(offset + step, batches * config.iters(), loss);
            List<Rendered> part = renderer.render(objectives.subList(first, end), config, starts, p);
            for (Rendered r : part) {
                int g = first + r.index();
                Rendered global = new Rendered(g, r.label(), r.height(), r.width(), r.image(), r.parameter(), r.start(),
                        r.finalLoss(), r.lastStepLoss(), r.config());
                RenderImages.writePng(global, directory.resolve(fileName(global)));
                all.add(global);
            }
        }
        RenderImages.writeContactSheet(all, directory.resolve(CONTACT_SHEET));
        Files.writeString(directory.resolve(MANIFEST), manifest(all), StandardCharsets.UTF_8);
        return all;
    }

    /** {@code NNN-label.png} with the label reduced to [a-z0-9-]. */
    public static String fileName(Rendered r) {
        String slug = r.label().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.length() > 60) {
            slug = slug.substring(0, 60);
        }
        return String.format(Locale.ROOT, "%03d-%s.png", r.index(), slug.isEmpty() ? "image" : slug);
    }

    private String manifest(List<Rendered> renders) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"config\": {");
        sb.append("\"seed\": ").append(config.seed());
        sb.append(", \"width\": ").append(config.width());
        sb.append(", \"height\": ").append(config.height());
        sb.append(", \"iters\": ").append(config.iters());
        sb.append(", \"lr\": ").append(number(config.lr()));
        sb.append(", \"weightDecay\": ").append(number(config.weightDecay()));
        sb.append(", \"gradClip\": ").append(number(config.gradClip()));
        sb.append(", \"initSd\": ").append(number(config.initSd()));
        sb.append(", \"parametrization\": ").append(string(config.parametrization().name()));
        sb.append(", \"compatUnnormalisedStart\": ").append(config.compatUnnormalisedStart());
        sb.append(", \"transforms\": ").append(string(config.transforms().name()));
        sb.append(", \"transformSteps\": ").append(string(config.transforms().steps().toString()));
        sb.append(", \"batchSize\": ").append(batchSize);
        sb.append("},\n  \"images\": [");
        for (int i = 0; i < renders.size(); i++) {
            Rendered r = renders.get(i);
            sb.append(i == 0 ? "\n" : ",\n");
            sb.append("    {\"index\": ").append(r.index());
            sb.append(", \"label\": ").append(string(r.label()));
            sb.append(", \"file\": ").append(string(fileName(r)));
            if (r.start() instanceof Start.Noise noise && noise.seed() != null) {
                sb.append(", \"initSeed\": ").append(noise.seed());
            }
            sb.append(", \"finalLoss\": ").append(number(r.finalLoss()));
            sb.append(", \"lastStepLoss\": ").append(number(r.lastStepLoss()));
            sb.append('}');
        }
        sb.append("\n  ]\n}\n");
        return sb.toString();
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static String string(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
