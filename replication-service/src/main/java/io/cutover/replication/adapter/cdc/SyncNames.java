package io.cutover.replication.adapter.cdc;

import java.util.Locale;

/** The slot and publication of a cutover on the source: lower case letters, digits and underscores, as slots need. */
record SyncNames(String slot, String publication) {

    static SyncNames of(String cutoverId) {
        String clean = cutoverId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (clean.length() > 40) {
            clean = clean.substring(0, 31) + "_" + Integer.toHexString(cutoverId.hashCode());
        }
        return new SyncNames("cutover_" + clean, "cutover_" + clean);
    }
}
