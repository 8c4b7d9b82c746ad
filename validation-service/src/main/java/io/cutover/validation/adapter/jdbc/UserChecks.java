package io.cutover.validation.adapter.jdbc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import io.cutover.kit.Jobs;
import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.UserCheck;

/** Runs the plan's own checks: SQL on source or target, and HTTP GETs. Each outcome names the check. */
final class UserChecks {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private UserChecks() {
    }

    static void run(List<UserCheck> checks, DatabaseEndpoint source, DatabaseEndpoint target, List<String> passed,
                    List<String> problems) {
        for (UserCheck check : checks) {
            if (check.getUrl() != null) {
                http(check, passed, problems);
            } else {
                sql(check, check.getOn().equals("target") ? target : source, passed, problems);
            }
        }
    }

    private static void sql(UserCheck check, DatabaseEndpoint on, List<String> passed, List<String> problems) {
        String name = "check '" + check.getName() + "' on the " + check.getOn();
        try (Connection c = Databases.open(on); Statement st = c.createStatement()) {
            st.execute("SET default_transaction_read_only = on");
            String value;
            try (ResultSet rs = st.executeQuery(check.getSql())) {
                value = rs.next() ? rs.getString(1) : null;
            }
            if (check.getExpect() == null || check.getExpect().equals(value)) {
                passed.add(name + " returned " + quoted(value));
            } else {
                problems.add(name + " returned " + quoted(value) + ", expected " + quoted(check.getExpect()));
            }
        } catch (SQLException e) {
            problems.add(name + " failed: " + Jobs.describe(e));
        }
    }

    private static void http(UserCheck check, List<String> passed, List<String> problems) {
        String name = "check '" + check.getName() + "': GET " + check.getUrl();
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(check.getUrl())).timeout(Duration.ofSeconds(10))
                    .GET().build();
            int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == check.getExpectStatus()) {
                passed.add(name + " answered " + status);
            } else {
                problems.add(name + " answered " + status + ", expected " + check.getExpectStatus());
            }
        } catch (IOException | IllegalArgumentException e) {
            problems.add(name + " failed: " + Jobs.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add(name + " was interrupted");
        }
    }

    private static String quoted(String value) {
        return value == null ? "no row" : "'" + value + "'";
    }
}
