package io.lenswire.webhooks;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.info.BuildProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Makes one webhook attempt: a signed POST, asynchronously, so that an endpoint that hangs holds no
 * thread, only its own concurrency slots, until the attempt timeout (a hard deadline over connect,
 * request and the whole answer). One I/O thread serves every attempt. Redirects are not followed;
 * the answer's body is read and thrown away. Addresses are checked at every connect through
 * {@link WebhookUrlPolicy} as the client's DNS resolver.
 */
@Component
public class WebhookSender implements DisposableBean {

    private final CloseableHttpAsyncClient client;
    private final ScheduledExecutorService deadlines;
    private final Clock clock;
    private final long timeoutMillis;

    public WebhookSender(WebhookProperties settings, WebhookUrlPolicy policy, Clock clock, ObjectProvider<BuildProperties> build) {
        this.clock = clock;
        this.timeoutMillis = settings.getAttemptTimeout().toMillis();
        BuildProperties info = build.getIfAvailable();
        String userAgent = "Lenswire-Webhooks/" + (info == null ? "dev" : info.getVersion());
        Timeout timeout = Timeout.ofMilliseconds(timeoutMillis);
        PoolingAsyncClientConnectionManager connections = PoolingAsyncClientConnectionManagerBuilder.create()
                .setDnsResolver(policy)
                .setMaxConnPerRoute(settings.getMaxConcurrencyPerEndpoint())
                .setMaxConnTotal(settings.getMaxConcurrencyPerEndpoint() * Math.max(1, settings.getMaxEndpoints()))
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout)
                        .setTimeToLive(TimeValue.ofMinutes(5)).build())
                .build();
        this.client = HttpAsyncClients.custom()
                .setConnectionManager(connections)
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).setSoTimeout(timeout).build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout).setConnectionRequestTimeout(timeout)
                        .setRedirectsEnabled(false).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent(userAgent)
                .setThreadFactory(r -> {
                    Thread t = new Thread(r, "webhook-io");
                    t.setDaemon(true);
                    return t;
                })
                .build();
        this.client.start();
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-deadlines");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the attempt; {@code done} gets its outcome on the client's I/O thread (must not block). */
    void send(Delivery delivery, String url, List<String> secrets, Consumer<WebhookOutbox.Outcome> done) {
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.millis() / 1000;
        SimpleHttpRequest request = SimpleRequestBuilder.post(url)
                .setBody(body, ContentType.APPLICATION_JSON)
                .addHeader("webhook-id", delivery.eventId())
                .addHeader("webhook-timestamp", Long.toString(timestamp))
                .addHeader("webhook-signature", WebhookSigner.signature(delivery.eventId(), timestamp, body, secrets))
                .build();
        long start = System.nanoTime();
        Future<Integer> attempt = client.execute(SimpleRequestProducer.create(request), new StatusOnlyConsumer(), new FutureCallback<>() {
            @Override
            public void completed(Integer status) {
                done.accept(new WebhookOutbox.Outcome(status, status >= 200 && status < 300 ? null : "HTTP " + status, elapsed(start)));
            }

            @Override
            public void failed(Exception e) {
                done.accept(new WebhookOutbox.Outcome(null, describe(e), elapsed(start)));
            }

            @Override
            public void cancelled() {
                done.accept(new WebhookOutbox.Outcome(null, "timed out after " + timeoutMillis + " ms", elapsed(start)));
            }
        });
        deadlines.schedule(() -> attempt.cancel(true), timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** The failure as a receiver's operator would want it, never with a secret (there is none in the URL). */
    private static String describe(Exception e) {
        String type = e.getClass().getSimpleName();
        String message = e.getMessage();
        return message == null ? type : type + ": " + message;
    }

    @Override
    public void destroy() {
        deadlines.shutdownNow();
        client.close(CloseMode.IMMEDIATE);
    }
}
