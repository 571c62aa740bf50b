package io.lenswire.it.support;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * An OpenAPI 3.0 document read as a tree, with the few things the tests need: its operations,
 * {@code $ref} resolution, and a strict check of a JSON value against a schema.
 *
 * <p>Strict means: besides {@code type}, {@code nullable}, {@code enum}, {@code required},
 * {@code pattern}, {@code maxLength}, {@code format: date-time}, {@code items} and {@code oneOf}
 * (the value must match exactly one alternative), an object may carry only the properties its
 * schema names, unless the schema says {@code additionalProperties: true} (or gives a schema for
 * them). A document that forgets a field the server sends is as wrong as one that promises a field
 * it does not.
 */
public final class OpenApiDocument {

    public static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private static final ObjectMapper YAML = new YAMLMapper();

    private final JsonNode root;

    private OpenApiDocument(JsonNode root) {
        this.root = root;
    }

    public static OpenApiDocument parse(String yaml) {
        try {
            return new OpenApiDocument(YAML.readTree(yaml));
        } catch (IOException e) {
            throw new AssertionError("the OpenAPI document is not valid YAML", e);
        }
    }

    public JsonNode root() {
        return root;
    }

    /** One documented path + method. */
    public record Operation(String path, String method, JsonNode node) {

        public String id() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }

        /** Documented response status codes, as written ("200", "404", ...). */
        public Set<String> statuses() {
            Set<String> codes = new LinkedHashSet<>();
            node.path("responses").fieldNames().forEachRemaining(codes::add);
            return codes;
        }

        public boolean documents(int status) {
            return node.path("responses").has(Integer.toString(status));
        }

        public boolean needsApiKey() {
            return accepts("ApiKey");
        }

        /** True when one of the operation's security alternatives is the named scheme. */
        public boolean accepts(String securityScheme) {
            for (JsonNode requirement : node.path("security")) {
                if (requirement.has(securityScheme)) {
                    return true;
                }
            }
            return false;
        }

        public boolean hasJsonBody() {
            return node.path("requestBody").path("content").has("application/json");
        }

        /** A multipart/form-data request body, which the generic walk cannot build from examples. */
        public boolean hasMultipartBody() {
            return node.path("requestBody").path("content").has("multipart/form-data");
        }

        public boolean hasQueryParameter(String name) {
            return hasParameter(name, "query");
        }

        public boolean hasHeaderParameter(String name) {
            return hasParameter(name, "header");
        }

        private boolean hasParameter(String name, String in) {
            for (JsonNode parameter : node.path("parameters")) {
                if (name.equals(parameter.path("name").asText()) && in.equals(parameter.path("in").asText())) {
                    return true;
                }
            }
            return false;
        }

        public boolean hasPathParameter() {
            return path.contains("{");
        }
    }

    public List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = root.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : METHODS) {
                if (path.getValue().has(method)) {
                    operations.add(new Operation(path.getKey(), method, path.getValue().get(method)));
                }
            }
        }
        return operations;
    }

    /** Follows {@code $ref} (local references only) until a node without one. */
    public JsonNode resolve(JsonNode node) {
        int hops = 0;
        while (node != null && node.has("$ref")) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new AssertionError("only local $ref are supported: " + ref);
            }
            node = root.at(ref.substring(1));
            if (node.isMissingNode()) {
                throw new AssertionError("dangling $ref " + ref);
            }
            if (++hops > 20) {
                throw new AssertionError("$ref loop at " + ref);
            }
        }
        return node;
    }

    /** The documented response of an operation for a status, resolved; missing when undocumented. */
    public JsonNode response(Operation operation, int status) {
        JsonNode response = operation.node().path("responses").path(Integer.toString(status));
        return response.isMissingNode() ? MissingNode.getInstance() : resolve(response);
    }

    /** The documented media type entry whose type matches a Content-Type header (parameters ignored). */
    public Optional<Map.Entry<String, JsonNode>> mediaType(JsonNode response, String contentType) {
        String base = baseType(contentType);
        for (Iterator<Map.Entry<String, JsonNode>> types = response.path("content").fields(); types.hasNext(); ) {
            Map.Entry<String, JsonNode> type = types.next();
            if (baseType(type.getKey()).equals(base)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    public static String baseType(String contentType) {
        return contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
    }

    public static boolean isJson(String mediaType) {
        String base = baseType(mediaType);
        return base.equals("application/json") || base.endsWith("+json");
    }

    /** Every way {@code value} differs from {@code schema}; empty when it conforms. */
    public List<String> check(JsonNode schema, JsonNode value) {
        List<String> problems = new ArrayList<>();
        check(resolve(schema), value, "$", problems);
        return problems;
    }

    private void check(JsonNode schema, JsonNode value, String at, List<String> problems) {
        schema = resolve(schema);
        if (value == null || value.isMissingNode()) {
            problems.add(at + ": missing");
            return;
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                problems.add(at + ": null, but the schema is not nullable");
            }
            return;
        }
        JsonNode alternatives = schema.path("oneOf");
        if (alternatives.isArray()) {
            int matching = 0;
            List<String> mismatches = new ArrayList<>();
            for (int i = 0; i < alternatives.size(); i++) {
                List<String> found = new ArrayList<>();
                check(alternatives.get(i), value, at, found);
                if (found.isEmpty()) {
                    matching++;
                } else {
                    mismatches.add("[" + i + "] " + String.join("; ", found));
                }
            }
            if (matching != 1) {
                problems.add(at + ": matches " + matching + " of its " + alternatives.size() + " oneOf alternatives"
                        + (matching == 0 ? " (" + String.join(" | ", mismatches) + ")" : ""));
            }
        }
        JsonNode allowed = schema.path("enum");
        if (allowed.isArray()) {
            boolean found = false;
            for (JsonNode option : allowed) {
                found |= option.equals(value) || (option.isTextual() && value.isTextual() && option.asText().equals(value.asText()));
            }
            if (!found) {
                problems.add(at + ": " + value + " is not one of " + allowed);
            }
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> checkObject(schema, value, at, problems);
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(at + ": expected an array, got " + value.getNodeType());
                } else if (schema.has("items")) {
                    for (int i = 0; i < value.size(); i++) {
                        check(schema.get("items"), value.get(i), at + "[" + i + "]", problems);
                    }
                }
            }
            case "string" -> checkString(schema, value, at, problems);
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(at + ": expected an integer, got " + value);
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    problems.add(at + ": expected a number, got " + value);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(at + ": expected a boolean, got " + value);
                }
            }
            case "" -> { }
            default -> problems.add(at + ": the schema has an unknown type " + type);
        }
    }

    private void checkObject(JsonNode schema, JsonNode value, String at, List<String> problems) {
        if (!value.isObject()) {
            problems.add(at + ": expected an object, got " + value.getNodeType());
            return;
        }
        for (JsonNode name : schema.path("required")) {
            if (!value.has(name.asText())) {
                problems.add(at + "." + name.asText() + ": required by the document, absent from the value");
            }
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String where = at + "." + field.getKey();
            if (properties.has(field.getKey())) {
                check(properties.get(field.getKey()), field.getValue(), where, problems);
            } else if (additional.isObject()) {
                check(additional, field.getValue(), where, problems);
            } else if (!additional.asBoolean(false)) {
                problems.add(where + ": not in the document");
            }
        }
    }

    private static void checkString(JsonNode schema, JsonNode value, String at, List<String> problems) {
        if (!value.isTextual()) {
            problems.add(at + ": expected a string, got " + value);
            return;
        }
        String text = value.asText();
        if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(text).find()) {
            problems.add(at + ": '" + text + "' does not match " + schema.get("pattern").asText());
        }
        if (schema.has("maxLength") && text.length() > schema.get("maxLength").asInt()) {
            problems.add(at + ": longer than " + schema.get("maxLength").asInt());
        }
        if ("date-time".equals(schema.path("format").asText())) {
            try {
                OffsetDateTime.parse(text);
            } catch (DateTimeParseException e) {
                problems.add(at + ": '" + text + "' is not an RFC 3339 date-time");
            }
        }
    }
}
