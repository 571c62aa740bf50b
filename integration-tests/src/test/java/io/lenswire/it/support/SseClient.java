package io.lenswire.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Server-Sent Events reader over a real HTTP connection (java.net.http, HTTP/1.1): parses
 * {@code id:}, {@code event:} and {@code data:} fields into events (one per blank line, as the
 * specification dispatches them) and keeps comment lines. After {@link #close} nothing more is
 * recorded, so a test sees exactly what this connection delivered while it was open.
 */
public final class SseClient implements AutoCloseable {

    /** One dispatched event; {@code data} is the data lines joined with \n. */
    public record Event(String id, String event, String data) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpResponse<InputStream> response;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean closed;
    private volatile Throwable failure;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the stream; {@code lastEventId} null for none. Fails unless the answer is 200 text/event-stream. */
    public static SseClient connect(String base, String apiKey, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/events/stream"))
                .header("X-API-Key", apiKey).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() != 200 || !type.startsWith("text/event-stream")) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = e.toString();
            }
            throw new AssertionError("event stream answered " + response.statusCode() + " " + type + ": " + body);
        }
        return new SseClient(response);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            String line;
            while (!closed && (line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null && !closed) {
                        events.add(new Event(id, event == null ? "message" : event, data.toString()));
                    }
                    id = null;
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1).strip());
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { /* retry and unknown fields: ignored */ }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                failure = e;
            }
        }
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<String> comments() {
        return List.copyOf(comments);
    }

    /** Waits for the server's first comment: from then on, every new event is on this stream. */
    public SseClient awaitOpen(Duration timeout) {
        Wait.until("the event stream's opening comment", timeout, () -> !comments.isEmpty());
        return this;
    }

    public List<Event> awaitEvents(int n, Duration timeout) {
        Wait.until(n + " event(s) on the stream (have " + events.size() + ")", timeout, () -> {
            if (failure != null) {
                throw new AssertionError("event stream failed", failure);
            }
            return events.size() >= n;
        });
        return events();
    }

    @Override
    public void close() {
        closed = true;
        try {
            response.body().close();
        } catch (IOException ignored) {
            // closing anyway
        }
        reader.interrupt();
    }
}
