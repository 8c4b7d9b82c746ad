package io.cutover.replication.adapter.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.cutover.kit.Futures;
import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DatabaseEndpoint;

/**
 * Copies the schema from the source catalog over JDBC, so no client tools are needed. Pre-data (schemas,
 * extensions, enum types, sequences, functions, tables, views) is one statement list run in one target transaction;
 * post-data (keys, indexes, checks, foreign keys, triggers) runs statement by statement, each skipped when its object
 * already exists, so a resumed transfer carries on where it stopped. Object kinds not copied yet are refused up front
 * by name, never skipped silently.
 */
final class SchemaCopier {

    /** One post-data statement and how to tell that its object already exists. */
    record PostData(String kind, String table, String name, String sql) {
    }

    private SchemaCopier() {
    }

    /** Makes catalog functions print schema-qualified names for the rest of the current transaction. */
    static void qualifyEverything(Connection src) throws SQLException {
        try (Statement st = src.createStatement()) {
            st.execute("SET LOCAL search_path = ''");
        }
    }

    /** Refuses the object kinds this copier does not handle yet, naming each one. */
    static void refuseUnsupported(Connection src, List<String> schemas) throws SQLException {
        List<String> found = strings(src, """
                SELECT CASE c.relkind WHEN 'm' THEN 'materialized view ' WHEN 'f' THEN 'foreign table '
                       WHEN 'p' THEN 'partitioned table ' ELSE 'table partition ' END || c.oid::regclass
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ANY(?) AND (c.relkind IN ('m', 'f', 'p') OR c.relispartition)
                UNION ALL
                SELECT 'inheriting table ' || inhrelid::regclass FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY(?) AND NOT c.relispartition
                UNION ALL
                SELECT CASE t.typtype WHEN 'd' THEN 'domain ' WHEN 'r' THEN 'range type ' WHEN 'c' THEN 'composite type '
                       ELSE 'type ' END || format_type(t.oid, NULL)
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = ANY(?) AND (t.typtype IN ('d', 'r', 'm')
                      OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
                UNION ALL
                SELECT 'rule ' || r.rulename || ' on ' || r.ev_class::regclass FROM pg_rewrite r
                JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ANY(?) AND r.rulename <> '_RETURN'
                UNION ALL
                SELECT 'row security policy ' || p.polname || ' on ' || p.polrelid::regclass FROM pg_policy p
                JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ANY(?)
                UNION ALL
                SELECT 'aggregate ' || p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = ANY(?) AND p.prokind = 'a'
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
                ORDER BY 1""", schemas, schemas, schemas, schemas, schemas, schemas);
        if (!found.isEmpty()) {
            throw new IllegalStateException("the source has objects that Cutover does not copy yet, so it refuses "
                    + "rather than leave them behind: " + String.join(", ", found));
        }
    }

    /**
     * The pre-data statements, in an order that satisfies their dependencies. The source connection must have an
     * empty search_path (see {@link #qualifyEverything}) so that every name in the DDL comes out schema-qualified.
     */
    static List<String> preData(Connection src, List<String> tables, List<String> schemas, boolean wholeDatabase)
            throws SQLException {
        List<String> ddl = new ArrayList<>();
        ddl.add("SET LOCAL check_function_bodies = false");
        for (String s : schemas) {
            ddl.add("CREATE SCHEMA IF NOT EXISTS " + Databases.quote(s));
        }
        ddl.addAll(strings(src, """
                SELECT format('CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA %I', e.extname, n.nspname)
                FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'
                ORDER BY e.oid"""));
        ddl.addAll(strings(src, """
                SELECT format('CREATE TYPE %I.%I AS ENUM (%s)', n.nspname, t.typname,
                       (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                        FROM pg_enum e WHERE e.enumtypid = t.oid))
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE t.typtype = 'e' AND n.nspname = ANY(?)
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
                ORDER BY t.oid""", schemas));
        ddl.addAll(strings(src, """
                SELECT format('CREATE SEQUENCE %I.%I AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s%s',
                       n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax,
                       s.seqstart, s.seqcache, CASE WHEN s.seqcycle THEN ' CYCLE' ELSE '' END)
                FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ANY(?)
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('i', 'e'))
                ORDER BY c.oid""", schemas));
        ddl.addAll(strings(src, """
                SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = ANY(?) AND p.prokind IN ('f', 'p')
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
                ORDER BY p.oid""", schemas));
        for (String table : tables) {
            ddl.add(createTable(src, table));
        }
        // columns whose storage or statistics target is not their type's default (PostgreSQL 17 keeps a default
        // target as NULL, earlier versions as -1)
        ddl.addAll(strings(src, """
                SELECT format('ALTER TABLE %s ALTER COLUMN %I SET ', a.attrelid::regclass, a.attname)
                       || concat_ws(', ALTER COLUMN ' || quote_ident(a.attname) || ' SET ',
                            CASE WHEN a.attstorage <> t.typstorage THEN 'STORAGE ' || CASE a.attstorage
                                 WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END
                            END,
                            CASE WHEN coalesce(a.attstattarget, -1) >= 0 THEN 'STATISTICS ' || a.attstattarget END)
                FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                WHERE a.attrelid = ANY(?::regclass[]) AND a.attnum > 0 AND NOT a.attisdropped
                  AND (a.attstorage <> t.typstorage OR coalesce(a.attstattarget, -1) >= 0)
                ORDER BY a.attrelid, a.attnum""", regclasses(tables)));
        ddl.addAll(strings(src, """
                SELECT format('ALTER SEQUENCE %s OWNED BY %s.%I', d.objid::regclass, d.refobjid::regclass, a.attname)
                FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
                JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                JOIN pg_namespace n ON n.oid = s.relnamespace
                WHERE d.deptype = 'a' AND d.classid = 'pg_class'::regclass AND n.nspname = ANY(?)
                  AND d.refobjid = ANY(?::regclass[])""", schemas, regclasses(tables)));
        if (wholeDatabase) {
            ddl.addAll(strings(src, """
                    SELECT format('CREATE VIEW %s AS %s', c.oid::regclass, pg_get_viewdef(c.oid))
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind = 'v' AND n.nspname = ANY(?) ORDER BY c.oid""", schemas));
        }
        return ddl;
    }

    private static String createTable(Connection src, String table) throws SQLException {
        String regclass = Databases.qualified(table);
        List<String> columns = strings(src, """
                SELECT format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod))
                  || CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
                          THEN ' COLLATE ' || (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_collation co
                                               JOIN pg_namespace cn ON cn.oid = co.collnamespace
                                               WHERE co.oid = a.attcollation) ELSE '' END
                  || CASE WHEN a.attgenerated = 's' THEN ' GENERATED ALWAYS AS (' || pg_get_expr(ad.adbin, ad.adrelid) || ') STORED'
                          WHEN a.attidentity IN ('a', 'd') THEN
                            ' GENERATED ' || CASE a.attidentity WHEN 'a' THEN 'ALWAYS' ELSE 'BY DEFAULT' END
                            || (SELECT format(' AS IDENTITY (SEQUENCE NAME %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s%s)',
                                       s.seqrelid::regclass, s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcache,
                                       CASE WHEN s.seqcycle THEN ' CYCLE' ELSE '' END)
                                FROM pg_sequence s WHERE s.seqrelid = pg_get_serial_sequence(?, a.attname)::regclass)
                          WHEN ad.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(ad.adbin, ad.adrelid)
                          ELSE '' END
                  || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""", regclass, regclass);
        // in one reading of the table: its persistence (one letter), then its storage parameters (fillfactor,
        // autovacuum settings; the TOAST table's with their prefix) as a WITH clause
        String kept = strings(src, """
                SELECT c.relpersistence::text || coalesce(' WITH (' || (
                         SELECT string_agg(o, ', ') FROM (
                           SELECT unnest(c.reloptions) AS o
                           UNION ALL
                           SELECT 'toast.' || unnest(t.reloptions) FROM pg_class t
                           WHERE t.oid = c.reltoastrelid) options)
                       || ')', '')
                FROM pg_class c WHERE c.oid = ?::regclass""", regclass).get(0);
        String unlogged = kept.charAt(0) == 'u' ? "UNLOGGED " : "";
        return "CREATE " + unlogged + "TABLE " + regclass + " (\n  " + String.join(",\n  ", columns) + "\n)"
                + kept.substring(1);
    }

    /** Post-data in dependency order: keys and indexes (any order), then checks, foreign keys, triggers. */
    static List<List<PostData>> postData(Connection src, List<String> tables) throws SQLException {
        List<String> names = regclasses(tables);
        List<PostData> keysAndIndexes = new ArrayList<>(postData(src, "constraint", """
                SELECT conrelid::regclass::text, conname, format('ALTER TABLE %s ADD CONSTRAINT %I %s',
                       conrelid::regclass, conname, pg_get_constraintdef(oid))
                FROM pg_constraint WHERE contype IN ('p', 'u', 'x') AND conrelid = ANY(?::regclass[])
                ORDER BY conrelid, oid""", names));
        keysAndIndexes.addAll(postData(src, "index", """
                SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i WHERE i.indrelid = ANY(?::regclass[])
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                                  AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x'))
                ORDER BY i.indrelid, i.indexrelid""", names));
        List<PostData> checksAndKeys = postData(src, "constraint", """
                SELECT conrelid::regclass::text, conname, format('ALTER TABLE %s ADD CONSTRAINT %I %s',
                       conrelid::regclass, conname, pg_get_constraintdef(oid))
                FROM pg_constraint WHERE contype IN ('c', 'f') AND conrelid = ANY(?::regclass[])
                ORDER BY contype, conrelid, oid""", names);
        List<PostData> triggers = postData(src, "trigger", """
                SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid)
                FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = ANY(?::regclass[])
                ORDER BY tgrelid, oid""", names);
        return List.of(keysAndIndexes, checksAndKeys, triggers);
    }

    /**
     * Runs post-data: the first group (keys and indexes) with several connections at once, the others one by one
     * (foreign keys lock both tables, and concurrent ones could deadlock). Returns how many statements ran.
     */
    static int applyPostData(DatabaseEndpoint target, List<List<PostData>> groups, int parallelism)
            throws Exception {
        int applied = 0;
        for (int g = 0; g < groups.size(); g++) {
            List<PostData> group = groups.get(g);
            int threads = g == 0 ? Math.max(1, Math.min(parallelism, group.size())) : 1;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (PostData p : group) {
                    results.add(pool.submit(() -> apply(target, p, threads > 1)));
                }
                for (Future<Boolean> f : results) {
                    applied += Futures.await(f) ? 1 : 0;
                }
            } finally {
                pool.shutdownNow();
            }
        }
        return applied;
    }

    private static boolean apply(DatabaseEndpoint target, PostData p, boolean concurrent) throws SQLException {
        try (Connection c = Databases.open(target)) {
            if (exists(c, p)) {
                return false;
            }
            try (Statement st = c.createStatement()) {
                st.execute("SET maintenance_work_mem = '256MB'");
                if (concurrent) {
                    // several builds already run at once; workers per build would only oversubscribe the CPUs
                    st.execute("SET max_parallel_maintenance_workers = 0");
                }
                st.execute(p.sql());
            } catch (SQLException e) {
                throw new SQLException("cannot create " + p.kind() + " " + p.name() + " on " + p.table() + ": "
                        + e.getMessage(), e.getSQLState(), e);
            }
            return true;
        }
    }

    private static boolean exists(Connection c, PostData p) throws SQLException {
        String sql = switch (p.kind()) {
            case "constraint" -> "SELECT 1 FROM pg_constraint WHERE conrelid = ?::regclass AND conname = ?";
            case "trigger" -> "SELECT 1 FROM pg_trigger WHERE tgrelid = ?::regclass AND tgname = ?";
            default -> "SELECT 1 WHERE ?::text IS NOT NULL AND to_regclass(?) IS NOT NULL";
        };
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, p.table());
            ps.setString(2, p.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static List<PostData> postData(Connection src, String kind, String sql, List<String> tables)
            throws SQLException {
        List<PostData> result = new ArrayList<>();
        try (PreparedStatement ps = src.prepareStatement(sql)) {
            ps.setArray(1, src.createArrayOf("text", tables.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new PostData(kind, rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return result;
    }


    /** Table names as PostgreSQL prints a regclass (quoted only where needed, schema shown). */
    private static List<String> regclasses(List<String> tables) {
        return tables.stream().map(Databases::qualified).toList();
    }

    /** Runs a one-column query; a List parameter binds as a text array, anything else as text. */
    private static List<String> strings(Connection c, String sql, Object... params) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] instanceof List<?> list) {
                    ps.setArray(i + 1, c.createArrayOf("text", list.toArray()));
                } else {
                    ps.setString(i + 1, String.valueOf(params[i]));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
