package io.cutover.replication.adapter.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.ReplicationSlotInfo;

import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DatabaseEndpoint;

/** The source side of an online sync: publication, replica identities and the logical replication slot. */
final class SourceSlots {

    private SourceSlots() {
    }

    /** A new slot whose exported snapshot stays valid until {@link #close()}: copy from it before closing. */
    static final class NewSlot implements AutoCloseable {
        private final Connection replication;
        final String snapshot;
        final long consistentPoint;

        NewSlot(Connection replication, String snapshot, long consistentPoint) {
            this.replication = replication;
            this.snapshot = snapshot;
            this.consistentPoint = consistentPoint;
        }

        @Override
        public void close() throws SQLException {
            replication.close();
        }
    }

    /** The publication over the tables, and REPLICA IDENTITY FULL on the keyless tables the plan chose. */
    static void preparePublication(Connection source, SyncNames names, List<String> tables, List<String> full)
            throws SQLException {
        for (String table : full) {
            execute(source, "ALTER TABLE " + Databases.qualified(table) + " REPLICA IDENTITY FULL");
        }
        execute(source, "DROP PUBLICATION IF EXISTS " + Databases.quote(names.publication()));
        execute(source, "CREATE PUBLICATION " + Databases.quote(names.publication()) + " FOR TABLE "
                + tables.stream().map(Databases::qualified).collect(Collectors.joining(", ")));
    }

    /** Creates the slot over a replication connection, which exports the snapshot the slot starts from. */
    static NewSlot createSlot(DatabaseEndpoint source, SyncNames names) throws SQLException {
        Connection replication = Databases.open(source, source.getDatabase(), Map.of(
                "ApplicationName", "cutover-slot",
                PGProperty.REPLICATION.getName(), "database",
                PGProperty.PREFER_QUERY_MODE.getName(), "simple",
                PGProperty.ASSUME_MIN_SERVER_VERSION.getName(), "10"));
        try {
            ReplicationSlotInfo info = replication.unwrap(PGConnection.class).getReplicationAPI()
                    .createReplicationSlot().logical().withSlotName(names.slot()).withOutputPlugin("pgoutput")
                    .make();
            if (info.getSnapshotName() == null) {
                throw new SQLException("the server exported no snapshot with slot " + names.slot());
            }
            return new NewSlot(replication, info.getSnapshotName(), info.getConsistentPoint().asLong());
        } catch (SQLException | RuntimeException e) {
            replication.close();
            throw e;
        }
    }

    /**
     * A source session of the sync's own: the fence leaves it open (by its application name), and it may write
     * Cutover's own objects and WAL markers even while the fence makes the source read-only.
     */
    static Connection syncSession(DatabaseEndpoint source) throws SQLException {
        Connection c = Databases.open(source, source.getDatabase(), Map.of("ApplicationName", "cutover-sync"));
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    static boolean slotExists(Connection source, SyncNames names) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement(
                "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, names.slot());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The row changes the slot holds after position, without consuming them: none (null), or how many and on which
     * tables, for people. Once a drain took the source's final position, any is a write the fence let through,
     * which the target does not have. The slot must not be streaming (a walsender that is ending is waited for).
     */
    static String changesAfter(Connection source, SyncNames names, long position) throws SQLException {
        // pgoutput messages begin with their type: I(nsert), U(pdate), D(elete), T(runcate); the first three go
        // on with the table's oid
        String sql = """
                SELECT count(*), min(lsn)::text, string_agg(DISTINCT CASE WHEN get_byte(data, 0) <> 84 THEN
                    ((get_byte(data, 1)::bigint << 24) | (get_byte(data, 2) << 16) | (get_byte(data, 3) << 8)
                     | get_byte(data, 4))::oid::regclass::text END, ', ')
                FROM pg_logical_slot_peek_binary_changes(?, NULL, NULL, 'proto_version', '1',
                                                         'publication_names', ?)
                WHERE lsn > ?::pg_lsn AND get_byte(data, 0) IN (73, 85, 68, 84)""";
        return onceLetGo(() -> {
            try (PreparedStatement ps = source.prepareStatement(sql)) {
                ps.setString(1, names.slot());
                ps.setString(2, names.publication());
                ps.setString(3, Lsn.text(position));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long count = rs.getLong(1);
                    return count == 0 ? null : String.format("%,d row change%s after position %s (the first at %s%s)",
                            count, count == 1 ? "" : "s", Lsn.text(position), rs.getString(2),
                            rs.getString(3) == null ? "" : ", on " + rs.getString(3));
                }
            }
        });
    }

    /** Work on the slot that a walsender still holds it from: it lets go a moment after it is told to. */
    @FunctionalInterface
    private interface SlotWork<T> {
        T run() throws SQLException;
    }

    /** Runs the work, again every 10 ms (for 5 s at most) while the slot is still in use. */
    private static <T> T onceLetGo(SlotWork<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (SQLException e) {
                if (attempt >= 500 || !"55006".equals(e.getSQLState())) {
                    throw e;
                }
                sleep(10);
            }
        }
    }

    /** Drops the slot (ending a session still streaming from it) and the publication; both may be missing. */
    static void drop(Connection source, SyncNames names) throws SQLException {
        try (PreparedStatement end = source.prepareStatement("""
                SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots
                WHERE slot_name = ? AND active_pid IS NOT NULL""")) {
            end.setString(1, names.slot());
            end.execute();
        }
        onceLetGo(() -> {
            try (PreparedStatement drop = source.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                drop.setString(1, names.slot());
                return drop.execute();
            }
        });
        execute(source, "DROP PUBLICATION IF EXISTS " + Databases.quote(names.publication()));
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
