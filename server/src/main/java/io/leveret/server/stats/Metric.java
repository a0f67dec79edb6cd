package io.leveret.server.stats;

/**
 * The message counters of RabbitMQ's {@code message_stats}, named as its JSON names them, and the octet
 * counters of a connection. The order is the index into {@link Counters}; it is not part of any format.
 */
public enum Metric {
    PUBLISH("publish"),
    CONFIRM("confirm"),
    DELIVER("deliver"),
    DELIVER_NO_ACK("deliver_no_ack"),
    GET("get"),
    GET_NO_ACK("get_no_ack"),
    GET_EMPTY("get_empty"),
    ACK("ack"),
    REDELIVER("redeliver"),
    RETURN_UNROUTABLE("return_unroutable"),
    DROP_UNROUTABLE("drop_unroutable"),
    PUBLISH_IN("publish_in"),
    PUBLISH_OUT("publish_out"),
    RECV_OCT("recv_oct"),
    SEND_OCT("send_oct"),
    /** Publishes routed to at least one queue (Prometheus only: rabbitmq_global_messages_routed_total). */
    ROUTED("routed"),
    /** Publishes on a channel in confirm mode (Prometheus only: ..._received_confirm_total). */
    RECEIVED_CONFIRM("received_confirm"),
    /** deliver + deliver_no_ack + get + get_no_ack: never counted, filled into each sample by the sampler. */
    DELIVER_GET("deliver_get");

    static final Metric[] ALL = values();

    private final String key;

    Metric(String key) {
        this.key = key;
    }

    /** The name in RabbitMQ's JSON: {@code publish}, {@code publish_details}. */
    public String key() {
        return key;
    }
}
