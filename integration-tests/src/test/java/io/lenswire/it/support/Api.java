package io.lenswire.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Plain HTTP against the server, JSON in and out. */
public final class Api {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Api(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    public record Response(int status, String contentType, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    /** An answer whose body is bytes (images). */
    public record Binary(int status, String contentType, byte[] body) {
    }

    public String base() {
        return base;
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    }

    public Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int getStatusCode(String path) {
        try {
            return send(request(path).GET().build()).status();
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    /** GET without the API key, as a viewer's player sends it (HLS paths carry their token themselves). */
    public Response getWithoutKey(String pathAndQuery) {
        return send(request(pathAndQuery).GET().build());
    }

    public Response get(String path) {
        return send(request(path).header("X-API-Key", apiKey).GET().build());
    }

    /** GET with the API key, the body as bytes. */
    public Binary getBytes(String path) {
        try {
            HttpResponse<byte[]> r = http.send(request(path).header("X-API-Key", apiKey).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Binary(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response postJson(String path, String body) {
        return send(request(path).header("X-API-Key", apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Response delete(String path) {
        return send(request(path).header("X-API-Key", apiKey).DELETE().build());
    }

    public Response addCamera(String id, String url) {
        ObjectNode body = JSON.createObjectNode().put("camera_id", id).put("rtsp_url", url).put("name", "Camera " + id);
        return postJson("/api/stream/cameras/add", body.toString());
    }

    public Optional<JsonNode> camera(String id) {
        for (JsonNode c : get("/api/stream/cameras/status").json().path("cameras")) {
            if (id.equals(c.path("camera_id").asText())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    public String state(String id) {
        return camera(id).map(c -> c.path("state").asText()).orElse("ABSENT");
    }
}
