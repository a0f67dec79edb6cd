package io.leveret.server.management;

import io.leveret.server.security.Permission;
import io.leveret.server.security.User;
import io.leveret.server.vhost.VirtualHost;
import java.util.List;

/**
 * Which vhosts a user sees: monitoring and administrator users every vhost, management and policymaker
 * users only those they have permissions in (RabbitMQ's rule).
 */
final class Access {
    private Access() {
    }

    static boolean seesEveryVhost(User user) {
        return Tag.MONITORING.grantedBy(user.tags());
    }

    static boolean mayAccess(ManagementContext ctx, User user, String vhost) {
        return seesEveryVhost(user) || ctx.services().users().mayAccess(user.name(), vhost);
    }

    /** The vhosts the user sees, sorted by name. */
    static List<VirtualHost> visibleVhosts(ManagementContext ctx, User user) {
        return ctx.services().vhosts().values().stream()
                .filter(v -> mayAccess(ctx, user, v.name()))
                .sorted(java.util.Comparator.comparing(VirtualHost::name))
                .toList();
    }

    /**
     * The vhost the request's {@code {vhost}} names: 404 when it does not exist, 401 when the user may not
     * see it.
     */
    static VirtualHost vhost(ManagementContext ctx, ApiRequest req) {
        String name = req.param("vhost");
        VirtualHost v = ctx.services().vhosts().get(name);
        if (v == null) {
            throw ApiException.notFound();
        }
        if (!mayAccess(ctx, req.user(), name)) {
            throw new ApiException(io.netty.handler.codec.http.HttpResponseStatus.UNAUTHORIZED, "not_authorised",
                    "User not authorised to access virtual host");
        }
        return v;
    }

    /** The vhosts a list covers: the one named by {@code {vhost}} if the route has it, else all visible. */
    static List<VirtualHost> listed(ManagementContext ctx, ApiRequest req) {
        return req.params().containsKey("vhost") ? List.of(vhost(ctx, req)) : visibleVhosts(ctx, req.user());
    }

    /**
     * The user's configure, write or read permission on {@code name} in {@code vhost}, as AMQP checks it;
     * RabbitMQ's HTTP answer without it is 401 "Access refused.".
     */
    static void permit(ManagementContext ctx, ApiRequest req, String vhost, Permission.Access access, String name) {
        if (!allowed(ctx, req, vhost, access, name)) {
            throw Topology.accessRefused();
        }
    }

    static boolean allowed(ManagementContext ctx, ApiRequest req, String vhost, Permission.Access access, String name) {
        Permission p = ctx.services().users().permission(req.user().name(), vhost);
        return p != null && p.compiled().allows(access, name);
    }
}
