package io.lenswire.events;

import java.io.IOException;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.lenswire.api.ApiException;
import io.lenswire.api.ApiKeys;
import io.lenswire.api.ApiResponses;

/**
 * {@code GET /api/events/stream}: Server-Sent Events, {@code id:} = event id, {@code event:} = type,
 * {@code data:} = the event JSON; with {@code Last-Event-ID} the stream first replays every stored
 * event after that one. Served here, before Spring MVC and Camel: a Camel exchange answers once,
 * and platform-http's {@code /api/events/{event_id}} route would take this path. The response is
 * asynchronous: no request thread is held while a stream is idle.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class EventStreamFilter extends OncePerRequestFilter {

    public static final String PATH = "/api/events/stream";
    private static final UrlPathHelper PATHS = new UrlPathHelper();

    private final ApiKeys apiKeys;
    private final EventStore store;
    private final EventHub hub;
    private final ObjectMapper json;

    public EventStreamFilter(ApiKeys apiKeys, EventStore store, EventHub hub, ObjectMapper json) {
        this.apiKeys = apiKeys;
        this.store = store;
        this.hub = hub;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !PATH.equals(PATHS.getPathWithinApplication(request));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException {
        try {
            if (!"GET".equals(request.getMethod())) {
                response.setHeader("Allow", "GET");
                throw new ApiException(405, "method_not_allowed", "Use GET for the event stream");
            }
            apiKeys.checkKey(request.getHeader(ApiKeys.HEADER));
            long after = resumeAfter(request.getHeader("Last-Event-ID"));
            open(request, response, after);
        } catch (ApiException e) {
            response.setStatus(e.status());
            response.setContentType("application/json");
            response.setHeader("Cache-Control", "no-store");
            json.writeValue(response.getOutputStream(), ApiResponses.errorBody(e.error(), e.getMessage()));
        }
    }

    private long resumeAfter(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return store.lastSeq();
        }
        String id = lastEventId.strip();
        if (!id.matches(EventsApi.EVENT_ID)) {
            throw ApiException.badRequest("Last-Event-ID is not an event id");
        }
        // an id the store no longer has (deleted by retention) resumes from now
        return store.seqOf(id).orElseGet(store::lastSeq);
    }

    private void open(HttpServletRequest request, HttpServletResponse response, long after) throws IOException {
        if (hub.readers() >= hub.maxReaders()) {
            throw new ApiException(503, "unavailable", "Too many open event streams; try again later");
        }
        response.setStatus(200);
        response.setContentType("text/event-stream;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // no timeout: the heartbeat finds readers that left
        SseResponse stream = new SseResponse(async, response.getOutputStream());
        // listening before the hub can write: the container's end of the response must never be missed
        async.addListener(stream);
        stream.comment("stream open");
        Runnable close = hub.open(after, stream);
        if (close == null) {
            stream.close();
            return;
        }
        stream.whenEnded(close);
    }
}
