package io.leveret.server.management;

/**
 * One area of the API (vhosts, queues, …) registering its handlers. Adding an area is one class and one
 * line in {@link ManagementApi#AREAS}.
 */
public interface Routes {
    void register(Router router, ManagementContext context);
}
