package io.cutover.replication.adapter.cdc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.connector.SourceInfoStructMaker;
import io.debezium.connector.postgresql.PostgresSourceInfoStructMaker;
import io.debezium.connector.postgresql.SourceInfo;

/**
 * The source block of each change event, cut to what the apply reads: the table, the transaction and its commit time
 * (and the position). Debezium's own block holds fourteen fields, among them a sequence it writes as JSON for every
 * change; building it took a fifth of the CPU of the thread that decodes the stream, the one thread every change
 * passes through. Set as the connector's {@code sourceinfo.struct.maker}.
 *
 * <p>The transaction, time and table are not public in Debezium's {@link SourceInfo}: they are read from its fields.
 * When a Debezium upgrade moves them, the stream uses Debezium's full block (which has these fields too) and logs
 * that it does.
 */
public class LeanSourceInfo implements SourceInfoStructMaker<SourceInfo> {

    private static final Logger log = LoggerFactory.getLogger(LeanSourceInfo.class);

    static final String TIMESTAMP = "ts_ms";
    static final String SCHEMA = "schema";
    static final String TABLE = "table";
    static final String TRANSACTION = "txId";
    static final String POSITION = "lsn";

    private static final VarHandle TX_ID;
    private static final VarHandle TIME;
    private static final VarHandle SCHEMA_NAME;
    private static final VarHandle TABLE_NAME;

    static {
        VarHandle txId = null;
        VarHandle time = null;
        VarHandle schemaName = null;
        VarHandle tableName = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(SourceInfo.class, MethodHandles.lookup());
            txId = lookup.findVarHandle(SourceInfo.class, "txId", Long.class);
            time = lookup.findVarHandle(SourceInfo.class, "timestamp", Instant.class);
            schemaName = lookup.findVarHandle(SourceInfo.class, "schemaName", String.class);
            tableName = lookup.findVarHandle(SourceInfo.class, "tableName", String.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("the change stream keeps Debezium's full source block (this Debezium version does not have the"
                    + " fields it is read from): {}", e.toString());
            txId = null;
        }
        TX_ID = txId;
        TIME = time;
        SCHEMA_NAME = schemaName;
        TABLE_NAME = tableName;
    }

    /** Debezium's own, used when the fields cannot be read. */
    private PostgresSourceInfoStructMaker full;
    private Schema schema;

    @Override
    public void init(String connector, String version, CommonConnectorConfig config) {
        if (TX_ID == null) {
            full = new PostgresSourceInfoStructMaker();
            full.init(connector, version, config);
            schema = full.schema();
            return;
        }
        // xmin stays for Debezium's metadata, which reads it when its metrics are not trimmed
        schema = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
                .field(TIMESTAMP, Schema.INT64_SCHEMA)
                .field(SCHEMA, Schema.STRING_SCHEMA)
                .field(TABLE, Schema.STRING_SCHEMA)
                .field(TRANSACTION, Schema.OPTIONAL_INT64_SCHEMA)
                .field(POSITION, Schema.OPTIONAL_INT64_SCHEMA)
                .field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public Struct struct(SourceInfo source) {
        if (full != null) {
            return full.struct(source);
        }
        Instant time = (Instant) TIME.get(source);
        Struct s = new Struct(schema)
                .put(TIMESTAMP, (time == null ? Instant.now() : time).toEpochMilli())
                .put(SCHEMA, (String) SCHEMA_NAME.get(source))
                .put(TABLE, (String) TABLE_NAME.get(source));
        Long txId = (Long) TX_ID.get(source);
        if (txId != null) {
            s.put(TRANSACTION, txId);
        }
        if (source.lsn() != null) {
            s.put(POSITION, source.lsn().asLong());
        }
        return s;
    }
}
