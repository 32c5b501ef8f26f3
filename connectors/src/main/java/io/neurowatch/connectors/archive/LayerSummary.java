package io.neurowatch.connectors.archive;

/**
 * One layer of the archive, for listings.
 *
 * <p>Immutable.
 *
 * @param features D, or 0 if no row has been appended or archived yet
 * @param rows rows in flushed, retained segments (what windows can see)
 * @param segments number of those segments
 * @param bytes size of their files
 * @param bufferedRows rows appended but not yet flushed (not durable, not visible)
 */
public record LayerSummary(LayerKey layer, int features, long rows, int segments, long bytes, int bufferedRows) {
}
