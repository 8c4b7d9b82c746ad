package io.cutover.kit.jdbc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an online sync changed, kept in the target's {@value Databases#STATE_SCHEMA} schema so that validation can
 * compare only those rows at the switch. The replication service records, in the same transaction as the changes,
 * the keys of every row each source transaction touched (or that a whole table was, for a truncate or a keyless
 * table). The validation service records where its baseline pass began and which rows that pass must see again.
 * A key is its columns' values as text, joined by the unit separator.
 */
public final class ChangedKeys {

    /** The online sync's own state, whose applied_lsn is the source position the target holds. */
    public static final String SYNC = Databases.STATE_SCHEMA + ".online_sync";
    private static final String CHANGED = Databases.STATE_SCHEMA + ".changed_keys";
    private static final String BASELINE = Databases.STATE_SCHEMA + ".validation_baseline";
    private static final String SEPARATOR = "\u001f";
    /**
     * Past this many rows of one table changed since a pass began, the next pass compares the table whole: a
     * comparison by range hashes that many rows about as fast as one by key finds them, and the keys of a sync that
     * ran for days without a pass (an insert-heavy table) would not fit in memory.
     */
    public static final int MAX_KEYS_PER_TABLE = 1_000_000;

    /** The rows of one table to compare: every row (whole), or those with these keys. */
    public record Selection(boolean whole, Set<List<String>> keys) {

        Selection merge(Selection other) {
            Set<List<String>> all = new LinkedHashSet<>(keys);
            all.addAll(other.keys);
            return new Selection(whole || other.whole, all);
        }
    }

    /**
     * Selections of many rows of the state tables, added to one set per table: merging record by record would copy
     * every key gathered so far once per row read, quadratic in the rows a long sync changed.
     */
    private static final class Gathered {
        private final Map<String, Set<List<String>>> keys = new HashMap<>();
        private final Set<String> whole = new HashSet<>();
        /** Tables with more keys than MAX_KEYS_PER_TABLE: compared whole, their keys no longer kept. */
        private final Set<String> overflowed = new HashSet<>();

        void add(String table, boolean all, Array array) throws SQLException {
            Set<List<String>> set = keys.computeIfAbsent(table, t -> new LinkedHashSet<>());
            if (all) {
                whole.add(table);
            }
            if (array != null && !overflowed.contains(table)) {
                for (Object k : (Object[]) array.getArray()) {
                    set.add(List.of(((String) k).split(SEPARATOR, -1)));
                }
                if (set.size() > MAX_KEYS_PER_TABLE) {
                    overflowed.add(table);
                    whole.add(table);
                    set.clear();
                }
            }
        }

        Map<String, Selection> selections() {
            Map<String, Selection> out = new HashMap<>();
            keys.forEach((table, set) -> out.put(table, new Selection(whole.contains(table), set)));
            return out;
        }
    }

    private ChangedKeys() {
    }

    public static void prepare(Connection target) throws SQLException {
        try (Statement st = target.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + Databases.STATE_SCHEMA);
            st.execute("CREATE TABLE IF NOT EXISTS " + CHANGED + " (cutover_id text NOT NULL, table_name text NOT NULL,"
                    + " commit_lsn bigint NOT NULL, whole boolean NOT NULL, keys text[] NOT NULL)");
            st.execute("CREATE INDEX IF NOT EXISTS changed_keys_position ON " + CHANGED
                    + " (cutover_id, commit_lsn)");
            st.execute("CREATE TABLE IF NOT EXISTS " + BASELINE + " (cutover_id text NOT NULL, since_lsn bigint NOT"
                    + " NULL, table_name text, whole boolean NOT NULL DEFAULT false, keys text[])");
        }
    }

    /** Records, in the caller's transaction, the rows the transactions up to commitLsn touched in one table. */
    public static void record(Connection target, String cutoverId, String table, long commitLsn, boolean whole,
                              Collection<List<String>> keys) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("INSERT INTO " + CHANGED
                + " (cutover_id, table_name, commit_lsn, whole, keys) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, cutoverId);
            ps.setString(2, table);
            ps.setLong(3, commitLsn);
            ps.setBoolean(4, whole);
            ps.setArray(5, encode(target, keys));
            ps.executeUpdate();
        }
    }

    /** The source position the target has applied for this cutover; 0 when it has none. */
    public static long appliedLsn(Connection target, String cutoverId) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT applied_lsn FROM " + SYNC
                + " WHERE cutover_id = ? AND to_regclass('" + SYNC + "') IS NOT NULL")) {
            ps.setString(1, cutoverId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // no online sync ran here
            }
            throw e;
        }
    }

    /**
     * The baseline pass began with the target at sinceLsn; these rows differed and must be seen again. Every later
     * pass starts from there, so the keys the sync recorded up to sinceLsn are read no more: they are removed, in the
     * same transaction (a long sync keeps only what changed since the last pass, not all it ever changed).
     */
    public static void baseline(Connection target, String cutoverId, long sinceLsn, Map<String, Selection> recheck)
            throws SQLException {
        boolean auto = target.getAutoCommit();
        target.setAutoCommit(false);
        try (PreparedStatement clear = target.prepareStatement("DELETE FROM " + BASELINE + " WHERE cutover_id = ?");
             PreparedStatement prune = target.prepareStatement("DELETE FROM " + CHANGED
                     + " WHERE cutover_id = ? AND commit_lsn <= ?");
             PreparedStatement add = target.prepareStatement("INSERT INTO " + BASELINE
                     + " (cutover_id, since_lsn, table_name, whole, keys) VALUES (?, ?, ?, ?, ?)")) {
            clear.setString(1, cutoverId);
            clear.executeUpdate();
            prune.setString(1, cutoverId);
            prune.setLong(2, sinceLsn);
            prune.executeUpdate();
            add.setString(1, cutoverId);
            add.setLong(2, sinceLsn);
            add.setString(3, null);
            add.setBoolean(4, false);
            add.setArray(5, null);
            add.executeUpdate();
            for (Map.Entry<String, Selection> e : recheck.entrySet()) {
                add.setString(3, e.getKey());
                add.setBoolean(4, e.getValue().whole());
                add.setArray(5, encode(target, e.getValue().keys()));
                add.executeUpdate();
            }
            target.commit();
        } finally {
            target.setAutoCommit(auto);
        }
    }

    /**
     * The rows to compare at the switch, per table: those the baseline pass found differing, and those the sync
     * changed since the baseline began. Empty when there was no baseline (then nothing is known: compare all).
     */
    public static Map<String, Selection> sinceBaseline(Connection target, String cutoverId) throws SQLException {
        Long since = null;
        Gathered out = new Gathered();
        try (PreparedStatement ps = target.prepareStatement("SELECT since_lsn, table_name, whole, keys FROM "
                + BASELINE + " WHERE cutover_id = ?")) {
            ps.setString(1, cutoverId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    since = rs.getLong(1);
                    if (rs.getString(2) != null) {
                        out.add(rs.getString(2), rs.getBoolean(3), rs.getArray(4));
                    }
                }
            }
        }
        if (since == null) {
            throw new SQLException("no baseline validation of cutover " + cutoverId + " on this target");
        }
        gatherChanges(target, cutoverId, since, out);
        return out.selections();
    }

    /** The rows the sync changed after the source position since, per table. */
    public static Map<String, Selection> changedSince(Connection target, String cutoverId, long since)
            throws SQLException {
        Gathered out = new Gathered();
        gatherChanges(target, cutoverId, since, out);
        return out.selections();
    }

    private static void gatherChanges(Connection target, String cutoverId, long since, Gathered out)
            throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT table_name, whole, keys FROM " + CHANGED
                + " WHERE cutover_id = ? AND commit_lsn > ?")) {
            ps.setString(1, cutoverId);
            ps.setLong(2, since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1), rs.getBoolean(2), rs.getArray(3));
                }
            }
        }
    }

    /**
     * Removes what the sync and the validation of a cutover noted here (the changed keys, the last pass's start),
     * once no pass will read it: after the switch, or once the sync has been given up. With no other cutover's keys
     * left, the table is emptied at once (TRUNCATE gives its space back; a DELETE leaves it to the vacuum), waiting
     * for its lock at most lockTimeoutMillis. Returns how many notes of changed keys were removed; none when the
     * tables do not exist.
     */
    public static long clear(Connection target, String cutoverId, long lockTimeoutMillis) throws SQLException {
        boolean auto = target.getAutoCommit();
        target.setAutoCommit(false);
        try (Statement st = target.createStatement();
             PreparedStatement count = target.prepareStatement("SELECT count(*) FILTER (WHERE cutover_id = ?),"
                     + " count(*) FILTER (WHERE cutover_id <> ?) FROM " + CHANGED);
             PreparedStatement mine = target.prepareStatement("DELETE FROM " + CHANGED + " WHERE cutover_id = ?");
             PreparedStatement baseline = target.prepareStatement("DELETE FROM " + BASELINE
                     + " WHERE cutover_id = ?")) {
            try (ResultSet exists = st.executeQuery("SELECT to_regclass('" + CHANGED + "') IS NOT NULL"
                    + " AND to_regclass('" + BASELINE + "') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    target.rollback();
                    return 0;
                }
            }
            st.execute("SET LOCAL lock_timeout = " + lockTimeoutMillis);
            // before the count: no other cutover's sync can add keys between the count and the TRUNCATE
            st.execute("LOCK TABLE " + CHANGED + " IN ACCESS EXCLUSIVE MODE");
            count.setString(1, cutoverId);
            count.setString(2, cutoverId);
            long removed;
            long others;
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                removed = rs.getLong(1);
                others = rs.getLong(2);
            }
            if (removed > 0 && others == 0) {
                st.execute("TRUNCATE " + CHANGED);
            } else if (removed > 0) {
                mine.setString(1, cutoverId);
                mine.executeUpdate();
            }
            baseline.setString(1, cutoverId);
            baseline.executeUpdate();
            target.commit();
            return removed;
        } catch (SQLException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(auto);
        }
    }

    /** Both selections together. */
    public static Map<String, Selection> union(Map<String, Selection> a, Map<String, Selection> b) {
        Map<String, Selection> out = new HashMap<>(a);
        b.forEach((table, s) -> out.merge(table, s, Selection::merge));
        return out;
    }

    private static Array encode(Connection c, Collection<List<String>> keys) throws SQLException {
        Object[] joined = new Object[keys.size()];
        int i = 0;
        for (List<String> key : keys) {
            joined[i++] = key.size() == 1 ? key.get(0) : String.join(SEPARATOR, key);
        }
        return c.createArrayOf("text", joined);
    }
}
