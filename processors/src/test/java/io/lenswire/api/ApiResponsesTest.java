package io.lenswire.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ApiResponsesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode errorAnswer(ApiException refusal) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, refusal);
            new ApiResponses(JSON).error(exchange);
            assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(refusal.status());
            return JSON.readTree(exchange.getMessage().getBody(String.class));
        }
    }

    @Test
    void aRefusalAboutOneFieldNamesIt() throws Exception {
        JsonNode body = errorAnswer(ApiException.badField("rtsp_url", "rtsp_url is required"));
        assertThat(body.path("success").asBoolean(true)).isFalse();
        assertThat(body.path("error").asText()).isEqualTo("bad_request");
        assertThat(body.path("message").asText()).isEqualTo("rtsp_url is required");
        assertThat(body.path("field").asText()).isEqualTo("rtsp_url");
    }

    @Test
    void aRefusalOfTheWholeRequestHasNoFieldProperty() throws Exception {
        JsonNode body = errorAnswer(ApiException.badRequest("The request body is not JSON"));
        assertThat(body.has("field")).isFalse();
        assertThat(body.size()).isEqualTo(3);
    }
}
