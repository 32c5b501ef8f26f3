package io.neurowatch.connectors.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class KafkaSourceOptionsTest {
    private final KafkaSourceOptions base = KafkaSourceOptions.of("127.0.0.1:9092", "g", "t");

    @Test
    void callerPropertiesOverrideDefaultsAndPassThrough() {
        Map<String, Object> props = base.withClientProperty("auto.offset.reset", "latest")
                .withClientProperty("security.protocol", "SASL_SSL")
                .withClientProperty("sasl.mechanism", "SCRAM-SHA-512")
                .consumerProperties();
        assertEquals("latest", props.get("auto.offset.reset"));
        assertEquals("SASL_SSL", props.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
        assertEquals("false", props.get("enable.auto.commit"));
        assertEquals("500", props.get("max.poll.records"));
        assertEquals(ByteArrayDeserializer.class, props.get("value.deserializer"));
    }

    @Test
    void aWitherReturnsAChangedCopyAndLeavesTheOriginal() {
        KafkaSourceOptions changed = base.withMaxBytesInFlight(1);
        assertNotSame(base, changed);
        assertEquals(KafkaSourceOptions.DEFAULT_MAX_BYTES_IN_FLIGHT, base.maxBytesInFlight());
        assertEquals(1, changed.maxBytesInFlight());
    }

    @Test
    void rejectsDecodingDeserializerButAcceptsTheByteArrayOneByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> base.withClientProperty("value.deserializer", StringDeserializer.class));
        assertTrue(e.getMessage().contains("value.deserializer"), e.getMessage());
        base.withClientProperty("key.deserializer", ByteArrayDeserializer.class.getName());
    }

    @Test
    void requiresGroupTopicsAndPositiveBounds() {
        assertThrows(IllegalArgumentException.class,
                () -> base.withClientProperties(Map.of("bootstrap.servers", "127.0.0.1:9092")));
        assertThrows(IllegalArgumentException.class, () -> new KafkaSourceOptions(base.clientProperties(), List.of(),
                base.startOffsets(), 1, base.pollTimeout(), base.commitTimeout(), base.closeTimeout()));
        assertThrows(IllegalArgumentException.class, () -> base.withMaxBytesInFlight(0));
    }
}
