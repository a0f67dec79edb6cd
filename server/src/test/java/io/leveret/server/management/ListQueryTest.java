package io.leveret.server.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListQueryTest {

    private static List<ObjectNode> rows() {
        List<ObjectNode> rows = new ArrayList<>();
        String[] names = {"b", "a", "c", "ab"};
        int[] messages = {10, 2, 33, 4};
        for (int i = 0; i < names.length; i++) {
            ObjectNode o = Json.object().put("name", names[i]).put("vhost", "/").put("messages", messages[i]);
            o.putObject("message_stats").put("publish", i);
            rows.add(o);
        }
        return rows;
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(r -> out.add(r.get("name").asText()));
        return out;
    }

    @Test
    void defaultSortAndExplicitSortNumericAndReversed() {
        assertEquals(List.of("a", "ab", "b", "c"), names(ListQuery.apply(rows(), Map.of(), List.of("vhost", "name"))));
        assertEquals(List.of("a", "ab", "b", "c"), names(ListQuery.apply(rows(), Map.of("sort", "messages"), List.of())));
        assertEquals(List.of("c", "b", "ab", "a"), names(ListQuery.apply(rows(),
                Map.of("sort", "messages", "sort_reverse", "true"), List.of())));
        assertEquals(List.of("ab", "c", "a", "b"), names(ListQuery.apply(rows(),
                Map.of("sort", "message_stats.publish", "sort_reverse", "true"), List.of())));
    }

    @Test
    void columnsKeepDottedPaths() {
        JsonNode out = ListQuery.apply(rows(), Map.of("columns", "name,message_stats.publish"), List.of("name"));
        assertEquals("{\"name\":\"a\",\"message_stats\":{\"publish\":1}}", out.get(0).toString());
    }

    @Test
    void pagesCarryRabbitMqsFieldsInItsOrder() {
        JsonNode page = ListQuery.apply(rows(), Map.of("page", "2", "page_size", "1", "name", "A", "columns", "name"),
                List.of("name"));
        assertEquals("{\"filtered_count\":2,\"item_count\":1,\"items\":[{\"name\":\"ab\"}],\"page\":2,\"page_count\":2,"
                + "\"page_size\":1,\"total_count\":4}", page.toString());
        JsonNode regex = ListQuery.apply(rows(), Map.of("page", "1", "name", "^a$", "use_regex", "true"), List.of());
        assertEquals(1, regex.get("filtered_count").asInt());
        JsonNode empty = ListQuery.apply(List.of(), Map.of("page", "1"), List.of());
        assertEquals(0, empty.get("page_count").asInt());
    }

    @Test
    void badPagesAreRefused() {
        ApiException word = assertThrows(ApiException.class, () -> ListQuery.apply(rows(), Map.of("page", "x"), List.of()));
        assertEquals("Pagination parameters are invalid", word.reason());
        ApiException zero = assertThrows(ApiException.class, () -> ListQuery.apply(rows(), Map.of("page", "0"), List.of()));
        assertEquals("invalid_pagination_parameters", zero.error());
        ApiException big = assertThrows(ApiException.class,
                () -> ListQuery.apply(rows(), Map.of("page", "1", "page_size", "501"), List.of()));
        assertEquals(400, big.status().code());
        ApiException beyond = assertThrows(ApiException.class,
                () -> ListQuery.apply(rows(), Map.of("page", "3", "page_size", "2"), List.of()));
        assertEquals("page_out_of_range", beyond.error());
        assertThrows(ApiException.class,
                () -> ListQuery.apply(rows(), Map.of("page", "1", "name", "(", "use_regex", "true"), List.of()));
    }
}
