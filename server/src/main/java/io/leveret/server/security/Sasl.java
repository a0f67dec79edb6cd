package io.leveret.server.security;

import io.leveret.codec.CodecException;
import io.leveret.codec.FieldTable;
import io.leveret.codec.LongString;
import io.leveret.codec.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * The SASL mechanisms: PLAIN (RFC 4616) and AMQPLAIN, which RabbitMQ offers by default, and EXTERNAL
 * (RFC 4422 appendix A), which authenticates by the TLS client certificate's common name when
 * {@code auth_mechanisms} lists it (RabbitMQ's rabbitmq_auth_mechanism_ssl with ssl_cert_login_from =
 * common_name).
 */
public final class Sasl {
    /** The mechanisms offered in connection.start, space-separated, in RabbitMQ's order. */
    public static final String MECHANISMS = "PLAIN AMQPLAIN";
    public static final String EXTERNAL = "EXTERNAL";

    /** A user name and password taken from a start-ok response. */
    public record Credentials(String user, String password) {
    }

    private Sasl() {
    }

    public static boolean supports(String mechanism) {
        return mechanism.equals("PLAIN") || mechanism.equals("AMQPLAIN") || mechanism.equals(EXTERNAL);
    }

    /**
     * EXTERNAL: the user is the common name of the peer's verified certificate; null without TLS or
     * without a client certificate.
     */
    public static Credentials external(io.netty.handler.ssl.SslHandler ssl) {
        if (ssl == null) {
            return null;
        }
        try {
            java.security.cert.Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof java.security.cert.X509Certificate cert)) {
                return null;
            }
            String cn = commonName(cert.getSubjectX500Principal().getName());
            return cn == null ? null : new Credentials(cn, null);
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** The last CN of an RFC 2253 distinguished name, or null. */
    static String commonName(String dn) {
        try {
            String cn = null;
            for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(dn).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = rdn.getValue().toString();
                }
            }
            return cn;
        } catch (javax.naming.InvalidNameException e) {
            return null;
        }
    }

    /** Parses the response for {@code mechanism}; returns null if it is malformed. */
    public static Credentials parse(String mechanism, LongString response) {
        byte[] b = response.bytes();
        return switch (mechanism) {
            case "PLAIN" -> plain(b);
            case "AMQPLAIN" -> amqplain(b);
            default -> null;
        };
    }

    /** {@code [authzid] NUL authcid NUL passwd}. */
    private static Credentials plain(byte[] b) {
        int first = indexOf(b, 0);
        int second = first < 0 ? -1 : indexOf(b, first + 1);
        if (second < 0) {
            return null;
        }
        String user = new String(b, first + 1, second - first - 1, StandardCharsets.UTF_8);
        String pass = new String(b, second + 1, b.length - second - 1, StandardCharsets.UTF_8);
        return new Credentials(user, pass);
    }

    /** A field table without its length prefix, holding LOGIN and PASSWORD. */
    private static Credentials amqplain(byte[] b) {
        ByteBuf buf = Unpooled.buffer(b.length + 4);
        try {
            buf.writeInt(b.length).writeBytes(b);
            FieldTable t = Wire.readTable(buf, 2);
            Object login = t.get("LOGIN");
            Object password = t.get("PASSWORD");
            return login == null || password == null ? null : new Credentials(login.toString(), password.toString());
        } catch (CodecException e) {
            return null;
        } finally {
            buf.release();
        }
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
