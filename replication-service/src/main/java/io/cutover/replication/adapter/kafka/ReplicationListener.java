package io.cutover.replication.adapter.kafka;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.cutover.kit.Job;
import io.cutover.kit.Jobs;
import io.cutover.kit.Outcomes;
import io.cutover.kit.UnsupportedCommandException;
import io.cutover.replication.adapter.cdc.PostgresOnlineReplication;
import io.cutover.replication.application.DataTransfer;
import io.cutover.replication.application.OnlineReplication;
import io.cutover.replication.application.WriteFence;
import io.cutover.schemas.AwaitReplicationCatchUp;
import io.cutover.schemas.Command;
import io.cutover.schemas.DataTransferFailed;
import io.cutover.schemas.DataTransferred;
import io.cutover.schemas.DrainReplication;
import io.cutover.schemas.FenceSourceWrites;
import io.cutover.schemas.ReplicationAlarm;
import io.cutover.schemas.ReplicationCatchUpFailed;
import io.cutover.schemas.ReplicationCaughtUp;
import io.cutover.schemas.ReplicationDrainFailed;
import io.cutover.schemas.ReplicationDrained;
import io.cutover.schemas.ReplicationStartFailed;
import io.cutover.schemas.ReplicationStarted;
import io.cutover.schemas.ReplicationStopFailed;
import io.cutover.schemas.ReplicationStopped;
import io.cutover.schemas.SourceWritesFenced;
import io.cutover.schemas.SourceWritesUnfenced;
import io.cutover.schemas.StartReplication;
import io.cutover.schemas.StopReplication;
import io.cutover.schemas.Topics;
import io.cutover.schemas.TransferData;
import io.cutover.schemas.UnfenceSourceWrites;
import io.cutover.schemas.WriteFencingFailed;
import io.cutover.schemas.WriteUnfencingFailed;

/** Maps replication commands to the write fence, the offline transfer and the online sync. */
@Component
public class ReplicationListener {

    private final Jobs jobs;
    private final WriteFence fence;
    private final DataTransfer transfer;
    private final OnlineReplication online;
    /** The latest command of each cutover with a stream: alarms are reported in reply to it. */
    private final Map<String, Command> streaming = new ConcurrentHashMap<>();

    public ReplicationListener(Jobs jobs, WriteFence fence, DataTransfer transfer,
                               PostgresOnlineReplication online, Outcomes outcomes) {
        this.jobs = jobs;
        this.fence = fence;
        this.transfer = transfer;
        this.online = online;
        online.onAlarm((cutoverId, summary, figures) -> {
            Command cause = streaming.get(cutoverId);
            if (cause != null) {
                try {
                    outcomes.reply(cause, new ReplicationAlarm(summary, figures, "slot-retention"));
                } catch (RuntimeException e) {
                    LoggerFactory.getLogger(ReplicationListener.class).error("cutover {}: alarm not delivered: {}",
                            cutoverId, summary, e);
                }
            }
        });
    }

    @KafkaListener(topics = Topics.REPLICATION_COMMANDS, groupId = "replication-service")
    public void on(Command command) {
        Object payload = command.getPayload();
        String id = command.getEnvelope().getCutoverId();
        if (payload instanceof FenceSourceWrites f) {
            jobs.run(command, Job.of(p -> new SourceWritesFenced(fence.fence(f.getSource()), p.snapshot()),
                    (reason, p) -> new WriteFencingFailed(reason, p.snapshot())));
        } else if (payload instanceof UnfenceSourceWrites u) {
            jobs.run(command, Job.of(p -> new SourceWritesUnfenced(fence.unfence(u.getSource()), p.snapshot()),
                    (reason, p) -> new WriteUnfencingFailed(reason, p.snapshot())));
        } else if (payload instanceof TransferData t) {
            jobs.run(command, Job.of(p -> {
                DataTransfer.Result r = transfer.transfer(id, t.getSource(), t.getTarget(), t.getTables(),
                        t.getParallelism(), p);
                return new DataTransferred(r.summary(), r.figures());
            }, (reason, p) -> new DataTransferFailed(reason, p.snapshot())));
        } else if (payload instanceof StartReplication s) {
            streaming.put(id, command);
            jobs.run(command, Job.of(p -> {
                var r = online.start(id, s.getSource(), s.getTarget(), s.getTables(), s.getParallelism(),
                        s.getSync(), p);
                return new ReplicationStarted(r.summary(), r.figures());
            }, (reason, p) -> new ReplicationStartFailed(reason, p.snapshot())));
        } else if (payload instanceof AwaitReplicationCatchUp a) {
            streaming.put(id, command);
            jobs.run(command, Job.of(p -> {
                var r = online.awaitCatchUp(id, a.getSource(), a.getTarget(), a.getTables(), a.getSync(),
                        a.getMaxLagMillis(), a.getDowntimeBudgetMillis(), p);
                return new ReplicationCaughtUp(r.summary(), r.figures());
            }, (reason, p) -> new ReplicationCatchUpFailed(reason, p.snapshot())));
        } else if (payload instanceof DrainReplication d) {
            jobs.run(command, Job.of(p -> {
                var r = online.drain(id, d.getSource(), d.getTarget(), d.getTables(), d.getSync(),
                        d.getStallDeadline(), p);
                streaming.remove(id);
                return new ReplicationDrained(r.summary(), r.figures());
            }, (reason, p) -> new ReplicationDrainFailed(reason, p.snapshot())));
        } else if (payload instanceof StopReplication s) {
            streaming.remove(id);
            jobs.run(command, Job.of(p -> {
                var r = s.getAfterSwitch() ? online.finish(id, s.getSource(), s.getTarget(), s.getKeepSlot())
                        : online.stop(id, s.getSource(), s.getTarget());
                return new ReplicationStopped(r.summary(), r.figures());
            }, (reason, p) -> new ReplicationStopFailed(reason, p.snapshot())));
        } else {
            throw new UnsupportedCommandException("replication-service", payload);
        }
    }
}
