package io.cutover.replication.adapter.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import io.cutover.schemas.DatabaseEndpoint;

class PostgresWriteFenceTest {

    private final PostgresWriteFence fence = new PostgresWriteFence();

    @Test
    void aFencedSourceRefusesWritesEvenFromSessionsThatWereOpenAndTakesThemAgainWhenUnfenced() throws Exception {
        DatabaseEndpoint source = Postgres.database("fence_src");
        try (Connection c = Postgres.connect("fence_src")) {
            Postgres.execute(c, "CREATE TABLE t (v int)");
        }
        Connection openBefore = Postgres.connect("fence_src");

        String fenced = fence.fence(source);

        assertThat(fenced).contains("is read-only; 1 open sessions ended");
        assertThatThrownBy(() -> Postgres.execute(openBefore, "INSERT INTO t VALUES (1)"))
                .isInstanceOf(SQLException.class);
        try (Connection c = Postgres.connect("fence_src")) {
            assertThatThrownBy(() -> Postgres.execute(c, "INSERT INTO t VALUES (1)"))
                    .hasMessageContaining("read-only transaction");
        }

        fence.unfence(source);

        try (Connection c = Postgres.connect("fence_src")) {
            Postgres.execute(c, "INSERT INTO t VALUES (2)");
            assertThat(Postgres.column(c, "SELECT v FROM t")).containsExactly("2");
        }
    }

    @Test
    void fencingTwiceAndUnfencingANeverFencedSourceBothSucceed() throws Exception {
        DatabaseEndpoint source = Postgres.database("fence_twice");

        fence.fence(source);
        fence.fence(source);
        fence.unfence(source);
        String again = fence.unfence(source);

        assertThat(again).contains("takes writes again");
        try (Connection c = Postgres.connect("fence_twice")) {
            Postgres.execute(c, "CREATE TABLE writable (v int)");
        }
    }
}
