package io.lenswire.analytics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.lenswire.api.ApiException;
import io.lenswire.api.ApiResponses;
import io.lenswire.events.EventStore;
import io.lenswire.events.StoredEvent;

/**
 * The enrollment endpoints: {@code POST /api/faces} (multipart: {@code name}, one or more
 * {@code images}), {@code POST /api/faces/{id}/images} (multipart {@code images}, or JSON
 * {@code {"event_id": "...", "camera_id": "..."}} for the face snapshot of a stored event), {@code GET /api/faces},
 * {@code DELETE /api/faces/{id}}, {@code GET /api/faces/{id}/images/{image_id}} (a stored photo's bytes).
 */
@Component("facesApi")
public class FacesApi {

    static final String NAME_FIELD = "name";
    static final String IMAGES_FIELD = "images";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FaceEnrollment enrollment;
    private final FaceRepository repository;
    private final AnalyticsProperties settings;
    private final ObjectProvider<EventStore> events;

    public FacesApi(FaceEnrollment enrollment, FaceRepository repository, AnalyticsProperties settings,
                    ObjectProvider<EventStore> events) {
        this.enrollment = enrollment;
        this.repository = repository;
        this.settings = settings;
        this.events = events;
    }

    public void enroll(Exchange exchange) {
        Form form = readForm(exchange);
        FaceRepository.PersonInfo person = enrollment.enroll(form.name(), form.images());
        exchange.setProperty(ApiResponses.STATUS, 201);
        exchange.getMessage().setBody(Map.of("success", true, "person", describe(person)));
    }

    public void addImages(Exchange exchange) {
        long id = personId(exchange);
        HttpServletRequest request = exchange.getIn() instanceof PlatformHttpMessage m ? m.getRequest() : null;
        String type = request == null || request.getContentType() == null ? "" : request.getContentType().toLowerCase();
        List<EnrollmentImages.Upload> images = type.startsWith("application/json")
                ? List.of(fromEvent(exchange.getIn().getBody(byte[].class)))
                : readForm(exchange).images();
        FaceRepository.PersonInfo person = enrollment.addImages(id, images);
        exchange.setProperty(ApiResponses.STATUS, 201);
        exchange.getMessage().setBody(Map.of("success", true, "person", describe(person)));
    }

    public void list(Exchange exchange) {
        List<Map<String, Object>> people = enrollment.all().stream().map(FacesApi::describe).toList();
        exchange.getMessage().setBody(Map.of("success", true, "persons", people));
    }

    public void delete(Exchange exchange) {
        long id = personId(exchange);
        if (!enrollment.delete(id)) {
            throw ApiException.notFound("No enrolled person with id " + id);
        }
        exchange.getMessage().setBody(Map.of("success", true, "id", id, "message", "Person deleted"));
    }

    /** A stored photo as uploaded (JPEG or PNG), so a client can show whom it enrolled. */
    public void image(Exchange exchange) {
        long id = personId(exchange);
        String raw = exchange.getIn().getHeader("image_id", String.class);
        FaceRepository.StoredPhoto photo = raw == null || !raw.matches("[0-9]{1,18}") ? null
                : repository.photo(id, Long.parseLong(raw)).orElse(null);
        if (photo == null) {
            throw ApiException.notFound("No image '" + ApiException.printable(raw) + "' of an enrolled person with id " + id);
        }
        exchange.getMessage().setHeaders(new LinkedHashMap<>());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, photo.contentType());
        // a stored photo never changes; deleting the person deletes it
        exchange.getMessage().setHeader("Cache-Control", "private, max-age=86400");
        exchange.getMessage().setBody(photo.data());
    }

    /**
     * The face snapshot of a stored event as an enrollment image: {@code {"event_id": "...",
     * "camera_id": "..."}} ({@code camera_id} optional; when given it must be the event's camera).
     */
    private EnrollmentImages.Upload fromEvent(byte[] body) {
        JsonNode json;
        try {
            json = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest("The JSON body could not be read: " + ApiException.printable(e.getMessage()));
        }
        if (json == null || !json.isObject() || !json.path("event_id").isTextual() || json.path("event_id").asText().isBlank()) {
            throw ApiException.badRequest("Send {\"event_id\": \"...\"} (and optionally \"camera_id\") to enroll the face of a stored event,"
                    + " or the images as multipart/form-data");
        }
        for (java.util.Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("event_id") && !f.equals("camera_id")) {
                throw ApiException.badRequest("Unknown field '" + ApiException.printable(f) + "'; allowed: event_id, camera_id");
            }
        }
        String eventId = json.path("event_id").asText();
        EventStore store = events.getIfAvailable();
        StoredEvent event = store == null ? null : store.find(eventId).orElse(null);
        if (event == null) {
            throw ApiException.notFound("No stored event with id '" + ApiException.printable(eventId) + "'");
        }
        if (json.hasNonNull("camera_id") && !json.path("camera_id").asText().equals(event.cameraId())) {
            throw ApiException.badRequest("Event '" + ApiException.printable(eventId) + "' is not from camera '"
                    + ApiException.printable(json.path("camera_id").asText()) + "'");
        }
        byte[] face = store.snapshot(eventId, "face").orElseThrow(() -> ApiException.notFound(
                "Event '" + ApiException.printable(eventId) + "' has no face snapshot"));
        return new EnrollmentImages.Upload("event-" + eventId + "-face.jpg", "image/jpeg", face);
    }

    static Map<String, Object> describe(FaceRepository.PersonInfo p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("name", p.name());
        m.put("images", p.images().stream().map(i -> {
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("image_id", i.id());
            image.put("file_name", i.fileName());
            image.put("content_type", i.contentType());
            image.put("width", i.width());
            image.put("height", i.height());
            image.put("face", Map.of("bbox", i.faceBox(), "score", Math.round(i.faceScore() * 1000) / 1000.0));
            return image;
        }).toList());
        return m;
    }

    private static long personId(Exchange exchange) {
        String raw = exchange.getIn().getHeader("id", String.class);
        if (raw == null || !raw.matches("[0-9]{1,18}")) {
            throw ApiException.notFound("No enrolled person with id '" + ApiException.printable(raw) + "'");
        }
        return Long.parseLong(raw);
    }

    record Form(String name, List<EnrollmentImages.Upload> images) {
    }

    private Form readForm(Exchange exchange) {
        HttpServletRequest request = exchange.getIn() instanceof PlatformHttpMessage m ? m.getRequest() : null;
        String type = request == null || request.getContentType() == null ? "" : request.getContentType().toLowerCase();
        if (request == null || !type.startsWith("multipart/form-data")) {
            throw new ApiException(415, "unsupported_media_type",
                    "Send the images as multipart/form-data: a field 'name' and one or more files in 'images'");
        }
        Collection<Part> parts;
        try {
            parts = request.getParts();
        } catch (IOException | ServletException | IllegalStateException e) {
            throw ApiException.badRequest("The multipart body could not be read: " + ApiException.printable(e.getMessage()));
        }
        long maxBytes = settings.getEnrollment().getMaxImageSize().toBytes();
        String name = null;
        List<EnrollmentImages.Upload> images = new ArrayList<>();
        for (Part part : parts) {
            if (NAME_FIELD.equals(part.getName()) && part.getSubmittedFileName() == null) {
                name = new String(read(part, 4096), StandardCharsets.UTF_8);
            } else if (IMAGES_FIELD.equals(part.getName())) {
                if (part.getSize() > maxBytes) {
                    throw new ApiException(413, "payload_too_large", "image " + (images.size() + 1)
                            + (part.getSubmittedFileName() == null ? "" : " ('" + ApiException.printable(part.getSubmittedFileName()) + "')")
                            + " is larger than " + (maxBytes / (1024 * 1024)) + " MB");
                }
                images.add(new EnrollmentImages.Upload(part.getSubmittedFileName(), part.getContentType(), read(part, maxBytes)));
            } else {
                throw ApiException.badRequest("Unknown form field '" + ApiException.printable(part.getName()) + "'; allowed: name, images");
            }
        }
        return new Form(name, images);
    }

    private static byte[] read(Part part, long max) {
        try (InputStream in = part.getInputStream()) {
            return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        } catch (IOException e) {
            throw ApiException.badRequest("The upload could not be read");
        }
    }

}
