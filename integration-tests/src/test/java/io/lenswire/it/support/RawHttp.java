package io.lenswire.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * HTTP/1.1 over a plain socket, byte for byte as given: the request line and headers exactly as
 * written (paths no URI class would accept, repeated headers, a Content-Length that lies), the
 * body written by a thread of its own while the answer is read, so that a server that answers
 * before reading the body (as it should for a refused upload) is seen doing so.
 */
public final class RawHttp {

    /** Writes a request body; may stop early when the server has closed the connection. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;

        static Body of(byte[] bytes) {
            return out -> out.write(bytes);
        }

        Body NONE = out -> { };
    }

    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return Api.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text(), e);
            }
        }
    }

    private final int port;

    public RawHttp(int port) {
        this.port = port;
    }

    /** @param head request line and headers, each line without its CRLF; Host and Connection: close are added */
    public Response send(List<String> head, Body body) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(60_000);
            StringBuilder text = new StringBuilder();
            text.append(head.get(0)).append("\r\n").append("Host: 127.0.0.1:").append(port).append("\r\n");
            for (String line : head.subList(1, head.size())) {
                text.append(line).append("\r\n");
            }
            text.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread writer = new Thread(() -> {
                try {
                    body.writeTo(out);
                    out.flush();
                } catch (IOException e) {
                    // the server stopped reading and closed: what a refused upload should get
                }
            }, "raw-http-body");
            writer.setDaemon(true);
            writer.start();
            Response response = read(socket.getInputStream());
            writer.join(60_000);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Response read(InputStream in) throws IOException {
        String status = line(in);
        if (status == null || !status.startsWith("HTTP/1.1 ")) {
            throw new IOException("no HTTP answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.computeIfAbsent(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.substring(colon + 1).strip());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> length = headers.get("content-length");
        List<String> encoding = headers.get("transfer-encoding");
        try {
            if (length != null) {
                body.write(in.readNBytes(Integer.parseInt(length.get(0))));
            } else if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
                for (int size = Integer.parseInt(line(in).split(";")[0].strip(), 16); size > 0;
                        size = Integer.parseInt(line(in).split(";")[0].strip(), 16)) {
                    body.write(in.readNBytes(size));
                    line(in);
                }
            } else {
                body.write(in.readAllBytes());
            }
        } catch (IOException e) {
            // a reset after a complete JSON answer (the server closed on an unread upload) is fine
            if (body.size() == 0) {
                throw e;
            }
        }
        return new Response(code, headers, body.toByteArray());
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
