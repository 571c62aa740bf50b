package io.lenswire.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver: a real HTTP server on 127.0.0.1 that records every request (time of arrival,
 * headers, body as sent) and answers with a configurable status, or hangs (reads the request and
 * never answers, until {@link #close}). Each request is handled on its own thread, so hanging
 * requests do not hold up the recording of others.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived. {@code receivedAtMillis} is this JVM's wall clock when its body was read. */
    public record Request(long receivedAtMillis, String method, String path, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** The headers as java.net.http wants them (what the Standard Webhooks library verifies against). */
        public java.net.http.HttpHeaders httpHeaders() {
            return java.net.http.HttpHeaders.of(headers, (a, b) -> true);
        }

        public JsonNode json() {
            try {
                return Api.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    private final String name;
    private final HttpServer server;
    private final ExecutorService threads;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile int status = 200;
    private volatile boolean hang;
    private volatile boolean closeConnections;

    private WebhookReceiver(String name) throws IOException {
        this.name = name;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "receiver-" + name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A receiver answering 200 until told otherwise. */
    public static WebhookReceiver start(String name) {
        try {
            return new WebhookReceiver(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** http://127.0.0.1:port/hooks/name */
    public String url() {
        return "http://127.0.0.1:" + port() + "/hooks/" + name;
    }

    /** From now on every request gets this status (an empty body). */
    public WebhookReceiver answer(int status) {
        this.status = status;
        this.hang = false;
        return this;
    }

    /** From now on requests are read and never answered. */
    public WebhookReceiver hang() {
        this.hang = true;
        return this;
    }

    /** Answers with Connection: close, so every request comes on a new connection (and a new DNS lookup). */
    public WebhookReceiver closeConnections() {
        this.closeConnections = true;
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(Predicate<Request> which) {
        return requests.stream().filter(which).toList();
    }

    /** Waits until at least {@code n} requests matching {@code which} have arrived; returns those. */
    public List<Request> await(int n, Duration timeout, Predicate<Request> which) {
        Wait.until(n + " request(s) at receiver " + name, timeout, () -> requests(which).size() >= n);
        return requests(which);
    }

    public List<Request> await(int n, Duration timeout) {
        return await(n, timeout, r -> true);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            requests.add(new Request(System.currentTimeMillis(), exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), headers, body));
            if (hang) {
                released.await();
                return;
            }
            if (closeConnections) {
                exchange.getResponseHeaders().set("Connection", "close");
            }
            exchange.sendResponseHeaders(status, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        List<String> seen = new ArrayList<>();
        for (Request r : requests) {
            seen.add(r.header("webhook-id"));
        }
        return "WebhookReceiver[" + name + " " + url() + " " + seen + "]";
    }
}
