package io.cutover.replication.adapter.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;

import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.kit.jdbc.Databases;

/**
 * The online sync's state in the target database: whether the copy is done and the commit position of the last
 * source transaction applied. The position is written in the same transaction as the changes it covers, which is
 * what makes the apply exactly-once across crashes.
 */
final class SyncState {

    static final String TABLE = ChangedKeys.SYNC;
    /** The apply session's advisory lock is the hash of this and the cutover's id. */
    private static final String APPLY_LOCK = "cutover-apply:";

    /**
     * copied: the initial copy is complete; appliedLsn: the source position up to which every committed transaction
     * is applied; appliedXid: the id of the last source transaction applied (0 when none); drainedLsn: the source's
     * final position once the drain reached it, else 0.
     */
    record Row(boolean copied, long appliedLsn, long appliedXid, long transactions, long changes, long drainedLsn) {
    }

    private SyncState() {
    }

    static void prepare(Connection target) throws SQLException {
        try (Statement st = target.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + Databases.STATE_SCHEMA);
            st.execute("""
                    CREATE TABLE IF NOT EXISTS %s (
                      cutover_id text PRIMARY KEY,
                      copied boolean NOT NULL DEFAULT false,
                      applied_lsn bigint NOT NULL DEFAULT 0,
                      source_commit_time timestamptz,
                      transactions bigint NOT NULL DEFAULT 0,
                      changes bigint NOT NULL DEFAULT 0,
                      drained_lsn bigint,
                      updated_at timestamptz NOT NULL DEFAULT now())""".formatted(TABLE));
            ChangedKeys.prepare(target);
            st.execute("ALTER TABLE " + TABLE + " ADD COLUMN IF NOT EXISTS drained_lsn bigint");
            st.execute("ALTER TABLE " + TABLE + " ADD COLUMN IF NOT EXISTS applied_xid bigint");
        }
    }

    /**
     * Takes the cutover's apply lock for the session, which holds it until it ends, waiting up to waitMillis for a
     * session that holds it to end: the session of a service that died may still be committing its last batch, and
     * the position this one reads next must include it. A session still there after that belongs to another apply
     * of the same cutover, and is named.
     */
    static void lockApply(Connection target, String cutoverId, long waitMillis) throws SQLException {
        long until = System.nanoTime() + waitMillis * 1_000_000;
        while (true) {
            try (PreparedStatement ps = target.prepareStatement(
                    "SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
                ps.setString(1, APPLY_LOCK + cutoverId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return;
                    }
                }
            }
            if (System.nanoTime() >= until) {
                throw new SQLException("another apply of cutover " + cutoverId + " holds the target: "
                        + applyHolder(target, cutoverId) + "; it must stop before this one starts");
            }
            SourceSlots.sleep(100);
        }
    }

    private static String applyHolder(Connection target, String cutoverId) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("""
                SELECT format('session %s (%s, from %s, %s since %s)', a.pid, a.application_name,
                              coalesce(host(a.client_addr), 'a local socket'), a.state, a.backend_start)
                FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                  AND (l.classid::bigint << 32 | l.objid::bigint) = hashtextextended(?, 0)""")) {
            ps.setString(1, APPLY_LOCK + cutoverId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "a session that has just ended";
            }
        }
    }

    static Row read(Connection target, String cutoverId) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement(
                "SELECT copied, applied_lsn, coalesce(applied_xid, 0), transactions, changes, coalesce(drained_lsn, 0)"
                        + " FROM " + TABLE + " WHERE cutover_id = ?")) {
            ps.setString(1, cutoverId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Row(rs.getBoolean(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6)) : new Row(false, 0, 0, 0, 0, 0);
            }
        }
    }

    /** The copy is done and consistent with the slot from startLsn on. */
    static void copied(Connection target, String cutoverId, long startLsn) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("INSERT INTO " + TABLE
                + " (cutover_id, copied, applied_lsn) VALUES (?, true, ?) ON CONFLICT (cutover_id) DO UPDATE"
                + " SET copied = true, applied_lsn = excluded.applied_lsn, updated_at = now()")) {
            ps.setString(1, cutoverId);
            ps.setLong(2, startLsn);
            ps.executeUpdate();
        }
    }

    /**
     * Moves the position forward, inside the caller's transaction; xid: the last source transaction applied, 0 when
     * the position moved with no transaction (the one before stays).
     */
    static void advance(Connection target, String cutoverId, long lsn, long xid, long commitMillis,
                        long transactions, long changes) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("UPDATE " + TABLE + " SET applied_lsn = ?,"
                + " applied_xid = coalesce(nullif(?, 0), applied_xid), source_commit_time = ?,"
                + " transactions = transactions + ?, changes = changes + ?, updated_at = now()"
                + " WHERE cutover_id = ? AND applied_lsn < ?")) {
            ps.setLong(1, lsn);
            ps.setLong(2, xid);
            ps.setTimestamp(3, new Timestamp(commitMillis));
            ps.setLong(4, transactions);
            ps.setLong(5, changes);
            ps.setString(6, cutoverId);
            ps.setLong(7, lsn);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("the apply position of cutover " + cutoverId + " is missing or already past "
                        + Lsn.text(lsn) + ": another apply is running against this target");
            }
        }
    }

    /** The drain reached the source's final position: a repeated drain has nothing left to do. */
    static void drained(Connection target, String cutoverId, long finalLsn) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("UPDATE " + TABLE + " SET drained_lsn = ?,"
                + " updated_at = now() WHERE cutover_id = ?")) {
            ps.setLong(1, finalLsn);
            ps.setString(2, cutoverId);
            ps.executeUpdate();
        }
    }

    static void forget(Connection target, String cutoverId) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("DELETE FROM " + TABLE + " WHERE cutover_id = ?")) {
            ps.setString(1, cutoverId);
            ps.executeUpdate();
        }
    }
}
