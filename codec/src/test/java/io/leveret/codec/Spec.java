package io.leveret.codec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spec file amqp-rabbitmq-0.9.1.json, read with a minimal JSON parser (the codec has no JSON
 * dependency and should not get one for its tests).
 */
final class Spec {
    record Argument(String name, String type) {
    }

    record MethodSpec(String className, int classId, String name, int id, boolean content, List<Argument> arguments) {
        int key() {
            return (classId << 16) | id;
        }

        /** The generated record, named as generate-methods.py names it. */
        Class<?> recordClass() throws ClassNotFoundException {
            return Class.forName("io.leveret.codec." + camel(className, true) + "Method$" + camel(name, true));
        }
    }

    static final List<MethodSpec> METHODS = load();

    private Spec() {
    }

    static String camel(String name, boolean upper) {
        String[] parts = name.split("-");
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            sb.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        String s = sb.toString().equals("nowait") ? "noWait" : sb.toString();
        return upper ? Character.toUpperCase(s.charAt(0)) + s.substring(1) : s;
    }

    @SuppressWarnings("unchecked")
    private static List<MethodSpec> load() {
        String text;
        try (InputStream in = Spec.class.getResourceAsStream("/amqp-rabbitmq-0.9.1.json")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> spec = (Map<String, Object>) new Parser(text).value();
        Map<String, String> domains = new LinkedHashMap<>();
        for (Object d : (List<Object>) spec.get("domains")) {
            List<Object> pair = (List<Object>) d;
            domains.put((String) pair.get(0), (String) pair.get(1));
        }
        List<MethodSpec> methods = new ArrayList<>();
        for (Object c : (List<Object>) spec.get("classes")) {
            Map<String, Object> cls = (Map<String, Object>) c;
            for (Object m : (List<Object>) cls.get("methods")) {
                Map<String, Object> method = (Map<String, Object>) m;
                List<Argument> args = new ArrayList<>();
                for (Object a : (List<Object>) method.get("arguments")) {
                    Map<String, Object> arg = (Map<String, Object>) a;
                    String type = (String) (arg.containsKey("type") ? arg.get("type") : arg.get("domain"));
                    while (domains.containsKey(type) && !domains.get(type).equals(type)) {
                        type = domains.get(type);
                    }
                    args.add(new Argument(camel((String) arg.get("name"), false), type));
                }
                methods.add(new MethodSpec((String) cls.get("name"), ((Number) cls.get("id")).intValue(),
                        (String) method.get("name"), ((Number) method.get("id")).intValue(),
                        Boolean.TRUE.equals(method.get("content")), List.copyOf(args)));
            }
        }
        return List.copyOf(methods);
    }

    /** Just enough JSON: objects, arrays, strings (with escapes), numbers, true/false/null. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        Object value() {
            skip();
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                skip();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    skip();
                    String k = string();
                    skip();
                    expect(':');
                    m.put(k, value());
                    skip();
                    if (s.charAt(i++) == '}') {
                        return m;
                    }
                }
            }
            if (c == '[') {
                i++;
                List<Object> l = new ArrayList<>();
                skip();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    skip();
                    if (s.charAt(i++) == ']') {
                        return l;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String num = s.substring(start, i);
            return num.matches("-?\\d+") ? (Object) Long.parseLong(num) : (Object) Double.parseDouble(num);
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
        }

        private void expect(char c) {
            if (s.charAt(i++) != c) {
                throw new IllegalStateException("expected " + c + " at " + (i - 1));
            }
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
