package io.leveret.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A salted password hash in RabbitMQ's format, so that definitions move between RabbitMQ and Leveret
 * unchanged: {@code base64(salt ++ H(salt ++ utf8(password)))} with a 4-byte random salt, H named by the
 * definitions' {@code hashing_algorithm}. The password itself is never kept.
 *
 * @param algorithm the hash function
 * @param saltAndHash the 4 salt bytes followed by the digest
 */
public record PasswordHash(Algorithm algorithm, byte[] saltAndHash) {
    private static final int SALT_LENGTH = 4;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** RabbitMQ's password hashing modules and the digest each uses. */
    public enum Algorithm {
        SHA256("rabbit_password_hashing_sha256", "SHA-256"),
        SHA512("rabbit_password_hashing_sha512", "SHA-512"),
        MD5("rabbit_password_hashing_md5", "MD5");

        private final String rabbitName;
        private final String digest;

        Algorithm(String rabbitName, String digest) {
            this.rabbitName = rabbitName;
            this.digest = digest;
        }

        /** The module name used in definitions files: {@code rabbit_password_hashing_sha256}. */
        public String rabbitName() {
            return rabbitName;
        }

        /** By module name; throws IllegalArgumentException naming the ones we know otherwise. */
        public static Algorithm byRabbitName(String name) {
            for (Algorithm a : values()) {
                if (a.rabbitName.equals(name)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown hashing_algorithm '" + name
                    + "' (expected rabbit_password_hashing_sha256, _sha512 or _md5)");
        }

        byte[] digest(byte[] salt, byte[] password) {
            try {
                MessageDigest md = MessageDigest.getInstance(digest);
                md.update(salt);
                md.update(password);
                return md.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK lacks " + digest, e);
            }
        }
    }

    public PasswordHash {
        saltAndHash = saltAndHash.clone();
        if (saltAndHash.length <= SALT_LENGTH) {
            throw new IllegalArgumentException("a password hash holds a " + SALT_LENGTH + "-byte salt and a digest");
        }
    }

    /** Hashes {@code password} with a fresh random salt. */
    public static PasswordHash of(Algorithm algorithm, String password) {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return withSalt(algorithm, salt, password);
    }

    static PasswordHash withSalt(Algorithm algorithm, byte[] salt, String password) {
        byte[] digest = algorithm.digest(salt, password.getBytes(StandardCharsets.UTF_8));
        byte[] out = Arrays.copyOf(salt, SALT_LENGTH + digest.length);
        System.arraycopy(digest, 0, out, SALT_LENGTH, digest.length);
        return new PasswordHash(algorithm, out);
    }

    /** Reads a definitions file's {@code password_hash} (base64); throws IllegalArgumentException if malformed. */
    public static PasswordHash parse(Algorithm algorithm, String base64) {
        return new PasswordHash(algorithm, Base64.getDecoder().decode(base64));
    }

    /** True if {@code password} hashes to this (compared in constant time). */
    public boolean matches(String password) {
        byte[] salt = Arrays.copyOf(saltAndHash, SALT_LENGTH);
        byte[] expected = Arrays.copyOfRange(saltAndHash, SALT_LENGTH, saltAndHash.length);
        return MessageDigest.isEqual(expected, algorithm.digest(salt, password.getBytes(StandardCharsets.UTF_8)));
    }

    /** The definitions file's {@code password_hash}. */
    public String base64() {
        return Base64.getEncoder().encodeToString(saltAndHash);
    }

    @Override
    public byte[] saltAndHash() {
        return saltAndHash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash h && h.algorithm == algorithm && Arrays.equals(h.saltAndHash, saltAndHash);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 31 + Arrays.hashCode(saltAndHash);
    }

    @Override
    public String toString() {
        return algorithm.rabbitName + ":<hash>";
    }
}
