package io.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class LagSeriesTest {

    @Test
    void theSteadyLagBeginsWhenTheStreamFirstAppliesWithALagUnderASecond() {
        List<LagSeries.Point> points = new ArrayList<>();
        points.add(new LagSeries.Point(0, 400, 0)); // nothing applied yet: the lag only looks small
        points.add(new LagSeries.Point(1, 40_000, 3_000)); // the copy's backlog
        points.add(new LagSeries.Point(2, 900, 9_000)); // caught up
        for (int i = 0; i < 98; i++) {
            points.add(new LagSeries.Point(3 + i, 100 + i, 4_000));
        }
        points.add(new LagSeries.Point(101, 5_000, 4_000));

        assertThat(LagSeries.steady(points)).containsExactly(149, 900, 5_000, 100);
        assertThat(LagSeries.steady(points.subList(0, 2))).as("never caught up").isEmpty();
    }

    @Test
    void aLongSeriesIsThinnedToEveryNthPointAndTheLast() {
        List<LagSeries.Point> points = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            points.add(new LagSeries.Point(i, i, 0));
        }
        assertThat(LagSeries.thinned(points, 4)).extracting(LagSeries.Point::lagMillis).containsExactly(0L, 3L, 6L,
                9L);
        assertThat(LagSeries.thinned(points, 3)).extracting(LagSeries.Point::lagMillis).containsExactly(0L, 4L, 8L,
                9L);
        assertThat(LagSeries.thinned(points, 20)).isEqualTo(points);
    }

    @Test
    void samplesEndWhenTheSwitchHoldsTheWrites() {
        LagSeries lag = new LagSeries();
        lag.sample(Map.of("applyRate", 4_000L)); // no stream yet: no lag figure
        lag.sample(Map.of("lagMillis", 120L, "applyRate", 4_000L));
        lag.sample(Map.of("lagMillis", 80L, "applyRate", 4_000L));
        lag.end();
        lag.sample(Map.of("lagMillis", 900L, "applyRate", 0L)); // the stream drains and stops

        assertThat(lag.points()).extracting(LagSeries.Point::lagMillis).containsExactly(120L, 80L);
    }

    @Test
    void theSwitchBeginsWhenTheHoldOfTheWritesLeavesPending() {
        ObjectMapper json = new ObjectMapper();
        JsonNode before = json.readTree("{\"steps\": [{\"name\": \"AWAIT_CATCH_UP\", \"status\": \"RUNNING\"},"
                + " {\"name\": \"HOLD_TRAFFIC\", \"status\": \"PENDING\"}]}");
        JsonNode during = json.readTree("{\"steps\": [{\"name\": \"AWAIT_CATCH_UP\", \"status\": \"SUCCEEDED\"},"
                + " {\"name\": \"HOLD_TRAFFIC\", \"status\": \"RUNNING\"}]}");

        assertThat(LocalStackMain.switchBegan(before)).isFalse();
        assertThat(LocalStackMain.switchBegan(during)).isTrue();
    }
}
