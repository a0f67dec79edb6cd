package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * AMQPS: listeners.ssl with PEM files, TLS 1.2 and 1.3, mutual TLS (verify_peer + fail_if_no_peer_cert),
 * EXTERNAL by the client certificate's CN, and three clients (Java, pika, amqplib). The CA and the
 * certificates are made at run time with the openssl command line, thrown away afterwards.
 */
class TlsTest {
    private static Path dir;
    private static PrivateLeveret broker;

    @BeforeAll
    static void start() throws Exception {
        PrivateLeveret.assumeLocal();
        boolean openssl = runs(List.of("openssl", "version"));
        if (!openssl && Boolean.getBoolean("interop.requireClients")) {
            throw new AssertionError("the openssl command is not installed, and interop.requireClients is set");
        }
        Assumptions.assumeTrue(openssl, "the openssl command is not installed");
        dir = Files.createTempDirectory("leveret-tls");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=Leveret Test CA");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        for (String[] who : new String[][] {{"server", "/CN=localhost"}, {"client", "/CN=tls-user/O=Leveret Test"}}) {
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", who[0] + ".key", "-out", who[0] + ".csr",
                    "-subj", who[1]);
            openssl("x509", "-req", "-in", who[0] + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", who[0] + ".pem", "-days", "2", "-extfile", who[0] + ".ext");
        }
        Path defs = Files.writeString(dir.resolve("defs.json"), new TestDefinitions().user("tls-user", "unused")
                .permission("tls-user", "/", ".*", ".*", ".*").json());
        broker = PrivateLeveret.start(dir, List.of(), String.join("\n",
                "listeners.ssl.default = 0",
                "ssl_options.cacertfile = " + dir.resolve("ca.pem"),
                "ssl_options.certfile = " + dir.resolve("server.pem"),
                "ssl_options.keyfile = " + dir.resolve("server.key"),
                "ssl_options.verify = verify_peer",
                "ssl_options.fail_if_no_peer_cert = true",
                "auth_mechanisms.1 = PLAIN",
                "auth_mechanisms.2 = AMQPLAIN",
                "auth_mechanisms.3 = EXTERNAL",
                "load_definitions = " + defs));
        assertTrue(broker.tlsPort() > 0, broker.log());
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void tls12And13BothNegotiateAndSpeakAmqp() throws Exception {
        for (String version : List.of("TLSv1.2", "TLSv1.3")) {
            SSLContext ctx = context(true);
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", broker.tlsPort())) {
                s.setEnabledProtocols(new String[] {version});
                s.setSoTimeout(10_000);
                s.startHandshake();
                assertEquals(version, s.getSession().getProtocol());
                s.getOutputStream().write("AMQP\0\0\11\1".getBytes(StandardCharsets.ISO_8859_1));
                DataInputStream in = new DataInputStream(s.getInputStream());
                assertEquals(1, in.readUnsignedByte(), "a method frame");
                assertEquals(0, in.readUnsignedShort(), "on channel 0");
                in.readInt();
                assertEquals(10, in.readUnsignedShort(), "connection class");
                assertEquals(10, in.readUnsignedShort(), "start");
            }
        }
    }

    @Test
    void javaClientWithPlainOverMutualTls() throws Exception {
        ConnectionFactory f = factory(true);
        try (Connection c = f.newConnection()) {
            Channel ch = c.createChannel();
            String q = ch.queueDeclare().getQueue();
            ch.confirmSelect();
            ch.basicPublish("", q, null, "secure".getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(10_000);
            assertEquals("secure", new String(BrokerTestSupport.awaitGet(ch, q, true).getBody(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void withoutAClientCertificateTheHandshakeFails() throws Exception {
        ConnectionFactory f = factory(false);
        assertThrows(IOException.class, f::newConnection);
        assertTrue(broker.isAlive());
    }

    @Test
    void externalLogsInTheCertificatesCommonName() throws Exception {
        ConnectionFactory f = factory(true);
        f.setSaslConfig(DefaultSaslConfig.EXTERNAL);
        try (Connection c = f.newConnection()) {
            Channel ch = c.createChannel();
            String q = ch.queueDeclare().getQueue();
            ch.confirmSelect();
            // user_id must be the authenticated user, so this proves who we are.
            ch.basicPublish("", q, new AMQP.BasicProperties.Builder().userId("tls-user").build(), new byte[0]);
            ch.waitForConfirmsOrDie(10_000);
        }
        // EXTERNAL over plain TCP has no certificate: refused, as RabbitMQ.
        ConnectionFactory plain = broker.factory("x", "x", "/");
        plain.setSaslConfig(DefaultSaslConfig.EXTERNAL);
        assertThrows(Exception.class, plain::newConnection);
    }

    @Test
    void pikaOverTls() {
        ClientScripts.requirePika();
        runScript(List.of(ClientScripts.PYTHON, "-u", "tls.py", broker.uri("guest", "guest", "/"), "127.0.0.1",
                Integer.toString(broker.tlsPort()), dir.resolve("ca.pem").toString(), dir.resolve("client.pem").toString(),
                dir.resolve("client.key").toString()), ClientScripts.pythonDir());
    }

    @Test
    void amqplibOverTls() {
        ClientScripts.requireAmqplib();
        runScript(List.of("node", "tls.js", broker.uri("guest", "guest", "/"),
                "amqps://guest:guest@localhost:" + broker.tlsPort() + "/%2F", dir.resolve("ca.pem").toString(),
                dir.resolve("client.pem").toString(), dir.resolve("client.key").toString()), ClientScripts.nodeDir());
    }

    private static void runScript(List<String> cmd, Path workDir) {
        try (ClientScripts.Running r = ClientScripts.Running.start(cmd, workDir)) {
            int code = r.awaitExit(ClientScripts.SCRIPT_TIMEOUT);
            assertEquals(0, code, () -> String.join(" ", cmd) + " exited " + code + ":\n" + r.output());
        }
    }

    private static ConnectionFactory factory(boolean clientCert) throws Exception {
        ConnectionFactory f = broker.factory("guest", "guest", "/");
        f.setPort(broker.tlsPort());
        f.useSslProtocol(context(clientCert));
        f.enableHostnameVerification();
        f.setHost("localhost");
        return f;
    }

    private static SSLContext context(boolean clientCert) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(dir.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", cf.generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCert) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            Certificate cert;
            try (var in = Files.newInputStream(dir.resolve("client.pem"))) {
                cert = cf.generateCertificate(in);
            }
            String pem = Files.readString(dir.resolve("client.key")).replaceAll("-----[A-Z ]+-----", "")
                    .replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            keys.setKeyEntry("client", key, new char[0], new Certificate[] {cert});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
    }

    private static boolean runs(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
