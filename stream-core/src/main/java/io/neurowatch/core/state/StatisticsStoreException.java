package io.neurowatch.core.state;

/**
 * RocksDB failed, or persisted statistics could not be decoded, during an operation on an open
 * {@link StatisticsStore}. The message names the store's path. Failures while opening are reported as
 * {@link java.io.IOException} by {@link StatisticsStore#open} instead.
 */
public class StatisticsStoreException extends RuntimeException {
    public StatisticsStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
