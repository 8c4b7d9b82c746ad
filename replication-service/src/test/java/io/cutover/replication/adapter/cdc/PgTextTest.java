package io.cutover.replication.adapter.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Values in COPY's text format, as the apply's folded inserts send them. */
class PgTextTest {

    private static String field(String text) {
        StringBuilder row = new StringBuilder("|");
        PgText.copyField(row, text);
        return row.toString();
    }

    @Test
    void plainTextGoesAsItIsAndNullAsBackslashN() {
        assertThat(field("zoe 10.50 ünïcødé ✓ {a,\"b c\"}")).isEqualTo("|zoe 10.50 ünïcødé ✓ {a,\"b c\"}");
        assertThat(field("")).isEqualTo("|");
        assertThat(field(null)).isEqualTo("|\\N");
        assertThat(field("\\N")).as("the text \\N, not a null").isEqualTo("|\\\\N");
    }

    @Test
    void theCharactersCopyGivesAMeaningToAreEscapedWhereverTheyStand() {
        assertThat(field("a\tb\nc\rd\\e")).isEqualTo("|a\\tb\\nc\\rd\\\\e");
        assertThat(field("\\x00ff")).as("bytea's hex form").isEqualTo("|\\\\x00ff");
        assertThat(field("\\.")).as("COPY's end marker, as data").isEqualTo("|\\\\.");
        assertThat(field("bell\u0007")).as("other control characters need no escape").isEqualTo("|bell\u0007");
    }

    @Test
    void aNulCharacterIsRefusedByName() {
        assertThatThrownBy(() -> field("a\0b")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NUL character");
    }
}
