package io.lenswire.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The benchmark client's response reader, fed the way a socket delivers: in pieces of any size. */
class NioResponseTest {

    private static boolean feedInPieces(NioLowLatencyViewers.Response r, String wire, int piece) throws IOException {
        byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
        boolean done = false;
        for (int at = 0; at < bytes.length; at += piece) {
            assertFalse(done, "complete before its last byte");
            done = r.feed(ByteBuffer.wrap(bytes, at, Math.min(piece, bytes.length - at)));
        }
        return done;
    }

    @Test
    void readsAContentLengthBodyInAnyPieces() throws IOException {
        String wire = "HTTP/1.1 200 \r\nContent-Type: application/vnd.apple.mpegurl\r\nContent-Length: 12\r\n\r\n#EXTM3U\nabcd";
        for (int piece : new int[] {1, 3, 7, wire.length()}) {
            NioLowLatencyViewers.Response r = new NioLowLatencyViewers.Response();
            r.reset(true);
            assertTrue(feedInPieces(r, wire, piece));
            assertEquals(200, r.status);
            assertEquals(12, r.bodyBytes);
            assertEquals("#EXTM3U\nabcd", r.text());
            assertFalse(r.close);
        }
    }

    @Test
    void readsAChunkedBodyAndConnectionClose() throws IOException {
        String wire = "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\n{\"a\":\r\n3;ext=1\r\n1}\n\r\n0\r\n\r\n";
        for (int piece : new int[] {1, 2, 5, wire.length()}) {
            NioLowLatencyViewers.Response r = new NioLowLatencyViewers.Response();
            r.reset(true);
            assertTrue(feedInPieces(r, wire, piece));
            assertEquals(503, r.status);
            assertEquals("{\"a\":1}\n", r.text());
            assertTrue(r.close);
        }
    }

    @Test
    void countsABinaryBodyWithoutKeepingIt() throws IOException {
        NioLowLatencyViewers.Response r = new NioLowLatencyViewers.Response();
        r.reset(false);
        assertTrue(feedInPieces(r, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n\u0001\u0002\u0003\u0004\u0005", 4));
        assertEquals(5, r.bodyBytes);
        assertEquals("", r.text());
    }

    @Test
    void refusesWhatItCannotFrame() {
        NioLowLatencyViewers.Response noLength = new NioLowLatencyViewers.Response();
        noLength.reset(true);
        assertThrows(IOException.class, () -> noLength.feed(ByteBuffer.wrap("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
        NioLowLatencyViewers.Response extra = new NioLowLatencyViewers.Response();
        extra.reset(true);
        assertThrows(IOException.class, () -> extra.feed(ByteBuffer.wrap(
                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP".getBytes(StandardCharsets.US_ASCII))));
        NioLowLatencyViewers.Response notHttp = new NioLowLatencyViewers.Response();
        notHttp.reset(true);
        assertThrows(IOException.class, () -> notHttp.feed(ByteBuffer.wrap("SSH-2.0\r\n".getBytes(StandardCharsets.US_ASCII))));
    }
}
