package io.lenswire.analytics;

/**
 * One face found by YuNet, in the coordinates of the image it is reported for: box, score and the
 * five landmarks (right eye, left eye, nose tip, right and left mouth corner, as YuNet orders them:
 * the first eye is the one on the image's left).
 */
public record DetectedFace(float x, float y, float width, float height, float score, float[] landmarks) {

    public DetectedFace {
        if (landmarks.length != 10) {
            throw new IllegalArgumentException("five landmarks expected");
        }
    }

    /** The same face in an image {@code sx} times wider and {@code sy} times taller. */
    public DetectedFace scaled(double sx, double sy) {
        float[] l = new float[10];
        for (int i = 0; i < 5; i++) {
            l[2 * i] = (float) (landmarks[2 * i] * sx);
            l[2 * i + 1] = (float) (landmarks[2 * i + 1] * sy);
        }
        return new DetectedFace((float) (x * sx), (float) (y * sy), (float) (width * sx), (float) (height * sy), score, l);
    }

    /** Distance between the eye centres in pixels: the face size that matters for recognition. */
    public double eyeDistance() {
        return Math.hypot(landmarks[2] - landmarks[0], landmarks[3] - landmarks[1]);
    }

    public double centerX() {
        return x + width / 2.0;
    }

    public double centerY() {
        return y + height / 2.0;
    }

    /** Intersection over union of the two boxes. */
    public double iou(DetectedFace o) {
        double ix = Math.max(0, Math.min(x + width, o.x + o.width) - Math.max(x, o.x));
        double iy = Math.max(0, Math.min(y + height, o.y + o.height) - Math.max(y, o.y));
        double inter = ix * iy;
        double union = (double) width * height + (double) o.width * o.height - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** YuNet's 15-float row: x, y, w, h, 5 landmark pairs, score (what FaceRecognizerSF.alignCrop wants). */
    public float[] toYunetRow() {
        float[] row = new float[15];
        row[0] = x;
        row[1] = y;
        row[2] = width;
        row[3] = height;
        System.arraycopy(landmarks, 0, row, 4, 10);
        row[14] = score;
        return row;
    }
}
