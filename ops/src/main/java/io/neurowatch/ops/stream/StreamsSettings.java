package io.neurowatch.ops.stream;

import io.neurowatch.core.config.Setting;
import io.neurowatch.core.config.SettingValues;
import io.neurowatch.core.config.SettingsTable;
import java.time.Duration;
import java.util.List;

/**
 * How this instance takes part in the group: Kafka Streams assigns the partitions of the activations topic to the
 * instances that share {@code group.id} (its application id), moves them (and their state) when instances come and
 * go, and commits each task's outputs with its input offsets exactly once.
 *
 * @param threads stream threads of this instance (each runs some of the instance's tasks)
 * @param standbyReplicas standby copies of each task's state kept warm on other instances, for fast failover
 * @param commitInterval how often processed records, their outputs and their offsets commit together
 * @param exactlyOnce exactly_once_v2 (true) or at_least_once
 * @param instanceId static membership id ({@code group.instance.id}), or null
 * @param sessionTimeout how long the group waits for a silent instance before moving its partitions
 * @param advertisedUrl {@code host:port} where the other instances reach this one's HTTP API, or null
 */
public record StreamsSettings(int threads, int standbyReplicas, Duration commitInterval, boolean exactlyOnce,
                              String instanceId, Duration sessionTimeout, String advertisedUrl) {
    public static final Setting<Integer> THREADS = Setting.integer("streams.threads", 1,
            "stream threads of this instance; each processes some of its partitions (tasks)", Setting.atLeast(1));
    public static final Setting<Integer> STANDBY_REPLICAS = Setting.integer("streams.standby-replicas", 0,
            "standby copies of each partition's state, kept up to date on other instances so that a failover need "
                    + "not rebuild it", Setting.between(0, 5));
    public static final Setting<Duration> COMMIT_INTERVAL = Setting.duration("streams.commit-interval",
            Duration.ofMillis(100), "how often processed records, their outputs (labels, alerts, dead letters) "
                    + "and their offsets commit together; outputs become visible to read_committed consumers then",
            Setting.positive());
    public static final Setting<String> GUARANTEE = Setting.choice("streams.processing-guarantee", "exactly_once_v2",
            "`exactly_once_v2` (outputs and offsets in one Kafka transaction) or `at_least_once`", "exactly_once_v2",
            "at_least_once");
    public static final Setting<String> INSTANCE_ID = Setting.optionalString("streams.instance-id", "none",
            "static membership (`group.instance.id`): a restarted instance with the same id takes its partitions "
                    + "back without a rebalance, if it returns within `streams.session-timeout`");
    public static final Setting<Duration> SESSION_TIMEOUT = Setting.duration("streams.session-timeout",
            Duration.ofSeconds(10), "how long the group waits for a silent instance before its partitions move to "
                    + "the others (the failover time of a killed instance)", Setting.positive());
    public static final Setting<String> ADVERTISED_URL = Setting.optionalString("streams.advertised-url",
            "the HTTP host and port", "`host:port` where the other instances reach this one's HTTP API, so any "
                    + "instance answers for any neuron");

    public static final SettingsTable.Group GROUP = new SettingsTable.Group("streams",
            "Scale-out: the instances of one `group.id` share the partitions ([scale-out.md](scale-out.md)).",
            List.of(THREADS, STANDBY_REPLICAS, COMMIT_INTERVAL, GUARANTEE, INSTANCE_ID, SESSION_TIMEOUT,
                    ADVERTISED_URL));

    public static StreamsSettings from(SettingValues v) {
        return new StreamsSettings(v.get(THREADS), v.get(STANDBY_REPLICAS), v.get(COMMIT_INTERVAL),
                v.get(GUARANTEE).equals("exactly_once_v2"), v.get(INSTANCE_ID), v.get(SESSION_TIMEOUT),
                v.get(ADVERTISED_URL));
    }
}
