package io.lenswire.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;

import org.apache.camel.Exchange;

/** Reads query parameters (headers in platform-http) with the API's error rules: each a clear 400. */
public final class QueryParams {

    private QueryParams() {
    }

    /** The parameter's one value, null when absent or empty; given twice is a 400. */
    public static String single(Exchange exchange, String name) {
        Object value = exchange.getIn().getHeader(name);
        if (value instanceof Collection<?> values) {
            if (values.size() > 1) {
                throw ApiException.badRequest("'" + name + "' is given more than once");
            }
            value = values.isEmpty() ? null : values.iterator().next();
        }
        if (value == null) {
            return null;
        }
        String text = value.toString();
        return text.isEmpty() ? null : text;
    }

    public static Long optionalLong(Exchange exchange, String name) {
        String text = single(exchange, name);
        if (text == null) {
            return null;
        }
        if (!text.matches("-?[0-9]{1,18}")) {
            throw ApiException.badRequest("'" + name + "' must be a whole number");
        }
        return Long.parseLong(text);
    }

    public static int intInRange(Exchange exchange, String name, int defaultValue, int min, int max) {
        Long value = optionalLong(exchange, name);
        if (value == null) {
            return defaultValue;
        }
        if (value < min || value > max) {
            throw ApiException.badRequest("'" + name + "' must be between " + min + " and " + max);
        }
        return value.intValue();
    }

    /** An ISO-8601 instant such as 2026-11-29T10:15:30Z (an offset like +01:00 is accepted too). */
    public static Instant optionalInstant(Exchange exchange, String name) {
        String text = single(exchange, name);
        if (text == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'" + name + "' must be an ISO-8601 timestamp such as 2026-11-29T10:15:30Z");
        }
    }
}
