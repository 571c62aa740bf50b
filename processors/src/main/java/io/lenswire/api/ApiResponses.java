package io.lenswire.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Writes API answers and errors as JSON; the last step of every API route and its error handler. */
@Component("apiResponses")
public class ApiResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ApiResponses.class);
    /** Set by API beans on the exchange: the HTTP status of a successful answer (default 200). */
    public static final String STATUS = "LenswireHttpStatus";

    private final ObjectMapper json;

    public ApiResponses(ObjectMapper json) {
        this.json = json;
    }

    /** Serializes the body the API bean left (a Map or a record) with the status it chose. */
    public void render(Exchange exchange) throws JsonProcessingException {
        Integer status = exchange.getProperty(STATUS, 200, Integer.class);
        write(exchange, status, exchange.getMessage().getBody());
    }

    /** onException for {@link ApiException}: the client's fault, reported as is. */
    public void error(Exchange exchange) throws JsonProcessingException {
        ApiException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ApiException.class);
        Map<String, Object> body = errorBody(e.error(), e.getMessage());
        if (e.field() != null) {
            body.put("field", e.field());
        }
        write(exchange, e.status(), body);
    }

    /** onException for anything else: our fault; logged with the route, never shown in detail. */
    public void unexpected(Exchange exchange) throws JsonProcessingException {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.error("unexpected error in route {}", exchange.getFromRouteId(), e);
        write(exchange, 500, errorBody("internal_error", "The server could not complete the request"));
    }

    public static Map<String, Object> errorBody(String error, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", error);
        body.put("message", message);
        return body;
    }

    private void write(Exchange exchange, int status, Object body) throws JsonProcessingException {
        exchange.getMessage().setHeaders(new LinkedHashMap<>());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setHeader("Cache-Control", "no-store");
        exchange.getMessage().setBody(json.writeValueAsString(body));
    }
}
