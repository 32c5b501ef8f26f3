package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.invert.InvertParams;
import io.neurowatch.analyzers.invert.Mode;
import io.neurowatch.connectors.archive.WindowSpec;
import io.neurowatch.connectors.io.ConceptSetReader;
import io.neurowatch.core.ConceptSet;
import io.neurowatch.core.config.Setting;
import io.neurowatch.core.config.SettingException;
import io.neurowatch.core.config.SettingValues;
import io.neurowatch.core.config.SettingsTable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * When label runs happen, over which archived rows, and how INVERT searches.
 *
 * @param everySamples run after this many new samples (0 disables the trigger)
 * @param interval run at this period when new samples arrived (null disables the timer)
 * @param window which archived rows a run reads
 * @param invert INVERT's search parameters
 * @param concepts names of concept ids (column c = concept id c); null names them {@code c<id>}
 * @param threads INVERT worker threads
 */
public record LabelSettings(long everySamples, Duration interval, WindowSpec window, InvertParams invert,
                            ConceptSet concepts, int threads) {
    public static final Setting<Long> EVERY_SAMPLES = Setting.longValue("label.every-samples", 10_000,
            "run the labeller after this many new samples (0 = off)", Setting.atLeast(0L));
    public static final Setting<Duration> INTERVAL = Setting.optionalDuration("label.interval",
            Duration.ofSeconds(30), "never", "run it at this period when new samples arrived (`off` = never)");
    public static final Setting<WindowSpec> WINDOW = Setting.custom("label.window", "window", WindowSpec.all(),
            "all", "`all`, `last:<samples>` or `duration:<ISO-8601>` (relative to the newest sample)",
            LabelSettings::parseWindow, LabelSettings::printWindow);
    public static final Setting<Integer> THREADS = Setting.integer("label.threads",
            Runtime.getRuntime().availableProcessors(), "all cores", "INVERT worker threads", Setting.atLeast(1));
    public static final Setting<Integer> LENGTH = Setting.integer("invert.L", 3,
            "formula length: beam iterations (1 = single concepts)", Setting.atLeast(1));
    public static final Setting<Integer> BEAM = Setting.integer("invert.B", 3, "beam size", Setting.atLeast(1));
    public static final Setting<Double> MIN_FRACTION = Setting.decimal("invert.min-fraction", 0.002,
            "smallest share of the window a formula may cover", Setting.between(0.0, 1.0));
    public static final Setting<Double> MAX_FRACTION = Setting.decimal("invert.max-fraction", 0.5,
            "largest share of the window a formula may cover", Setting.between(0.0, 1.0));
    public static final Setting<String> MODE = Setting.choice("invert.mode", "positive",
            "explain high (`positive`) or low (`negative`) activations", "positive", "negative");
    public static final Setting<Path> CONCEPTS = Setting.optionalPath("concepts", "names `c<id>`",
            "concept file naming concept ids (column c = id c)");

    public static final SettingsTable.Group GROUP = new SettingsTable.Group("labels",
            "INVERT label runs over the archive window; labels go to the compacted labels topic.",
            List.of(EVERY_SAMPLES, INTERVAL, WINDOW, THREADS, LENGTH, BEAM, MIN_FRACTION, MAX_FRACTION, MODE,
                    CONCEPTS));

    public static LabelSettings from(SettingValues v) {
        if (v.get(MIN_FRACTION) > v.get(MAX_FRACTION)) {
            throw new SettingException(v.source(MIN_FRACTION) + ": invert.min-fraction " + v.get(MIN_FRACTION)
                    + " exceeds invert.max-fraction " + v.get(MAX_FRACTION));
        }
        InvertParams invert = InvertParams.of(v.get(LENGTH), v.get(BEAM))
                .withFractions(v.get(MIN_FRACTION), v.get(MAX_FRACTION)).withMode(Mode.parse(v.get(MODE)));
        Path file = v.get(CONCEPTS);
        ConceptSet concepts = null;
        if (file != null) {
            try {
                concepts = ConceptSetReader.read(file);
            } catch (IOException e) {
                throw new SettingException(v.source(CONCEPTS) + ": concepts = " + file + ": " + e.getMessage(), e);
            }
        }
        return new LabelSettings(v.get(EVERY_SAMPLES), v.get(INTERVAL), v.get(WINDOW), invert, concepts,
                v.get(THREADS));
    }

    /** The name of concept id {@code c}: from the concept set where it has one, else {@code c<id>}. */
    public String conceptId(int c) {
        return concepts != null && c < concepts.size() ? concepts.id(c) : "c" + c;
    }

    static WindowSpec parseWindow(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        if (s.equals("all")) {
            return WindowSpec.all();
        } else if (s.startsWith("last:")) {
            return WindowSpec.lastSamples(Long.parseLong(s.substring(5)));
        } else if (s.startsWith("duration:")) {
            return WindowSpec.lastDuration(Duration.parse(v.substring(9)));
        }
        throw new IllegalArgumentException("expected all, last:<samples> or duration:<ISO-8601 duration such as PT1H>");
    }

    static String printWindow(WindowSpec w) {
        if (w instanceof WindowSpec.LastSamples l) {
            return "last:" + l.n();
        } else if (w instanceof WindowSpec.LastDuration d) {
            return "duration:" + d.duration();
        } else if (w instanceof WindowSpec.All) {
            return "all";
        }
        throw new IllegalArgumentException("no settings form for " + w);
    }
}
