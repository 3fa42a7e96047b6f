package com.prism.lts.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import com.prism.lts.testing.Reconciliation;
import com.prism.lts.testing.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly once through the faults of routine operations, with archivers in JVMs of their own against a real broker
 * and a real S3 server: every record produced is in the archive once, or in the dead-letter topic. The same
 * scenarios run larger in {@code ./chaos}.
 */
class ExactlyOnceTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    /**
     * 32 days interleaved on 3 partitions, 80 records a second for 38 seconds: a stream's next record comes 1.2 s later,
     * after the 1 s quiet period, so most files are cut by time, not by size, and the stream outlasts the replicas'
     * restarts.
     */
    private static final Scenario.Scale SCALE = new Scenario.Scale(3_000, 80, 3, 32, 500);

    /** The scenarios of issue 16, smaller: 1,500 records over 12 days at 75 a second. */
    private static final Scenario.Scale SMALL = new Scenario.Scale(1_500, 75, 3, 12, 500);

    @Test
    void a_replica_killed_five_times_mid_stream_archives_every_record_exactly_once() throws Exception {
        Scenario.Outcome outcome = run(Scenarios.KILL_NINE);
        assertExactlyOnce(outcome);
        assertThat(outcome.takeoversWithState()).as("restarts that found files cut above the committed offset")
                .isPositive();
    }

    @Test
    void scaling_three_replicas_to_one_and_back_then_a_kill_archives_every_record_exactly_once() throws Exception {
        assertExactlyOnce(run(Scenarios.SCALE_DOWN_AND_UP));
    }

    @Test
    void a_zombie_replica_frozen_past_its_session_and_resumed_archives_nothing_twice() throws Exception {
        assertExactlyOnce(run(Scenarios.ZOMBIE));
    }

    @Test
    void replicas_filing_days_in_different_zones_during_a_rebalance_lose_nothing() throws Exception {
        Scenario.Outcome outcome = run(Scenarios.MIXED_ZONES);
        Reconciliation result = outcome.reconciliation();
        assertThat(result.nothingLost()).as(result.toString()).isTrue();
        assertThat(outcome.audit().complete()).as(outcome.audit().toString()).isTrue();
    }

    @Test
    void a_partition_lost_by_one_consumer_and_taken_by_its_sibling_is_archived_exactly_once() throws Exception {
        assertExactlyOnce(run(Scenarios.SIBLING_CONSUMERS));
    }

    @Test
    void a_route_step_of_the_users_that_fails_for_one_poll_in_eight_through_two_kills_loses_nothing() throws Exception {
        Scenario.Outcome outcome = run(Scenarios.FAILING_STEP, SMALL);

        assertExactlyOnce(outcome);
        // no dead letter for a failed poll: each dead letter is of a record that can never be archived (else it
        // would be misplaced), and each of those is there
        assertThat(outcome.reconciliation().deadLettered() - outcome.reconciliation().deadLettersDuplicated())
                .isEqualTo(SMALL.records() / SMALL.badEvery());
        assertThat(outcome.readAgain()).as("partitions read again from their committed offsets after a failed poll")
                .isPositive();
    }

    @Test
    void a_topic_deleted_and_created_again_while_archived_keeps_every_record_of_both_in_files_of_their_own()
            throws Exception {
        Scenario.Outcome outcome = run(Scenarios.RECREATED, SMALL);

        Reconciliation result = outcome.reconciliation();
        assertThat(result.exactlyOnce()).as(result.toString()).isTrue();
        assertThat(result.archived()).isEqualTo(result.produced());
        AuditOutcome audit = outcome.audit();
        assertThat(audit.complete()).as(audit.toString()).isTrue();
        assertThat(audit.twice()).isZero();
        assertThat(audit.earlierTopicFiles()).as("files of the earlier topic, reported apart").isNotEmpty()
                .doesNotContainKey(audit.topicId());
    }

    private static Scenario.Outcome run(Scenario scenario) throws Exception {
        return run(scenario, SCALE);
    }

    private static Scenario.Outcome run(Scenario scenario, Scenario.Scale scale) throws Exception {
        return scenario.run(new Stage(TESTBED.kafka(), TESTBED.s3(), Testbed.BUCKET, TESTBED.schemas(),
                Path.of("target", "chaos")), scale);
    }

    private static void assertExactlyOnce(Scenario.Outcome outcome) {
        Reconciliation result = outcome.reconciliation();
        assertThat(result.exactlyOnce()).as(result.toString()).isTrue();
        assertThat(result.archived() + result.deadLettered() - result.deadLettersDuplicated())
                .as("every record archived or dead-lettered").isEqualTo(result.produced());
        AuditOutcome audit = outcome.audit();
        assertThat(audit.complete()).as(audit.toString()).isTrue();
        assertThat(audit.archived() + audit.deadLettered()).as(audit.toString()).isEqualTo(result.produced());
        assertThat(audit.twice()).as(audit.toString()).isZero();
    }
}
