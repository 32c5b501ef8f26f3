package io.neurowatch.core.wire;

/**
 * The message types of the wire-format family, identified by the byte at offset 6 of the header. Thread-safe.
 */
public enum MessageType {
    /** One batch of activations of one layer of one model ({@link ActivationBatch}). */
    ACTIVATION_BATCH(1),
    /** Concept labels of one sample that arrive after its activations ({@link SampleAnnotation}). */
    SAMPLE_ANNOTATION(2);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The header byte. */
    public int code() {
        return code;
    }

    /** The type with header byte {@code code}, or null if none. */
    public static MessageType ofCode(int code) {
        for (MessageType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
