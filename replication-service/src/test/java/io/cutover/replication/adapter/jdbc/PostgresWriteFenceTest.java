package io.cutover.replication.adapter.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.testing.Sql;
import io.cutover.testing.TestPostgres;


class PostgresWriteFenceTest {

    private final PostgresWriteFence fence = new PostgresWriteFence();

    @Test
    void aFencedSourceRefusesWritesEvenFromSessionsThatWereOpenAndTakesThemAgainWhenUnfenced() throws Exception {
        DatabaseEndpoint source = TestPostgres.database("fence_src");
        try (Connection c = TestPostgres.connect("fence_src")) {
            Sql.execute(c, "CREATE TABLE t (v int)");
        }
        Connection openBefore = TestPostgres.connect("fence_src");

        String fenced = fence.fence(source);

        assertThat(fenced).contains("is read-only; 1 open sessions ended");
        assertThatThrownBy(() -> Sql.execute(openBefore, "INSERT INTO t VALUES (1)"))
                .isInstanceOf(SQLException.class);
        try (Connection c = TestPostgres.connect("fence_src")) {
            assertThatThrownBy(() -> Sql.execute(c, "INSERT INTO t VALUES (1)"))
                    .hasMessageContaining("read-only transaction");
        }

        fence.unfence(source);

        try (Connection c = TestPostgres.connect("fence_src")) {
            Sql.execute(c, "INSERT INTO t VALUES (2)");
            assertThat(Sql.column(c, "SELECT v FROM t")).containsExactly("2");
        }
    }

    @Test
    void aRoleWhoseOwnSettingKeepsItWritableFailsTheFenceNamingIt() throws Exception {
        DatabaseEndpoint source = TestPostgres.database("fence_roles");
        // only in this database, so that no other test's fence sees it; set from another database, which stays
        // writable while this one is fenced
        TestPostgres.sql("postgres", "DROP ROLE IF EXISTS fence_app", "CREATE ROLE fence_app LOGIN",
                "ALTER ROLE fence_app IN DATABASE fence_roles SET default_transaction_read_only = off");
        try {
            assertThatThrownBy(() -> fence.fence(source))
                    .hasMessageStartingWith("roles fence_app set default_transaction_read_only off for themselves")
                    .hasMessageContaining("ALTER ROLE ... RESET default_transaction_read_only");
            try (Connection c = TestPostgres.connect("fence_roles")) {
                Sql.execute(c, "CREATE TABLE still_writable (v int)"); // refused before it changed anything
            }

            TestPostgres.sql("postgres", "ALTER ROLE fence_app IN DATABASE fence_roles SET"
                    + " default_transaction_read_only = on");
            assertThat(fence.fence(source)).contains("is read-only");
        } finally {
            fence.unfence(source);
            TestPostgres.sql("postgres", "DROP ROLE fence_app");
        }
    }

    @Test
    void fencingTwiceAndUnfencingANeverFencedSourceBothSucceed() throws Exception {
        DatabaseEndpoint source = TestPostgres.database("fence_twice");

        fence.fence(source);
        fence.fence(source);
        fence.unfence(source);
        String again = fence.unfence(source);

        assertThat(again).contains("takes writes again");
        try (Connection c = TestPostgres.connect("fence_twice")) {
            Sql.execute(c, "CREATE TABLE writable (v int)");
        }
    }
}
