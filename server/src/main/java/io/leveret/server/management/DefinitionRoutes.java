package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.definitions.DefinitionsFile;
import io.leveret.server.protocol.Version;

/**
 * GET /api/definitions (everything, as rabbitmqctl export_definitions writes it) and
 * GET /api/definitions/{vhost} (one vhost's parameters, policies, queues, exchanges and bindings, without
 * vhost fields), from the durable definitions.
 */
final class DefinitionRoutes implements Routes {

    @Override
    public void register(Router router, ManagementContext ctx) {
        router.get("/api/definitions", Tag.ADMINISTRATOR, req -> DefinitionsFile.toJson(ctx.definitions().snapshot()));
        router.add(io.netty.handler.codec.http.HttpMethod.POST, "/api/definitions", Tag.ADMINISTRATOR,
                req -> DefinitionImport.run(ctx, req, null));
        router.add(io.netty.handler.codec.http.HttpMethod.POST, "/api/definitions/{vhost}", Tag.ADMINISTRATOR,
                req -> DefinitionImport.run(ctx, req, Access.vhost(ctx, req).name()));
        router.get("/api/definitions/{vhost}", Tag.ADMINISTRATOR, req -> {
            String vhost = Access.vhost(ctx, req).name();
            ObjectNode all = DefinitionsFile.toJson(ctx.definitions().snapshot());
            ObjectNode out = Json.object();
            out.put("rabbit_version", Version.RABBITMQ);
            for (String section : new String[] {"parameters", "policies", "queues", "exchanges", "bindings"}) {
                ArrayNode list = out.putArray(section);
                for (JsonNode item : all.path(section)) {
                    if (item.path("vhost").asText().equals(vhost)) {
                        ObjectNode copy = ((ObjectNode) item).deepCopy();
                        if (!section.equals("parameters")) {
                            copy.remove("vhost");
                        }
                        list.add(copy);
                    }
                }
            }
            return out;
        });
    }
}
