package io.neurowatch.ops.cli;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.kafka.KafkaTopics;
import io.neurowatch.connectors.kafka.TopicSpec;
import io.neurowatch.core.wire.ActivationBatch;
import io.neurowatch.core.wire.ActivationBatchCodec;
import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import io.neurowatch.ops.stream.Analyzer;
import io.neurowatch.ops.stream.AnalyzerConfig;
import io.neurowatch.ops.stream.KafkaSettings;
import io.neurowatch.ops.stream.LabelSettings;
import io.neurowatch.ops.stream.StatisticsSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code neurowatch bench stream}: analyzer throughput against a bare {@code KafkaConsumer} reading the same topic in
 * the same run (the ceiling), produce-to-statistics latency under a paced stream, and RSS as the stream grows.
 */
@Command(name = "stream", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Producer -> embedded broker -> analyzer (archive + statistics) vs a bare KafkaConsumer on the "
                + "same topic (the ceiling): samples/s, MB/s, ratio, p50/p99 latency, RSS as the stream grows."})
public final class BenchStreamCommand implements Callable<Integer> {
    /** Layer names whose keys {@code bench/<layer>} hash to partitions 0, 1 and 2 of a 3-partition topic. */
    static final String[] LAYERS = layersOnePerPartition(3);

    static String[] layersOnePerPartition(int partitions) {
        String[] out = new String[partitions];
        int found = 0;
        for (int i = 0; found < partitions; i++) {
            String name = "layer" + i;
            int p = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                    ("bench/" + name).getBytes(StandardCharsets.UTF_8))) % partitions;
            if (out[p] == null) {
                out[p] = name;
                found++;
            }
        }
        return out;
    }

    /** Records are ~0.5 MB at D = 512; Kafka's 1 MiB per-partition fetch default would cap both sides. */
    private static final int FETCH_BYTES = 16 << 20;

    @Option(names = "--samples", defaultValue = "100000", description = "samples in the stream (default: "
            + "${DEFAULT-VALUE}; try 1000000 for the memory check)")
    int samples;

    @Option(names = "--features", defaultValue = "512", description = "D (default: ${DEFAULT-VALUE})")
    int features;

    @Option(names = "--batch", defaultValue = "256", description = "samples per record (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--concepts", defaultValue = "0",
            description = "labelled concepts per sample stream (0 = unlabelled, no histograms; default: "
                    + "${DEFAULT-VALUE})")
    int concepts;

    @Option(names = "--latency-rate", defaultValue = "2000",
            description = "samples/s of the paced stream used for latency (default: ${DEFAULT-VALUE})")
    int latencyRate;

    @Option(names = "--stats-threads", description = "statistics staging threads, key stats.threads (default: all "
            + "cores)")
    Integer statsThreads;

    @Option(names = "--warmup-samples", defaultValue = "50000",
            description = "samples both sides read once, untimed, before the timed runs, so that the JIT has "
                    + "compiled the hot paths (0 = none; default: ${DEFAULT-VALUE})")
    int warmupSamples;

    @Option(names = "--warmup-rounds", defaultValue = "2",
            description = "times both sides read the warm-up samples, each time with a fresh analyzer: the second "
                    + "round runs the code the first one had compiled, so the JIT gets to its final tier "
                    + "(default: ${DEFAULT-VALUE})")
    int warmupRounds;

    @Option(names = "--work-dir", defaultValue = "work/bench-stream", description = "(default: ${DEFAULT-VALUE})")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        Path run = workDir.resolve("run-" + System.currentTimeMillis());
        Files.createDirectories(run);
        int records = (samples + batch - 1) / batch;
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(run.resolve("kafka"), 0, Map.of())) {
            broker.start();
            Map<String, Object> client = new HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers()));
            try (KafkaTopics topics = new KafkaTopics(client)) {
                topics.createIfMissing(TopicSpec.of("bench.act", 3)).block(Duration.ofSeconds(30));
                topics.createIfMissing(TopicSpec.of("bench.warmup", 3)).block(Duration.ofSeconds(30));
                topics.createIfMissing(TopicSpec.of("bench.live", 3)).block(Duration.ofSeconds(30));
            }
            int warmupRecords = (warmupSamples + batch - 1) / batch;
            long bytes;
            try (KafkaRecordSink sink = new KafkaRecordSink(client)) {
                produce(sink, "bench.warmup", 0, warmupRecords, new Random(3));
                long t0 = System.nanoTime();
                bytes = produce(sink, "bench.act", 0, records, new Random(1));
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("produced %d samples (%d records, %.1f MB) in %.2f s, and %d warm-up samples%n",
                        (long) records * batch, records, bytes / 1e6, secs, (long) warmupRecords * batch);
            }
            if (warmupRecords > 0) {
                // Both sides over a separate topic, untimed: the JIT compiles the analyzer's hot paths (and the
                // consumer's), which would otherwise take a good part of a short timed phase.
                long w0 = System.nanoTime();
                for (int round = 0; round < warmupRounds; round++) {
                    bareConsumer(client, "bench.warmup", "bench-ceiling-warmup-" + round, warmupRecords);
                    runAnalyzer(config(broker, run.resolve("warmup-analyzer-" + round), "bench.warmup"),
                            (long) warmupRecords * batch, false);
                }
                System.out.printf("warm-up: both sides %d x over %,d samples in %.1f s (untimed)%n", warmupRounds,
                        (long) warmupRecords * batch, (System.nanoTime() - w0) / 1e9);
            }
            JitQuiet.await("before the ceiling");
            long cpu0 = processCpuNanos();
            double ceiling = bareConsumer(client, "bench.act", "bench-ceiling", records);
            double ceilingCpu = (processCpuNanos() - cpu0) / 1e3 / ((double) records * batch);
            System.out.printf("ceiling  (bare KafkaConsumer): %,.0f samples/s, %.1f MB/s, process CPU %.1f us/sample "
                    + "(broker included)%n", ceiling, ceiling * bytes / ((double) records * batch) / 1e6, ceilingCpu);

            JitQuiet.await("before the analyzer");
            AnalyzerConfig cfg = config(broker, run.resolve("analyzer"), "bench.act");
            long target = (long) records * batch;
            Throughput t = runAnalyzer(cfg, target, true);
            System.out.printf("analyzer (archive + statistics): %,.0f samples/s, %.1f MB/s, ratio to the first "
                    + "ceiling %.2f%n", t.rate(), t.rate() * bytes / (double) target / 1e6, t.rate() / ceiling);
            System.out.printf("  process CPU %.1f us/sample (%.1fx the ceiling's)%n", t.cpuMicrosPerSample(),
                    t.cpuMicrosPerSample() / ceilingCpu);

            // The ceiling again after the analyzer: the two bracket it, so drift of the machine during the run
            // shows, and the ratio is taken against their mean.
            JitQuiet.await("before the second ceiling");
            double ceiling2 = bareConsumer(client, "bench.act", "bench-ceiling-2", records);
            double mean = (ceiling + ceiling2) / 2;
            System.out.printf("ceiling again: %,.0f samples/s; ratio of the analyzer to the mean ceiling (%,.0f): "
                    + "%.2f%n", ceiling2, mean, t.rate() / mean);

            // Latency: a fresh analyzer on its own empty topic under a paced live stream, so the figure is
            // produce -> statistics time without the backlog (or the state) of the throughput phase.
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (Analyzer analyzer = new Analyzer(config(broker, run.resolve("live-analyzer"), "bench.live"),
                    registry, s -> { });
                 KafkaRecordSink sink = new KafkaRecordSink(client)) {
                analyzer.start();
                long ready = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (analyzer.streamsState() != KafkaStreams.State.RUNNING && System.nanoTime() < ready) {
                    Thread.sleep(20);
                }
                Thread.sleep(1000); // past the first poll of the assigned partitions
                Timer latency = registry.get("neurowatch.ingest.latency").timer();
                int live = Math.max(1, latencyRate * 10 / batch);
                long start = System.nanoTime();
                Random rnd = new Random(2);
                for (int i = 0; i < live; i++) {
                    produce(sink, "bench.live", i, 1, rnd);
                    long due = start + (long) ((i + 1) * (double) batch / latencyRate * 1e9);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000);
                    }
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (latency.count() < live && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                StringBuilder pct = new StringBuilder();
                for (ValueAtPercentile v : latency.takeSnapshot().percentileValues()) {
                    pct.append(String.format(" p%.0f=%.1f ms", v.percentile() * 100,
                            v.value(java.util.concurrent.TimeUnit.MILLISECONDS)));
                }
                System.out.printf("latency produce -> statistics, %d records at %d samples/s:%s%n", latency.count(),
                        latencyRate, pct);
            }
            System.out.printf("peak RSS: %s; heap peak %d MiB%n", BenchInvertCommand.peakRss(),
                    BenchInvertCommand.peakHeapMiB());
        }
        return 0;
    }

    private AnalyzerConfig config(EmbeddedKafkaBroker broker, Path dir, String topic) {
        String t = topic + ".";
        // A group per run: each run starts from the beginning of its topic, as a fresh group does.
        AnalyzerConfig c = AnalyzerConfig.defaults(broker.bootstrapServers(), dir)
                .with(KafkaSettings.GROUP_ID, "bench-" + dir.getFileName())
                .with(KafkaSettings.ACTIVATIONS, topic).withTopicPrefix(t)
                .withClientProperty("max.partition.fetch.bytes", String.valueOf(FETCH_BYTES))
                .with(StatisticsSettings.TRACK_CONCEPTS, concepts > 0)
                .with(LabelSettings.EVERY_SAMPLES, 0L).with(LabelSettings.INTERVAL, null);
        return statsThreads == null ? c : c.with(StatisticsSettings.THREADS, statsThreads);
    }

    /** One analyzer run to {@code target} samples, timed from its first sample, like the ceiling. */
    private record Throughput(double rate, double cpuMicrosPerSample) {
    }

    private Throughput runAnalyzer(AnalyzerConfig cfg, long target, boolean reportRss) throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (Analyzer analyzer = new Analyzer(cfg, metrics, s -> { })) {
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            analyzer.start();
            while (analyzer.sampleCount() == 0) {
                Thread.sleep(5);
            }
            // Group join and partition assignment excluded, unless the first poll brought most of a short stream:
            // then the whole run is timed, join included, rather than nothing.
            long t0 = System.nanoTime();
            long cpu0 = processCpuNanos();
            long first = analyzer.sampleCount();
            if (first * 10 > target) {
                t0 = start;
                cpu0 = cpuStart;
                first = 0;
            }
            long nextReport = 100_000;
            while (analyzer.sampleCount() < target) {
                if (analyzer.failure() != null) {
                    throw new IllegalStateException("analyzer failed", analyzer.failure());
                }
                if (reportRss && analyzer.sampleCount() >= nextReport) {
                    System.out.printf("  analyzer at %,d samples: RSS %s%n", analyzer.sampleCount(),
                            BenchInvertCommand.currentRss());
                    nextReport += 100_000;
                }
                Thread.sleep(5);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = (processCpuNanos() - cpu0) / 1e3 / (target - first);
            return new Throughput((target - first) / secs, cpu);
        }
    }

    /** Publishes {@code count} records of {@code batch} random samples; returns the bytes sent. */
    private long produce(KafkaRecordSink sink, String topic, int firstRecord, int count, Random rnd) {
        long bytes = 0;
        List<Mono<?>> inFlight = new ArrayList<>();
        float[] acts = new float[batch * features];
        for (int r = 0; r < count; r++) {
            long[] ids = new long[batch];
            long[] ts = new long[batch];
            long now = System.currentTimeMillis();
            for (int i = 0; i < batch; i++) {
                ids[i] = (long) (firstRecord + r) * batch + i;
                ts[i] = now;
            }
            for (int k = 0; k < acts.length; k++) {
                acts[k] = (float) rnd.nextGaussian();
            }
            // One layer per partition of the default 3 (a layer lives in one partition, so one task, by design).
            String layer = LAYERS[r % LAYERS.length];
            ActivationBatch b = ActivationBatch.of("bench", "1", layer, ids, features, acts).withTimestamps(ts);
            if (concepts > 0) {
                int[][] labels = new int[batch][];
                for (int i = 0; i < batch; i++) {
                    labels[i] = new int[] {rnd.nextInt(concepts)};
                }
                b = b.withLabels(io.neurowatch.core.wire.ConceptLabels.of(labels));
            }
            byte[] value = ActivationBatchCodec.encode(b);
            bytes += value.length;
            inFlight.add(sink.send(topic, b.key().getBytes(StandardCharsets.UTF_8), value, null));
            if (inFlight.size() >= 64) {
                Flux.concat(inFlight).blockLast();
                inFlight.clear();
            }
        }
        Flux.concat(inFlight).blockLast();
        return bytes;
    }

    /** CPU time of the whole process (all threads, broker and GC included), or 0 where the JVM cannot tell. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    /** Samples/s of a bare consumer reading every record of the topic (what any consumer pays). */
    private double bareConsumer(Map<String, Object> client, String topic, String group, int records) {
        Map<String, Object> props = new HashMap<>(client);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("group.id", group);
        props.put("auto.offset.reset", "earliest");
        props.put("max.partition.fetch.bytes", FETCH_BYTES);
        long t0 = 0;
        long seen = 0;
        long checksum = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            while (seen < records) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (seen == 0) {
                        t0 = System.nanoTime();
                    }
                    seen++;
                    checksum += r.value().length;
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (checksum == 0) {
            System.out.println("(empty records)");
        }
        // Timed from the first record, excluding the group join.
        return (seen - 1) * (double) batch / secs;
    }
}
