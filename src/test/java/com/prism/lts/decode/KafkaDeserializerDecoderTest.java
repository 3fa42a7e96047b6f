package com.prism.lts.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.deadletter.RejectReason;
import com.prism.lts.demo.DemoEvents;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/** A customer's own deserializer: what it yields is written back as Avro with its own schema, or rejected. */
class KafkaDeserializerDecoderTest {

    @Test
    void a_record_the_deserializer_yields_is_written_back_with_its_own_schema() throws Exception {
        GenericRecord event = new DemoEvents(java.time.LocalDate.of(2018, 1, 4), 1, 7).event(0);
        Deserializer<GenericRecord> yields = (topic, data) -> event;

        DecodedEvent decoded = new KafkaDeserializerDecoder(yields).decode("ac-user-event", new byte[] {1});

        assertThat(decoded.schemaId()).startsWith("fp-");
        assertThat(decoded.writerSchema()).isEqualTo(DemoEvents.SCHEMA);
        assertThat(decoded.length()).isPositive();
    }

    @Test
    void a_record_its_own_schema_cannot_write_is_rejected_rather_than_retried_forever() {
        GenericRecord missingFields = new GenericData.Record(DemoEvents.SCHEMA);
        Deserializer<GenericRecord> yields = (topic, data) -> missingFields;

        assertThatThrownBy(() -> new KafkaDeserializerDecoder(yields).decode("ac-user-event", new byte[] {1}))
                .isInstanceOf(RecordRejectedException.class)
                .satisfies(e -> assertThat(((RecordRejectedException) e).reason()).isEqualTo(RejectReason.INVALID_AVRO))
                .hasMessageContaining("its own schema cannot write");
    }
}
