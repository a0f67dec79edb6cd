package io.leveret.server.management;

import java.util.List;

/**
 * RabbitMQ's management user tags, weakest first: a tag grants what the ones before it grant, so
 * {@code administrator} may do everything, {@code monitoring} sees every vhost, {@code policymaker} manages
 * policies and parameters, {@code management} sees the vhosts it has permissions in.
 */
public enum Tag {
    MANAGEMENT, POLICYMAKER, MONITORING, ADMINISTRATOR;

    /** True if a user with {@code tags} may use something that needs this tag. */
    public boolean grantedBy(List<String> tags) {
        for (String t : tags) {
            switch (t) {
                case "administrator" -> {
                    return true;
                }
                case "monitoring" -> {
                    if (this == MANAGEMENT || this == MONITORING) {
                        return true;
                    }
                }
                case "policymaker" -> {
                    if (this == MANAGEMENT || this == POLICYMAKER) {
                        return true;
                    }
                }
                case "management" -> {
                    if (this == MANAGEMENT) {
                        return true;
                    }
                }
                default -> {
                    // other tags (impersonator, custom ones) grant nothing here
                }
            }
        }
        return false;
    }

    /** RabbitMQ's 401 reason when the tag is missing. */
    String refusal() {
        return switch (this) {
            case MANAGEMENT -> "Not management user";
            case POLICYMAKER -> "Not policymaker user";
            case MONITORING -> "Not monitor user";
            case ADMINISTRATOR -> "Not administrator user";
        };
    }
}
