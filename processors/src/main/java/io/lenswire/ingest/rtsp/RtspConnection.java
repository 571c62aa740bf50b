package io.lenswire.ingest.rtsp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RTSP 1.0 over one TCP connection, with RTP interleaved in it (RFC 2326 section 10.12).
 *
 * <p>Why not libavformat's reader: it reads each interleaved packet with three or four socket
 * reads (the '$', the header, the payload), each a {@code poll} plus a {@code recv}. This reads
 * into one large buffer, so one {@code recv} brings everything the camera sent since the last one
 * (a whole frame's RTP packets, usually). Reads block (one system call each); deadlines are kept
 * by {@link SocketDeadlines}, which closes the socket when one passes.
 *
 * <p>One owner thread; {@link #close()} may come from another to unblock a read.
 */
public final class RtspConnection implements AutoCloseable {

    /** An answer of the camera; header names in lower case. */
    public record Response(int status, String reason, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public List<String> all(String name) {
            return headers.getOrDefault(name, List.of());
        }
    }

    /** Receives each interleaved frame; the bytes are valid only during the call. */
    @FunctionalInterface
    public interface FrameSink {
        void frame(int channel, byte[] buf, int off, int len);
    }

    private static final int BUFFER_BYTES = 256 * 1024;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_BODY_BYTES = 256 * 1024;
    private static final String USER_AGENT = "Lenswire";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final RtspAuth auth;
    private final SocketDeadlines.Watch watch;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int start;
    private int end;
    private int cseq;
    private long reads;

    /** @param watch the socket's deadline keeper; the connection sets its deadlines, its owner closes it */
    public RtspConnection(Socket socket, RtspAuth auth, SocketDeadlines.Watch watch) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.auth = auth;
        this.watch = watch;
    }

    /** Socket reads so far (for tests and benchmarks: the point of this class). */
    public long reads() {
        return reads;
    }

    /**
     * Until {@code nanos} (System.nanoTime()) every socket read waits at most until then, however
     * the camera trickles its bytes; 0: no deadline.
     */
    public void deadline(long nanos) {
        watch.until(nanos);
    }

    /** Sends a request and waits for its answer until {@code deadlineNanos}; answers one 401 with the credentials. */
    public Response request(String method, String url, Map<String, String> headers, long deadlineNanos) throws IOException {
        deadline(deadlineNanos);
        try {
            Response r = exchange(method, url, headers);
            if (r.status() == 401 && auth.challenge(r.all("www-authenticate"))) {
                r = exchange(method, url, headers);
            }
            return r;
        } finally {
            deadline(0);
        }
    }

    /** Sends a request without waiting for the answer (keep-alives while streaming; the answer is skipped by {@link #next}). */
    public void send(String method, String url, Map<String, String> headers) throws IOException {
        write(method, url, headers);
    }

    private Response exchange(String method, String url, Map<String, String> headers) throws IOException {
        int sent = write(method, url, headers);
        while (true) {
            Object message = readMessage(null);
            if (message instanceof Response r) {
                String c = r.header("cseq");
                if (c == null || c.strip().equals(Integer.toString(sent))) {
                    return r;
                }
            }
        }
    }

    private int write(String method, String url, Map<String, String> headers) throws IOException {
        int seq = ++cseq;
        StringBuilder sb = new StringBuilder(256).append(method).append(' ').append(url).append(" RTSP/1.0\r\n")
                .append("CSeq: ").append(seq).append("\r\n")
                .append("User-Agent: ").append(USER_AGENT).append("\r\n");
        String authorization = auth.authorization(method, url);
        if (authorization != null) {
            sb.append("Authorization: ").append(authorization).append("\r\n");
        }
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return seq;
    }

    /** Reads the next message: an interleaved frame goes to {@code sink}; answers and requests of the camera are skipped. */
    public void next(FrameSink sink) throws IOException {
        readMessage(sink);
    }

    /** A {@link Response}, or null after a frame or a skipped message. */
    private Object readMessage(FrameSink sink) throws IOException {
        ensure(1);
        byte b = buf[start];
        if (b == '$') {
            ensure(4);
            int channel = buf[start + 1] & 0xFF;
            int length = ((buf[start + 2] & 0xFF) << 8) | (buf[start + 3] & 0xFF);
            ensure(4 + length);
            int off = start + 4;
            start = off + length;
            if (sink != null) {
                sink.frame(channel, buf, off, length);
            }
            return null;
        }
        if (b < 'A' || b > 'Z') {
            start++; // not a message start: resynchronise on the next '$' or letter, as libavformat does
            return null;
        }
        return readTextMessage();
    }

    private Response readTextMessage() throws IOException {
        int headerEnd;
        int searched = start;
        while ((headerEnd = indexOfBlankLine(searched)) < 0) {
            if (end - start >= MAX_HEADER_BYTES) {
                throw new IOException("the camera sent an RTSP header over " + MAX_HEADER_BYTES + " bytes");
            }
            searched = Math.max(start, end - 3);
            ensure(end - start + 1);
        }
        String head = new String(buf, start, headerEnd - start, StandardCharsets.ISO_8859_1);
        start = headerEnd + 4;
        String[] lines = head.split("\r\n");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).strip());
            }
        }
        int length = 0;
        List<String> lengths = headers.get("content-length");
        if (lengths != null) {
            try {
                length = Integer.parseInt(lengths.get(0));
            } catch (NumberFormatException e) {
                throw new IOException("the camera sent a bad Content-Length");
            }
            if (length < 0 || length > MAX_BODY_BYTES) {
                throw new IOException("the camera sent a body of " + length + " bytes");
            }
        }
        ensure(length);
        byte[] body = java.util.Arrays.copyOfRange(buf, start, start + length);
        start += length;
        String[] status = lines[0].split(" ", 3);
        if (!status[0].startsWith("RTSP/")) {
            return null; // a request from the camera (e.g. its own keep-alive): nothing we must answer over TCP
        }
        if (status.length < 2) {
            throw new IOException("the camera sent a bad status line");
        }
        int code;
        try {
            code = Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            throw new IOException("the camera sent a bad status line");
        }
        return new Response(code, status.length > 2 ? status[2] : "", headers, body);
    }

    private int indexOfBlankLine(int from) {
        for (int i = from; i + 3 < end; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Makes at least {@code n} bytes available from {@code start}, reading as much as the socket has. */
    private void ensure(int n) throws IOException {
        if (end - start >= n) {
            return;
        }
        if (start + n > buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end - start < n) {
            if (watch.passed()) {
                throw new SocketTimeoutException("timed out (no answer)");
            }
            int got;
            try {
                got = in.read(buf, end, buf.length - end);
            } catch (SocketException e) {
                throw watch.failure(e, "timed out (no answer)");
            }
            reads++;
            if (got < 0) {
                throw new EOFException("the camera closed the connection");
            }
            end += got;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing left to do with it
        }
    }
}
