package io.cutover.validation.application;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ExtensionParityTest {

    @Test
    void anExtensionTheTargetDoesNotOfferIsAProblemAndOthersArePassedWithTheirVersions() {
        Readiness.Report r = ExtensionParity.compare("target db2:5432/shop",
                Map.of("postgis", "3.4.2", "pg_trgm", "1.6", "citext", "1.6"),
                Map.of("pg_trgm", "1.6", "citext", "1.7", "hstore", "1.8"));

        assertThat(r.problems()).containsExactly("target db2:5432/shop does not offer extension postgis "
                + "(3.4.2 on the source)");
        assertThat(r.passed()).containsExactly("target db2:5432/shop offers every extension the source uses: "
                + "citext 1.6 (target offers 1.7), pg_trgm 1.6");
    }

    @Test
    void aSourceWithoutExtensionsNeedsNothing() {
        Readiness.Report r = ExtensionParity.compare("target", Map.of(), Map.of("hstore", "1.8"));

        assertThat(r.problems()).isEmpty();
        assertThat(r.passed()).isEmpty();
    }
}
