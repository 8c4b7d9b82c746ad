package io.cutover.replication.adapter.cdc;

import java.lang.reflect.Field;
import java.time.Instant;
import java.util.Map;

import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnector;
import io.debezium.connector.postgresql.PostgresConnectorTask;
import io.debezium.connector.postgresql.PostgresOffsetContext;
import io.debezium.connector.postgresql.PostgresPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.spi.schema.DataCollectionId;

/**
 * Debezium's PostgreSQL connector with its per-change metrics made cheap. For every change the connector's streaming
 * metrics print a summary of the event (its last event, kept for JMX), read its source position into a new map, and
 * hand a lag measurement to a thread of their own, waking it: together about a third of the CPU the stream takes in
 * this service (26 against 16 µs per change on two cores), for figures nothing here reads (the stream keeps its own,
 * {@link StreamStats}), and no setting turns them off. After the task starts, the lag measurement is unregistered
 * (so no change is handed over), and the summary, position, transaction and event time are left out: Debezium's JMX
 * metrics still count the events of each kind and show the last event's table, but not the time behind the source
 * or the transactions committed.
 *
 * <p>This reaches into fields of Debezium's metrics classes. When a Debezium upgrade moves them, the connector runs
 * with the full metrics and logs that it does; a test reads the streaming metrics' last event over JMX, which shows
 * which ones run.
 */
public class LeanPostgresConnector extends PostgresConnector {

    private static final Logger log = LoggerFactory.getLogger(LeanPostgresConnector.class);

    @Override
    public Class<? extends Task> taskClass() {
        return LeanTask.class;
    }

    /** The connector's task, trimming the metrics of the coordinator it starts. */
    public static class LeanTask extends PostgresConnectorTask {

        @Override
        public ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> start(Configuration config) {
            ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> coordinator = super.start(config);
            try {
                trim(coordinator);
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.warn("the change stream keeps Debezium's full per-change metrics (this Debezium version does not"
                        + " have the fields they are trimmed through): {}", e.toString());
            }
            return coordinator;
        }
    }

    private static void trim(Object coordinator) throws ReflectiveOperationException {
        Object streamingMetrics = read(ChangeEventSourceCoordinator.class, coordinator, "streamingMetrics");
        Object streamingMeter = read(streamingMetrics.getClass(), streamingMetrics, "streamingMeter");
        Object collector = read(streamingMeter.getClass(), streamingMeter, "measurementCollector");
        Map<?, ?> measurements = (Map<?, ?>) read(collector.getClass(), collector, "measurements");
        Object commonMeter = read(streamingMetrics.getClass(), streamingMetrics, "commonEventMeter");
        EventMetadataProvider lean = new LeanMetadata();
        write(commonMeter.getClass(), commonMeter, "metadataProvider", lean);
        write(streamingMeter.getClass(), streamingMeter, "metadataProvider", lean);
        measurements.clear();
    }

    /** A field declared by type or one of its superclasses. */
    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    private static Object read(Class<?> type, Object target, String name) throws ReflectiveOperationException {
        Object value = field(type, name).get(target);
        if (value == null) {
            throw new NoSuchFieldException(type.getName() + "." + name + " is not set");
        }
        return value;
    }

    private static void write(Class<?> type, Object target, String name, Object value)
            throws ReflectiveOperationException {
        field(type, name).set(target, value);
    }

    /** Metadata for the metrics: the table of each event, and nothing that costs more to read. */
    private static final class LeanMetadata implements EventMetadataProvider {

        @Override
        public Instant getEventTimestamp(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return null; // no lag measurement: the stream measures its own
        }

        @Override
        public Map<String, String> getEventSourcePosition(DataCollectionId source, OffsetContext offset, Object key,
                                                          Struct value) {
            return null; // Debezium keeps the last position it had
        }

        @Override
        public String getTransactionId(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return null; // no count of transactions: the stream counts those it applies
        }

        @Override
        public String toSummaryString(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return source == null ? null : source.identifier(); // the table, for JMX's last event
        }
    }
}
