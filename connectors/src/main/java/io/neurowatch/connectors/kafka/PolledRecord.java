package io.neurowatch.connectors.kafka;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * One Kafka record as {@link KafkaRecordSource} delivers it: where it came from and its raw, undecoded bytes.
 *
 * <p>Immutable and thread-safe. A {@code null} key or value (a tombstone) stays {@code null}; it is not turned into an
 * empty array. {@link #key()} and {@link #value()} return copies; {@link #keyBuffer()} and {@link #valueBuffer()}
 * return read-only views without copying, for decoders of large activation batches.
 */
public final class PolledRecord {
    private static final String[] NO_KEYS = new String[0];
    private static final byte[][] NO_VALUES = new byte[0][];

    private final String topic;
    private final int partition;
    private final long offset;
    private final long timestamp;
    private final byte[] key;
    private final byte[] value;
    private final String[] headerKeys;
    private final byte[][] headerValues;

    /**
     * A record with the given fields and no headers; the arrays are copied.
     *
     * @throws NullPointerException if {@code topic} is null
     * @throws IllegalArgumentException if {@code partition} or {@code offset} is negative
     */
    public PolledRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this(topic, partition, offset, timestamp, copy(key), copy(value), NO_KEYS, NO_VALUES);
    }

    private PolledRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                         String[] headerKeys, byte[][] headerValues) {
        this.topic = Objects.requireNonNull(topic, "topic");
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException(
                    "partition and offset must be >= 0, were " + partition + " and " + offset + " (topic " + topic + ")");
        }
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
        this.headerKeys = headerKeys;
        this.headerValues = headerValues;
    }

    /** Takes the consumer's arrays without copying: the consumer allocated them for this record and keeps no reference. */
    static PolledRecord wrap(ConsumerRecord<byte[], byte[]> record) {
        Header[] headers = record.headers().toArray();
        String[] keys = headers.length == 0 ? NO_KEYS : new String[headers.length];
        byte[][] values = headers.length == 0 ? NO_VALUES : new byte[headers.length][];
        for (int i = 0; i < headers.length; i++) {
            keys[i] = headers[i].key();
            values[i] = headers[i].value();
        }
        return new PolledRecord(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.key(), record.value(), keys, values);
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    public long offset() {
        return offset;
    }

    /** The offset to commit or store once this record is processed: {@code offset() + 1}. */
    public long nextOffset() {
        return offset + 1;
    }

    /** The record's timestamp in epoch milliseconds (create or log-append time, as the topic is configured). */
    public long timestamp() {
        return timestamp;
    }

    /** A copy of the key, or {@code null} if the record has none. */
    public byte[] key() {
        return copy(key);
    }

    /** A copy of the value, or {@code null} for a tombstone. */
    public byte[] value() {
        return copy(value);
    }

    /** A read-only view of the key without copying, or {@code null} if the record has none. */
    public ByteBuffer keyBuffer() {
        return key == null ? null : ByteBuffer.wrap(key).asReadOnlyBuffer();
    }

    /** A read-only view of the value without copying, or {@code null} for a tombstone. */
    public ByteBuffer valueBuffer() {
        return value == null ? null : ByteBuffer.wrap(value).asReadOnlyBuffer();
    }

    public boolean isTombstone() {
        return value == null;
    }

    /** Header keys in record order; a key may repeat. */
    public List<String> headerKeys() {
        return Collections.unmodifiableList(Arrays.asList(headerKeys));
    }

    /** A copy of the value of the last header named {@code key}; empty if there is none (or its value is null). */
    public Optional<byte[]> lastHeader(String key) {
        for (int i = headerKeys.length - 1; i >= 0; i--) {
            if (headerKeys[i].equals(key)) {
                return Optional.ofNullable(copy(headerValues[i]));
            }
        }
        return Optional.empty();
    }

    /**
     * Bytes this record holds (key, value, header keys and values), the unit of {@link KafkaSourceOptions#maxBytesInFlight()}.
     * Object overhead is not counted.
     */
    public long sizeInBytes() {
        long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (int i = 0; i < headerKeys.length; i++) {
            size += headerKeys[i].length() + (headerValues[i] == null ? 0 : headerValues[i].length);
        }
        return size;
    }

    private static byte[] copy(byte[] bytes) {
        return bytes == null ? null : bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PolledRecord)) {
            return false;
        }
        PolledRecord r = (PolledRecord) o;
        return partition == r.partition && offset == r.offset && timestamp == r.timestamp && topic.equals(r.topic)
                && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
                && Arrays.equals(headerKeys, r.headerKeys) && Arrays.deepEquals(headerValues, r.headerValues);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, timestamp, Arrays.hashCode(key), Arrays.hashCode(value));
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add(topic + "-" + partition + "@" + offset);
        parts.add("timestamp=" + timestamp);
        parts.add("key=" + (key == null ? "null" : key.length + " bytes"));
        parts.add("value=" + (value == null ? "null" : value.length + " bytes"));
        if (headerKeys.length > 0) {
            parts.add("headers=" + Arrays.toString(headerKeys));
        }
        return "PolledRecord[" + String.join(", ", parts) + "]";
    }
}
