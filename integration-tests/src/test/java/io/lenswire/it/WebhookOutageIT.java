package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.Ports;
import io.lenswire.it.support.Wait;
import io.lenswire.it.support.ScriptedReceiver;

/**
 * Nothing is lost: the receiver is down (connection refused) while 20 events are made, and the
 * server is killed with SIGKILL right after the 10th was acknowledged (202), then started again on
 * the same data. When the receiver comes back (answering 503 to the first request of each message,
 * 200 after), every one of the 20 events arrives, each with one webhook-id (the event id) on every
 * attempt and a valid signature, and the deliveries API shows the refused attempts, the 503 and the
 * 200 in order.
 */
class WebhookOutageIT {

    static final int PER_PHASE = 10;
    /** 20 retries 0.5 s apart (±20%): ~10 s of retrying after each (re)start, then a delivery would be failed. */
    static final String SCHEDULE = String.join(",", Collections.nCopies(20, "500ms"));

    private static LenswireProcess app;
    private static ScriptedReceiver receiver;

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (receiver != null) receiver.close();
    }

    private static JsonNode test(Api api, String webhookId) {
        Api.Response r = api.postJson("/api/webhooks/" + webhookId + "/test", "");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().path("event_id").asText()).isNotBlank();
        assertThat(r.json().path("delivery_id").isIntegralNumber()).as(r.body()).isTrue();
        return r.json();
    }

    private static Map<String, JsonNode> deliveriesByEvent(Api api, String webhookId) {
        Api.Response r = api.get("/api/webhooks/" + webhookId + "/deliveries?limit=100");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        r.json().path("deliveries").forEach(d -> out.put(d.path("event_id").asText(), d));
        return out;
    }

    private static boolean refused(JsonNode attempt) {
        return attempt.path("http_status").isNull() && attempt.path("error").asText().toLowerCase(Locale.ROOT).contains("refused");
    }

    @Test
    void everyEventSurvivesAReceiverOutageAndASigkill() throws Exception {
        int port = Ports.free();
        app = LenswireProcess.start("webhook-outage", "--lenswire.webhooks.retry-schedule=" + SCHEDULE);
        Api api = app.api();
        ObjectNode create = Api.JSON.createObjectNode().put("url", "http://127.0.0.1:" + port + "/hooks").put("description", "outage");
        create.putArray("events").add("webhook.test");
        Api.Response created = api.postJson("/api/webhooks", create.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String webhookId = created.json().path("webhook").path("id").asText();
        String secret = created.json().path("secret").asText();
        assertThat(secret).startsWith("whsec_");

        // 10 events while nothing listens, and SIGKILL the moment the 10th is acknowledged
        Map<String, Long> deliveryOf = new LinkedHashMap<>();
        List<String> beforeKill = new ArrayList<>();
        for (int i = 0; i < PER_PHASE; i++) {
            JsonNode r = test(api, webhookId);
            beforeKill.add(r.path("event_id").asText());
            deliveryOf.put(r.path("event_id").asText(), r.path("delivery_id").asLong());
        }
        app.kill();
        long restartStarted = System.nanoTime();
        app.start();
        System.out.printf("WebhookOutageIT: restart after SIGKILL took %d ms%n", (System.nanoTime() - restartStarted) / 1_000_000);

        // every acknowledged event and the endpoint came back from disk
        Api.Response after = api.get("/api/webhooks/" + webhookId);
        assertThat(after.status()).as("the endpoint survived the kill: %s", after.body()).isEqualTo(200);
        List<String> lost = beforeKill.stream().filter(id -> api.get("/api/events/" + id).status() == 404).toList();
        assertThat(lost).as("events acknowledged (202) before the SIGKILL and gone after it (of %s)", beforeKill).isEmpty();
        assertThat(deliveriesByEvent(api, webhookId).keySet()).containsExactlyInAnyOrderElementsOf(beforeKill);

        List<String> afterKill = new ArrayList<>();
        for (int i = 0; i < PER_PHASE; i++) {
            JsonNode r = test(api, webhookId);
            afterKill.add(r.path("event_id").asText());
            deliveryOf.put(r.path("event_id").asText(), r.path("delivery_id").asLong());
        }
        List<String> all = new ArrayList<>(beforeKill);
        all.addAll(afterKill);
        assertThat(Set.copyOf(all)).hasSize(2 * PER_PHASE);

        // each of the 20 was tried (and refused) while the receiver was down
        Wait.until("a refused attempt of every delivery", Duration.ofSeconds(20), () -> {
            Map<String, JsonNode> d = deliveriesByEvent(api, webhookId);
            return d.keySet().equals(Set.copyOf(all)) && d.values().stream().allMatch(x -> x.path("attempts").size() >= 1);
        });
        Map<String, JsonNode> whileDown = deliveriesByEvent(api, webhookId);
        assertThat(whileDown.values()).allSatisfy(d -> {
            assertThat(d.path("status").asText()).as("%s", d).isEqualTo("pending");
            assertThat(d.path("attempts")).allSatisfy(a -> assertThat(refused(a)).as("%s", a).isTrue());
        });

        // the receiver comes back: 503 to a message's first request, 200 to the next
        Set<String> seen = ConcurrentHashMap.newKeySet();
        receiver = ScriptedReceiver.start(port, r -> seen.add(String.valueOf(r.webhookId())) ? 503 : 200);
        Duration took = Wait.until("all 20 events delivered with a 200", Duration.ofSeconds(30), () -> receiver.requests().stream()
                .filter(r -> r.answered() == 200).map(ScriptedReceiver.Request::webhookId).collect(Collectors.toSet()).containsAll(all));
        System.out.printf("WebhookOutageIT: all %d delivered %d ms after the receiver came back%n", all.size(), took.toMillis());

        // per message: one webhook-id (= data.event_id) on every attempt, the same body, valid signatures
        Map<String, List<ScriptedReceiver.Request>> byId = new HashMap<>();
        for (ScriptedReceiver.Request r : receiver.requests()) {
            byId.computeIfAbsent(r.webhookId(), k -> new ArrayList<>()).add(r);
        }
        assertThat(byId.keySet()).as("only the 20 events, each by its id").containsExactlyInAnyOrderElementsOf(all);
        for (String id : all) {
            List<ScriptedReceiver.Request> requests = byId.get(id);
            assertThat(requests).extracting(ScriptedReceiver.Request::answered).as(id).containsExactly(503, 200);
            for (ScriptedReceiver.Request r : requests) {
                r.verify(secret);
                assertThat(r.path()).isEqualTo("/hooks");
                assertThat(r.json().path("type").asText()).isEqualTo("webhook.test");
                assertThat(r.json().path("data").path("event_id").asText()).isEqualTo(id);
                assertThat(r.json().path("data").path("webhook_id").asText()).isEqualTo(webhookId);
                assertThat(r.body()).as("the same message on every attempt").isEqualTo(requests.get(0).body());
            }
            assertThat(Long.parseLong(requests.get(1).header("webhook-timestamp")))
                    .isGreaterThanOrEqualTo(Long.parseLong(requests.get(0).header("webhook-timestamp")));
        }

        // the deliveries API tells the story of each: refused while down, 503, then 200
        Wait.until("all 20 deliveries recorded as delivered", Duration.ofSeconds(15), () -> deliveriesByEvent(api, webhookId).values()
                .stream().filter(d -> d.path("status").asText().equals("delivered")).count() == all.size());
        Map<String, JsonNode> deliveries = deliveriesByEvent(api, webhookId);
        assertThat(deliveries.keySet()).containsExactlyInAnyOrderElementsOf(all);
        int refusedAttempts = 0;
        for (String id : all) {
            JsonNode d = deliveries.get(id);
            assertThat(d.path("id").asLong()).isEqualTo(deliveryOf.get(id));
            assertThat(d.path("event_type").asText()).isEqualTo("webhook.test");
            assertThat(d.path("status").asText()).isEqualTo("delivered");
            assertThat(d.path("last_http_status").asInt()).isEqualTo(200);
            assertThat(d.path("last_error").isNull()).as("%s", d).isTrue();
            JsonNode attempts = d.path("attempts");
            int n = attempts.size();
            assertThat(d.path("attempt_count").asInt()).as("attempt_count and the attempts on record: %s", d).isEqualTo(n);
            assertThat(n).as("refused attempt(s), the 503, the 200: %s", d).isGreaterThanOrEqualTo(3);
            for (int i = 0; i < n - 2; i++) {
                assertThat(refused(attempts.get(i))).as("attempt %d of %s", i, d).isTrue();
                refusedAttempts++;
            }
            assertThat(attempts.get(n - 2).path("http_status").asInt()).isEqualTo(503);
            assertThat(attempts.get(n - 2).path("error").asText()).contains("503");
            assertThat(attempts.get(n - 1).path("http_status").asInt()).isEqualTo(200);
            assertThat(attempts.get(n - 1).path("error").isNull()).isTrue();
            for (int i = 1; i < n; i++) {
                assertThat(Instant.parse(attempts.get(i).path("attempted_at").asText()))
                        .isAfterOrEqualTo(Instant.parse(attempts.get(i - 1).path("attempted_at").asText()));
            }
        }
        System.out.printf("WebhookOutageIT: %d refused attempts recorded before the receiver came back%n", refusedAttempts);
        assertThat(api.get("/api/webhooks/" + webhookId + "/deliveries?status=pending").json().path("deliveries")).isEmpty();
        assertThat(api.get("/api/webhooks/" + webhookId + "/deliveries?status=failed").json().path("deliveries")).isEmpty();
    }
}
