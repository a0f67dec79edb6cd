package io.leveret.server.transport;

import io.leveret.server.config.BrokerConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import javax.net.ssl.SSLException;

/** The server's TLS context from RabbitMQ's ssl_options: PEM files, the JDK's provider, TLS 1.2 and 1.3. */
public final class TlsContext {
    private TlsContext() {
    }

    /**
     * {@code verify_peer} asks for a client certificate and checks it against {@code cacertfile};
     * {@code fail_if_no_peer_cert} makes it required (mutual TLS), as in RabbitMQ (Erlang's ssl options).
     */
    public static SslContext of(BrokerConfig.Tls tls) throws IOException {
        if (tls.certFile() == null || tls.keyFile() == null) {
            throw new IOException("listeners.ssl needs ssl_options.certfile and ssl_options.keyfile");
        }
        if (tls.verifyPeer() && tls.caCertFile() == null) {
            throw new IOException("ssl_options.verify = verify_peer needs ssl_options.cacertfile");
        }
        try {
            SslContextBuilder b = SslContextBuilder.forServer(tls.certFile().toFile(), tls.keyFile().toFile())
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2");
            if (tls.caCertFile() != null) {
                b.trustManager(tls.caCertFile().toFile());
            }
            b.clientAuth(!tls.verifyPeer() ? ClientAuth.NONE
                    : tls.failIfNoPeerCert() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("cannot set up TLS from ssl_options (" + tls.certFile() + ", " + tls.keyFile()
                    + "): " + e.getMessage(), e);
        }
    }
}
