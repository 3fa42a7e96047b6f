package com.prism.lts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class ArrayHeadersMapTest {

    @Test
    void a_header_is_found_whatever_the_case_of_its_name_and_keeps_the_case_it_was_first_put_with() {
        ArrayHeadersMap headers = new ArrayHeadersMap();
        headers.put("kafka.TOPIC", "ac-user-event");
        headers.put("KAFKA.topic", "other");

        assertThat(headers.get("kafka.topic")).isEqualTo("other");
        assertThat(headers.containsKey("Kafka.Topic")).isTrue();
        assertThat(headers.keySet()).containsExactly("kafka.TOPIC");
        assertThat(headers.get("kafka.PARTITION")).isNull();
        assertThat(headers.containsKey(7)).isFalse();
    }

    @Test
    void headers_iterate_in_the_order_they_were_put_and_a_removed_one_is_gone() {
        ArrayHeadersMap headers = new ArrayHeadersMap();
        headers.put("a", 1);
        headers.put("b", 2);
        headers.put("c", 3);

        assertThat(headers.remove("B")).isEqualTo(2);
        assertThat(headers.remove("b")).isNull();
        headers.put("d", 4);

        assertThat(headers.keySet()).containsExactly("a", "c", "d");
        assertThat(headers.values()).containsExactly(1, 3, 4);
        assertThat(headers).isEqualTo(Map.of("a", 1, "c", 3, "d", 4)).hasSize(3);
    }

    @Test
    void it_grows_past_its_first_sixteen_headers() {
        ArrayHeadersMap headers = new ArrayHeadersMap();
        Map<String, Object> expected = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            headers.put("Header" + i, i);
            expected.put("Header" + i, i);
        }

        assertThat(headers).containsExactlyEntriesOf(expected);
        assertThat(headers.get("HEADER39")).isEqualTo(39);
    }

    @Test
    void a_copy_is_independent_of_its_original() {
        ArrayHeadersMap original = new ArrayHeadersMap();
        original.put("kafka.OFFSET", 41L);

        Map<String, Object> copy = ArrayHeadersMap.copyOf(original);
        copy.put("kafka.offset", 42L);
        copy.put("PrismDay", "2018-01-04");
        original.remove("kafka.OFFSET");

        assertThat(copy).containsExactly(Map.entry("kafka.OFFSET", 42L), Map.entry("PrismDay", "2018-01-04"));
        assertThat(original).isEmpty();
        assertThat(ArrayHeadersMap.copyOf(new HashMap<>(Map.of("A", 1))).get("a")).isEqualTo(1);
    }

    @Test
    void entries_write_through_and_the_iterator_removes() {
        ArrayHeadersMap headers = new ArrayHeadersMap();
        headers.put("a", 1);
        headers.put("b", 2);
        headers.put("c", 3);

        Iterator<Map.Entry<String, Object>> entries = headers.entrySet().iterator();
        entries.next().setValue(10);
        entries.next();
        entries.remove();
        assertThatThrownBy(entries::remove).isInstanceOf(IllegalStateException.class);
        assertThat(entries.next().getKey()).isEqualTo("c");
        assertThat(entries.hasNext()).isFalse();

        assertThat(headers).containsExactly(Map.entry("a", 10), Map.entry("c", 3));
        headers.clear();
        assertThat(headers).isEmpty();
        assertThatThrownBy(() -> headers.put(null, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void camel_messages_use_it_and_their_copies_ignore_case_too() {
        CamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setHeadersMapFactory(new ArrayHeadersMap.Factory());
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader("kafka.PARTITION", 3);
        exchange.getMessage().setHeaders(new HashMap<>(Map.of("kafka.TOPIC", "ac-user-event", "kafka.OFFSET", 7L)));

        Exchange copy = exchange.copy();
        copy.getMessage().setHeader("PrismDay", "2018-01-04");

        assertThat(exchange.getMessage().getHeaders()).isInstanceOf(ArrayHeadersMap.class)
                .doesNotContainKey("PrismDay");
        assertThat(copy.getMessage().getHeader("kafka.topic")).isEqualTo("ac-user-event");
        assertThat(copy.getMessage().getHeader("KAFKA.OFFSET", Long.class)).isEqualTo(7L);
        assertThat(List.copyOf(copy.getMessage().getHeaders().keySet())).contains("PrismDay", "kafka.TOPIC");
    }
}
