package io.lenswire.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.lenswire.config.LenswireProperties;
import io.lenswire.config.PrivateDataDirectory;

/**
 * Guards management endpoints with {@code X-API-Key}. Keys come from configuration; with none
 * configured, one is generated at first start, stored in {@code <data-dir>/api-key} (created 0600)
 * and printed once on the console (never to the log).
 */
@Component("apiKeys")
public class ApiKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    public static final String HEADER = "X-API-Key";
    private static final String KEY_FILE = "api-key";

    private final List<byte[]> keys;

    public ApiKeys(LenswireProperties properties) throws IOException {
        List<String> configured = properties.getSecurity().getApiKeys().stream().filter(k -> k != null && !k.isBlank()).toList();
        if (configured.isEmpty()) {
            configured = List.of(generatedKey(properties.getDataDir()));
        }
        this.keys = configured.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** Shortest key accepted from the key file: a generated key is 35 characters. */
    static final int MIN_FILE_KEY_LENGTH = 16;

    private static String generatedKey(Path dataDir) throws IOException {
        Path file = dataDir.resolve(KEY_FILE);
        if (Files.exists(file)) {
            String key = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (key.isEmpty()) {
                throw new IllegalStateException("The API key file " + KEY_FILE + " in the data dir is empty: restore it,"
                        + " or delete it to have a new key generated");
            }
            if (key.length() < MIN_FILE_KEY_LENGTH || key.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                throw new IllegalStateException("The API key file " + KEY_FILE + " in the data dir is damaged (truncated, or not"
                        + " one line of printable characters): restore it, or delete it to have a new key generated");
            }
            LOG.info("API key read from {} in the data dir", KEY_FILE);
            return key;
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String key = "lw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        PrivateDataDirectory.ensure(dataDir);
        PrivateDataDirectory.writeNewSecret(file, key + "\n"); // owner-only from its first byte
        System.out.println("Lenswire generated an API key (shown once, kept in <data-dir>/" + KEY_FILE + "): " + key);
        LOG.info("generated an API key and stored it in {} in the data dir", KEY_FILE);
        return key;
    }

    /** Route step: throws 401 unless the request carries a valid key. */
    public void check(Exchange exchange) {
        checkKey(exchange.getIn().getHeader(HEADER, String.class));
    }

    /** The same check for endpoints outside Camel (the SSE stream): throws the same 401s. */
    public void checkKey(String presented) {
        if (presented == null || presented.isEmpty()) {
            throw missing();
        }
        if (!valid(presented)) {
            throw new ApiException(401, "unauthorized", "Invalid API key");
        }
    }

    private static ApiException missing() {
        return new ApiException(401, "unauthorized", "Missing API key: send it in the X-API-Key header");
    }

    private boolean valid(String presented) {
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] key : keys) {
            ok |= MessageDigest.isEqual(key, candidate); // constant time, and every key is tried
        }
        return ok;
    }
}
