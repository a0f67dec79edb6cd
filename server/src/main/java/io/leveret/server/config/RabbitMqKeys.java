package io.leveret.server.config;

import java.util.List;

/**
 * rabbitmq.conf keys that Leveret recognises but does not honour yet. A file carried over from RabbitMQ
 * must still boot, so these are warned about and ignored; a key that is in neither this list nor the key
 * table is a typo and stops boot. Taken from RabbitMQ's rabbit.schema and its plugins' schemas.
 */
final class RabbitMqKeys {

    /** An entry ending in {@code .*} covers every key under that prefix; any other entry is one exact key. */
    static final List<String> UNSUPPORTED = List.of(
            // listeners and TLS
            "listeners.ssl", "ssl_options", "ssl_options.versions.*", "ssl_options.ciphers.*", "ssl_options.depth",
            "ssl_options.password", "ssl_options.honor_cipher_order", "ssl_options.honor_ecc_order",
            "ssl_options.client_renegotiation", "ssl_options.secure_renegotiate", "ssl_options.reuse_sessions",
            "ssl_options.hibernate_after", "num_acceptors.*", "tcp_listen_options",
            "tcp_listen_options.*", "ssl_allow_poodle_attack",
            "ssl_handshake_timeout", "ssl_cert_login_from", "proxy_protocol", "reverse_dns_lookups",
            "socket_writer.gc_threshold", "initial_frame_max",
            // users, permissions, authentication
            "default_users.*", "auth_backends.*", "auth_cache.*", "auth_ldap.*",
            "auth_http.*", "auth_oauth2.*", "anonymous_login_user", "anonymous_login_pass",
            "password_hashing_module", "credential_validator.*", "track_auth_attempt_source",
            // limits and resource alarms
            "ranch_connection_max", "channel_max_per_node", "consumer_max_per_channel",
            "vhost_max", "vm_memory_high_watermark", "vm_memory_calculation_strategy",
            "memory_monitor_interval", "total_memory_available_override_value", "disk_free_limit",
            "credit_flow_default_credit", "default_limits.*", "default_policies.*",
            // definitions, timeouts, queues
            "definitions.*", "consumer_timeout", "channel_operation_timeout",
            "queue_master_locator", "queue_leader_locator", "queue_index_embed_msgs_below",
            "queue_index_max_journal_entries", "classic_queue.*", "quorum_queue.*", "lazy_queue_explosion_interval",
            "mirroring_sync_batch_size", "mirroring_sync_max_throughput",
            // clustering and runtime
            "cluster_partition_handling", "cluster_partition_handling.*", "cluster_formation.*",
            "cluster_keepalive_interval", "cluster_tags.*", "delegate_count", "metadata_store.*", "raft.*",
            "distribution.*", "deprecated_features.*", "background_gc_enabled", "background_gc_target_interval",
            "erlang.*", "node_tags.*",
            // logging and statistics
            "log.console", "log.file.rotation.*", "log.file.formatter", "log.console.formatter", "log.exchange",
            "log.exchange.*", "log.syslog", "log.syslog.*", "log.default.*", "log.connection.*", "log.channel.*",
            "log.queue.*", "log.mirroring.*", "log.federation.*", "log.upgrade.*", "log.ldap.*", "log.dir",
            "collect_statistics", "collect_statistics_interval",
            // plugins
            "management.*", "management_agent.*", "prometheus.*", "mqtt.*", "stomp.*", "web_mqtt.*",
            "web_stomp.*", "stream.*", "shovel.*", "federation.*", "trust_store.*", "amqp1_0.*");

    private RabbitMqKeys() {
    }

    static boolean isUnsupported(String key) {
        for (String pattern : UNSUPPORTED) {
            boolean matches = pattern.endsWith(".*")
                    ? key.startsWith(pattern.substring(0, pattern.length() - 1))
                    && key.length() > pattern.length() - 1
                    : key.equals(pattern);
            if (matches) {
                return true;
            }
        }
        return false;
    }
}
