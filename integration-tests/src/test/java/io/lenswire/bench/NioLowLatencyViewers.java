package io.lenswire.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import io.lenswire.bench.ViewersBench.LowLatencyStats;
import io.lenswire.bench.ViewersBench.Stats;

/**
 * The LL-HLS viewers of {@link ViewersBench} ({@code --client nio}) on one thread: every viewer is
 * a kept-alive HTTP/1.1 connection driven by one selector, doing what the thread-per-viewer loop
 * does (plain playlist, then blocking reload for the preload-hinted part, that part, repeat).
 *
 * <p>Why: the benchmark's client shares the 2 cores with the server it measures. 500 threads over
 * {@code java.net.http.HttpClient} took more CPU than the server (110 % of a core against 66 %),
 * so its lag was mostly the client's. This client reads a response into one reused buffer and
 * keeps only playlists' text.
 *
 * <p>Timing as in the thread-per-viewer loop: t0 when the request is written, t1 when its whole
 * body is read. After {@code end} no new request is sent; answers in flight are still read (for
 * up to 10 s) so that a part's slowest answers are not left out of its lag.
 */
final class NioLowLatencyViewers {

    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private enum Kind { PLAIN, RELOAD, PART }

    private final InetSocketAddress address;
    private final String hostHeader;
    private final long partNanos;
    private final long end;
    private final LowLatencyStats st;
    private final List<Viewer> viewers = new ArrayList<>();
    private final PriorityQueue<Viewer> sleeping = new PriorityQueue<>((a, b) -> Long.compare(a.wakeAt, b.wakeAt));
    private final ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
    private Selector selector;
    private int inFlight;

    /** @param playlistUrls one per viewer, absolute, with their {@code ?token=}, all on one server */
    NioLowLatencyViewers(List<String> playlistUrls, long partMillis, long end, LowLatencyStats st) {
        URI first = URI.create(playlistUrls.get(0));
        this.address = new InetSocketAddress(first.getHost(), first.getPort());
        this.hostHeader = first.getHost() + ":" + first.getPort();
        this.partNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, partMillis));
        this.end = end;
        this.st = st;
        for (String url : playlistUrls) {
            URI u = URI.create(url);
            viewers.add(new Viewer(u.getRawPath(), "?" + u.getRawQuery()));
        }
    }

    /** Runs every viewer until {@code end} (and the answers then in flight); on the calling thread. */
    void run() {
        try (Selector s = Selector.open()) {
            selector = s;
            long now = System.nanoTime();
            for (Viewer v : viewers) {
                v.sleep(now + ThreadLocalRandom.current().nextLong(partNanos));
            }
            while (true) {
                now = System.nanoTime();
                if (now >= end && (inFlight == 0 || now >= end + GRACE_NANOS)) {
                    break;
                }
                while (!sleeping.isEmpty() && sleeping.peek().wakeAt <= now) {
                    sleeping.poll().next();
                }
                long until = sleeping.isEmpty() ? end + GRACE_NANOS : Math.min(sleeping.peek().wakeAt, end + GRACE_NANOS);
                s.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - now)));
                for (SelectionKey key : s.selectedKeys()) {
                    ((Viewer) key.attachment()).ready(key);
                }
                s.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new IllegalStateException("the viewers' selector failed", e);
        } finally {
            for (Viewer v : viewers) {
                v.disconnect();
            }
        }
    }

    private Stats stats(Kind kind) {
        return switch (kind) {
            case PLAIN -> st.plain;
            case RELOAD -> st.reload;
            case PART -> st.part;
        };
    }

    /** One viewer: its connection, the request in flight and the parse of its answer. */
    private final class Viewer {
        private final String playlistPath;
        private final String query;
        private final String base;
        private SocketChannel channel;
        private SelectionKey key;
        private ByteBuffer out;
        private long wakeAt;
        /** A request was sent and its answer is not read yet. */
        private boolean pending;
        /** The playlist the next blocking reload is computed from; null: ask for a plain playlist first. */
        private String lastPlaylist;

        private Kind kind;
        private long t0;
        private long hintMsn;
        private int hintPart;
        private final Response response = new Response();

        Viewer(String playlistPath, String query) {
            this.playlistPath = playlistPath;
            this.query = query;
            this.base = playlistPath.substring(0, playlistPath.lastIndexOf('/') + 1);
        }

        void sleep(long at) {
            wakeAt = at;
            sleeping.add(this);
        }

        /** Sends this viewer's next request, or stops it after the end. */
        void next() {
            if (System.nanoTime() >= end) {
                return;
            }
            if (lastPlaylist == null) {
                send(Kind.PLAIN, playlistPath + query);
                return;
            }
            Matcher hint = ViewersBench.HINT.matcher(lastPlaylist);
            if (!hint.find()) {
                st.reload.error("no preload hint in playlist");
                lastPlaylist = null;
                send(Kind.PLAIN, playlistPath + query);
                return;
            }
            hintMsn = Long.parseLong(hint.group(1));
            hintPart = Integer.parseInt(hint.group(2));
            send(Kind.RELOAD, playlistPath + query + "&_HLS_msn=" + hintMsn + "&_HLS_part=" + hintPart);
        }

        private void send(Kind what, String target) {
            kind = what;
            out = ByteBuffer.wrap(("GET " + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            response.reset(what != Kind.PART);
            pending = true;
            inFlight++;
            try {
                if (channel == null) {
                    channel = SocketChannel.open();
                    channel.configureBlocking(false);
                    channel.socket().setTcpNoDelay(true);
                    key = channel.register(selector, 0, this);
                    if (!channel.connect(address)) {
                        key.interestOps(SelectionKey.OP_CONNECT);
                        return;
                    }
                }
                write();
            } catch (IOException e) {
                failed(e);
            }
        }

        private void write() throws IOException {
            t0 = System.nanoTime();
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        void ready(SelectionKey k) {
            if (k != key) {
                return; // a key of a connection this viewer has already closed
            }
            try {
                if (k.isConnectable()) {
                    channel.finishConnect();
                    write();
                } else if (k.isWritable()) {
                    channel.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                } else if (k.isReadable()) {
                    read();
                }
            } catch (IOException | RuntimeException e) {
                failed(e);
            }
        }

        private void read() throws IOException {
            while (true) {
                in.clear();
                int n = channel.read(in);
                if (n < 0) {
                    throw new IOException("connection closed by the server");
                }
                if (n == 0) {
                    return;
                }
                in.flip();
                if (response.feed(in)) {
                    answered(System.nanoTime());
                    return;
                }
            }
        }

        private void answered(long t1) {
            pending = false;
            inFlight--;
            if (response.close) {
                disconnect();
            }
            Stats stats = stats(kind);
            if (response.status != 200) {
                stats.error("HTTP " + response.status);
                afterError();
                return;
            }
            stats.ok(t0, t1, (int) Math.min(Integer.MAX_VALUE, response.bodyBytes));
            switch (kind) {
                case PLAIN -> {
                    lastPlaylist = response.text();
                    next();
                }
                case RELOAD -> {
                    String answer = response.text();
                    String name = ViewersBench.answeredPart(answer, hintMsn, hintPart);
                    if (name == null) {
                        st.reload.error(ViewersBench.NO_ANSWERED_PART);
                        lastPlaylist = answer;
                        next();
                        return;
                    }
                    st.answered(name, t0, t1);
                    lastPlaylist = answer;
                    send(Kind.PART, base + name + query);
                }
                case PART -> next();
            }
        }

        private void failed(Exception e) {
            disconnect();
            if (!pending) {
                return; // the server closed a connection with nothing asked on it: the next request reconnects
            }
            pending = false;
            inFlight--;
            stats(kind).error(e.getClass().getSimpleName());
            afterError();
        }

        /** As the thread-per-viewer loop: a failed plain playlist waits a part; anything else starts again from one. */
        private void afterError() {
            Kind failedKind = kind;
            if (failedKind == Kind.PART) {
                next();
                return;
            }
            lastPlaylist = null;
            if (failedKind == Kind.PLAIN) {
                sleep(System.nanoTime() + partNanos);
            } else {
                next();
            }
        }

        void disconnect() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing a socket we are done with
                }
                channel = null;
                key = null;
            }
        }
    }

    /** An HTTP/1.1 response read as it comes: status, Content-Length or chunked body, Connection: close. */
    static final class Response {
        private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER, DONE }

        private final StringBuilder line = new StringBuilder(128);
        private final ByteArrayOutputStream text = new ByteArrayOutputStream(8192);
        private boolean keepText;
        private State state;
        int status;
        boolean close;
        private boolean chunked;
        private long remaining;
        long bodyBytes;
        private boolean firstLine;

        void reset(boolean keepBodyText) {
            keepText = keepBodyText;
            text.reset();
            line.setLength(0);
            state = State.HEAD;
            status = 0;
            close = false;
            chunked = false;
            remaining = -1;
            bodyBytes = 0;
            firstLine = true;
        }

        String text() {
            return text.toString(StandardCharsets.UTF_8);
        }

        /** Consumes what {@code b} holds of this response; true when the response is complete. */
        boolean feed(ByteBuffer b) throws IOException {
            while (b.hasRemaining() && state != State.DONE) {
                switch (state) {
                    case HEAD, CHUNK_SIZE, CHUNK_END, TRAILER -> {
                        if (readLine(b)) {
                            onLine(line.toString());
                            line.setLength(0);
                        }
                    }
                    case BODY, CHUNK_DATA -> {
                        int n = (int) Math.min(remaining, b.remaining());
                        if (keepText) {
                            for (int i = 0; i < n; i++) {
                                text.write(b.get());
                            }
                        } else {
                            b.position(b.position() + n);
                        }
                        bodyBytes += n;
                        remaining -= n;
                        if (remaining == 0) {
                            state = state == State.BODY ? State.DONE : State.CHUNK_END;
                        }
                    }
                    default -> throw new IllegalStateException(state.name());
                }
            }
            if (b.hasRemaining()) {
                throw new IOException("bytes after a complete response (pipelining was not asked for)");
            }
            return state == State.DONE;
        }

        private boolean readLine(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                char c = (char) (b.get() & 0xff);
                if (c == '\n') {
                    int last = line.length() - 1;
                    if (last >= 0 && line.charAt(last) == '\r') {
                        line.setLength(last);
                    }
                    return true;
                }
                if (line.length() > 8192) {
                    throw new IOException("an HTTP line of more than 8 KB");
                }
                line.append(c);
            }
            return false;
        }

        private void onLine(String l) throws IOException {
            switch (state) {
                case HEAD -> {
                    if (firstLine) {
                        firstLine = false;
                        String[] parts = l.split(" ", 3);
                        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                            throw new IOException("not an HTTP/1.x status line: " + l);
                        }
                        status = Integer.parseInt(parts[1]);
                        return;
                    }
                    if (l.isEmpty()) {
                        if (chunked) {
                            state = State.CHUNK_SIZE;
                        } else if (remaining > 0) {
                            state = State.BODY;
                        } else if (remaining == 0) {
                            state = State.DONE;
                        } else {
                            throw new IOException("a response with neither Content-Length nor chunked encoding");
                        }
                        return;
                    }
                    int colon = l.indexOf(':');
                    if (colon > 0) {
                        String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                        String value = l.substring(colon + 1).trim();
                        switch (name) {
                            case "content-length" -> remaining = Long.parseLong(value);
                            case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                            case "connection" -> close = value.equalsIgnoreCase("close");
                            default -> {
                                // other headers do not change how the body is read
                            }
                        }
                    }
                }
                case CHUNK_SIZE -> {
                    int semicolon = l.indexOf(';');
                    remaining = Long.parseLong((semicolon < 0 ? l : l.substring(0, semicolon)).trim(), 16);
                    state = remaining == 0 ? State.TRAILER : State.CHUNK_DATA;
                }
                case CHUNK_END -> state = State.CHUNK_SIZE;
                case TRAILER -> {
                    if (l.isEmpty()) {
                        state = State.DONE;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }
}
