package io.neurowatch.analyzers.clipdissect;

/** Why a unit does or does not get a label. */
public enum NeuronStatus {
    /** Labelled. */
    OK("ok"),
    /** Zero variance over the probe set (quirk C7): no label unless reference-compatible. */
    DEAD("dead"),
    /** Too few probe images for the function (quirk C5), or a top set whose activations are all equal. */
    INSUFFICIENT_DATA("insufficient_data"),
    /** Non-finite activations or no finite score; the message says which. */
    ERROR("error");

    private final String wire;

    NeuronStatus(String wire) {
        this.wire = wire;
    }

    /** Lower-case name used in JSON and tables. */
    public String wireName() {
        return wire;
    }

    @Override
    public String toString() {
        return wire;
    }
}
