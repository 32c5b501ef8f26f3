package io.neurowatch.connectors.archive;

/**
 * A segment that retention removed from its layer's manifest (its file is deleted, or will be once the windows
 * reading it close).
 *
 * <p>Immutable.
 */
public record DroppedSegment(LayerKey layer, SegmentInfo segment) {
}
