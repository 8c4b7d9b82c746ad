package io.cutover.replication.adapter.cdc;

import java.util.List;

import io.cutover.kit.Progress;
import io.cutover.replication.adapter.jdbc.PostgresDataTransfer;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.OnlineSync;

/** An online sync in a process of its own, for a test to kill: port, source db, target db, cutover id. */
public final class OnlineSyncProcess {

    private OnlineSyncProcess() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        // the slot is never told what was applied (flush every hour), as if the process always died first
        PostgresOnlineReplication replication = new PostgresOnlineReplication(new PostgresDataTransfer(), 100,
                3_600_000);
        replication.start(args[3], endpoint(port, args[1]), endpoint(port, args[2]), List.of(), 2,
                OnlineSync.newBuilder().setReplicaIdentityFull(List.of("public.audit")).build(), new Progress());
        Thread.sleep(Long.MAX_VALUE);
    }

    private static DatabaseEndpoint endpoint(int port, String db) {
        return DatabaseEndpoint.newBuilder().setHost("127.0.0.1").setPort(port).setDatabase(db).setUser("postgres")
                .setPassword("").build();
    }
}
