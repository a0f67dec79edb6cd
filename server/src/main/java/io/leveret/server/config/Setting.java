package io.leveret.server.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One row of the key table: a supported key, its type, its built-in default (as the text a user would
 * write) and the one-line explanation that conf/leveret.conf repeats above it.
 *
 * <p>A name ending in {@code .$name} is a family, as in RabbitMQ's schema: {@code listeners.tcp.$name}
 * stands for {@code listeners.tcp.default}, {@code listeners.tcp.local}, and so on. A family's default
 * belongs to its {@code default} member and applies only when no member is set at all, so that
 * {@code listeners.tcp.1 = 127.0.0.1:5672} replaces the default listener instead of clashing with it.
 */
record Setting<T>(String name, ValueType<T> type, String defaultValue, String doc, String defaultMember,
                  Map<String, String> moreDefaults) {

    private static final String FAMILY_SUFFIX = ".$name";
    /** What $name may stand for: one key segment. */
    private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9_-]+");

    Setting(String name, ValueType<T> type, String defaultValue, String doc) {
        this(name, type, defaultValue, doc, "default", Map.of());
    }

    /**
     * A family whose built-in default is {@code defaultValue} under {@code defaultMember} (as
     * {@code loopback_users.guest = true}), plus {@code moreDefaults} (member to value, in order) when
     * the built-in default has several members, as auth_mechanisms does.
     */
    static <T> Setting<T> family(String name, ValueType<T> type, String defaultMember, String defaultValue,
                                 Map<String, String> moreDefaults, String doc) {
        return new Setting<>(name, type, defaultValue, doc, defaultMember, moreDefaults);
    }

    /** Every built-in default as key to value: one entry, or a family's several members. */
    Map<String, String> defaults() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put(defaultKey(), defaultValue);
        moreDefaults.forEach((member, value) -> all.put(familyPrefix() + member, value));
        return all;
    }

    boolean isFamily() {
        return name.endsWith(FAMILY_SUFFIX);
    }

    /** For a family, the key prefix with its trailing dot, e.g. {@code listeners.tcp.}. */
    String familyPrefix() {
        return name.substring(0, name.length() - FAMILY_SUFFIX.length() + 1);
    }

    /** The key the default value is written under: the name itself, or a family's {@code default} member. */
    String defaultKey() {
        return isFamily() ? familyPrefix() + defaultMember : name;
    }

    boolean matches(String key) {
        if (!isFamily()) {
            return name.equals(key);
        }
        return key.startsWith(familyPrefix()) && MEMBER.matcher(key.substring(familyPrefix().length())).matches();
    }

    /** {@code LEVERET_} + key upper-cased with dots as underscores; for a family, the prefix of such names. */
    String environmentName() {
        String key = isFamily() ? familyPrefix() : name;
        return ConfigLoader.ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}
