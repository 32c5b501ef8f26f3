package io.neurowatch.ops.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the streaming tests share: polling for a condition, and reading a topic of JSON records. */
public final class Waits {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Waits() {
    }

    /** Polls {@code condition} every 50 ms; fails naming {@code what} after {@code timeout}. */
    public static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Every record of partition 0 of {@code topic} up to its end offset, values parsed as JSON; waits up to 20 s
     * for at least {@code atLeast} of them.
     */
    public static List<JsonNode> readJson(Map<String, Object> client, String topic, int atLeast) throws IOException {
        Map<String, Object> props = new HashMap<>(client);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((c.position(tp) < end || out.size() < atLeast) && System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    out.add(JSON.readTree(r.value()));
                }
                end = c.endOffsets(List.of(tp)).get(tp);
            }
        }
        return out;
    }
}
