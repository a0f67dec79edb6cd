package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nothing a client sends over HTTP crashes the broker or leaks a buffer: garbage, a broken request line,
 * a body larger than allowed, a connection dropped mid-body, a huge mix of calls. Each runs on a private
 * Leveret with paranoid leak detection, whose log must show no LEAK report ({@link PrivateBroker}).
 */
@ExtendWith(PrivateBroker.class)
class ManagementRobustnessTest {

    private static String exchange(URI api, String request) throws Exception {
        try (Socket s = new Socket(api.getHost(), api.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void badInputIsAnsweredOrDroppedAndTheApiStillServes(BrokerUnderTest broker) throws Exception {
        URI api = URI.create(broker.managementUri());
        ManagementHttp http = ManagementHttp.of(broker);

        assertTrue(exchange(api, "\u0001\u0002garbage\r\n\r\n").startsWith("HTTP/1.1 400"));
        assertTrue(exchange(api, "GET /api/%zz HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 400"));
        String tooBig = exchange(api, "PUT /api/queues/%2F/big HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + (1L << 40) + "\r\n\r\n{");
        assertTrue(tooBig.startsWith("HTTP/1.1 413"), tooBig);
        try (Socket s = new Socket(api.getHost(), api.getPort())) {
            s.getOutputStream().write(("PUT /api/queues/%2F/half HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
                    + "\r\n{\"durable\"").getBytes(StandardCharsets.ISO_8859_1));
        }
        for (int i = 0; i < 50; i++) {
            http.put("/api/queues/%2F/robust-" + i, i % 2 == 0 ? "{\"arguments\":{\"x-max-length\":\"x\"}}" : "[1,");
            http.post("/api/queues/%2F/robust-" + i + "/get", "{\"count\":\"many\"}");
            http.post("/api/exchanges/%2F/amq.default/publish", "{\"routing_key\":\"r\",\"payload\":\"" + i
                    + "\",\"payload_encoding\":\"base64\",\"properties\":{\"headers\":[1]}}");
        }
        assertEquals(200, http.get("/api/overview").statusCode());
        assertEquals(404, http.get("/api/queues/%2F/big").statusCode());
        assertEquals(404, http.get("/api/queues/%2F/half").statusCode());
    }
}
