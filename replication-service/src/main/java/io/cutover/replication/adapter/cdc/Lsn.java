package io.cutover.replication.adapter.cdc;

/** PostgreSQL WAL positions as longs, and back to their X/Y text form. */
final class Lsn {

    private Lsn() {
    }

    static String text(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    static long parse(String text) {
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }
}
