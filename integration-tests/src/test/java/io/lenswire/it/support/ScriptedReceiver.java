package io.lenswire.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToIntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookVerificationException;

/**
 * A real HTTP webhook receiver on 127.0.0.1: records every request (headers, body, the status it
 * answered) and answers what {@code answer} says for it. Signatures are checked by the tests with
 * the Standard Webhooks library ({@link Request#verify}), independently of the server's signer.
 */
public final class ScriptedReceiver implements AutoCloseable {

    /** One request as received. Header names are lower case. */
    public record Request(Instant receivedAt, String method, String path, Map<String, List<String>> headers, String body, int answered) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String webhookId() {
            return header("webhook-id");
        }

        public JsonNode json() {
            try {
                return Api.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("webhook body is not JSON: " + body, e);
            }
        }

        public HttpHeaders httpHeaders() {
            return HttpHeaders.of(headers, (a, b) -> true);
        }

        /** Throws unless the signature verifies with {@code secret} (the spec's own implementation). */
        public void verify(String secret) throws WebhookVerificationException, EmptyWebhookSecretException {
            new Webhook(secret).verify(body, httpHeaders());
        }
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ToIntFunction<Request> answer;

    private ScriptedReceiver(int port, ToIntFunction<Request> answer) throws IOException {
        this.answer = answer;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    /** Starts a receiver on {@code port} (0: any free one); {@code answer} gives the status of each request (its answered field is 0). */
    public static ScriptedReceiver start(int port, ToIntFunction<Request> answer) {
        try {
            return new ScriptedReceiver(port, answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            Request received = new Request(Instant.now(), exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(headers), body, 0);
            int status;
            try {
                status = answer.applyAsInt(received);
            } catch (RuntimeException e) {
                status = 500;
            }
            // recorded before the answer goes out: whoever sees the answer's effect sees the record
            requests.add(new Request(received.receivedAt(), received.method(), received.path(), received.headers(), body, status));
            exchange.sendResponseHeaders(status, -1);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Every request so far, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
