package io.lenswire.webhooks;

import java.nio.ByteBuffer;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;

/** Keeps a receiver's status code and throws its body away: a receiver cannot make us buffer anything. */
final class StatusOnlyConsumer extends AbstractBinResponseConsumer<Integer> {

    private int status;

    @Override
    protected void start(HttpResponse response, ContentType contentType) {
        status = response.getCode();
    }

    @Override
    protected int capacityIncrement() {
        return 8192;
    }

    @Override
    protected void data(ByteBuffer src, boolean endOfStream) {
        src.position(src.limit());
    }

    @Override
    protected Integer buildResult() {
        return status;
    }

    @Override
    public void releaseResources() {
        // nothing held
    }
}
