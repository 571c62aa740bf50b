package io.lenswire.analytics;

/**
 * Turns a detected face into a template vector and compares templates. Implementations are
 * thread-safe: one instance serves every camera and the enrollment API.
 */
public interface FaceRecognizer extends AutoCloseable {

    /** Short name shown in stats and health: {@code sface}, {@code mobilefacenet} or {@code builtin-lbp}. */
    String name();

    /** Similarity at or above which two templates are taken for the same person. */
    double threshold();

    /**
     * The face's template, or a rejection when the face is not fit for recognition (too small, too
     * blurry); a rejected face is never labelled.
     */
    Template embed(FaceImage image, DetectedFace face);

    /**
     * Similarity of two templates of this recognizer, higher is more alike: their dot product,
     * which every recognizer here makes meaningful by normalizing its templates (the cosine for
     * the unit-length embeddings of SFace and MobileFaceNet).
     */
    default double similarity(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }

    /** Scales an embedding to unit length in place, so that the dot product is the cosine. */
    static float[] unitLength(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        float inv = (float) (1 / Math.sqrt(Math.max(norm, 1e-12)));
        for (int i = 0; i < vector.length; i++) {
            vector[i] *= inv;
        }
        return vector;
    }

    @Override
    void close();

    /** A template, or why none could be made ({@code vector} null then). */
    record Template(float[] vector, String rejected, double sharpness) {

        public static Template of(float[] vector, double sharpness) {
            return new Template(vector, null, sharpness);
        }

        public static Template rejected(String reason, double sharpness) {
            return new Template(null, reason, sharpness);
        }

        public boolean usable() {
            return vector != null;
        }
    }
}
