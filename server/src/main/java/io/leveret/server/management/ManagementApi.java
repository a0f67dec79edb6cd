package io.leveret.server.management;

import java.util.List;

/** Every area of the API; another area is one more entry here. */
public final class ManagementApi {
    /** In no particular order: routes do not overlap between areas. */
    static final List<Routes> AREAS = List.of(
            new OverviewRoutes(),
            new VhostRoutes(),
            new ExchangeRoutes(),
            new QueueRoutes(),
            new BindingRoutes(),
            new ConnectionRoutes(),
            new ChannelRoutes(),
            new HealthRoutes(),
            new DefinitionRoutes(),
            new UserRoutes(), new PermissionRoutes(), new PolicyRoutes(), new LimitRoutes(), new ParameterRoutes(),
            new LeveretRoutes());

    private ManagementApi() {
    }

    /** The route table with every area registered. */
    static Router router(ManagementContext context) {
        Router router = new Router();
        for (Routes area : AREAS) {
            area.register(router, context);
        }
        return router;
    }
}
