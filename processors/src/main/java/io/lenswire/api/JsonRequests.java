package io.lenswire.api;

import java.io.IOException;
import java.io.InputStream;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/** Reads a JSON request body with the limits every endpoint shares: JSON only, 64 KB, an object. */
@Component
public class JsonRequests {

    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final ObjectReader json;

    public JsonRequests(ObjectMapper json) {
        // Strict on purpose: by default Jackson stops after the first value (so `{...} garbage` would
        // pass) and lets a repeated key silently win, so a proxy or log reading the first camera_id
        // could see a different request than we act on.
        this.json = json.reader()
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    public JsonNode readObject(Exchange exchange) {
        String contentType = exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase().split(";")[0].strip().equals("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "Send the body as application/json");
        }
        Long declared = exchange.getIn().getHeader("Content-Length", Long.class);
        if (declared != null && declared > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] body = readLimited(exchange);
        if (body.length == 0) {
            throw ApiException.badRequest("The request body is empty; a JSON object is required");
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("The request body is not valid JSON");
        } catch (IOException e) {
            throw ApiException.badRequest("The request body could not be read");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("The request body must be a JSON object");
        }
        return node;
    }

    private static byte[] readLimited(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof InputStream in) {
            try (in) {
                byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
                if (bytes.length > MAX_BODY_BYTES) {
                    throw tooLarge();
                }
                return bytes;
            } catch (IOException e) {
                throw ApiException.badRequest("The request body could not be read");
            }
        }
        byte[] bytes = exchange.getIn().getBody(byte[].class);
        if (bytes != null && bytes.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        return bytes == null ? new byte[0] : bytes;
    }

    private static ApiException tooLarge() {
        return new ApiException(413, "payload_too_large", "The request body is larger than 64 KB");
    }
}
