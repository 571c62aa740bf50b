package io.lenswire.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;

import org.junit.jupiter.api.Test;

/**
 * The guard between the hub's writer threads and the container's end of a response. The container
 * side is played here by direct listener calls; EventStreamFilter's use of it under Tomcat, with
 * clients dropping streams while events flow, is WebhooksIT's.
 */
class SseResponseTest {

    private final FakeAsync async = new FakeAsync();
    private final FakeOutput out = new FakeOutput();
    private final SseResponse stream = new SseResponse(async, out);
    private final AtomicInteger ends = new AtomicInteger();

    private static StoredEvent event(String id) {
        return new StoredEvent(1, id, "webhook.test", null, null, 0, "{\"event_id\":\"" + id + "\"}");
    }

    @Test
    void writesEventsAndCommentsAsServerSentEvents() throws IOException {
        stream.comment("stream open");
        stream.event(event("evt_1"));
        stream.heartbeat();
        assertThat(out.text()).isEqualTo(": stream open\n\nid: evt_1\nevent: webhook.test\ndata: {\"event_id\":\"evt_1\"}\n\n"
                + ": heartbeat\n\n");
        assertThat(out.flushes).isEqualTo(3);
    }

    @Test
    void nothingIsWrittenOnceTheContainerHasEndedTheResponse() throws IOException {
        stream.whenEnded(ends::incrementAndGet);
        stream.event(event("evt_1"));
        int before = out.bytes.size();
        stream.onError(null);
        assertThatThrownBy(() -> stream.event(event("evt_2"))).isInstanceOf(IOException.class);
        assertThatThrownBy(stream::heartbeat).isInstanceOf(IOException.class);
        assertThat(out.bytes.size()).as("not a byte into a response the container may have handed on").isEqualTo(before);
        stream.close();
        assertThat(async.completes).as("the container completes a response it ended").isZero();
        stream.onComplete(null);
        assertThat(ends).as("the hub lets its reader go once").hasValue(1);
    }

    @Test
    void aWriteInProgressFinishesBeforeTheContainerEndsTheResponse() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        out.onWrite = () -> {
            writing.countDown();
            await(mayFinish);
        };
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
            try {
                stream.event(event("evt_1"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> containerEnds = CompletableFuture.runAsync(() -> stream.onError(null));
        Thread.sleep(200);
        assertThat(containerEnds).as("onError waits for the write in progress").isNotDone();
        out.onWrite = () -> { };
        mayFinish.countDown();
        write.get(5, TimeUnit.SECONDS);
        containerEnds.get(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> stream.event(event("evt_2"))).isInstanceOf(IOException.class);
    }

    @Test
    void aFailedWriteLeavesTheEndToTheContainer() {
        stream.whenEnded(ends::incrementAndGet);
        out.failWith = new IOException("Broken pipe");
        assertThatThrownBy(() -> stream.event(event("evt_1"))).hasMessage("Broken pipe");
        out.failWith = null;
        assertThatThrownBy(stream::heartbeat).as("unusable after a failed write").isInstanceOf(IOException.class);
        stream.close();
        assertThat(async.completes).isZero();
        assertThat(ends).hasValue(0);
        stream.onError(null);
        assertThat(ends).hasValue(1);
    }

    @Test
    void closingAHealthyStreamCompletesItOnce() {
        stream.close();
        stream.close();
        assertThat(async.completes).isEqualTo(1);
        stream.onComplete(null);
        stream.whenEnded(ends::incrementAndGet);
        assertThat(ends).as("an action set after the end runs at once").hasValue(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class FakeOutput extends ServletOutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile Runnable onWrite = () -> { };
        volatile IOException failWith;
        int flushes;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (failWith != null) {
                throw failWith;
            }
            onWrite.run();
            bytes.write(b, off, len);
        }

        @Override
        public void flush() {
            flushes++;
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            throw new UnsupportedOperationException();
        }
    }

    private static final class FakeAsync implements AsyncContext {
        int completes;

        @Override
        public void complete() {
            completes++;
        }

        @Override
        public ServletRequest getRequest() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ServletResponse getResponse() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return true;
        }

        @Override
        public void dispatch() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void dispatch(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void dispatch(ServletContext context, String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void start(Runnable run) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addListener(AsyncListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T extends AsyncListener> T createListener(Class<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setTimeout(long timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getTimeout() {
            return 0;
        }
    }
}
