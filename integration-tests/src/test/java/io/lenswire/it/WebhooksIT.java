package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;

import io.lenswire.it.support.Api;
import io.lenswire.it.support.LenswireProcess;
import io.lenswire.it.support.SseClient;
import io.lenswire.it.support.TestPaths;
import io.lenswire.it.support.Wait;
import io.lenswire.it.support.WebhookReceiver;
import io.lenswire.it.support.WebhookReceiver.Request;

/**
 * Events and signed webhooks (issue 9) against one server with a shortened retry schedule and real
 * receivers on 127.0.0.1: every delivery verified by the Standard Webhooks specification's own
 * library; a failing and a hanging endpoint never delay a healthy one; secret rotation; 410 Gone;
 * the deliveries API and manual retry; the SSE stream with Last-Event-ID; bad input; no secret in
 * answers or the log.
 *
 * <p>The server resolves names from a hosts file of this test ({@code -Djdk.net.hosts.file}, with
 * no DNS cache), so a real host name can point at a link-local address, and one can be re-pointed
 * while the server runs (/etc/hosts is not touched).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhooksIT {

    /** Waits before each retry: 4 attempts in all. */
    private static final List<Integer> SCHEDULE_MS = List.of(300, 600, 900);
    private static final int MAX_ATTEMPTS = SCHEDULE_MS.size() + 1;
    private static final double JITTER = 0.2;
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String UNREACHABLE = "rtsp://127.0.0.1:1/";
    private static final String METADATA_NAME = "metadata.lenswire.test";
    private static final String LINK_LOCAL6_NAME = "linklocal6.lenswire.test";
    private static final String REBIND_NAME = "rebind.lenswire.test";

    private static Path hostsFile;
    private static LenswireProcess app;
    private static Api api;
    /** Every secret the server ever answered with: none may appear anywhere else. */
    private static final Set<String> SECRETS = Collections.synchronizedSet(new LinkedHashSet<>());
    private static final List<WebhookReceiver> RECEIVERS = new CopyOnWriteArrayList<>();
    private static final List<String> CAMERAS = new CopyOnWriteArrayList<>();

    /** An endpoint created over the API, with the secret of its create (or last rotate) answer. */
    record Hook(String id, String secret, JsonNode webhook) {
    }

    @BeforeAll
    static void start() throws IOException {
        hostsFile = TestPaths.target().resolve("webhooks-it-hosts");
        writeHosts("127.0.0.1");
        app = LenswireProcess.start("webhooks",
                "-Djdk.net.hosts.file=" + hostsFile.toAbsolutePath(),
                "-Dsun.net.inetaddr.ttl=0",
                "-Dsun.net.inetaddr.negative.ttl=0",
                "--lenswire.webhooks.retry-schedule=" + SCHEDULE_MS.stream().map(ms -> ms + "ms").collect(Collectors.joining(",")),
                "--lenswire.webhooks.retry-jitter=" + JITTER,
                "--lenswire.webhooks.attempt-timeout=" + ATTEMPT_TIMEOUT.toMillis() + "ms",
                "--lenswire.events.camera-offline-grace=1s",
                "--lenswire.webhooks.secret-rotation-overlap=1h");
        api = app.api();
    }

    /** The server's name service: loopback names, two link-local names, and one name the rebinding test moves. */
    private static void writeHosts(String rebindAddress) throws IOException {
        String self = InetAddress.getLocalHost().getHostName();
        String hosts = "127.0.0.1 localhost " + self + "\n"
                + "::1 ip6-localhost\n"
                + "169.254.169.254 " + METADATA_NAME + "\n"
                + "fe80::1 " + LINK_LOCAL6_NAME + "\n"
                + rebindAddress + " " + REBIND_NAME + "\n";
        Path tmp = hostsFile.resolveSibling(hostsFile.getFileName() + ".tmp");
        Files.writeString(tmp, hosts, StandardCharsets.UTF_8);
        Files.move(tmp, hostsFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        RECEIVERS.forEach(WebhookReceiver::close);
    }

    // ------------------------------------------------------------------------------------ 1

    @Test
    @Order(1)
    void everyDeliveryVerifiesWithTheSpecLibraryAndNothingElseDoes() throws Exception {
        WebhookReceiver receiver = receiver("signed");
        WebhookReceiver other = receiver("other");
        Hook hook = create(receiver.url(), "webhook.test", "camera.online");
        Hook otherHook = create(other.url(), "webhook.test");
        assertThat(hook.secret()).startsWith("whsec_");
        assertThat(java.util.Base64.getDecoder().decode(hook.secret().substring(6))).as("secret bytes").hasSizeGreaterThanOrEqualTo(24);
        assertThat(hook.secret()).isNotEqualTo(otherHook.secret());
        assertThat(hook.webhook().path("enabled").asBoolean()).isTrue();
        assertThat(hook.webhook().path("origin").asText()).isEqualTo("api");

        JsonNode test = sendTest(hook);
        String eventId = test.path("event_id").asText();
        Request r = receiver.await(1, WAIT, x -> eventId.equals(x.header("webhook-id"))).get(0);

        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/hooks/signed");
        assertThat(r.header("webhook-id")).isEqualTo(eventId).isEqualTo(r.json().path("data").path("event_id").asText());
        assertThat(mediaType(r.header("content-type"))).isEqualTo("application/json");
        assertThat(r.header("user-agent")).startsWith("Lenswire");
        assertThat(Long.parseLong(r.header("webhook-timestamp"))).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(30L));
        assertThat(r.header("webhook-signature")).matches("v1,[A-Za-z0-9+/]{43}=");
        JsonNode body = r.json();
        assertThat(body.path("type").asText()).isEqualTo("webhook.test");
        assertThat(body.path("data").path("webhook_id").asText()).isEqualTo(hook.id());
        assertThat(fieldNames(body)).containsExactly("type", "timestamp", "data");
        JsonNode stored = api.get("/api/events/" + eventId).json().path("event");
        assertThat(stored.path("timestamp").asText()).isEqualTo(body.path("timestamp").asText());
        assertThat(stored.path("data")).isEqualTo(body.path("data"));

        assertVerifies(r, hook.secret());
        assertThatThrownBy(() -> new Webhook(hook.secret()).verify(r.body().replace("webhook.test", "camera.online"), r.httpHeaders()))
                .as("a tampered body").isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(hook.secret()).verify(r.body() + " ", r.httpHeaders()))
                .as("a body with a byte added").isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(otherHook.secret()).verify(r.body(), r.httpHeaders()))
                .as("another endpoint's secret").isInstanceOf(WebhookVerificationException.class);
        Map<String, List<String>> otherId = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        otherId.putAll(r.headers());
        otherId.put("webhook-id", List.of("evt_" + "A".repeat(22)));
        assertThatThrownBy(() -> new Webhook(hook.secret()).verify(r.body(), java.net.http.HttpHeaders.of(otherId, (a, b) -> true)))
                .as("another message id").isInstanceOf(WebhookVerificationException.class);

        Wait.until("the test delivery recorded as delivered", WAIT, () -> delivery(hook, test.path("delivery_id").asLong())
                .path("status").asText().equals("delivered"));
        JsonNode d = delivery(hook, test.path("delivery_id").asLong());
        assertThat(d.path("event_id").asText()).isEqualTo(eventId);
        assertThat(d.path("event_type").asText()).isEqualTo("webhook.test");
        assertThat(d.path("attempt_count").asInt()).isEqualTo(1);
        assertThat(d.path("last_http_status").asInt()).isEqualTo(200);
        assertThat(d.path("attempts")).hasSize(1);
        assertThat(d.path("attempts").get(0).path("http_status").asInt()).isEqualTo(200);
        assertThat(other.requests()).as("a test event goes to its endpoint only").isEmpty();
        assertThat(api.delete("/api/webhooks/" + hook.id()).status()).isEqualTo(200);
        assertThat(api.delete("/api/webhooks/" + otherHook.id()).status()).isEqualTo(200);
        assertThat(api.get("/api/webhooks/" + hook.id()).status()).isEqualTo(404);
    }

    // ------------------------------------------------------------------------------------ 2

    @Test
    @Order(2)
    void aFailingAndAHangingEndpointNeverDelayAHealthyOne() {
        WebhookReceiver healthy = receiver("healthy");
        WebhookReceiver failing = receiver("failing").answer(500);
        WebhookReceiver hanging = receiver("hanging").hang();
        Hook h = create(healthy.url(), "camera.offline");
        Hook f = create(failing.url(), "camera.offline");
        Hook g = create(hanging.url(), "camera.offline");
        int n = 5;
        List<String> cameras = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String id = "whcam" + i;
            cameras.add(id);
            addUnreachableCamera(id);
        }

        Map<String, JsonNode> offline = awaitOfflineEvents(cameras);
        Set<String> ids = offline.keySet();
        List<Request> got = healthy.await(n, WAIT, r -> ids.contains(r.header("webhook-id")));
        assertThat(got).extracting(r -> r.header("webhook-id")).as("one delivery per event").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(ids);
        for (Request r : got) {
            JsonNode event = offline.get(r.header("webhook-id"));
            Instant stored = Instant.parse(event.path("timestamp").asText());
            long lateMs = r.receivedAtMillis() - stored.toEpochMilli();
            assertThat(lateMs).as("ms from storing %s to its arrival at the healthy endpoint", event.path("event_id").asText())
                    .isLessThanOrEqualTo(1000);
            assertThat(r.json().path("type").asText()).isEqualTo("camera.offline");
            assertThat(r.json().path("data")).isEqualTo(event.path("data"));
            assertThat(r.json().path("data").path("camera_id").asText()).isIn(cameras);
            assertThat(r.json().path("data").path("state").asText()).isIn("RECONNECTING", "FAILED");
            assertVerifies(r, h.secret());
        }

        // both bad endpoints: every delivery failed after the whole schedule
        Wait.until("the failing endpoint's deliveries failed", WAIT, () -> allFailed(f, ids));
        Wait.until("the hanging endpoint's deliveries failed", WAIT, () -> allFailed(g, ids));
        for (JsonNode d : deliveriesOf(f, ids)) {
            assertFailedAfterSchedule(d);
            for (JsonNode a : d.path("attempts")) {
                assertThat(a.path("http_status").asInt()).as("attempt of %s", d).isEqualTo(500);
            }
            assertRetriesFollowTheSchedule(d);
        }
        for (JsonNode d : deliveriesOf(g, ids)) {
            assertFailedAfterSchedule(d);
            for (JsonNode a : d.path("attempts")) {
                assertThat(a.path("http_status").isNull()).as("no status from a receiver that never answers: %s", a).isTrue();
                assertThat(a.path("error").asText()).as("attempt of %s", d).containsPattern("(?i)time[ds]? ?out");
                assertThat(a.path("duration_ms").asLong()).isBetween(ATTEMPT_TIMEOUT.toMillis() - 100, ATTEMPT_TIMEOUT.toMillis() + 3000);
            }
        }
        // the receivers saw every attempt, each signed, with the same webhook-id every time
        for (var pair : List.of(Map.entry(failing, f), Map.entry(hanging, g))) {
            List<Request> requests = pair.getKey().requests(r -> ids.contains(r.header("webhook-id")));
            Map<String, Long> perEvent = requests.stream()
                    .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
            assertThat(perEvent.keySet()).as("%s", pair.getKey()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(perEvent.values()).as("attempts per message at %s", pair.getKey()).allMatch(c -> c == MAX_ATTEMPTS);
            requests.forEach(r -> assertVerifies(r, pair.getValue().secret()));
        }
        assertThat(healthy.requests(r -> ids.contains(r.header("webhook-id")))).as("nothing twice at the healthy endpoint").hasSize(n);
        assertThat(deliveriesOf(h, ids)).hasSize(n).allMatch(d -> d.path("status").asText().equals("delivered") && d.path("attempt_count").asInt() == 1);

        removeCameras();
        for (Hook hook : List.of(h, f, g)) {
            assertThat(api.delete("/api/webhooks/" + hook.id()).status()).isEqualTo(200);
        }
    }

    // ------------------------------------------------------------------------------------ 3

    @Test
    @Order(3)
    void afterARotationBothSecretsSignDuringTheOverlap() {
        WebhookReceiver receiver = receiver("rotating");
        Hook hook = create(receiver.url(), "webhook.test");
        Hook stranger = create(receiver("stranger").url(), "webhook.test");
        String before = sendTest(hook).path("event_id").asText();
        Request first = receiver.await(1, WAIT, r -> before.equals(r.header("webhook-id"))).get(0);
        assertThat(first.header("webhook-signature").split(" ")).hasSize(1);
        assertVerifies(first, hook.secret());

        long rotatedAt = System.currentTimeMillis();
        Api.Response rotated = api.postJson("/api/webhooks/" + hook.id() + "/rotate-secret", "");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String newSecret = rotated.json().path("secret").asText();
        SECRETS.add(newSecret);
        String oldSecret = hook.secret();
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
        Instant expires = Instant.parse(rotated.json().path("webhook").path("previous_secret_expires_at").asText());
        assertThat(Duration.between(Instant.ofEpochMilli(rotatedAt), expires)).isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
        assertThat(api.get("/api/webhooks/" + hook.id()).json().path("webhook").path("previous_secret_expires_at").asText())
                .isEqualTo(expires.toString());

        String after = sendTest(hook).path("event_id").asText();
        Request second = receiver.await(1, WAIT, r -> after.equals(r.header("webhook-id"))).get(0);
        String[] signatures = second.header("webhook-signature").split(" ");
        assertThat(signatures).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        assertVerifies(second, newSecret);
        assertVerifies(second, oldSecret);
        assertThatThrownBy(() -> new Webhook(stranger.secret()).verify(second.body(), second.httpHeaders()))
                .isInstanceOf(WebhookVerificationException.class);
        // each signature is one secret's: the new one first
        assertThat(verifies(withSignature(second, signatures[0]), newSecret)).isTrue();
        assertThat(verifies(withSignature(second, signatures[0]), oldSecret)).isFalse();
        assertThat(verifies(withSignature(second, signatures[1]), oldSecret)).isTrue();
        assertThat(verifies(withSignature(second, signatures[1]), newSecret)).isFalse();
        assertThat(api.delete("/api/webhooks/" + stranger.id()).status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------ 4

    @Test
    @Order(4)
    void goneDisablesTheEndpointUntilItIsEnabledAgain() {
        WebhookReceiver goneReceiver = receiver("gone").answer(410);
        WebhookReceiver witness = receiver("witness");
        Hook gone = create(goneReceiver.url(), "webhook.test", "camera.offline");
        Hook w = create(witness.url(), "camera.offline");

        JsonNode test = sendTest(gone);
        goneReceiver.await(1, WAIT);
        Wait.until("the endpoint disabled after 410", WAIT, () -> !webhook(gone).path("enabled").asBoolean());
        JsonNode disabled = webhook(gone);
        assertThat(disabled.path("disabled_reason").asText()).as("%s", disabled).contains("410");
        JsonNode d = delivery(gone, test.path("delivery_id").asLong());
        assertThat(d.path("status").asText()).isEqualTo("failed");
        assertThat(d.path("attempt_count").asInt()).as("a 410 is not retried").isEqualTo(1);
        assertThat(d.path("attempts")).hasSize(1);
        assertThat(d.path("attempts").get(0).path("http_status").asInt()).isEqualTo(410);
        assertThat(api.get("/api/webhooks").json().path("webhooks").findValuesAsText("id")).contains(gone.id());

        Api.Response refused = api.postJson("/api/webhooks/" + gone.id() + "/test", "");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertJsonError(refused);

        // an event it is subscribed to: the witness gets it, the disabled endpoint gets no delivery at all
        addUnreachableCamera("whgone");
        String eventId = awaitOfflineEvents(List.of("whgone")).keySet().iterator().next();
        witness.await(1, WAIT, r -> eventId.equals(r.header("webhook-id")));
        assertThat(deliveries(gone, null)).extracting(x -> x.path("event_id").asText()).doesNotContain(eventId);
        assertThat(goneReceiver.requests()).hasSize(1);

        Api.Response enabled = patch("/api/webhooks/" + gone.id(), "{\"enabled\":true}");
        assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
        assertThat(enabled.json().path("webhook").path("enabled").asBoolean()).isTrue();
        assertThat(webhook(gone).path("enabled").asBoolean()).isTrue();
        assertThat(webhook(gone).path("disabled_reason").isNull()).as("%s", webhook(gone)).isTrue();
        goneReceiver.answer(200);
        String again = sendTest(gone).path("event_id").asText();
        Request back = goneReceiver.await(1, WAIT, r -> again.equals(r.header("webhook-id"))).get(0);
        assertVerifies(back, gone.secret());
        Wait.until("the new test delivered", WAIT, () -> deliveriesOf(gone, Set.of(again)).get(0).path("status").asText().equals("delivered"));
        assertThat(goneReceiver.requests()).extracting(r -> r.header("webhook-id")).containsExactly(test.path("event_id").asText(), again);

        removeCameras();
        assertThat(api.delete("/api/webhooks/" + w.id()).status()).isEqualTo(200);
        assertThat(api.delete("/api/webhooks/" + gone.id()).status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------ 5

    @Test
    @Order(5)
    void aFailedDeliveryRetriedOverTheApiIsDelivered() {
        WebhookReceiver receiver = receiver("flaky").answer(500);
        Hook hook = create(receiver.url(), "webhook.test");
        Hook other = create(receiver("bystander").url(), "webhook.test");
        JsonNode test = sendTest(hook);
        long deliveryId = test.path("delivery_id").asLong();
        String eventId = test.path("event_id").asText();
        Wait.until("the delivery failed", WAIT, () -> delivery(hook, deliveryId).path("status").asText().equals("failed"));
        assertFailedAfterSchedule(delivery(hook, deliveryId));
        assertThat(receiver.requests()).hasSize(MAX_ATTEMPTS);
        assertThat(deliveries(hook, "failed")).extracting(d -> d.path("id").asLong()).containsExactly(deliveryId);
        assertThat(deliveries(hook, "delivered")).isEmpty();

        Api.Response foreign = api.postJson("/api/webhooks/" + other.id() + "/deliveries/" + deliveryId + "/retry", "");
        assertThat(foreign.status()).as("another webhook's delivery: %s", foreign.body()).isEqualTo(404);
        assertJsonError(foreign);

        receiver.answer(200);
        Api.Response retry = api.postJson("/api/webhooks/" + hook.id() + "/deliveries/" + deliveryId + "/retry", "");
        assertThat(retry.status()).as(retry.body()).isEqualTo(202);
        assertThat(retry.json().path("success").asBoolean()).isTrue();
        Wait.until("the retried delivery delivered", WAIT, () -> delivery(hook, deliveryId).path("status").asText().equals("delivered"));
        JsonNode d = delivery(hook, deliveryId);
        assertThat(d.path("attempts")).hasSize(MAX_ATTEMPTS + 1);
        assertThat(d.path("attempt_count").asInt()).as("attempt_count is the attempts made: %s", d).isEqualTo(MAX_ATTEMPTS + 1);
        assertThat(d.path("attempts").get(MAX_ATTEMPTS).path("http_status").asInt()).isEqualTo(200);
        assertThat(d.path("last_http_status").asInt()).isEqualTo(200);
        assertThat(d.path("next_attempt_at").isNull()).isTrue();
        assertThat(receiver.requests()).hasSize(MAX_ATTEMPTS + 1)
                .allMatch(r -> eventId.equals(r.header("webhook-id")), "the same webhook-id on every attempt");
        receiver.requests().forEach(r -> assertVerifies(r, hook.secret()));
        assertThat(receiver.requests().stream().map(Request::body).distinct()).as("the same body on every attempt").hasSize(1);
        assertThat(api.delete("/api/webhooks/" + other.id()).status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------ 6

    @Test
    @Order(6)
    void theStreamResumesWithLastEventIdWithoutGapOrDuplicate() throws Exception {
        Hook hook = create(receiver("stream").url(), "webhook.test");
        List<String> made = new ArrayList<>();
        List<SseClient.Event> seen = new ArrayList<>();

        try (SseClient first = SseClient.connect(api.base(), LenswireProcess.API_KEY, null).awaitOpen(WAIT)) {
            for (int i = 0; i < 3; i++) {
                made.add(sendTest(hook).path("event_id").asText());
            }
            Wait.until("the live events on the stream", WAIT,
                    () -> first.events().stream().map(SseClient.Event::id).collect(Collectors.toSet()).containsAll(made));
            seen.addAll(first.events());
        }
        for (int i = 0; i < 3; i++) {
            made.add(sendTest(hook).path("event_id").asText());
        }
        String lastSeen = seen.get(seen.size() - 1).id();
        try (SseClient second = SseClient.connect(api.base(), LenswireProcess.API_KEY, lastSeen).awaitOpen(WAIT)) {
            Wait.until("the missed events replayed", WAIT,
                    () -> second.events().stream().map(SseClient.Event::id).collect(Collectors.toSet()).containsAll(made.subList(3, 6)));
            for (int i = 0; i < 2; i++) {
                made.add(sendTest(hook).path("event_id").asText());
            }
            Wait.until("live events after the replay", WAIT,
                    () -> second.events().stream().map(SseClient.Event::id).collect(Collectors.toSet()).containsAll(made.subList(3, 8)));
            seen.addAll(second.events());
        }

        List<String> seenIds = seen.stream().map(SseClient.Event::id).toList();
        assertThat(seenIds).as("every event once").doesNotHaveDuplicates().containsAll(made);
        // the store's order from the first event seen to the last: the stream's, with nothing missing
        List<JsonNode> stored = new ArrayList<>();
        api.get("/api/events?limit=500").json().path("events").forEach(stored::add);
        Collections.reverse(stored);
        List<String> storedIds = stored.stream().map(e -> e.path("event_id").asText()).toList();
        int from = storedIds.indexOf(seenIds.get(0));
        int to = storedIds.indexOf(seenIds.get(seenIds.size() - 1));
        assertThat(from).isNotNegative();
        assertThat(seenIds).isEqualTo(storedIds.subList(from, to + 1));
        for (SseClient.Event e : seen) {
            JsonNode data = Api.JSON.readTree(e.data());
            JsonNode fromApi = stored.get(storedIds.indexOf(e.id()));
            assertThat(data).as("data of %s", e.id()).isEqualTo(fromApi);
            assertThat(data.path("event_id").asText()).isEqualTo(e.id());
            assertThat(e.event()).isEqualTo(data.path("type").asText()).isEqualTo("webhook.test");
        }
        assertThat(api.delete("/api/webhooks/" + hook.id()).status()).isEqualTo(200);
    }

    /**
     * Streams that clients drop while events flow: the server finds out on its next write, and the
     * container hands that response on to the next request. A write after that used to land in
     * another answer (a resumed stream ended empty, API answers broke): 40 rounds of drop and
     * resume caught it every time.
     */
    @Test
    @Order(6)
    void droppedStreamsNeverDisturbOtherAnswers() {
        Hook hook = create(receiver("churn").url(), "webhook.test");
        for (int round = 0; round < 40; round++) {
            List<String> live = new ArrayList<>();
            String lastSeen;
            try (SseClient dropped = SseClient.connect(api.base(), LenswireProcess.API_KEY, null).awaitOpen(WAIT)) {
                for (int i = 0; i < 3; i++) {
                    live.add(sendTest(hook).path("event_id").asText());
                }
                Wait.until("round " + round + ": the live events on the stream", WAIT,
                        () -> dropped.events().stream().map(SseClient.Event::id).collect(Collectors.toSet()).containsAll(live));
                List<SseClient.Event> events = dropped.events();
                lastSeen = events.get(events.size() - 1).id();
            }
            // events made right after the drop: the dropped stream's writes fail on them
            List<String> missed = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                missed.add(sendTest(hook).path("event_id").asText());
            }
            try (SseClient resumed = SseClient.connect(api.base(), LenswireProcess.API_KEY, lastSeen).awaitOpen(WAIT)) {
                int r = round;
                Wait.until("round " + round + ": the missed events replayed", Duration.ofSeconds(10), () -> {
                    List<String> ids = resumed.events().stream().map(SseClient.Event::id).toList();
                    assertThat(ids).as("round %d: replayed once each", r).doesNotHaveDuplicates();
                    return ids.containsAll(missed);
                });
            }
        }
        assertThat(api.delete("/api/webhooks/" + hook.id()).status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------ 7

    @Test
    @Order(7)
    void aNameMovedToALinkLocalAddressIsRefusedAtConnectTime() throws IOException {
        WebhookReceiver receiver = receiver("rebind").closeConnections();
        Hook hook = create("http://" + REBIND_NAME + ":" + receiver.port() + "/hooks/rebind", "webhook.test");
        String first = sendTest(hook).path("event_id").asText();
        receiver.await(1, WAIT, r -> first.equals(r.header("webhook-id")));

        writeHosts("169.254.169.254");
        try {
            JsonNode test = sendTest(hook);
            long deliveryId = test.path("delivery_id").asLong();
            Wait.until("the delivery to the moved name failed", WAIT,
                    () -> delivery(hook, deliveryId).path("status").asText().equals("failed"));
            JsonNode d = delivery(hook, deliveryId);
            assertThat(d.path("attempts")).hasSize(MAX_ATTEMPTS);
            for (JsonNode a : d.path("attempts")) {
                assertThat(a.path("error").asText()).as("%s", a).contains("169.254.169.254").contains("link-local");
            }
            assertThat(receiver.requests()).as("nothing reached the old address").hasSize(1);
        } finally {
            writeHosts("127.0.0.1");
        }
        assertThat(api.delete("/api/webhooks/" + hook.id()).status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------ 8

    /** One refused request: its expected status and how to make it (made when the case runs). */
    record Case(String name, int status, Supplier<HttpRequest> request) {
        @Override
        public String toString() {
            return name + " -> " + status;
        }
    }

    private static String knownHookId;

    static Stream<Case> badInput() {
        List<Case> cases = new ArrayList<>();
        String hooks = "/api/webhooks";
        for (String url : List.of("not a url", "http//127.0.0.1/x", "http://", "://127.0.0.1/", "127.0.0.1:8080/hook",
                "ftp://127.0.0.1/hook", "file:///etc/passwd", "gopher://127.0.0.1:70/_hook", "javascript:alert(1)",
                "http://169.254.169.254/latest/meta-data/", "http://169.254.0.1/", "http://[fe80::1]/hook",
                "http://[::ffff:169.254.169.254]/", "http://2852039166/", "http://" + METADATA_NAME + "/latest/meta-data/",
                "http://" + LINK_LOCAL6_NAME + "/hook", "http://100.100.100.200/", "http://user:pw@127.0.0.1/hook",
                "http://0.0.0.0/hook", "")) {
            cases.add(post("url " + Api.JSON.valueToTree(url), 400, hooks, body(url, "camera.offline")));
        }
        cases.add(post("unknown event type", 400, hooks, body("http://127.0.0.1:9/x", "face.recognised")));
        cases.add(post("empty events", 400, hooks, body("http://127.0.0.1:9/x")));
        cases.add(post("events not a list", 400, hooks, "{\"url\":\"http://127.0.0.1:9/x\",\"events\":\"camera.offline\"}"));
        cases.add(post("events missing", 400, hooks, "{\"url\":\"http://127.0.0.1:9/x\"}"));
        cases.add(post("url missing", 400, hooks, "{\"events\":[\"camera.offline\"]}"));
        ObjectNode longDescription = (ObjectNode) Api.JSON.valueToTree(Map.of("url", "http://127.0.0.1:9/x",
                "events", List.of("camera.offline"), "description", "d".repeat(501)));
        cases.add(post("description of 501 characters", 400, hooks, longDescription.toString()));
        cases.add(post("malformed JSON", 400, hooks, "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"camera.offline\""));
        cases.add(post("not JSON at all", 400, hooks, "url=http://127.0.0.1:9/x"));
        cases.add(post("unknown JSON field", 400, hooks,
                "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"camera.offline\"],\"secret\":\"whsec_AAAA\"}"));
        cases.add(new Case("text/plain body", 415, () -> withKey(hooks).header("Content-Type", "text/plain")
                .POST(BodyPublishers.ofString(body("http://127.0.0.1:9/x", "camera.offline"))).build()));

        String unknown = "/api/webhooks/ep_doesNotExist0000000000";
        cases.add(new Case("GET unknown webhook", 404, () -> withKey(unknown).GET().build()));
        cases.add(new Case("PATCH unknown webhook", 404, () -> withKey(unknown).header("Content-Type", "application/json")
                .method("PATCH", BodyPublishers.ofString("{\"enabled\":false}")).build()));
        cases.add(new Case("DELETE unknown webhook", 404, () -> withKey(unknown).DELETE().build()));
        cases.add(post("test of unknown webhook", 404, unknown + "/test", ""));
        cases.add(post("rotate-secret of unknown webhook", 404, unknown + "/rotate-secret", ""));
        cases.add(new Case("deliveries of unknown webhook", 404, () -> withKey(unknown + "/deliveries").GET().build()));
        cases.add(post("retry on unknown webhook", 404, unknown + "/deliveries/1/retry", ""));
        cases.add(new Case("retry of unknown delivery", 404,
                () -> jsonPost("/api/webhooks/" + knownHookId() + "/deliveries/999999999/retry", "")));
        cases.add(new Case("retry of a non-numeric delivery id", 404,
                () -> jsonPost("/api/webhooks/" + knownHookId() + "/deliveries/abc/retry", "")));
        cases.add(new Case("PATCH with an unknown field", 400, () -> withKey("/api/webhooks/" + knownHookId())
                .header("Content-Type", "application/json").method("PATCH", BodyPublishers.ofString("{\"secret\":\"x\"}")).build()));
        cases.add(new Case("PATCH to a metadata address", 400, () -> withKey("/api/webhooks/" + knownHookId())
                .header("Content-Type", "application/json")
                .method("PATCH", BodyPublishers.ofString("{\"url\":\"http://169.254.169.254/\"}")).build()));
        cases.add(new Case("PATCH with empty events", 400, () -> withKey("/api/webhooks/" + knownHookId())
                .header("Content-Type", "application/json").method("PATCH", BodyPublishers.ofString("{\"events\":[]}")).build()));
        cases.add(new Case("deliveries with an unknown status", 400,
                () -> withKey("/api/webhooks/" + knownHookId() + "/deliveries?status=lost").GET().build()));
        cases.add(new Case("deliveries with limit 0", 400,
                () -> withKey("/api/webhooks/" + knownHookId() + "/deliveries?limit=0").GET().build()));

        for (String query : List.of("cursor=garbage", "cursor=" + "A".repeat(300), "limit=0", "limit=501", "limit=-1", "limit=ten",
                "since=yesterday", "since=2026-13-01T00:00:00Z", "until=1700000000", "type=face.seen", "type=CAMERA.OFFLINE",
                "since=2030-01-01T00:00:00Z&until=2020-01-01T00:00:00Z", "limit=1&limit=2")) {
            cases.add(new Case("GET /api/events?" + query, 400, () -> withKey("/api/events?" + query).GET().build()));
        }
        cases.add(new Case("stream with a bad Last-Event-ID", 400,
                () -> withKey("/api/events/stream").header("Last-Event-ID", "not-an-id").GET().build()));

        cases.add(new Case("GET /api/webhooks without API key", 401, () -> api.request(hooks).GET().build()));
        cases.add(new Case("POST /api/webhooks without API key", 401, () -> api.request(hooks).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body("http://127.0.0.1:9/x", "camera.offline"))).build()));
        cases.add(new Case("GET /api/webhooks with a wrong API key", 401,
                () -> api.request(hooks).header("X-API-Key", "wrong-" + LenswireProcess.API_KEY).GET().build()));
        cases.add(new Case("stream without API key", 401, () -> api.request("/api/events/stream").GET().build()));
        cases.add(new Case("stream with a wrong API key", 401,
                () -> api.request("/api/events/stream").header("X-API-Key", "nope").GET().build()));
        cases.add(new Case("GET /api/events without API key", 401, () -> api.request("/api/events").GET().build()));
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badInput")
    @Order(8)
    void badInputIsA4xxJsonError(Case c) {
        HttpRequest request = c.request().get();
        int before = api.get("/api/webhooks").json().path("webhooks").size();
        Api.Response r = api.send(request);
        assertThat(r.status()).as("%s; body %s", c.name(), r.body()).isEqualTo(c.status());
        assertJsonError(r);
        assertThat(api.get("/api/webhooks").json().path("webhooks").size()).as("webhooks after a refused request").isEqualTo(before);
    }

    @Test
    @Order(9)
    void aDescriptionOf500CharactersIsAccepted() {
        ObjectNode body = (ObjectNode) Api.JSON.valueToTree(Map.of("url", "http://127.0.0.1:9/x", "events", List.of("camera.online"),
                "description", "d".repeat(500)));
        Api.Response r = api.postJson("/api/webhooks", body.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        SECRETS.add(r.json().path("secret").asText());
        assertThat(r.json().path("webhook").path("description").asText()).hasSize(500);
        assertThat(api.delete("/api/webhooks/" + r.json().path("webhook").path("id").asText()).status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------ 9

    @Test
    @Order(10)
    void noSecretIsInAnyAnswerOrInTheLog() {
        knownHookId(); // at least one endpoint to list
        assertThat(SECRETS).as("secrets collected by the tests before").hasSizeGreaterThanOrEqualTo(10);
        List<String> answers = new ArrayList<>();
        Api.Response list = api.get("/api/webhooks");
        assertThat(list.status()).isEqualTo(200);
        answers.add(list.body());
        for (JsonNode w : list.json().path("webhooks")) {
            assertThat(fieldNames(w)).doesNotContain("secret", "previous_secret");
            answers.add(api.get("/api/webhooks/" + w.path("id").asText()).body());
            answers.add(api.get("/api/webhooks/" + w.path("id").asText() + "/deliveries").body());
        }
        answers.add(api.get("/api/events?limit=500").body());
        String log = app.log();
        assertThat(log).as("the server log").isNotBlank().doesNotContain("whsec_");
        for (String secret : SECRETS) {
            String key = secret.substring("whsec_".length());
            for (String answer : answers) {
                assertThat(answer).doesNotContain(key);
            }
            assertThat(log).as("the server log").doesNotContain(key);
        }
        for (String answer : answers) {
            assertThat(answer).doesNotContain("whsec_");
        }
    }

    // ------------------------------------------------------------------------------------ helpers

    private static WebhookReceiver receiver(String name) {
        WebhookReceiver r = WebhookReceiver.start(name);
        RECEIVERS.add(r);
        return r;
    }

    private static Hook create(String url, String... events) {
        Api.Response r = api.postJson("/api/webhooks", body(url, events));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode answer = r.json();
        assertThat(answer.path("success").asBoolean()).isTrue();
        String secret = answer.path("secret").asText();
        SECRETS.add(secret);
        JsonNode webhook = answer.path("webhook");
        assertThat(webhook.path("url").asText()).isEqualTo(url);
        assertThat(fieldNames(webhook)).doesNotContain("secret", "previous_secret");
        return new Hook(webhook.path("id").asText(), secret, webhook);
    }

    private static synchronized String knownHookId() {
        if (knownHookId == null || api.get("/api/webhooks/" + knownHookId).status() != 200) {
            knownHookId = create("http://127.0.0.1:9/known", "camera.online").id();
        }
        return knownHookId;
    }

    private static String body(String url, String... events) {
        ObjectNode b = Api.JSON.createObjectNode().put("url", url);
        ArrayNode list = b.putArray("events");
        for (String e : events) {
            list.add(e);
        }
        return b.toString();
    }

    private static JsonNode sendTest(Hook hook) {
        Api.Response r = api.postJson("/api/webhooks/" + hook.id() + "/test", "");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().path("event_id").asText()).matches("evt_[A-Za-z0-9_-]{22}");
        assertThat(r.json().path("delivery_id").isIntegralNumber()).as(r.body()).isTrue();
        return r.json();
    }

    private static JsonNode webhook(Hook hook) {
        Api.Response r = api.get("/api/webhooks/" + hook.id());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("webhook");
    }

    private static List<JsonNode> deliveries(Hook hook, String status) {
        Api.Response r = api.get("/api/webhooks/" + hook.id() + "/deliveries?limit=500" + (status == null ? "" : "&status=" + status));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("webhook_id").asText()).isEqualTo(hook.id());
        List<JsonNode> out = new ArrayList<>();
        r.json().path("deliveries").forEach(out::add);
        return out;
    }

    /** The deliveries of these events (other events, e.g. of the demo camera, are not this test's business). */
    private static List<JsonNode> deliveriesOf(Hook hook, Set<String> eventIds) {
        return deliveries(hook, null).stream().filter(d -> eventIds.contains(d.path("event_id").asText())).toList();
    }

    private static JsonNode delivery(Hook hook, long id) {
        return deliveries(hook, null).stream().filter(d -> d.path("id").asLong() == id).findFirst()
                .orElseThrow(() -> new AssertionError("no delivery " + id + " of " + hook.id()));
    }

    private static boolean allFailed(Hook hook, Set<String> eventIds) {
        List<JsonNode> ds = deliveriesOf(hook, eventIds);
        Set<String> failed = ds.stream().filter(d -> d.path("status").asText().equals("failed"))
                .map(d -> d.path("event_id").asText()).collect(Collectors.toSet());
        return ds.size() == eventIds.size() && failed.equals(eventIds);
    }

    private static void assertFailedAfterSchedule(JsonNode d) {
        assertThat(d.path("status").asText()).as("%s", d).isEqualTo("failed");
        assertThat(d.path("attempt_count").asInt()).as("%s", d).isEqualTo(MAX_ATTEMPTS);
        assertThat(d.path("attempts")).as("%s", d).hasSize(MAX_ATTEMPTS);
        assertThat(d.path("next_attempt_at").isNull()).as("%s", d).isTrue();
        assertThat(d.path("last_error").asText()).as("%s", d).isNotBlank();
    }

    /** Each retry came after the attempt before it ended plus its wait (within the jitter). */
    private static void assertRetriesFollowTheSchedule(JsonNode d) {
        JsonNode attempts = d.path("attempts");
        for (int i = 1; i < attempts.size(); i++) {
            long previousEnd = Instant.parse(attempts.get(i - 1).path("attempted_at").asText()).toEpochMilli()
                    + attempts.get(i - 1).path("duration_ms").asLong();
            long start = Instant.parse(attempts.get(i).path("attempted_at").asText()).toEpochMilli();
            long wait = SCHEDULE_MS.get(i - 1);
            assertThat(start - previousEnd).as("wait before attempt %d of %s", i + 1, d)
                    .isGreaterThanOrEqualTo(Math.round(wait * (1 - JITTER)) - 10);
        }
    }

    /** Waits for one camera.offline event per camera; returns them by event id. */
    private static Map<String, JsonNode> awaitOfflineEvents(List<String> cameras) {
        Map<String, JsonNode> found = new java.util.concurrent.ConcurrentHashMap<>();
        Wait.until("camera.offline of " + cameras, WAIT, () -> {
            found.clear();
            for (JsonNode e : api.get("/api/events?type=camera.offline&limit=500").json().path("events")) {
                if (cameras.contains(e.path("data").path("camera_id").asText())) {
                    found.put(e.path("event_id").asText(), e);
                }
            }
            return found.size() >= cameras.size();
        });
        assertThat(found.values()).extracting(e -> e.path("data").path("camera_id").asText())
                .as("one camera.offline per camera").containsExactlyInAnyOrderElementsOf(cameras);
        return Map.copyOf(found);
    }

    private static void addUnreachableCamera(String id) {
        Api.Response r = api.addCamera(id, UNREACHABLE + id);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        CAMERAS.add(id);
    }

    private static void removeCameras() {
        for (String id : CAMERAS) {
            assertThat(api.delete("/api/stream/cameras/" + id).status()).isEqualTo(200);
        }
        CAMERAS.clear();
    }

    private static void assertVerifies(Request r, String secret) {
        try {
            new Webhook(secret).verify(r.body(), r.httpHeaders());
        } catch (WebhookVerificationException e) {
            throw new AssertionError("delivery " + r.header("webhook-id") + " does not verify with the endpoint's secret: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean verifies(Request r, String secret) {
        try {
            new Webhook(secret).verify(r.body(), r.httpHeaders());
            return true;
        } catch (WebhookVerificationException e) {
            return false;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Request withSignature(Request r, String signature) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(r.headers());
        headers.put("webhook-signature", List.of(signature));
        return new Request(r.receivedAtMillis(), r.method(), r.path(), headers, r.body());
    }

    private static void assertJsonError(Api.Response r) {
        assertThat(r.contentType()).as(r.body()).startsWith("application/json");
        JsonNode body = r.json();
        assertThat(body.path("success").isBoolean()).as(r.body()).isTrue();
        assertThat(body.path("success").asBoolean()).as(r.body()).isFalse();
        assertThat(body.path("error").asText()).as(r.body()).isNotBlank();
        assertThat(body.path("message").asText()).as(r.body()).isNotBlank();
    }

    private static Api.Response patch(String path, String json) {
        return api.send(withKey(path).header("Content-Type", "application/json").method("PATCH", BodyPublishers.ofString(json)).build());
    }

    private static HttpRequest.Builder withKey(String path) {
        return api.request(path).header("X-API-Key", LenswireProcess.API_KEY);
    }

    private static Case post(String name, int status, String path, String json) {
        return new Case(name, status, () -> jsonPost(path, json));
    }

    private static HttpRequest jsonPost(String path, String json) {
        return withKey(path).header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)).build();
    }

    private static String mediaType(String contentType) {
        return contentType == null ? null : contentType.split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
