package io.lenswire.ingest.rtsp;

import java.util.Arrays;

/**
 * Turns the RTP packets of one H.264 (RFC 6184) or H.265 (RFC 7798) stream back into access units
 * in Annex B form (each NAL unit behind a 4-byte start code), as libavformat's RTSP demuxer hands
 * them out. An access unit ends at the RTP marker bit, or when the timestamp changes.
 *
 * <p>Memory is bounded: an access unit larger than {@code maxBytes} is dropped whole, counted,
 * and never grows the buffer past that size. One owner thread.
 */
public final class RtpDepacketizer {

    public enum Codec { H264, H265 }

    /** A complete access unit. {@code timestamp} is the RTP timestamp, unwrapped to 64 bits. */
    public record AccessUnit(byte[] data, long timestamp, boolean keyFrame) {
    }

    /** Receives each completed access unit. */
    @FunctionalInterface
    public interface Sink {
        void accept(AccessUnit unit);
    }

    private static final byte[] START_CODE = {0, 0, 0, 1};
    private static final int INITIAL_CAPACITY = 64 * 1024;

    private final Codec codec;
    private final int payloadType;
    private final int maxBytes;

    private byte[] unit = new byte[INITIAL_CAPACITY];
    private int unitLength;
    private boolean unitKey;
    private boolean unitOversized;
    private boolean unitOpen;
    private long unitTimestamp;

    /** Inside a fragmented NAL unit whose start was seen and no packet since went missing. */
    private boolean fragmentOpen;
    private int expectedSequence = -1;
    private boolean haveTimestamp;
    private int lastRtpTimestamp;
    private long extendedTimestamp;

    private long oversizedDropped;
    private long malformed;
    private byte[] sps;
    private byte[] pps;
    private byte[] vps;

    public RtpDepacketizer(Codec codec, int payloadType, int maxBytes) {
        this.codec = codec;
        this.payloadType = payloadType;
        this.maxBytes = maxBytes > 0 ? maxBytes : 64 * 1024 * 1024;
    }

    /** Access units dropped for being larger than the limit. */
    public long oversizedDropped() {
        return oversizedDropped;
    }

    /** RTP packets that were not valid RTP or not a payload this depacketizer understands. */
    public long malformed() {
        return malformed;
    }

    /** The newest parameter sets seen in the stream (copies), or null. */
    public byte[] sps() { return sps; }
    public byte[] pps() { return pps; }
    public byte[] vps() { return vps; }

    /** One RTP packet as it came off the wire (header included). */
    public void push(byte[] buf, int off, int len, Sink sink) {
        if (len < 12 || (buf[off] & 0xC0) != 0x80) {
            malformed++;
            return;
        }
        int first = buf[off] & 0xFF;
        boolean padding = (first & 0x20) != 0;
        boolean extension = (first & 0x10) != 0;
        int csrcCount = first & 0x0F;
        boolean marker = (buf[off + 1] & 0x80) != 0;
        int pt = buf[off + 1] & 0x7F;
        if (pt != payloadType) {
            return; // another payload on the same channel (e.g. a comfort-noise type): not ours
        }
        int sequence = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
        int rtpTimestamp = ((buf[off + 4] & 0xFF) << 24) | ((buf[off + 5] & 0xFF) << 16) | ((buf[off + 6] & 0xFF) << 8) | (buf[off + 7] & 0xFF);
        int header = 12 + 4 * csrcCount;
        if (extension) {
            if (len < header + 4) {
                malformed++;
                return;
            }
            int words = ((buf[off + header + 2] & 0xFF) << 8) | (buf[off + header + 3] & 0xFF);
            header += 4 + 4 * words;
        }
        int end = len;
        if (padding) {
            end -= buf[off + len - 1] & 0xFF;
        }
        if (end <= header) {
            malformed++;
            return;
        }
        if (expectedSequence >= 0 && sequence != expectedSequence) {
            fragmentOpen = false; // a packet went missing: the NAL unit being reassembled is incomplete
        }
        expectedSequence = (sequence + 1) & 0xFFFF;

        long timestamp = extend(rtpTimestamp);
        if (unitOpen && timestamp != unitTimestamp) {
            finish(sink); // the camera did not set the marker on the previous unit's last packet
        }
        if (!unitOpen) {
            unitOpen = true;
            unitTimestamp = timestamp;
            unitLength = 0;
            unitKey = false;
            unitOversized = false;
        }
        if (codec == Codec.H264) {
            h264(buf, off + header, end - header);
        } else {
            h265(buf, off + header, end - header);
        }
        if (marker) {
            finish(sink);
        }
    }

    private long extend(int rtpTimestamp) {
        if (!haveTimestamp) {
            haveTimestamp = true;
            extendedTimestamp = rtpTimestamp & 0xFFFFFFFFL;
        } else {
            extendedTimestamp += rtpTimestamp - lastRtpTimestamp; // signed 32-bit difference: wraps cleanly
        }
        lastRtpTimestamp = rtpTimestamp;
        return extendedTimestamp;
    }

    private void h264(byte[] b, int off, int len) {
        int type = b[off] & 0x1F;
        if (type >= 1 && type <= 23) {
            nal(b, off, len);
        } else if (type == 24) { // STAP-A: 16-bit sizes, each followed by a NAL unit
            aggregate(b, off + 1, len - 1);
        } else if (type == 28) { // FU-A
            if (len < 3) {
                malformed++;
                return;
            }
            int fu = b[off + 1] & 0xFF;
            byte nalHeader = (byte) ((b[off] & 0xE0) | (fu & 0x1F));
            fragment(nalHeader, (byte) 0, 1, (fu & 0x80) != 0, b, off + 2, len - 2);
        } else {
            malformed++; // STAP-B, MTAP, FU-B: interleaved mode, which cameras do not use
        }
    }

    private void h265(byte[] b, int off, int len) {
        if (len < 3) {
            malformed++;
            return;
        }
        int type = (b[off] >> 1) & 0x3F;
        if (type < 48) {
            nal(b, off, len);
        } else if (type == 48) { // aggregation packet
            aggregate(b, off + 2, len - 2);
        } else if (type == 49) { // fragmentation unit
            int fu = b[off + 2] & 0xFF;
            byte h0 = (byte) ((b[off] & 0x81) | ((fu & 0x3F) << 1));
            fragment(h0, b[off + 1], 2, (fu & 0x80) != 0, b, off + 3, len - 3);
        } else {
            malformed++;
        }
    }

    private void aggregate(byte[] b, int off, int len) {
        int p = off;
        int end = off + len;
        while (p + 2 <= end) {
            int size = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
            p += 2;
            if (size == 0 || p + size > end) {
                malformed++;
                return;
            }
            nal(b, p, size);
            p += size;
        }
    }

    /** A fragment of a NAL unit; {@code headerLength} bytes of reconstructed header precede the first one. */
    private void fragment(byte h0, byte h1, int headerLength, boolean start, byte[] b, int off, int len) {
        if (start) {
            fragmentOpen = true;
            byte[] header = headerLength == 1 ? new byte[] {h0} : new byte[] {h0, h1};
            appendStartCode();
            append(header, 0, headerLength);
            noteType(h0, null, 0, 0);
        } else if (!fragmentOpen) {
            return; // its start was lost: the rest of this NAL unit is useless
        }
        append(b, off, len);
    }

    private void nal(byte[] b, int off, int len) {
        fragmentOpen = false;
        appendStartCode();
        append(b, off, len);
        noteType(b[off], b, off, len);
    }

    /** Key frames and parameter sets, from the NAL header's first byte; {@code whole} is the complete NAL unit when known. */
    private void noteType(byte header, byte[] whole, int off, int len) {
        if (codec == Codec.H264) {
            int type = header & 0x1F;
            if (type == 5) {
                unitKey = true;
            } else if (type == 7 && whole != null) {
                sps = Arrays.copyOfRange(whole, off, off + len);
            } else if (type == 8 && whole != null) {
                pps = Arrays.copyOfRange(whole, off, off + len);
            }
        } else {
            int type = (header >> 1) & 0x3F;
            if (type >= 16 && type <= 21) {
                unitKey = true;
            } else if (type == 32 && whole != null) {
                vps = Arrays.copyOfRange(whole, off, off + len);
            } else if (type == 33 && whole != null) {
                sps = Arrays.copyOfRange(whole, off, off + len);
            } else if (type == 34 && whole != null) {
                pps = Arrays.copyOfRange(whole, off, off + len);
            }
        }
    }

    private void appendStartCode() {
        append(START_CODE, 0, START_CODE.length);
    }

    private void append(byte[] b, int off, int len) {
        if (unitOversized) {
            return;
        }
        if ((long) unitLength + len > maxBytes) {
            unitOversized = true;
            return;
        }
        if (unitLength + len > unit.length) {
            unit = Arrays.copyOf(unit, (int) Math.min(maxBytes, Math.max((long) unit.length * 2, unitLength + len)));
        }
        System.arraycopy(b, off, unit, unitLength, len);
        unitLength += len;
    }

    private void finish(Sink sink) {
        unitOpen = false;
        fragmentOpen = false;
        if (unitOversized) {
            oversizedDropped++;
            return;
        }
        if (unitLength == 0) {
            return;
        }
        sink.accept(new AccessUnit(Arrays.copyOf(unit, unitLength), unitTimestamp, unitKey));
    }
}
