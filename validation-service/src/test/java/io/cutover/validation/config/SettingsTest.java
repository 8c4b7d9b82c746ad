package io.cutover.validation.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.cutover.validation.ValidationApplication;

class SettingsTest {

    @Test
    void aWrongSettingStopsTheServiceAtStartAndNamesTheSetting() {
        assertThatThrownBy(() -> ValidationApplication.builder()
                .run("--cutover.validation.threads=0", "--spring.kafka.bootstrap-servers=127.0.0.1:1",
                        "--spring.main.banner-mode=off").close())
                .hasStackTraceContaining("cutover.validation.threads")
                .hasStackTraceContaining("must be greater than or equal to 1");
    }

    @Test
    void aWrongSharedParticipantSettingIsNamedToo() {
        assertThatThrownBy(() -> ValidationApplication.builder()
                .run("--cutover.participant.workers=300", "--spring.kafka.bootstrap-servers=127.0.0.1:1",
                        "--spring.main.banner-mode=off").close())
                .hasStackTraceContaining("cutover.participant.workers")
                .hasStackTraceContaining("must be less than or equal to 256");
    }
}
