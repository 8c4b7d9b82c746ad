package io.cutover.replication.adapter.cdc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cutover.kit.Jobs;
import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DatabaseEndpoint;

/**
 * Watches the source while a stream runs, on one session that the fence leaves open (cutover-sync): writes a
 * heartbeat message into the WAL so the slot advances and lag shows even when the application is quiet, reads the
 * WAL position and the slot's retention, and compares the replicated tables' columns with the target's, so that a
 * schema change on the source stops the sync before the switch instead of diverging.
 */
final class SourceWatch {

    private static final Logger log = LoggerFactory.getLogger(SourceWatch.class);

    /** Told when the slot's retention crosses the plan's alarm threshold. */
    @FunctionalInterface
    interface Alarm {
        void raise(String summary, Map<String, Long> figures);
    }

    private final DatabaseEndpoint source;
    private final DatabaseEndpoint target;
    private final SyncNames names;
    private final List<String> tables;
    private final boolean allTables;
    private final long retentionAlarmBytes;
    private final CdcStream stream;
    private final Alarm alarm;
    private Connection session;
    private Map<String, String> targetColumns;
    private boolean alarmed;

    SourceWatch(DatabaseEndpoint source, DatabaseEndpoint target, SyncNames names, List<String> tables,
                boolean allTables, long retentionAlarmBytes, CdcStream stream, Alarm alarm) {
        this.source = source;
        this.target = target;
        this.names = names;
        this.tables = List.copyOf(tables);
        this.allTables = allTables;
        this.retentionAlarmBytes = retentionAlarmBytes;
        this.stream = stream;
        this.alarm = alarm;
    }

    /** One round; failures to reach the source are logged and retried next round, the stream goes on meanwhile. */
    synchronized void tick() {
        try {
            Connection c = session();
            heartbeat(c);
            position(c);
            checkSchema(c);
        } catch (SQLException e) {
            log.warn("watching source {}: {}", Databases.describe(source), Jobs.describe(e));
            close();
        } catch (RuntimeException e) {
            // an exception would end the schedule for good, and with it heartbeats, lag and schema checks
            log.error("watching source {} failed; trying again next round", Databases.describe(source), e);
        }
    }

    /**
     * Writes a marker into the source's WAL and returns a position before it: once the target holds that position,
     * every transaction committed before the marker was written is applied.
     */
    synchronized long mark(String text) throws SQLException {
        try {
            Connection c = session();
            long before = Databases.walInsertLsn(c);
            emit(c, text);
            return before;
        } catch (SQLException e) {
            close(); // the next call opens a new session
            throw e;
        }
    }

    private void heartbeat(Connection c) throws SQLException {
        long now = System.currentTimeMillis();
        stream.stats().heartbeatEmitted(now);
        emit(c, ChangeApplier.HEARTBEAT + now);
    }

    /**
     * A message outside any transaction, which the stream reads where it stands in the WAL: everything committed
     * before it has been sent by then. The transaction id taken with it gives the statement a commit that flushes
     * the WAL at once, so the message need not wait for the WAL writer to be sent.
     */
    private static void emit(Connection c, String text) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_logical_emit_message(false, 'cutover', ?), txid_current()")) {
            ps.setString(1, text);
            ps.execute();
        }
    }

    private void position(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT (pg_current_wal_lsn() - '0/0')::bigint,
                       (SELECT (pg_current_wal_lsn() - restart_lsn)::bigint FROM pg_replication_slots
                        WHERE slot_name = ?)""")) {
            ps.setString(1, names.slot());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long retention = rs.getLong(2);
                stream.stats().source(rs.getLong(1), retention);
                if (retention > retentionAlarmBytes && !alarmed) {
                    alarmed = true;
                    alarm.raise(String.format("replication slot %s retains %,d bytes of source WAL, above the"
                            + " plan's %,d: the target falls behind or the stream stalls, and the source's disk"
                            + " fills", names.slot(), retention, retentionAlarmBytes),
                            Map.of("slotRetentionBytes", retention, "slotRetentionAlarmBytes", retentionAlarmBytes));
                } else if (retention < retentionAlarmBytes / 2) {
                    alarmed = false;
                }
            }
        }
    }

    private void checkSchema(Connection c) throws SQLException {
        if (targetColumns == null) {
            try (Connection t = Databases.open(target)) {
                targetColumns = columns(t, tables);
            }
        }
        List<String> drift = new ArrayList<>();
        Map<String, String> now = columns(c, tables);
        for (Map.Entry<String, String> e : targetColumns.entrySet()) {
            String sourceSide = now.get(e.getKey());
            if (sourceSide == null) {
                drift.add(e.getKey() + " is gone from the source");
            } else if (!sourceSide.equals(e.getValue())) {
                drift.add(e.getKey() + " is now (" + sourceSide + "), the target has (" + e.getValue() + ")");
            }
        }
        if (allTables) {
            for (String table : Databases.tables(c, List.of())) {
                if (!targetColumns.containsKey(table)) {
                    drift.add(table + " was created on the source");
                }
            }
        }
        if (!drift.isEmpty()) {
            stream.fail("the source's schema changed during the sync: " + String.join("; ", drift)
                    + "; the cutover stops before the switch");
        }
    }

    /** schema.table to its columns and types, in attribute order. */
    private static Map<String, String> columns(Connection c, List<String> tables) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT t.name, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', '
                                          ORDER BY a.attnum)
                FROM unnest(?::text[]) t(name)
                JOIN pg_attribute a ON a.attrelid = to_regclass(t.name) AND a.attnum > 0 AND NOT a.attisdropped
                GROUP BY t.name""")) {
            Array names = c.createArrayOf("text", tables.stream().map(Databases::qualified).toArray());
            ps.setArray(1, names);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(unquote(rs.getString(1)), rs.getString(2));
                }
            }
        }
        return out;
    }

    private static String unquote(String qualified) {
        return qualified.replace("\"", "");
    }

    private Connection session() throws SQLException {
        if (session == null || session.isClosed()) {
            session = SourceSlots.syncSession(source);
            try (Statement st = session.createStatement()) {
                // a marker must reach the WAL at once, not when the WAL writer next runs
                st.execute("SET synchronous_commit = on");
            }
        }
        return session;
    }

    synchronized void close() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException e) {
                log.debug("closing the watch session: {}", e.getMessage());
            }
            session = null;
        }
    }
}
