package io.cutover.replication.adapter.kafka;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.cutover.kit.Job;
import io.cutover.kit.Jobs;
import io.cutover.kit.UnsupportedCommandException;
import io.cutover.replication.application.DataTransfer;
import io.cutover.replication.application.WriteFence;
import io.cutover.schemas.Command;
import io.cutover.schemas.DataTransferFailed;
import io.cutover.schemas.DataTransferred;
import io.cutover.schemas.FenceSourceWrites;
import io.cutover.schemas.SourceWritesFenced;
import io.cutover.schemas.SourceWritesUnfenced;
import io.cutover.schemas.Topics;
import io.cutover.schemas.TransferData;
import io.cutover.schemas.UnfenceSourceWrites;
import io.cutover.schemas.WriteFencingFailed;
import io.cutover.schemas.WriteUnfencingFailed;

/** Maps replication commands to the write fence and the data transfer. */
@Component
public class ReplicationListener {

    private final Jobs jobs;
    private final WriteFence fence;
    private final DataTransfer transfer;

    public ReplicationListener(Jobs jobs, WriteFence fence, DataTransfer transfer) {
        this.jobs = jobs;
        this.fence = fence;
        this.transfer = transfer;
    }

    @KafkaListener(topics = Topics.REPLICATION_COMMANDS, groupId = "replication-service")
    public void on(Command command) {
        Object payload = command.getPayload();
        if (payload instanceof FenceSourceWrites f) {
            jobs.run(command, Job.of(p -> new SourceWritesFenced(fence.fence(f.getSource()), p.snapshot()),
                    (reason, p) -> new WriteFencingFailed(reason, p.snapshot())));
        } else if (payload instanceof UnfenceSourceWrites u) {
            jobs.run(command, Job.of(p -> new SourceWritesUnfenced(fence.unfence(u.getSource()), p.snapshot()),
                    (reason, p) -> new WriteUnfencingFailed(reason, p.snapshot())));
        } else if (payload instanceof TransferData t) {
            String cutoverId = command.getEnvelope().getCutoverId();
            jobs.run(command, Job.of(p -> {
                DataTransfer.Result r = transfer.transfer(cutoverId, t.getSource(), t.getTarget(), t.getTables(),
                        t.getParallelism(), p);
                return new DataTransferred(r.summary(), r.figures());
            }, (reason, p) -> new DataTransferFailed(reason, p.snapshot())));
        } else {
            throw new UnsupportedCommandException("replication-service", payload);
        }
    }
}
