package io.cutover.kit;

import org.apache.avro.specific.SpecificRecord;

/** The work one command asks for. Must be idempotent: a re-sent command runs it again and must not duplicate. */
public interface Job {

    /** Does the work, reporting figures on progress; returns the success outcome. */
    SpecificRecord run(Progress progress) throws Exception;

    /** The typed failure outcome with this reason. */
    SpecificRecord failed(String reason, Progress progress);

    /** The work part of a job. */
    @FunctionalInterface
    interface Work {
        SpecificRecord run(Progress progress) throws Exception;
    }

    /** The failure part of a job. */
    @FunctionalInterface
    interface Failure {
        SpecificRecord of(String reason, Progress progress);
    }

    static Job of(Work work, Failure failure) {
        return new Job() {
            @Override
            public SpecificRecord run(Progress progress) throws Exception {
                return work.run(progress);
            }

            @Override
            public SpecificRecord failed(String reason, Progress progress) {
                return failure.of(reason, progress);
            }
        };
    }
}
