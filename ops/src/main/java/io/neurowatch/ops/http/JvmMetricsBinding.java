package io.neurowatch.ops.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;

/**
 * Binds the JVM binders of micrometer-core (memory, GC, threads, processor) to a registry. {@link #close()} stops
 * the GC listener; the meters stay registered. Binding twice to one registry is harmless (meters are shared by id).
 */
public final class JvmMetricsBinding implements AutoCloseable {
    private final JvmGcMetrics gc;

    private JvmMetricsBinding(JvmGcMetrics gc) {
        this.gc = gc;
    }

    public static JvmMetricsBinding bind(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return new JvmMetricsBinding(gc);
    }

    @Override
    public void close() {
        gc.close();
    }
}
