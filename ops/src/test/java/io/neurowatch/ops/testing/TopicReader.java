package io.neurowatch.ops.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a whole topic, every partition, as a test's independent observer (no group, nothing committed). */
public final class TopicReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TopicReader() {
    }

    /**
     * Every record of every partition of {@code topic} up to its end offsets, in (partition, offset) order; waits up
     * to {@code timeout} for at least {@code atLeast} of them.
     */
    public static List<ConsumerRecord<byte[], byte[]>> records(Map<String, Object> client, String topic, int atLeast,
                                                               Duration timeout) {
        Map<String, Object> props = new HashMap<>(client);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("isolation.level", "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
            List<TopicPartition> parts = new ArrayList<>();
            while (parts.isEmpty() && System.nanoTime() < deadline) {
                c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
                if (out.size() >= atLeast && caughtUp(c, parts)) {
                    break;
                }
            }
        }
        out.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return out;
    }

    /** Values of {@link #records} parsed as JSON; waits up to 20 s for at least {@code atLeast}. */
    public static List<JsonNode> json(Map<String, Object> client, String topic, int atLeast) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records(client, topic, atLeast, Duration.ofSeconds(20))) {
            out.add(JSON.readTree(r.value()));
        }
        return out;
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts) {
        Map<TopicPartition, Long> ends = c.endOffsets(parts);
        for (TopicPartition tp : parts) {
            if (c.position(tp) < ends.get(tp)) {
                return false;
            }
        }
        return true;
    }
}
