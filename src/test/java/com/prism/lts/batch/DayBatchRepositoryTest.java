package com.prism.lts.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** When the aggregator completes every open batch at once, those cut again where a previous owner cut them stay. */
class DayBatchRepositoryTest {

    @Test
    void a_batch_that_must_end_where_its_previous_owner_ended_it_is_not_among_the_batches_completed_at_once() {
        CamelContext context = new DefaultCamelContext();
        DayBatchRepository repository = new DayBatchRepository();
        String ordinary = "ac-user-event/0/1/2018-01-04/1";
        String cutAgain = "ac-user-event/0/1/2018-01-04/1/again-100";
        repository.add(context, ordinary, new DefaultExchange(context));
        repository.add(context, cutAgain, new DefaultExchange(context));

        assertThat(repository.getKeys()).containsExactly(ordinary);
        assertThat(repository.get(context, cutAgain)).as("still open").isNotNull();
    }
}
