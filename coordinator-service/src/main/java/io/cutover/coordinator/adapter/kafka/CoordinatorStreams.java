package io.cutover.coordinator.adapter.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.cutover.coordinator.application.CutoverRepository;
import io.cutover.coordinator.domain.CutoverState;
import io.cutover.schemas.TopicSetup;

/**
 * Runs the coordinator topology with exactly-once processing and answers state queries from its store. A restart
 * restores the store from its changelog, and the punctuator then resumes every cutover where it stood.
 */
public final class CoordinatorStreams implements SmartLifecycle, CutoverRepository {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorStreams.class);

    /** How this instance connects and where it keeps its state. */
    public record Settings(String bootstrapServers, String applicationId, String stateDir, Duration tickInterval,
                           int partitions, short replicationFactor, Map<String, String> overrides) {
    }

    private final Settings settings;
    private final StateCodec codec = new StateCodec();
    private volatile KafkaStreams streams;

    public CoordinatorStreams(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void start() {
        TopicSetup.ensure(settings.bootstrapServers(), settings.partitions(), settings.replicationFactor());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) settings.replicationFactor());
        // under exactly-once a command is visible to its participant only once the transaction commits: every step
        // of the switch waits up to this long, and they add up in the applications' write stall. The commit is
        // only looked at between polls, so a poll must not block longer either: with the default (100 ms), an
        // event that came within the interval of the last commit held its command back for a whole poll. Idle,
        // this costs a poll every few milliseconds; a commit only follows processed records. A fetch waits at most
        // as long for outcomes: measured at 1,000 transactions per second, the write stall was about 40 ms shorter
        // than with fetches of 20 ms, and the idle JVM took no more CPU (the poll already wakes it this often)
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 5);
        props.put(StreamsConfig.POLL_MS_CONFIG, 5);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 5);
        props.putAll(settings.overrides());
        KafkaStreams created = new KafkaStreams(CoordinatorTopology.build(settings.tickInterval()), props);
        created.setUncaughtExceptionHandler(e -> {
            log.error("coordinator stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        created.start();
        streams = created;
        awaitRunning(Duration.ofSeconds(90));
    }

    private void awaitRunning(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("coordinator streams not running after " + limit + ": "
                        + streams.state());
            }
            sleep(50);
        }
    }

    @Override
    public Optional<CutoverState> find(String id) {
        return Optional.ofNullable(store().get(id)).map(codec::decode);
    }

    @Override
    public List<CutoverState> all() {
        List<CutoverState> states = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store().all()) {
            it.forEachRemaining(kv -> states.add(codec.decode(kv.value)));
        }
        return states;
    }

    private ReadOnlyKeyValueStore<String, byte[]> store() {
        InvalidStateStoreException last = null;
        for (int i = 0; i < 100; i++) {
            try {
                return streams.store(StoreQueryParameters.fromNameAndType(CoordinatorTopology.STORE,
                        QueryableStoreTypes.keyValueStore()));
            } catch (InvalidStateStoreException e) {
                last = e; // rebalancing or restoring: the store comes back shortly
                sleep(50);
            }
        }
        throw new IllegalStateException("cutover state is not readable now: " + last.getMessage(), last);
    }

    @Override
    public void stop() {
        KafkaStreams s = streams;
        if (s != null) {
            // leaving the group hands the partitions to another instance at once, not after the session timeout
            s.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            streams = null;
        }
    }

    @Override
    public boolean isRunning() {
        return streams != null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
