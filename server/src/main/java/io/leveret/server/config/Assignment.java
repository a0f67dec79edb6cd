package io.leveret.server.config;

/**
 * One {@code key = value} as some source wrote it.
 *
 * @param source where, for messages: {@code /etc/leveret.conf line 3}, {@code environment variable
 *               LEVERET_HEARTBEAT}, {@code command line --set heartbeat=60}
 */
record Assignment(String key, String value, String source) {
}
