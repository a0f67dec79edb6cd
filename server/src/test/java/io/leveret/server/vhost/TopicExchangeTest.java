package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.leveret.codec.FieldTable;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Topic routing as RabbitMQ does it: words split on '.', '*' one word, '#' zero or more, "" no words at all. */
class TopicExchangeTest {
    private final VirtualHost vhost = new VirtualHost("/", ImmediateEventExecutor.INSTANCE);
    private final TestMessages messages = new TestMessages();
    private final Exchange topic = vhost.declareExchange("topic", "t", false, false, false, FieldTable.EMPTY);

    @AfterEach
    void everyMessageFreed() {
        messages.assertAllReleased();
    }

    private Queue queue(String name) {
        return vhost.declareQueue(name, false, false, FieldTable.EMPTY, null);
    }

    @ParameterizedTest(name = "pattern \"{0}\" vs key \"{1}\": {2}")
    @CsvSource(delimiter = '|', value = {
            "a.b.c   | a.b.c    | true",
            "a.b.c   | a.b      | false",
            "a.b     | a.b.c    | false",
            "a.b     | A.B      | false",
            "*       | a        | true",
            "*       | ''       | false",
            "*       | a.b      | false",
            "''      | ''       | true",
            "''      | a        | false",
            "'#'     | ''       | true",
            "'#'     | a.b.c    | true",
            "'#'     | .        | true",
            "'#'     | a.       | true",
            "a.*     | a.       | true",
            "a.*     | a        | false",
            "a.*     | a.b.c    | false",
            "*.*     | .        | true",
            "*.a     | .a       | true",
            "a.*.b   | a..b     | true",
            "*.*.*   | a..c     | true",
            "a       | a.       | false",
            "a.      | a.       | true",
            "a.      | a        | false",
            "a.#     | a        | true",
            "a.#     | a.b.c    | true",
            "a.#     | b.a      | false",
            "a.#     | ab       | false",
            "a.#.c   | a.c      | true",
            "a.#.c   | a.b.b.c  | true",
            "a.#.c   | a.b.b    | false",
            "a.#.c   | a.c.c    | true",
            "'#.a'   | a        | true",
            "'#.a'   | b.b.a    | true",
            "'#.a'   | a.b      | false",
            "'#.a.#' | b.a.b    | true",
            "'#.#'   | ''       | true",
            "'#.#'   | a        | true",
            "'#.#'   | a.b.c    | true",
            "*.#.*   | a        | false",
            "*.#.*   | a.b      | true",
            "*.#.*   | a.b.c.d  | true",
            "'#.*'   | ''       | false",
            "'#.*'   | a        | true",
            "*.b.#   | a.b      | true",
            "*.b.#   | b        | false",
            "'#.#.#' | ''       | true",
            "'##'    | ##       | true",
            "'##'    | a        | false",
            "a*      | a*       | true",
            "a*      | ab       | false",
            "a.#b    | a.b      | false",
    })
    void onePattern(String pattern, String key, boolean matches) {
        vhost.bind(topic, queue("q"), pattern, FieldTable.EMPTY);
        assertEquals(matches ? Set.of("q") : Set.of(), messages.route(topic, key));
    }

    /**
     * RabbitMQ's own topic matching table (rabbit_exchange_type_topic tests): 28 bindings, including the same
     * pattern to two queues and the same pattern and queue twice with different arguments; then six removed.
     */
    @Test
    void rabbitMqTableBeforeAndAfterUnbinding() {
        Object[][] bindings = {
                {"a.b.c", "t1"}, {"a.*.c", "t2"}, {"a.#.b", "t3"}, {"a.b.b.c", "t4"}, {"#", "t5"},
                {"#.#", "t6"}, {"#.b", "t7"}, {"*.*", "t8"}, {"a.*", "t9"}, {"*.b.c", "t10"},
                {"a.#", "t11"}, {"a.#.#", "t12"}, {"b.b.c", "t13"}, {"a.b.b", "t14"}, {"a.b", "t15"},
                {"b.c", "t16"}, {"", "t17"}, {"*.*.*", "t18"}, {"vodka.martini", "t19"}, {"a.b.c", "t20"},
                {"*.#", "t21"}, {"#.*.#", "t22"}, {"*.#.#", "t23"}, {"#.#.#", "t24"}, {"*", "t25"},
                {"#.b.#", "t26"}, {"args-test", "t27", FieldTable.of(Map.of("foo", "bar"))},
                {"args-test", "t27", FieldTable.of(Map.of("foo", "baz"))},
        };
        for (Object[] b : bindings) {
            vhost.bind(topic, queue((String) b[1]), (String) b[0], b.length > 2 ? (FieldTable) b[2] : FieldTable.EMPTY);
        }
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("a.b.c", "t1 t2 t5 t6 t10 t11 t12 t18 t20 t21 t22 t23 t24 t26");
        expected.put("a.b", "t3 t5 t6 t7 t8 t9 t11 t12 t15 t21 t22 t23 t24 t26");
        expected.put("a.b.b", "t3 t5 t6 t7 t11 t12 t14 t18 t21 t22 t23 t24 t26");
        expected.put("", "t5 t6 t17 t24");
        expected.put("b.c.c", "t5 t6 t18 t21 t22 t23 t24 t26");
        expected.put("a.a.a.a.a", "t5 t6 t11 t12 t21 t22 t23 t24");
        expected.put("vodka.gin", "t5 t6 t8 t21 t22 t23 t24");
        expected.put("vodka.martini", "t5 t6 t8 t19 t21 t22 t23 t24");
        expected.put("b.b.c", "t5 t6 t10 t13 t18 t21 t22 t23 t24 t26");
        expected.put("nothing.here.at.all", "t5 t6 t21 t22 t23 t24");
        expected.put("oneword", "t5 t6 t21 t22 t23 t24 t25");
        expected.put("args-test", "t5 t6 t21 t22 t23 t24 t25 t27");
        expectRoutes(expected);

        for (int i : new int[] {1, 5, 11, 19, 21, 28}) {
            Object[] b = bindings[i - 1];
            vhost.unbind(topic, vhost.queue((String) b[1]), (String) b[0],
                    b.length > 2 ? (FieldTable) b[2] : FieldTable.EMPTY);
        }
        expected.clear();
        expected.put("a.b.c", "t2 t6 t10 t12 t18 t20 t22 t23 t24 t26");
        expected.put("a.b", "t3 t6 t7 t8 t9 t12 t15 t22 t23 t24 t26");
        expected.put("a.b.b", "t3 t6 t7 t12 t14 t18 t22 t23 t24 t26");
        expected.put("", "t6 t17 t24");
        expected.put("b.c.c", "t6 t18 t22 t23 t24 t26");
        expected.put("a.a.a.a.a", "t6 t12 t22 t23 t24");
        expected.put("vodka.gin", "t6 t8 t22 t23 t24");
        expected.put("vodka.martini", "t6 t8 t22 t23 t24");
        expected.put("b.b.c", "t6 t10 t13 t18 t22 t23 t24 t26");
        expected.put("nothing.here.at.all", "t6 t22 t23 t24");
        expected.put("oneword", "t6 t22 t23 t24 t25");
        expected.put("args-test", "t6 t22 t23 t24 t25 t27");
        expectRoutes(expected);
    }

    private void expectRoutes(Map<String, String> expected) {
        expected.forEach((key, queues) -> assertEquals(new TreeSet<>(Arrays.asList(queues.split(" "))),
                messages.route(topic, key), "routing key '" + key + "'"));
    }

    @Test
    void unbindingTheLastBindingOfAPatternStopsItsRoutes() {
        Queue q = queue("q");
        vhost.bind(topic, q, "a.*", FieldTable.EMPTY);
        vhost.bind(topic, q, "#.b", FieldTable.EMPTY);
        assertEquals(Set.of("q"), messages.route(topic, "a.b"));
        vhost.unbind(topic, q, "a.*", FieldTable.EMPTY);
        assertEquals(Set.of("q"), messages.route(topic, "a.b"));
        assertEquals(Set.of(), messages.route(topic, "a.c"));
        vhost.unbind(topic, q, "#.b", FieldTable.EMPTY);
        assertEquals(Set.of(), messages.route(topic, "a.b"));
        assertEquals(Set.of(), messages.route(topic, ""));
    }

    /**
     * The trie against a plain recursive matcher, for many patterns sharing prefixes in one exchange: words
     * drawn from a, b, the empty word, '*' and '#'. Seeded, so a failure repeats.
     */
    @Test
    void trieAgreesWithAReferenceMatcher() {
        Random random = new Random(20240917L);
        String[] patternWords = {"a", "b", "", "*", "#"};
        String[] keyWords = {"a", "b", ""};
        Map<String, String> patterns = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) {
            String pattern = randomKey(random, patternWords);
            patterns.putIfAbsent(pattern, "p" + patterns.size());
        }
        patterns.forEach((pattern, queue) -> vhost.bind(topic, queue(queue), pattern, FieldTable.EMPTY));
        for (int i = 0; i < 300; i++) {
            String key = randomKey(random, keyWords);
            Set<String> expected = new TreeSet<>();
            patterns.forEach((pattern, queue) -> {
                if (referenceMatch(words(pattern), words(key))) {
                    expected.add(queue);
                }
            });
            assertEquals(expected, messages.route(topic, key), "routing key '" + key + "'");
        }
    }

    private static String randomKey(Random random, String[] words) {
        int n = random.nextInt(5);
        List<String> w = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            w.add(words[random.nextInt(words.length)]);
        }
        return String.join(".", w);
    }

    private static List<String> words(String key) {
        return key.isEmpty() ? List.of() : Arrays.asList(key.split("\\.", -1));
    }

    private static boolean referenceMatch(List<String> pattern, List<String> key) {
        if (pattern.isEmpty()) {
            return key.isEmpty();
        }
        String head = pattern.get(0);
        List<String> rest = pattern.subList(1, pattern.size());
        if (head.equals("#")) {
            for (int i = 0; i <= key.size(); i++) {
                if (referenceMatch(rest, key.subList(i, key.size()))) {
                    return true;
                }
            }
            return false;
        }
        return !key.isEmpty() && (head.equals("*") || head.equals(key.get(0)))
                && referenceMatch(rest, key.subList(1, key.size()));
    }
}
