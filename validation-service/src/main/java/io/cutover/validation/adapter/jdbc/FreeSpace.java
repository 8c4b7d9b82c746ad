package io.cutover.validation.adapter.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.cutover.kit.Jobs;
import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DatabaseEndpoint;

/**
 * PostgreSQL tells its databases' sizes but not its disk's free space, so the estimate needs the target's storage
 * size from the plan (an Azure server's provisioned storage, say): free is that minus what the target's databases
 * hold, and the copy needs about the source database's size.
 */
final class FreeSpace {

    private FreeSpace() {
    }

    static void estimate(DatabaseEndpoint target, long needed, long storage, List<String> passed,
                         List<String> problems) {
        String where = "target " + Databases.describe(target);
        if (storage < 0) {
            passed.add(where + " needs about " + size(needed) + " free (the source's size); give targetStorage in"
                    + " the plan to have its free space estimated");
            return;
        }
        try (Connection c = Databases.open(target); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(sum(pg_database_size(datname)), 0) FROM pg_database"
                     + " WHERE has_database_privilege(datname, 'CONNECT')")) {
            rs.next();
            long used = rs.getLong(1);
            long free = storage - used;
            String figures = "about " + size(free) + " free of its " + size(storage) + " (" + size(used)
                    + " used); the copy needs about " + size(needed) + " (the source's size)";
            if (free >= needed) {
                passed.add(where + " has " + figures);
            } else {
                problems.add(where + " has only " + figures);
            }
        } catch (SQLException e) {
            problems.add(where + ": its free space cannot be estimated: " + Jobs.describe(e));
        }
    }

    static String size(long bytes) {
        if (bytes < 0) {
            return "-" + size(-bytes);
        }
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format("%.1f %s", v, units[u]);
    }
}
